/** Number formatting and escaping shared by the HTML, the PDF and the dashboards, in the reader's locale (`en` by default). */
import type { Kpi, KpiFormat } from './data';
import { formatsOf, t, utcMinuteIn, type Locale } from '../i18n';

/** One decimal, with thousands separators (+1,689.5 %, not +1689.5 %). */
export const oneDecimal = (x: number, locale: Locale = 'en') => formatsOf(locale).oneDecimal(x);

/**
 * How a number is shown, the same in every output: a KPI's format, or `days` (one decimal) and `ratio` (a score
 * that is not a share, such as NDCG or a similarity: three decimals, never a percentage).
 */
export type NumberFormat = KpiFormat | 'days' | 'ratio';

export function formatValue(v: number | null, f: NumberFormat, locale: Locale = 'en'): string {
  if (v === null || Number.isNaN(v)) return '–';
  const fmt = formatsOf(locale);
  if (f === 'money') return fmt.money(v);
  if (f === 'percent') return fmt.percent(v);
  if (f === 'days') return fmt.oneDecimal(v);
  if (f === 'ratio') return fmt.ratio(v);
  return fmt.count(v);
}

/** A time as a reader wants it: to the minute, in UTC (`2026-11-30 12:39 UTC`). */
export const utcMinute = (time: string | Date, locale: Locale = 'en') => utcMinuteIn(locale, time);

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

export function change(k: Pick<Kpi, 'value' | 'format'>, base: number | null, locale: Locale = 'en'): Change {
  const fmt = formatsOf(locale);
  if (k.value === null || base === null) return { text: t(locale, 'format.noData'), direction: 'none', unit: null, amount: null };
  if (k.format === 'percent') {
    const pts = (k.value - base) * 100;
    return { text: signed(pts, fmt.points(Math.abs(pts))), direction: Math.abs(pts) < 0.05 ? 'flat' : pts > 0 ? 'up' : 'down', unit: 'points', amount: pts };
  }
  if (k.format === 'count' && Math.abs(base) < smallCountBase) {
    const diff = k.value - base;
    const text = t(locale, 'format.fromBase', { difference: signed(diff, fmt.count(Math.abs(diff))), base: fmt.count(base) });
    return { text, direction: diff === 0 ? 'flat' : diff > 0 ? 'up' : 'down', unit: 'difference', amount: diff, base };
  }
  if (base === 0) return { text: k.value === 0 ? '0 %' : t(locale, 'format.new'), direction: k.value === 0 ? 'flat' : 'up', unit: null, amount: null };
  const rel = (k.value - base) / Math.abs(base);
  return { text: `${signed(rel, fmt.oneDecimal(Math.abs(rel * 100)))} %`, direction: Math.abs(rel) < 0.0005 ? 'flat' : rel > 0 ? 'up' : 'down', unit: 'relative', amount: rel };
}

/** The note for a period without sales, in the HTML, the PDF and the workbook alike. */
export const noSalesNote = (p: { from: string; to: string }, locale: Locale = 'en') => t(locale, 'report.noSales', { from: formatsOf(locale).day(p.from), to: formatsOf(locale).day(p.to) });

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

/** An ordinal in the reader's locale: `2nd`, `2.º`. */
export const ordinalIn = (locale: Locale, n: number) => (locale === 'es' ? `${n}.º` : ordinal(n));

/** A branch report's standing in words: "West · Los Angeles ranks 2nd of 4 branches with 31.4 % of revenue." */
export function standingText(branch: { name: string }, s: { rank: number; of: number; share: number | null }, locale: Locale = 'en'): string {
  const share = s.share === null ? 'none' : formatValue(s.share, 'percent', locale);
  return t(locale, 'report.standing', { branch: branch.name, rank: ordinalIn(locale, s.rank), count: s.of, share });
}
