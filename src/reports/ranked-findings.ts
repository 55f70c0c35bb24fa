/**
 * The executive report's findings (pure): candidate sentences about the period, each weighed by the money it
 * moves, the heaviest first. The report's page 1, the workbook's summary and notebook 05 all show these.
 */
import { t, translator, type Locale, type MessageKey, type Translate } from '../i18n';
import type { ReportData } from './data';
import { formatValue, oneDecimal } from './format';
import type { Mover, Movers } from './movers';
import type { Period } from './period';

export type FindingKind = 'total' | 'mover' | 'loss' | 'discount' | 'concentration';

export interface Finding {
  /** Stable within a report: `profit-total`, `loss-branch-BR-EAST`, …; for tests and, later, for mails. */
  id: string;
  kind: FindingKind;
  /** Dollars the finding is about (a change, a loss, an excess share): what ranks it. */
  weight: number;
  /** One sentence, figures in `**bold**` (markdown). */
  text: string;
}

/** How many findings of each kind may be shown, and in all: a page-1 summary, not a list of everything. */
const perKind: Record<FindingKind, number> = { total: 1, mover: 2, loss: 3, discount: 1, concentration: 1 };
export const maxFindings = 6;
/** Below this base a change is told as counts ("6, up from 1"), not as a percentage (+500.0 %). */
export const smallBase = 10;

const pct = (x: number, locale: Locale = 'en') => `${oneDecimal(Math.abs(x) * 100, locale)} %`;
const signedPct = (x: number, locale: Locale) => `${x >= 0 ? '+' : '−'}${pct(x, locale)}`;

/** What the comparisons are against, in words. */
export const previousWords: Record<Period['kind'], string> = { month: 'the month before', quarter: 'the quarter before', year: 'the year before', range: 'the days before' };

type Base = 'previous' | 'lastYear';
const baseKeys = {
  bare: { month: 'findings.base.month', quarter: 'findings.base.quarter', year: 'findings.base.year', range: 'findings.base.range', lastYear: 'findings.base.lastYear' },
  against: { month: 'findings.against.month', quarter: 'findings.against.quarter', year: 'findings.against.year', range: 'findings.against.range', lastYear: 'findings.against.lastYear' },
} as const satisfies Record<string, Record<Period['kind'] | 'lastYear', MessageKey>>;
/** The base in words, alone ("the month before") or as a comparison ("against the month before", "frente al mes anterior"). */
const baseWords = (tr: Translate, p: Period, b: Base, form: keyof typeof baseKeys = 'bare') => tr(baseKeys[form][b === 'lastYear' ? 'lastYear' : p.kind]);

/** The comparison (previous period or a year before) that moved the figure most; null without any base. */
function largestChange(value: number, bases: Partial<Record<Base, number | null>>): { base: Base; from: number; delta: number } | null {
  const options = (Object.entries(bases) as [Base, number | null | undefined][])
    .filter((e): e is [Base, number] => typeof e[1] === 'number')
    .map(([base, from]) => ({ base, from, delta: value - from }));
  return options.sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta))[0] ?? null;
}

/**
 * A change in words: "rose **12.4 %**", or for a small base "rose to **6**, up from 1". Money bases below
 * `smallBase` dollars are as meaningless in per cent as counts are. `figure` chooses the Spanish verb's number
 * ("las ventas subieron", "el beneficio subió").
 */
export function changeWords(value: number, from: number, fmt: (v: number) => string, locale: Locale = 'en', figure: 'revenue' | 'profit' = 'profit'): string {
  const direction = value >= from ? 'up' : 'down';
  if (Math.abs(from) < smallBase || from < 0) return t(locale, 'findings.change.small', { direction, figure, value: fmt(value), from: fmt(from) });
  return t(locale, 'findings.change.relative', { direction, figure, percent: pct((value - from) / Math.abs(from), locale), value: fmt(value), from: fmt(from) });
}

/** The words and formats of one locale, as the finding builders use them. */
interface Words {
  locale: Locale;
  tr: Translate;
  money: (v: number) => string;
  percent: (v: number | null) => string;
}

