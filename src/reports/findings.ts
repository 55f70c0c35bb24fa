/**
 * Findings in words, computed from the figures (pure): the sentences a notebook report shows as markdown ("West sold
 * 12.4 % more than a year before"), so no number in a report's text is ever typed by hand. Each takes the reader's
 * locale last (English by default); names that are data (branches, sub-categories, fields) stay as they are.
 */
import type { Evaluation } from '../pipeline/reco/evaluate';
import { quantiles } from '../pipeline/warehouse/stats';
import { toUnits } from '../pipeline/core/money';
import { formatsOf, intlTag, periodLabel, t, type Locale, type MessageKey } from '../i18n';
import type { BranchReview } from './branch';
import type { Kpi, ReportData } from './data';
import { formatValue, oneDecimal } from './format';
import type { Period } from './period';
import { rankFindings } from './ranked-findings';
import type { DiscountBandRow } from './source-profile';

const pct = (x: number, locale: Locale) => `${oneDecimal(Math.abs(x) * 100, locale)} %`;

/**
 * "12.4 % more than a year before", "3.0 % less than …", "as much as …"; null without a base to compare with. `what`
 * is the base in the reader's words ("a year before", "in 2016").
 */
export function comparedWith(value: number | null, base: number | null, what: string, locale: Locale = 'en'): string | null {
  if (value === null || base === null || base === 0) return null;
  const rel = (value - base) / Math.abs(base);
  const direction = Math.abs(rel) < 0.0005 ? 'same' : rel > 0 ? 'more' : 'less';
  return t(locale, 'findings.compared', { direction, percent: pct(rel, locale), what });
}

const kpi = (kpis: readonly Kpi[], key: string) => kpis.find((k) => k.key === key);

/** The formats of a locale, as the sentences use them. */
function wordsOf(locale: Locale) {
  const f = formatsOf(locale);
  return {
    money: (v: number | null) => formatValue(v, 'money', locale),
    percent: (v: number | null) => formatValue(v, 'percent', locale),
    count: (v: number) => f.count(v),
    day: (iso: string) => f.day(iso),
  };
}

