/**
 * Findings in words, computed from the figures (pure): the sentences a notebook report shows as markdown ("West sold
 * 12.4 % more than a year before"), so no number in a report's text is ever typed by hand.
 */
import type { Evaluation } from '../pipeline/reco/evaluate';
import { quantiles } from '../pipeline/warehouse/stats';
import { toUnits } from '../pipeline/core/money';
import type { BranchReview } from './branch';
import type { Kpi, ReportData } from './data';
import { formatValue, oneDecimal } from './format';
import { monthNames, type Period } from './period';
import { rankFindings } from './ranked-findings';
import type { DiscountBandRow } from './source-profile';

const pct = (x: number) => `${oneDecimal(Math.abs(x) * 100)} %`;

/** "12.4 % more than a year before", "3.0 % less than …", "as much as …"; null without a base to compare with. */
export function comparedWith(value: number | null, base: number | null, what: string): string | null {
  if (value === null || base === null || base === 0) return null;
  const rel = (value - base) / Math.abs(base);
  if (Math.abs(rel) < 0.0005) return `as much as ${what}`;
  return `${pct(rel)} ${rel > 0 ? 'more' : 'less'} than ${what}`;
}

const ordinal = (n: number) => `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
const kpi = (kpis: readonly Kpi[], key: string) => kpis.find((k) => k.key === key);
const money = (v: number | null) => formatValue(v, 'money');
const percent = (v: number | null) => formatValue(v, 'percent');
const count = (v: number) => formatValue(v, 'count');
/** "a", "a and b", "a, b and c". */
const listed = (items: readonly string[]) => (items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);
const bullets = (lines: (string | null | false | undefined)[]) => lines.filter((l): l is string => Boolean(l)).map((l) => `- ${l}`).join('\n');

const before: Record<Period['kind'], string> = { month: 'the month before', quarter: 'the quarter before', year: 'the year before', range: 'the days before' };

function revenueSentence(subject: string, kpis: readonly Kpi[], p: Period): string {
  const r = kpi(kpis, 'revenue')!;
  const cmp = [comparedWith(r.value, r.lastYear, 'a year before'), p.kind !== 'year' && comparedWith(r.value, r.previous, before[p.kind])].filter(Boolean);
  return `${subject} sold **${money(r.value)}** in ${p.label}${cmp.length ? `, ${cmp.join(' and ')}` : ''}.`;
}

/** The executive report's findings (`rankFindings`), as the markdown bullets a notebook shows. */
export function executiveFindings(d: ReportData): string {
  if (d.empty) return `No sales in ${d.period.label}: every figure is zero.`;
  return bullets(rankFindings(d).map((f) => f.text));
}

/** A branch manager's findings: sales against a year before and last period, rank, share, margin, categories. */
export function branchFindings(r: BranchReview): string {
  const name = r.branch.name;
  if (r.empty) return `${name} has no sales in ${r.period.label}.`;
  const rank = r.ranking.findIndex((b) => b.id === r.branch.id) + 1;
  const mine = r.ranking[rank - 1]!;
  const margin = kpi(r.kpis, 'margin')!;
  const subs = r.categories.filter((c) => c.revenue > 0);
  const best = [...subs].sort((a, b) => b.revenue - a.revenue)[0];
  const loss = [...subs].sort((a, b) => a.profit - b.profit)[0];
  const vsCompany = margin.value !== null && r.company.margin !== null ? (margin.value >= r.company.margin ? 'above' : 'below') : null;
  return bullets([
    revenueSentence(name, r.kpis, r.period),
    `It ranks **${ordinal(rank)} of ${r.ranking.length}** branches, with ${pct(r.company.revenue ? mine.revenue / r.company.revenue : 0)} of the company's revenue.`,
    margin.value !== null && `Its margin was **${percent(margin.value)}**${vsCompany ? `, ${vsCompany} the company's ${percent(r.company.margin)}` : ''}.`,
    best && `Best-selling sub-category: ${best.sub_category} (${money(best.revenue)}).`,
    loss && loss.profit < 0 && `${loss.sub_category} lost ${money(-loss.profit)}: look at its discounts (average ${percent(loss.avg_discount)}).`,
  ]);
}