/** Revenue and profit in one sentence, each against the base it moved most from; weighed by the larger move. */
function totalFindings(d: ReportData, w: Words): Finding[] {
  const parts: { weight: number; text: string }[] = [];
  for (const key of ['revenue', 'profit'] as const) {
    const k = d.kpis.find((x) => x.key === key);
    if (!k || k.value === null) continue;
    const c = largestChange(k.value, { previous: d.period.kind === 'year' ? null : k.previous, lastYear: k.lastYear });
    if (!c || c.delta === 0) continue;
    parts.push({ weight: Math.abs(c.delta), text: w.tr('findings.total', { figure: key, change: changeWords(k.value, c.from, w.money, w.locale, key), against: baseWords(w.tr, d.period, c.base, 'against') }) });
  }
  if (!parts.length) return [];
  const text = parts.map((p) => p.text).join('; ');
  return [{ id: 'totals', kind: 'total', weight: Math.max(...parts.map((p) => p.weight)), text: `${text[0]!.toLocaleUpperCase()}${text.slice(1)}.` }];
}

type Level = { list: keyof Movers; noun: string };
const levels: Level[] = [
  { list: 'branches', noun: 'branch' },
  { list: 'subCategories', noun: 'sub-category' },
];

/** A mover's largest change in profit (against the period before, or a year before). */
function profitChange(d: ReportData, m: Mover) {
  return largestChange(m.profit, { previous: d.period.kind === 'year' ? null : (m.previous?.profit ?? null), lastYear: m.lastYear?.profit ?? null });
}

const profitOrLoss = (w: Words, v: number) => w.tr('findings.profitOrLoss', { kind: v < 0 ? 'loss' : 'profit', amount: w.money(Math.abs(v)) });

/**
 * The branch and the sub-category whose profit moved most, in dollars. Those that lost money in the period are the
 * loss findings' (which say what they made before), not these.
 */
function moverFindings(d: ReportData, w: Words): Finding[] {
  const out: Finding[] = [];
  for (const { list, noun } of levels) {
    const top = d.movers[list]
      .filter((m) => m.profit >= 0)
      .map((m) => ({ m, c: profitChange(d, m) }))
      .filter((x): x is { m: Mover; c: NonNullable<typeof x.c> } => x.c !== null && x.c.delta !== 0)
      .sort((a, b) => Math.abs(b.c.delta) - Math.abs(a.c.delta))[0];
    if (!top) continue;
    const { m, c } = top;
    const direction = c.delta > 0 ? 'up' : 'down';
    // From (almost) nothing, "rose by $1,442.97 to $1,442.97" says it twice: say where it came from instead.
    const text =
      c.from >= smallBase
        ? w.tr('findings.mover', { name: m.name, direction, delta: w.money(Math.abs(c.delta)), percent: signedPct(c.delta / c.from, w.locale), against: baseWords(w.tr, d.period, c.base, 'against'), profit: w.money(m.profit) })
        : w.tr('findings.moverSmall', { name: m.name, direction, profit: w.money(m.profit), from: w.money(c.from), base: baseWords(w.tr, d.period, c.base) });
    out.push({ id: `mover-${noun}-${m.name}`, kind: 'mover', weight: Math.abs(c.delta), text });
  }
  return out;
}

/** A loss of a branch or sub-category, weighed by the loss or by how far its profit fell, whichever is more. */
function lossOf(d: ReportData, w: Words, list: keyof Movers, name: string, loss: number): { weight: number; before: string } {
  const m = d.movers[list].find((x) => x.name === name);
  const c = m ? profitChange(d, m) : null;
  if (!c) return { weight: loss, before: '' };
  return { weight: Math.max(loss, Math.abs(c.delta)), before: w.tr('findings.after', { result: profitOrLoss(w, c.from), base: baseWords(w.tr, d.period, c.base) }) };
}

/**
 * Loss-making branches, sub-categories (with their discount when it is high) and the worst product. A branch report
 * lists every branch only for its rank: the others' losses are not its findings.
 */
