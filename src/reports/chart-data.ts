/**
 * A chart's data as a table (pure): the text alternative of a chart, for a reader who cannot see it (a screen
 * reader, a printout in black and white). Read from the Vega-Lite spec itself, so any chart has one: the rows it
 * draws, the columns its tooltip names (the fields a chart folds or counts are listed as the rows hold them).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { NumberFormat } from './format';
import type { Locale } from '../i18n';
import { counts, fieldTitle, fraction, interactiveSpec, money } from './interactive-spec';

type Def = Record<string, unknown>;
type Row = Record<string, unknown>;

export interface DataColumn {
  field: string;
  /** The header, as the tooltip titles the field. */
  title: string;
  /** How a value of the column reads: `number` is a plain number with up to two decimals, `day` an ISO date. */
  format: NumberFormat | 'number' | 'day' | 'text';
}

export interface DataTable {
  /** The view's own title, for a chart of several views; null for a single one (the chart's title says it). */
  title: string | null;
  columns: DataColumn[];
  rows: Row[];
}

/** A chart's title as text, whatever form the spec gives it in (a string, lines, `{ text }`); '' without one. */
export function specTitle(spec: unknown): string {
  const t = (spec as Def).title;
  const text = t && typeof t === 'object' && !Array.isArray(t) ? (t as Def).text : t;
  return Array.isArray(text) ? text.join(' ') : typeof text === 'string' ? text : '';
}

/** The views of a spec that hold their rows (a concatenation has several; a layer or facet shares its parent's). */
function dataViews(spec: Def): Def[] {
  const parts = ['hconcat', 'vconcat', 'concat'].flatMap((k) => (Array.isArray(spec[k]) ? (spec[k] as Def[]) : []));
  if (parts.length) return parts.flatMap(dataViews);
  const values = (spec.data as { values?: unknown } | undefined)?.values;
  if (!Array.isArray(values) || !values.length) return [];
  // A "no data" panel's one row is its message.
  if (values.length === 1 && (values[0] as Row).message !== undefined) return [];
  return [spec];
}

const shown = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

const isoDay = /^\d{4}-\d{2}-\d{2}$/;

function columnFormat(field: string, rows: readonly Row[]): DataColumn['format'] {
  if (rows.every((r) => r[field] === null || (typeof r[field] === 'string' && isoDay.test(r[field] as string)))) return 'day';
  if (!rows.some((r) => typeof r[field] === 'number')) return 'text';
  if (money.has(field)) return 'money';
  if (fraction.has(field)) return 'percent';
  if (counts.has(field)) return 'count';
  if (field.endsWith('_days')) return 'days';
  if (field === 'r' || field === 'similarity') return 'ratio';
  return 'number';
}

function viewTable(view: Def, single: boolean, locale: Locale): DataTable {
  const rows = ((view.data as { values: unknown[] }).values as Row[]).filter((r) => r && typeof r === 'object');
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => rows.every((r) => shown(r[k])));
  const tip = view.mark || view.layer ? ((interactiveSpec(view as unknown as TopLevelSpec, locale) as unknown as Def).encoding as Def | undefined)?.tooltip : undefined;
  const tipDefs = (Array.isArray(tip) ? (tip as Def[]) : []).filter((d) => typeof d.field === 'string');
  const named = tipDefs.filter((d) => keys.includes(d.field as string));
  // A tooltip field the rows do not hold was computed by the chart (a fold's `value`, a count): the rows' own
  // fields say the same, one column each.
  const computed = tipDefs.length > named.length || !tipDefs.length;
  const fields = [...named.map((d) => d.field as string), ...(computed ? keys.filter((k) => !named.some((d) => d.field === k)) : [])];
  const titleFor = (f: string) => {
    const t = named.find((d) => d.field === f)?.title;
    return typeof t === 'string' ? t : fieldTitle(f, locale);
  };
  return { title: single ? null : specTitle(view) || null, columns: fields.map((field) => ({ field, title: titleFor(field), format: columnFormat(field, rows) })), rows };
}

/** The tables of a chart: one per view that holds rows (none for a chart without data), headed in `locale`. */
export function chartTables(spec: TopLevelSpec, locale: Locale = 'en'): DataTable[] {
  const views = dataViews(spec as unknown as Def);
  return views.map((v) => viewTable(v, views.length === 1, locale));
}