/** "a", "a and b", "a, b and c" ("a, b y c"). */
function listed(items: readonly string[], locale: Locale): string {
  if (locale !== 'en') return new Intl.ListFormat(intlTag[locale], { type: 'conjunction' }).format(items);
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const bullets = (lines: (string | null | false | undefined)[]) => lines.filter((l): l is string => Boolean(l)).map((l) => `- ${l}`).join('\n');

const before: Record<Period['kind'], MessageKey> = { month: 'findings.base.month', quarter: 'findings.base.quarter', year: 'findings.base.year', range: 'findings.base.range' };

function revenueSentence(subject: string, kpis: readonly Kpi[], p: Period, locale: Locale): string {
  const r = kpi(kpis, 'revenue')!;
  const cmp = [comparedWith(r.value, r.lastYear, t(locale, 'findings.base.lastYear'), locale), p.kind !== 'year' && comparedWith(r.value, r.previous, t(locale, before[p.kind]), locale)].filter((c): c is string => Boolean(c));
  return t(locale, 'findings.sold', { subject, revenue: wordsOf(locale).money(r.value), period: periodLabel(locale, p), compared: cmp.length ? `, ${listed(cmp, locale)}` : '' });
}

/** The executive report's findings (`rankFindings`), as the markdown bullets a notebook shows. */
export function executiveFindings(d: ReportData, locale: Locale = 'en'): string {
  if (d.empty) return t(locale, 'report.findings.noSales', { period: periodLabel(locale, d.period) });
  return bullets(rankFindings(d, undefined, locale).map((f) => f.text));
}

/** A branch manager's findings: sales against a year before and last period, rank, share, margin, categories. */
export function branchFindings(r: BranchReview, locale: Locale = 'en'): string {
  const w = wordsOf(locale);
  const name = r.branch.name;
  if (r.empty) return t(locale, 'findings.branch.noSales', { branch: name, period: periodLabel(locale, r.period) });
  const rank = r.ranking.findIndex((b) => b.id === r.branch.id) + 1;
  const mine = r.ranking[rank - 1]!;
  const margin = kpi(r.kpis, 'margin')!;
  const subs = r.categories.filter((c) => c.revenue > 0);
  const best = [...subs].sort((a, b) => b.revenue - a.revenue)[0];
  const loss = [...subs].sort((a, b) => a.profit - b.profit)[0];
  const position = margin.value !== null && r.company.margin !== null ? (margin.value >= r.company.margin ? 'above' : 'below') : 'none';
  return bullets([
    revenueSentence(name, r.kpis, r.period, locale),
    t(locale, 'findings.branch.rank', { rank, count: r.ranking.length, share: pct(r.company.revenue ? mine.revenue / r.company.revenue : 0, locale) }),
    margin.value !== null && t(locale, 'findings.branch.margin', { margin: w.percent(margin.value), position, company: w.percent(r.company.margin) }),
    best && t(locale, 'findings.branch.best', { subCategory: best.sub_category, revenue: w.money(best.revenue) }),
    loss && loss.profit < 0 && t(locale, 'findings.branch.loss', { subCategory: loss.sub_category, loss: w.money(-loss.profit), discount: w.percent(loss.avg_discount) }),
  ]);
}

/** "In 2017, West · Los Angeles sold $250,128.36, 12.4 % more than in 2016." */
export function yearFinding(subject: string, year: number, revenue: number, previousYear: number, locale: Locale = 'en'): string {
  const cmp = comparedWith(revenue, previousYear, t(locale, 'findings.inYear', { year: String(year - 1) }), locale);
  return t(locale, 'findings.year', { year: String(year), subject, revenue: wordsOf(locale).money(revenue), compared: cmp ? `, ${cmp}` : '' });
}

/** The strongest correlations of a matrix, in words: "sales and profit move together (r = 0.48)". */
export function correlationFindings(fields: readonly string[], matrix: readonly { field: string; values: (number | null)[] }[], count = 2, locale: Locale = 'en'): string {
  const pairs = matrix.flatMap((row, i) => row.values.flatMap((r, j) => (j > i && r !== null ? [{ a: row.field, b: fields[j]!, r }] : [])));
  const strongest = pairs.sort((x, y) => Math.abs(y.r) - Math.abs(x.r)).slice(0, count);
  if (!strongest.length) return t(locale, 'findings.correlation.none');
  return bullets(strongest.map((p) => t(locale, 'findings.correlation.pair', { a: p.a, b: p.b, sign: p.r >= 0 ? 'together' : 'against', r: formatsOf(locale).hundredths(p.r) })));
}

/** The source in one sentence: how many lines, orders, customers and products, over which days, and what was refused. */
export function sourceFinding(s: { lines: number; orders: number; customers: number; products: number; from: string | null; to: string | null; rejected: number }, locale: Locale = 'en'): string {
  const w = wordsOf(locale);
  const rejected = { rejected: s.rejected, rejectedText: w.count(s.rejected) };
  if (!s.lines) return t(locale, 'findings.source.none', rejected);
  return t(locale, 'findings.source', { lines: w.count(s.lines), orders: w.count(s.orders), from: s.from ? w.day(s.from) : '–', to: s.to ? w.day(s.to) : '–', customers: w.count(s.customers), products: w.count(s.products), ...rejected });
}

/**
 * How skewed the line values are: the median and the 9th decile, and what the largest 1 % of the lines (at least
 * one) brings and their most common sub-categories.
 */
export function lineValueFinding(lines: readonly { line_total: number; sub_category: string }[], locale: Locale = 'en'): string {
  if (!lines.length) return t(locale, 'findings.noLines');
  const w = wordsOf(locale);
  const h = new Map<number, number>();
  for (const l of lines) h.set(l.line_total, (h.get(l.line_total) ?? 0) + 1);
  const [median = null, p90 = null] = quantiles(h, [0.5, 0.9]);
  const sorted = [...lines].sort((a, b) => b.line_total - a.line_total);
  const top = sorted.slice(0, Math.max(1, Math.round(lines.length / 100)));
  const sum = (ls: readonly { line_total: number }[]) => ls.reduce((s, l) => s + toUnits(l.line_total), 0);
  const total = sum(lines);
  const subs = new Map<string, number>();
  for (const l of top) subs.set(l.sub_category, (subs.get(l.sub_category) ?? 0) + 1);
  const most = [...subs].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 3).map(([s, n]) => `${s} (${w.count(n)})`);
  return bullets([
    t(locale, 'findings.lineValue.half', { median: w.money(median), p90: w.money(p90) }),
    t(locale, 'findings.lineValue.largest', { top: top.length, topText: w.count(top.length), low: w.money(top[top.length - 1]!.line_total), high: w.money(top[0]!.line_total), share: total ? pct(sum(top) / total, locale) : pct(0, locale), subs: listed(most, locale) }),
  ]);
}

/**
 * Which discount bands lose money: "21-30% or more" when the losing bands are the highest ones, else each by name,
 * with the share of their lines that lose money and the margin without discount.
 */
