/** Number formatting and escaping shared by the HTML, the PDF and the dashboards. */
import type { Kpi, KpiFormat } from './data';

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const tenths = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** One decimal, with thousands separators (+1,689.5 %, not +1689.5 %). */
export const oneDecimal = (x: number) => tenths.format(x);

const thousandths = new Intl.NumberFormat('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });

/**
 * How a number is shown, the same in every output: a KPI's format, or `days` (one decimal) and `ratio` (a score
 * that is not a share, such as NDCG or a similarity: three decimals, never a percentage).
 */
export type NumberFormat = KpiFormat | 'days' | 'ratio';

export function formatValue(v: number | null, f: NumberFormat): string {
  if (v === null || Number.isNaN(v)) return '–';
  if (f === 'money') return money.format(v);
  if (f === 'percent') return `${oneDecimal(v * 100)} %`;
  if (f === 'days') return oneDecimal(v);
  if (f === 'ratio') return thousandths.format(v);
  return count.format(v);
}

/** A time as a reader wants it: to the minute, in UTC (`2026-11-30 12:39 UTC`). */
export const utcMinute = (t: string | Date) => `${(typeof t === 'string' ? t : t.toISOString()).slice(0, 16).replace('T', ' ')} UTC`;

/** Below this base a count's change is told as a difference ("+5 (from 1)"), not as a percentage (+500.0 %). */
export const smallCountBase = 10;

/**
 * A change against a base, as every output shows it: relative for amounts and counts (`relative`, a ratio), in points
 * for percentages (`points`), as a difference for counts over a small base (`difference`). `amount` is the number
 * shown, for a workbook cell; null where the text is a word ("new", "no data").
 */
export interface Change {
  text: string;
  direction: 'up' | 'down' | 'flat' | 'none';
  unit: 'relative' | 'points' | 'difference' | null;
  amount: number | null;
  /** For a difference: the base it is counted from. */
  base?: number;
}

const signed = (x: number, text: string) => `${x >= 0 ? '+' : '−'}${text}`;

export function change(k: Pick<Kpi, 'value' | 'format'>, base: number | null): Change {
  if (k.value === null || base === null) return { text: 'no data', direction: 'none', unit: null, amount: null };
  if (k.format === 'percent') {
    const pts = (k.value - base) * 100;
    return { text: `${signed(pts, oneDecimal(Math.abs(pts)))} pts`, direction: Math.abs(pts) < 0.05 ? 'flat' : pts > 0 ? 'up' : 'down', unit: 'points', amount: pts };
  }
  if (k.format === 'count' && Math.abs(base) < smallCountBase) {
    const diff = k.value - base;
    return { text: `${signed(diff, count.format(Math.abs(diff)))} (from ${count.format(base)})`, direction: diff === 0 ? 'flat' : diff > 0 ? 'up' : 'down', unit: 'difference', amount: diff, base };
  }
  if (base === 0) return { text: k.value === 0 ? '0 %' : 'new', direction: k.value === 0 ? 'flat' : 'up', unit: null, amount: null };
  const rel = (k.value - base) / Math.abs(base);
  return { text: `${signed(rel, oneDecimal(Math.abs(rel * 100)))} %`, direction: Math.abs(rel) < 0.0005 ? 'flat' : rel > 0 ? 'up' : 'down', unit: 'relative', amount: rel };
}

/** The note for a period without sales, in the HTML, the PDF and the workbook alike. */
export const noSalesNote = (p: { from: string; to: string }) => `No sales between ${p.from} and ${p.to}.`;

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => entities[c]!);
}

/** A report's title: a branch report names its branch ("Executive sales report · West · Los Angeles"). */
export const reportTitle = (base: string, branch: { name: string } | null) => (branch ? `${base} · ${branch.name}` : base);

/** 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st… */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** A branch report's standing in words: "West · Los Angeles ranks 2nd of 4 branches with 31.4 % of revenue." */
export function standingText(branch: { name: string }, s: { rank: number; of: number; share: number | null }): string {
  const share = s.share === null ? '' : ` with ${formatValue(s.share, 'percent')} of revenue`;
  return `${branch.name} ranks ${ordinal(s.rank)} of ${s.of} ${s.of === 1 ? 'branch' : 'branches'}${share}.`;
}
