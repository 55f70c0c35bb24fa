/**
 * The reports' Vega-Lite specs made interactive (pure), for the dashboards and the interactive HTML report and
 * notebook pages: tooltips with formatted values (money as $1,234.56, margins as 12.3 %, counts with separators), and
 * a legend that highlights its series when clicked (shift-click adds one, a click elsewhere clears). The static
 * output (the PDF, `--static`) is drawn from the specs as they are.
 */
import type { TopLevelSpec } from 'vega-lite';
import { t, type Locale, type MessageKey } from '../i18n';

type Def = Record<string, unknown>;

export const money = new Set(['revenue', 'profit', 'value', 'total', 'unit_price', 'revenue_avg']);
export const fraction = new Set(['margin', 'share']);
export const counts = new Set(['units', 'lines', 'orders', 'customers', 'sales']);
/** The name of each field the charts draw, in the catalogs: what a tooltip and a data table call it. */
const fieldKeys: Record<string, MessageKey> = {
  date: 'chart.field.date',
  series: 'chart.field.series',
  value: 'chart.field.value',
  measure: 'chart.field.measure',
  branch: 'chart.field.branch',
  category: 'chart.field.category',
  sub_category: 'chart.field.subCategory',
  revenue: 'chart.field.revenue',
  revenue_avg: 'chart.field.revenueAverage',
  profit: 'chart.field.profit',
  margin: 'chart.field.margin',
  name: 'chart.field.name',
  product_id: 'chart.field.productId',
  units: 'chart.field.units',
  segment: 'chart.field.segment',
  customers: 'chart.field.customers',
  orders: 'chart.field.orders',
  band: 'chart.field.band',
  lines: 'chart.field.lines',
  share: 'chart.field.share',
  ship_mode: 'chart.field.shipMode',
  avg_lead_days: 'chart.field.leadDays',
  label: 'chart.field.label',
  kind: 'chart.field.kind',
  a: 'chart.field.a',
  b: 'chart.field.b',
  relevance: 'chart.field.relevance',
  hour: 'chart.field.hour',
  sales: 'chart.field.sales',
  // The notebooks' tables and charts name these too.
  month: 'chart.field.month',
  year: 'chart.field.year',
  scorer: 'chart.field.scorer',
  level: 'chart.field.level',
  from: 'chart.field.from',
  to: 'chart.field.to',
  confidence: 'chart.field.confidence',
  discount: 'chart.field.discount',
  rank: 'chart.field.rank',
  product: 'chart.field.product',
  quantity: 'chart.field.quantity',
  unit_price: 'chart.field.unitPrice',
  line_total: 'chart.field.lineTotal',
  similarity: 'chart.field.similarity',
  reason: 'chart.field.reason',
};

/** Whether the reports name `field` otherwise than by its key (a notebook's table heads it so). */
export const knownField = (field: string): boolean => field in fieldKeys;

/** A field's name for a reader: from the catalog, or the field itself with spaces for underscores. */
export const fieldTitle = (field: string, locale: Locale = 'en') => (fieldKeys[field] ? t(locale, fieldKeys[field]) : field.replace(/_/g, ' '));

/** The name a field shows in a tooltip, and the number format that fits what it measures. */
function tooltipDef(def: Def, temporalFormat: string | undefined, locale: Locale): Def {
  const field = typeof def.field === 'string' ? def.field : undefined;
  const out: Def = { ...def };
  if (field) out.title ??= fieldTitle(field, locale);
  if (field && money.has(field)) Object.assign(out, { type: 'quantitative', format: '$,.2f' });
  else if (field && fraction.has(field)) Object.assign(out, { type: 'quantitative', format: '.1%' });
  else if (field && counts.has(field)) Object.assign(out, { type: 'quantitative', format: ',d' });
  else if (field === 'relevance' && !def.bin) Object.assign(out, { type: 'quantitative', format: '.1f' });
  else if (field === 'r') Object.assign(out, { type: 'quantitative', format: '.2f' });
  else if (def.type === 'temporal' && temporalFormat) out.format = temporalFormat;
  else if (def.aggregate === 'count') Object.assign(out, { type: 'quantitative', format: ',d' });
  return out;
}