/** "In 2017, West · Los Angeles sold $250,128.36, 12.4 % more than in 2016." */
export function yearFinding(subject: string, year: number, revenue: number, previousYear: number): string {
  const cmp = comparedWith(revenue, previousYear, `in ${year - 1}`);
  return `In ${year}, ${subject} sold **${money(revenue)}**${cmp ? `, ${cmp}` : ''}.`;
}

/** The strongest correlations of a matrix, in words: "sales and profit move together (r = 0.48)". */
export function correlationFindings(fields: readonly string[], matrix: readonly { field: string; values: (number | null)[] }[], count = 2): string {
  const pairs = matrix.flatMap((row, i) => row.values.flatMap((r, j) => (j > i && r !== null ? [{ a: row.field, b: fields[j]!, r }] : [])));
  const strongest = pairs.sort((x, y) => Math.abs(y.r) - Math.abs(x.r)).slice(0, count);
  if (!strongest.length) return 'No correlation could be computed (too few lines).';
  return bullets(strongest.map((p) => `${p.a} and ${p.b} ${p.r >= 0 ? 'move together' : 'move against each other'} (r = ${p.r.toFixed(2)}).`));
}

/** The source in one sentence: how many lines, orders, customers and products, over which days, and what was refused. */
export function sourceFinding(s: { lines: number; orders: number; customers: number; products: number; from: string | null; to: string | null; rejected: number }): string {
  if (!s.lines) return `The source has no valid order lines${s.rejected ? ` (${count(s.rejected)} rows rejected)` : ''}.`;
  return `**${count(s.lines)}** order lines in ${count(s.orders)} orders, from ${s.from} to ${s.to}, by ${count(s.customers)} customers, of ${count(s.products)} products; ${s.rejected ? `**${count(s.rejected)}** rows rejected` : 'no row rejected'}.`;
}

/**
 * How skewed the line values are: the median and the 9th decile, and what the largest 1 % of the lines (at least
 * one) brings and their most common sub-categories.
 */
export function lineValueFinding(lines: readonly { line_total: number; sub_category: string }[]): string {
  if (!lines.length) return 'No order lines.';
  const h = new Map<number, number>();
  for (const l of lines) h.set(l.line_total, (h.get(l.line_total) ?? 0) + 1);
  const [median = null, p90 = null] = quantiles(h, [0.5, 0.9]);
  const sorted = [...lines].sort((a, b) => b.line_total - a.line_total);
  const top = sorted.slice(0, Math.max(1, Math.round(lines.length / 100)));
  const sum = (ls: readonly { line_total: number }[]) => ls.reduce((s, l) => s + toUnits(l.line_total), 0);
  const total = sum(lines);
  const subs = new Map<string, number>();
  for (const l of top) subs.set(l.sub_category, (subs.get(l.sub_category) ?? 0) + 1);
  const most = [...subs].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 3).map(([s, n]) => `${s} (${count(n)})`);
  return bullets([
    `Half the lines are worth less than **${money(median)}**, nine in ten less than ${money(p90)}.`,
    `The largest ${top.length === 1 ? 'line' : `${count(top.length)} lines`} (${money(top[top.length - 1]!.line_total)} to ${money(top[0]!.line_total)}) bring **${total ? pct(sum(top) / total) : '0.0 %'}** of the revenue; ${top.length === 1 ? 'it is' : 'the most common:'} ${listed(most)}.`,
  ]);
}

/**
 * Which discount bands lose money: "21-30% or more" when the losing bands are the highest ones, else each by name,
 * with the share of their lines that lose money and the margin without discount.
 */
export function discountFinding(bands: readonly DiscountBandRow[]): string {
  if (!bands.length) return 'No order lines.';
  const losing = bands.filter((b) => b.margin !== null && b.margin < 0);
  const none = bands.find((b) => b.band === '0%');
  const noDiscount = none && none.margin !== null && `Lines without a discount earn a margin of **${percent(none.margin)}**.`;
  if (!losing.length) {
    const worst = [...bands].filter((b) => b.margin !== null).sort((a, b) => a.margin! - b.margin!)[0];
    return bullets([`No discount band loses money overall${worst ? `; the lowest margin is ${percent(worst.margin)} (${worst.band})` : ''}.`, noDiscount]);
  }
  const first = bands.indexOf(losing[0]!);
  const top = losing.length === bands.length - first;
  const lines = losing.reduce((s, b) => s + b.lines, 0);
  const lossLines = losing.reduce((s, b) => s + b.loss_lines, 0);
  const margins = losing.map((b) => b.margin!);
  const range = losing.length === 1 ? percent(margins[0]!) : `${percent(Math.max(...margins))} to ${percent(Math.min(...margins))}`;
  const which = top && losing.length > 1 ? `discounted **${losing[0]!.band}** or more` : `discounted **${listed(losing.map((b) => b.band))}**`;
  return bullets([
    `Lines ${which} lose money (margin ${range}): **${pct(lossLines / lines)}** of those ${count(lines)} lines make a loss.`,
    noDiscount,
  ]);
}

