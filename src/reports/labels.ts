/**
 * The report's names for things its data keys (KPIs, RFM segments, the source): the same in the HTML, the PDF, the
 * workbook and the mail, in the reader's locale. Branch, category, product, segment and ship-mode names are data
 * and are never translated.
 */
import { t, type Locale, type MessageKey } from '../i18n';
import type { Kpi } from './data';

const kpiNames: Record<string, MessageKey> = {
  revenue: 'report.kpi.revenue',
  profit: 'report.kpi.profit',
  margin: 'report.kpi.margin',
  orders: 'report.kpi.orders',
  aov: 'report.kpi.aov',
  units: 'report.kpi.units',
  active_customers: 'report.kpi.activeCustomers',
  new_customers: 'report.kpi.newCustomers',
};

/** A key figure's name ("Revenue", "Ventas"); a figure without a catalog name keeps its own label. */
export const kpiLabel = (k: Pick<Kpi, 'key' | 'label'>, locale: Locale = 'en') => (kpiNames[k.key] ? t(locale, kpiNames[k.key]!) : k.label);

const rfmNames: Record<string, MessageKey> = {
  Champions: 'report.rfm.segment.champions',
  Loyal: 'report.rfm.segment.loyal',
  New: 'report.rfm.segment.new',
  'Potential loyalists': 'report.rfm.segment.potentialLoyalists',
  'At risk': 'report.rfm.segment.atRisk',
  Hibernating: 'report.rfm.segment.hibernating',
  'Needs attention': 'report.rfm.segment.needsAttention',
};

/** An RFM segment's name (the warehouse's rule names are ours, not data): "At risk", "En riesgo". */
export const rfmSegmentName = (segment: string, locale: Locale = 'en') => (rfmNames[segment] ? t(locale, rfmNames[segment]!) : segment);

/** The rows of an RFM table with their segments named in `locale`. */
export const namedRfmRows = <T extends { segment: string }>(rows: readonly T[], locale: Locale): T[] => (locale === 'en' ? [...rows] : rows.map((r) => ({ ...r, segment: rfmSegmentName(r.segment, locale) })));
