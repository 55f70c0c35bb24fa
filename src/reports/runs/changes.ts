/**
 * "What changed" since the last report (pure): the headline figures that moved against the previous run of the same
 * job, and restatements: a period already reported whose figures are not what the reader was sent (late or corrected
 * orders), with both figures and how many orders changed.
 */
import { formatsOf, periodLabel, t, type Locale, type MessageKey } from '../../i18n';
import { change, formatValue } from '../format';
import type { KpiFormat } from '../data';
import { periodOfId } from '../period';
import type { HeadlineFigures } from './record';

/** A period's orders as a report saw them: each order's total and profit (e4 units), to count what changed later. */
export type PeriodDigest = Record<string, [number, number]>;

export interface ReportedFigures {
  period: { id: string; label: string };
  figures: HeadlineFigures;
  digest?: PeriodDigest | null;
}

export interface Restatement {
  period: { id: string; label: string };
  before: HeadlineFigures;
  after: HeadlineFigures;
  /** Orders added, removed or changed in the period; null when the earlier report kept no digest. */
  ordersChanged: number | null;
}

const formats: Record<keyof HeadlineFigures, KpiFormat> = { revenue: 'money', profit: 'money', margin: 'percent', orders: 'count' };
const order: (keyof HeadlineFigures)[] = ['revenue', 'profit', 'margin', 'orders'];
/** The figures' names in a sentence ("revenue", "ventas"). */
const figureNames = { revenue: 'changes.figure.revenue', profit: 'changes.figure.profit', margin: 'changes.figure.margin', orders: 'changes.figure.orders' } as const satisfies Record<keyof HeadlineFigures, MessageKey>;

/** A reported period's name in the reader's words; the label it was recorded with when its id is not a period's. */
const labelOf = (locale: Locale, p: { id: string; label: string }) => {
  const period = periodOfId(p.id);
  return period ? periodLabel(locale, period) : p.label;
};

/** Two values that show the same are the same: cents for money, a tenth of a point for a margin. */
function same(key: keyof HeadlineFigures, a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return formatValue(a, formats[key]) === formatValue(b, formats[key]);
}

/** A change as `change` words it, with two decimals under one per cent: a restatement is often that small (+0.12 %). */
function changeText(key: keyof HeadlineFigures, before: number | null, after: number | null, locale: Locale): string {
  const c = change({ value: after, format: formats[key] }, before, locale);
  if (c.unit !== 'relative' || c.amount === null || Math.abs(c.amount) >= 0.01) return c.text;
  return `${c.amount >= 0 ? '+' : '−'}${formatsOf(locale).hundredths(Math.abs(c.amount) * 100)} %`;
}

/** "revenue $79,411.97 → $83,829.32 (+5.6 %)" for each figure that moved. */
export function movedFigures(before: HeadlineFigures, after: HeadlineFigures, locale: Locale = 'en'): string[] {
  const show = (k: keyof HeadlineFigures, v: number | null) => formatValue(v, formats[k], locale);
  return order
    .filter((k) => !same(k, before[k], after[k]))
    .map((k) => t(locale, 'changes.moved', { figure: t(locale, figureNames[k]), before: show(k, before[k]), after: show(k, after[k]), change: changeText(k, before[k], after[k], locale) }));
}

/** Orders whose total or profit differ, or that one digest has and the other not. */
export function ordersChanged(before: PeriodDigest, after: PeriodDigest): number {
  let n = 0;
  for (const [id, v] of Object.entries(after)) {
    const b = before[id];
    if (!b || b[0] !== v[0] || b[1] !== v[1]) n++;
  }
  for (const id of Object.keys(before)) if (!(id in after)) n++;
  return n;
}

/** The restatement of a reported period, or null when what was reported still holds. */
export function restatementOf(reported: ReportedFigures, now: HeadlineFigures, nowDigest: PeriodDigest | null): Restatement | null {
  if (!movedFigures(reported.figures, now).length) return null;
  return { period: reported.period, before: reported.figures, after: now, ordersChanged: reported.digest && nowDigest ? ordersChanged(reported.digest, nowDigest) : null };
}

const capitalise = (s: string) => `${s[0]!.toLocaleUpperCase()}${s.slice(1)}`;

/** "December 2017 revenue restated: $83,829.32 → $83,929.32 (+0.1 %); 1 order changed." */
export function restatementLine(r: Restatement, locale: Locale = 'en'): string {
  const period = labelOf(locale, r.period);
  const orders = r.ordersChanged === null ? '' : t(locale, 'changes.ordersChanged', { count: r.ordersChanged, orders: formatsOf(locale).count(r.ordersChanged) });
  const changed = order.filter((k) => !same(k, r.before[k], r.after[k]));
  if (changed.length === 1) {
    const k = changed[0]!;
    const show = (v: number | null) => formatValue(v, formats[k], locale);
    return t(locale, 'changes.restatedOne', { period, figure: t(locale, figureNames[k]), before: show(r.before[k]), after: show(r.after[k]), change: changeText(k, r.before[k], r.after[k], locale), orders });
  }
  return t(locale, 'changes.restated', { period, moved: movedFigures(r.before, r.after, locale).join(', '), orders });
}

/**
 * The "what changed" lines of a report: restatements first (what the reader was told before is no longer true),
 * then the figures that moved against the previous report of the same job. The first report says there is nothing
 * to compare with.
 */
export function whatChangedLines(current: ReportedFigures, previous: ReportedFigures | null, restatements: readonly Restatement[], locale: Locale = 'en'): string[] {
  const lines = restatements.map((r) => restatementLine(r, locale));
  if (!previous) return [...lines, t(locale, 'changes.firstRun')];
  // A rerun of the same period that was restated: the restatement already names both figures.
  if (previous.period.id === current.period.id && restatements.some((r) => r.period.id === current.period.id)) return lines;
  const moved = movedFigures(previous.figures, current.figures, locale);
  const period = labelOf(locale, previous.period);
  const against = previous.period.id === current.period.id ? t(locale, 'changes.previousOfSame', { period }) : t(locale, 'changes.previousReport', { period });
  if (!moved.length) return [...lines, t(locale, 'changes.same', { against })];
  return [...lines, t(locale, 'changes.against', { against, moved: moved.join(', ') })].map(capitalise);
}