export function discountFinding(bands: readonly DiscountBandRow[], locale: Locale = 'en'): string {
  if (!bands.length) return t(locale, 'findings.noLines');
  const w = wordsOf(locale);
  const losing = bands.filter((b) => b.margin !== null && b.margin < 0);
  const none = bands.find((b) => b.band === '0%');
  const noDiscount = none && none.margin !== null && t(locale, 'findings.discountBands.noDiscount', { margin: w.percent(none.margin) });
  if (!losing.length) {
    const worst = [...bands].filter((b) => b.margin !== null).sort((a, b) => a.margin! - b.margin!)[0];
    return bullets([t(locale, 'findings.discountBands.noLoss', { worst: worst ? 'yes' : 'none', margin: w.percent(worst?.margin ?? null), band: worst?.band ?? '' }), noDiscount]);
  }
  const first = bands.indexOf(losing[0]!);
  const top = losing.length === bands.length - first;
  const lines = losing.reduce((s, b) => s + b.lines, 0);
  const lossLines = losing.reduce((s, b) => s + b.loss_lines, 0);
  const margins = losing.map((b) => b.margin!);
  const range = losing.length === 1 ? t(locale, 'findings.discountBands.one', { margin: w.percent(margins[0]!) }) : t(locale, 'findings.discountBands.range', { high: w.percent(Math.max(...margins)), low: w.percent(Math.min(...margins)) });
  const which = top && losing.length > 1 ? t(locale, 'findings.discountBands.orMore', { band: losing[0]!.band }) : t(locale, 'findings.discountBands.bands', { bands: listed(losing.map((b) => b.band), locale) });
  return bullets([t(locale, 'findings.discountBands.loss', { which, range, share: pct(lossLines / lines, locale), lines: w.count(lines) }), noDiscount]);
}

/**
 * The seasons and the years from monthly revenue: the three busiest months of the year and the quietest, by their
 * share of revenue over the complete years (every year when none is complete), and each year against the one before.
 */
export function seasonalityFinding(monthly: readonly { month: string; revenue: number }[], locale: Locale = 'en'): string {
  if (!monthly.length) return t(locale, 'findings.noLines');
  const w = wordsOf(locale);
  const monthName = formatsOf(locale).monthName;
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
  const over = t(locale, 'findings.seasons.over', { complete: complete.size, completeText: w.count(complete.size) });
  const years = [...byYear].sort(([a], [b]) => a.localeCompare(b));
  const yearTexts = years.map(([y, v], i) => {
    const prev = years[i - 1];
    const cmp = prev && complete.has(y) && complete.has(prev[0]) ? comparedWith(v.revenue, prev[1].revenue, prev[0], locale) : null;
    return t(locale, 'findings.seasons.yearRevenue', { year: y, revenue: w.money(v.revenue), months: v.months, compared: cmp ? `, ${cmp}` : '' });
  });
  return bullets([
    total > 0 && ranked.length > 3 && t(locale, 'findings.seasons.busiest', { months: listed(busiest.map(([m]) => monthName(m)), locale), share: pct(busiest.reduce((s, [, v]) => s + v, 0) / total, locale), over, quietest: monthName(quietest[0]), quietShare: pct(quietest[1] / total, locale) }),
    t(locale, 'findings.seasons.years', { years: yearTexts.join('; ') }),
  ]);
}

/** The offline evaluation in words: at each level, the model's hit rate at 5 against popularity's, and coverage. */
export function evaluationFindings(e: Pick<Evaluation, 'model' | 'popularity' | 'cases' | 'cut'>, locale: Locale = 'en'): string {
  const w = wordsOf(locale);
  if (!e.cases) return t(locale, 'findings.evaluation.none', { cut: w.day(e.cut) });
  const verdict = (level: 'product' | 'subcategory') => {
    const [m, pop] = [e.model[level].hr_at_5, e.popularity[level].hr_at_5];
    const word = m.ci95[0] > pop.ci95[1] ? 'beats' : m.ci95[1] < pop.ci95[0] ? 'trails' : 'within';
    return t(locale, 'findings.evaluation.level', { level, hr: w.percent(m.value), lo: w.percent(m.ci95[0]), hi: w.percent(m.ci95[1]), verdict: word, popularity: w.percent(pop.value) });
  };
  return bullets([
    t(locale, 'findings.evaluation.cases', { cases: w.count(e.cases), cut: w.day(e.cut) }),
    verdict('product'),
    verdict('subcategory'),
    t(locale, 'findings.evaluation.coverage', { coverage: w.percent(e.model.product.coverage), popularity: w.percent(e.popularity.product.coverage) }),
  ]);
}