function lossFindings(d: ReportData, w: Words): Finding[] {
  const margin = (m: number | null) => (m === null ? '' : w.tr('findings.margin', { margin: w.percent(m) }));
  const branches = (d.branch ? [] : d.branches)
    .filter((b) => b.profit < 0)
    .map<Finding>((b) => {
      const { weight, before } = lossOf(d, w, 'branches', b.branch, -b.profit);
      return { id: `loss-branch-${b.branch}`, kind: 'loss', weight, text: w.tr('findings.loss.branch', { branch: b.branch, loss: w.money(-b.profit), revenue: w.money(b.revenue), margin: margin(b.margin), before }) };
    });
  const subs = d.categories
    .filter((c) => c.profit < 0)
    .map<Finding>((c) => {
      const discounted = c.avg_discount !== null && c.avg_discount >= 0.2;
      const why = discounted ? w.tr('findings.loss.discounted', { discount: w.percent(c.avg_discount) }) : margin(c.margin);
      const { weight, before } = lossOf(d, w, 'subCategories', c.sub_category, -c.profit);
      return { id: `loss-sub-category-${c.sub_category}`, kind: 'loss', weight, text: w.tr('findings.loss.subCategory', { subCategory: c.sub_category, category: c.category, loss: w.money(-c.profit), why, before }) };
    });
  const worst = d.bottomProducts.find((p) => p.profit < 0);
  const product: Finding[] = worst ? [{ id: `loss-product-${worst.product_id}`, kind: 'loss', weight: -worst.profit, text: w.tr('findings.loss.product', { product: worst.name, loss: w.money(-worst.profit), revenue: w.money(worst.revenue) }) }] : [];
  return [...branches, ...subs, ...product];
}

/** The discount bands that lose money, together: "lines discounted 21-30% or more lost $X". */
function discountFindings(d: ReportData, w: Words): Finding[] {
  const losing = d.discountBands.filter((b) => b.profit < 0);
  if (!losing.length) return [];
  const loss = -losing.reduce((s, b) => s + b.profit, 0);
  const lines = losing.reduce((s, b) => s + b.lines, 0);
  const first = d.discountBands.indexOf(losing[0]!);
  const fromThere = losing.length > 1 && losing.length === d.discountBands.length - first;
  const bands = fromThere ? w.tr('findings.discount.orMore', { band: losing[0]!.band }) : losing.map((b) => b.band).join(', ');
  const plain = d.discountBands.find((b) => b.band === '0%');
  const contrast = plain?.margin != null ? w.tr('findings.discount.contrast', { margin: w.percent(plain.margin) }) : '';
  return [{ id: 'discount-losses', kind: 'discount', weight: loss, text: w.tr('findings.discount', { bands, loss: w.money(loss), count: lines, lines: formatValue(lines, 'count', w.locale), contrast }) }];
}

/**
 * The branch that brought the largest share of revenue, when it is at least twice an even share (a dependence worth
 * a line); weighed by the revenue above that even share. Not in a branch report (its rank says its share).
 */
function concentrationFindings(d: ReportData, w: Words): Finding[] {
  if (d.branch) return [];
  const total = d.branches.reduce((s, b) => s + b.revenue, 0);
  const top = d.branches[0];
  if (!top || d.branches.length < 2 || total <= 0) return [];
  const share = top.revenue / total;
  const even = 1 / d.branches.length;
  if (share < even * 2) return [];
  return [{ id: `concentration-branch-${top.branch}`, kind: 'concentration', weight: (share - even) * total, text: w.tr('findings.concentration', { branch: top.branch, share: pct(share, w.locale), revenue: w.money(top.revenue), even: pct(even, w.locale) }) }];
}

/**
 * The findings to show: the heaviest of each kind first (a loss is not crowded out by two large moves), then the
 * heaviest of the rest, at most `perKind` of a kind and `max` in all; shown heaviest first.
 */
export function rankFindings(d: ReportData, max = maxFindings, locale: Locale = 'en'): Finding[] {
  if (d.empty) return [];
  const w: Words = { locale, tr: translator(locale), money: (v) => formatValue(v, 'money', locale), percent: (v) => formatValue(v, 'percent', locale) };
  const all = [...totalFindings(d, w), ...moverFindings(d, w), ...lossFindings(d, w), ...discountFindings(d, w), ...concentrationFindings(d, w)].sort((a, b) => b.weight - a.weight || a.id.localeCompare(b.id));
  const chosen = new Set<Finding>();
  const kinds = new Set<FindingKind>();
  for (const f of all) {
    if (chosen.size === max) break;
    if (kinds.has(f.kind)) continue;
    kinds.add(f.kind);
    chosen.add(f);
  }
  const used = (kind: FindingKind) => [...chosen].filter((f) => f.kind === kind).length;
  for (const f of all) {
    if (chosen.size === max) break;
    if (!chosen.has(f) && used(f.kind) < perKind[f.kind]) chosen.add(f);
  }
  return all.filter((f) => chosen.has(f));
}