/**
 * The seasons and the years from monthly revenue: the three busiest months of the year and the quietest, by their
 * share of revenue over the complete years (every year when none is complete), and each year against the one before.
 */
export function seasonalityFinding(monthly: readonly { month: string; revenue: number }[]): string {
  if (!monthly.length) return 'No order lines.';
  const byYear = new Map<string, { revenue: number; months: number }>();
  for (const m of monthly) {
    const y = byYear.get(m.month.slice(0, 4)) ?? { revenue: 0, months: 0 };
    y.revenue += m.revenue;
    y.months++;
    byYear.set(m.month.slice(0, 4), y);
  }
  const complete = new Set([...byYear].filter(([, y]) => y.months === 12).map(([y]) => y));
  const counted = complete.size ? monthly.filter((m) => complete.has(m.month.slice(0, 4))) : monthly;
  const ofMonth = new Map<number, number>();
  for (const m of counted) ofMonth.set(Number(m.month.slice(5, 7)), (ofMonth.get(Number(m.month.slice(5, 7))) ?? 0) + m.revenue);
  const total = [...ofMonth.values()].reduce((s, v) => s + v, 0);
  const ranked = [...ofMonth].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const busiest = ranked.slice(0, 3).sort((a, b) => a[0] - b[0]);
  const quietest = ranked[ranked.length - 1]!;
  const over = complete.size ? `over the ${complete.size === 1 ? 'complete year' : `${count(complete.size)} complete years`}` : 'over the months there are';
  const years = [...byYear].sort(([a], [b]) => a.localeCompare(b));
  const yearTexts = years.map(([y, v], i) => {
    const prev = years[i - 1];
    const cmp = prev && complete.has(y) && complete.has(prev[0]) ? comparedWith(v.revenue, prev[1].revenue, prev[0]) : null;
    return `${y} ${money(v.revenue)}${v.months < 12 ? ` (${v.months === 1 ? '1 month' : `${v.months} months`})` : ''}${cmp ? `, ${cmp}` : ''}`;
  });
  return bullets([
    total > 0 && ranked.length > 3 && `The busiest months are **${listed(busiest.map(([m]) => monthNames[m - 1]!))}** (${pct(busiest.reduce((s, [, v]) => s + v, 0) / total)} of the revenue ${over}); the quietest is **${monthNames[quietest[0] - 1]}** (${pct(quietest[1] / total)}).`,
    `Revenue by year: ${yearTexts.join('; ')}.`,
  ]);
}

/** The offline evaluation in words: at each level, the model's hit rate at 5 against popularity's, and coverage. */
export function evaluationFindings(e: Pick<Evaluation, 'model' | 'popularity' | 'cases' | 'cut'>): string {
  if (!e.cases) return `No test case: no order on or after ${e.cut} has two or more products.`;
  const verdict = (level: 'product' | 'subcategory') => {
    const [m, pop] = [e.model[level].hr_at_5, e.popularity[level].hr_at_5];
    const word = m.ci95[0] > pop.ci95[1] ? 'beats' : m.ci95[1] < pop.ci95[0] ? 'trails' : 'stays within the interval of';
    return `At ${level === 'product' ? 'product' : 'sub-category'} level the model's hit rate at 5 is **${percent(m.value)}** (${percent(m.ci95[0])} to ${percent(m.ci95[1])}): it ${word} popularity (${percent(pop.value)}).`;
  };
  return bullets([
    `${count(e.cases)} test cases, from the orders on or after ${e.cut}.`,
    verdict('product'),
    verdict('subcategory'),
    `It recommends **${percent(e.model.product.coverage)}** of the catalogue, popularity ${percent(e.popularity.product.coverage)}.`,
  ]);
}