const kept = ['field', 'type', 'bin', 'aggregate', 'timeUnit', 'title'] as const;

/** A tooltip from the channels a chart draws, for specs that have none. */
function derivedTooltip(encodings: Def[]): Def[] {
  const seen = new Set<string>();
  const out: Def[] = [];
  for (const enc of encodings) {
    for (const ch of ['y', 'x', 'color', 'text']) {
      const d = enc[ch] as Def | undefined;
      if (!d || (!d.field && !d.aggregate)) continue;
      const id = String(d.field ?? d.aggregate);
      if (seen.has(id)) continue;
      seen.add(id);
      const def: Def = {};
      for (const k of kept) if (d[k] !== undefined && d[k] !== null) def[k] = d[k];
      out.push(def);
    }
  }
  // What is counted or measured reads best after what it belongs to.
  return [...out.filter((d) => !d.aggregate), ...out.filter((d) => d.aggregate)];
}

/** Pure: the spec with tooltips (titled in `locale`) and legend highlighting; the argument is not changed. */
export function interactiveSpec(spec: TopLevelSpec, locale: Locale = 'en'): TopLevelSpec {
  const s = structuredClone(spec) as unknown as Def;
  const enc = (s.encoding ?? {}) as Def;
  const layers = Array.isArray(s.layer) ? (s.layer as Def[]) : [];
  const data = s.data as { values?: unknown[] } | undefined;
  if (!s.mark && !layers.length) return spec;
  // A "no data" chart is a text mark with a message: nothing to hover.
  if (data?.values?.length === 1 && (data.values[0] as Def).message !== undefined) return spec;
  const x = enc.x as Def | undefined;
  const temporalFormat = x?.type === 'temporal' ? ((x.axis as Def | undefined)?.format as string | undefined) : undefined;
  const given = Array.isArray(enc.tooltip) ? (enc.tooltip as Def[]) : null;
  const tooltip = (given ?? derivedTooltip([enc, ...layers.map((l) => (l.encoding ?? {}) as Def)])).map((d) => tooltipDef(d, temporalFormat, locale));
  s.encoding = { ...enc, tooltip };

  const color = enc.color as Def | undefined;
  if (s.mark && color && typeof color.field === 'string' && color.type === 'nominal' && color.legend !== null) {
    s.params = [...((s.params as Def[] | undefined) ?? []), { name: 'highlight', select: { type: 'point', fields: [color.field] }, bind: 'legend' }];
    (s.encoding as Def).opacity = { condition: { param: 'highlight', value: 1, empty: true }, value: 0.15 };
  }
  return s as unknown as TopLevelSpec;
}

/** JSON safe inside a <script> element: no `</script>` or `<!--` can close it early. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * Vega numbers gradients and clip paths from a process-wide counter (`gradient_6`), so the same chart rendered
 * twice differs in bytes, and two charts of a page could clash once counters restart. Ids are renamed after the
 * figure, in order of appearance: the same chart gives the same SVG, and the ETag of an unchanged view holds
 * across restarts.
 */
export function stableIds(svg: string, prefix: string): string {
  const ids = [...new Set([...svg.matchAll(/\bid="((?:gradient|clip|pattern)_?\d+)"/g)].map((m) => m[1]!))];
  if (!ids.length) return svg;
  const names = new Map(ids.map((id, i) => [id, `${prefix}-${id.replace(/_?\d+$/, '')}-${i}`]));
  return svg.replace(/(id="|url\(#|href="#)((?:gradient|clip|pattern)_?\d+)(?=[")])/g, (all, lead: string, id: string) => (names.has(id) ? `${lead}${names.get(id)}` : all));
}
