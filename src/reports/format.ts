/** Number formatting and escaping shared by the HTML, the PDF and the dashboards. */
import type { Kpi, KpiFormat } from './data';

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const tenths = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** One decimal, with thousands separators (+1,689.5 %, not +1689.5 %). */
export const oneDecimal = (x: number) => tenths.format(x);

export function formatValue(v: number | null, f: KpiFormat): string {
  if (v === null || Number.isNaN(v)) return '–';
  if (f === 'money') return money.format(v);
  if (f === 'percent') return `${oneDecimal(v * 100)} %`;
  return count.format(v);
}

/** A time as a reader wants it: to the minute, in UTC (`2026-11-30 12:39 UTC`). */
export const utcMinute = (t: string | Date) => `${(typeof t === 'string' ? t : t.toISOString()).slice(0, 16).replace('T', ' ')} UTC`;

/** Change against a base: relative for amounts and counts, in points for percentages. */
export function change(k: Pick<Kpi, 'value' | 'format'>, base: number | null): { text: string; direction: 'up' | 'down' | 'flat' | 'none' } {
  if (k.value === null || base === null) return { text: 'no data', direction: 'none' };
  if (k.format === 'percent') {
    const pts = (k.value - base) * 100;
    return { text: `${pts >= 0 ? '+' : '−'}${oneDecimal(Math.abs(pts))} pts`, direction: Math.abs(pts) < 0.05 ? 'flat' : pts > 0 ? 'up' : 'down' };
  }
  if (base === 0) return { text: k.value === 0 ? '0 %' : 'new', direction: k.value === 0 ? 'flat' : 'up' };
  const rel = (k.value - base) / Math.abs(base);
  return { text: `${rel >= 0 ? '+' : '−'}${oneDecimal(Math.abs(rel * 100))} %`, direction: Math.abs(rel) < 0.0005 ? 'flat' : rel > 0 ? 'up' : 'down' };
}

/** The note for a period without sales, in the HTML, the PDF and the workbook alike. */
export const noSalesNote = (p: { from: string; to: string }) => `No sales between ${p.from} and ${p.to}.`;

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => entities[c]!);
}
