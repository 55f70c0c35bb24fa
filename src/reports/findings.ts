/**
 * Findings in words, computed from the figures (pure): the sentences a notebook report shows as markdown ("West sold
 * 12.4 % more than a year before"), so no number in a report's text is ever typed by hand.
 */
import type { BranchReview } from './branch';
import type { Kpi, ReportData } from './data';
import { formatValue } from './format';
import type { Period } from './period';

const pct = (x: number) => `${(Math.abs(x) * 100).toFixed(1)} %`;

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
const bullets = (lines: (string | null | false | undefined)[]) => lines.filter((l): l is string => Boolean(l)).map((l) => `- ${l}`).join('\n');

const before: Record<Period['kind'], string> = { month: 'the month before', quarter: 'the quarter before', year: 'the year before', range: 'the days before' };

function revenueSentence(subject: string, kpis: readonly Kpi[], p: Period): string {
  const r = kpi(kpis, 'revenue')!;
  const cmp = [comparedWith(r.value, r.lastYear, 'a year before'), p.kind !== 'year' && comparedWith(r.value, r.previous, before[p.kind])].filter(Boolean);
  return `${subject} sold **${money(r.value)}** in ${p.label}${cmp.length ? `, ${cmp.join(' and ')}` : ''}.`;
}

/** The executive report's headline findings. */
export function executiveFindings(d: ReportData): string {
  if (d.empty) return `No sales in ${d.period.label}: every figure is zero.`;
  const margin = kpi(d.kpis, 'margin')!;
  const revenue = kpi(d.kpis, 'revenue')!.value ?? 0;
  const top = d.branches[0];
  const subs = d.categories.filter((c) => c.revenue > 0);
  const bestSub = [...subs].sort((a, b) => b.profit - a.profit)[0];
  const worstSub = [...subs].sort((a, b) => a.profit - b.profit)[0];
  return bullets([
    revenueSentence('The company', d.kpis, d.period),
    margin.value !== null && `The margin was **${percent(margin.value)}**${margin.lastYear !== null ? ` (${percent(margin.lastYear)} a year before)` : ''}.`,
    top && revenue > 0 && `${top.branch} sold the most: ${money(top.revenue)}, ${pct(top.revenue / revenue)} of revenue.`,
    bestSub && `${bestSub.sub_category} (${bestSub.category}) made the most profit: ${money(bestSub.profit)}.`,
    worstSub && worstSub !== bestSub && worstSub.profit < 0 && `${worstSub.sub_category} lost ${money(-worstSub.profit)} (margin ${percent(worstSub.margin)}).`,
  ]);
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
