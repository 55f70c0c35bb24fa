import { changeWords, rankFindings, type Finding } from '../../../src/reports/ranked-findings';
import { executiveFindings } from '../../../src/reports/findings';
import { formatValue } from '../../../src/reports/format';
import type { ReportData } from '../../../src/reports/data';
import { parsePeriod } from '../../../src/reports/period';
import { emptyReport, fixtureReport } from './fixture';

/** A month shaped like November 2016: profit down three quarters, a losing branch, a discount-driven loss. */
function lossMonth(): ReportData {
  const base = fixtureReport();
  return {
    ...base,
    period: parsePeriod('2016-11'),
    kpis: [
      { key: 'revenue', label: 'Revenue', format: 'money', value: 79411.97, previous: 59583.03, lastYear: 75972.56 },
      { key: 'profit', label: 'Profit', format: 'money', value: 4011.41, previous: 10832.43, lastYear: 16234.1 },
      { key: 'new_customers', label: 'New customers', format: 'count', value: 6, previous: 1, lastYear: 9 },
    ],
    branches: [
      { branch: 'West · Los Angeles', revenue: 30000, profit: 6000, margin: 0.2, orders: 80 },
      { branch: 'East · New York', revenue: 25000, profit: -4842.24, margin: -0.1937, orders: 70 },
      { branch: 'Central · Chicago', revenue: 14411.97, profit: 1853.65, margin: 0.1286, orders: 40 },
      { branch: 'South · Atlanta', revenue: 10000, profit: 1000, margin: 0.1, orders: 30 },
    ],
    categories: [
      { category: 'Technology', sub_category: 'Machines', revenue: 9000, profit: -5221, margin: -0.58, units: 20, avg_discount: 0.4 },
      { category: 'Furniture', sub_category: 'Tables', revenue: 5000, profit: -300, margin: -0.06, units: 10, avg_discount: 0.1 },
      { category: 'Technology', sub_category: 'Phones', revenue: 12000, profit: 2500, margin: 0.21, units: 50, avg_discount: 0.1 },
    ],
    movers: {
      branches: [
        { name: 'East · New York', revenue: 25000, profit: -4842.24, previous: { revenue: 14000, profit: 2000 }, lastYear: { revenue: 20000, profit: 3000 } },
        { name: 'West · Los Angeles', revenue: 30000, profit: 6000, previous: { revenue: 25000, profit: 5000 }, lastYear: { revenue: 29000, profit: 7000 } },
      ],
      subCategories: [{ name: 'Machines', revenue: 9000, profit: -5221, previous: { revenue: 1000, profit: 100 }, lastYear: { revenue: 4000, profit: 500 } }],
    },
    bottomProducts: [{ product_id: 'TEC-MA-1', name: 'Cubify CubeX 3D Printer', category: 'Technology', sub_category: 'Machines', units: 2, revenue: 1000, profit: -3000, margin: -3 }],
    discountBands: [
      { band: '0%', lines: 100, revenue: 30000, profit: 9000, margin: 0.3 },
      { band: '11-20%', lines: 50, revenue: 20000, profit: 1000, margin: 0.05 },
      { band: '31-50%', lines: 20, revenue: 9000, profit: -3500, margin: -0.39 },
      { band: '51-80%', lines: 10, revenue: 1000, profit: -1500, margin: -1.5 },
    ],
  };
}

const ids = (fs: Finding[]) => fs.map((f) => f.id);

describe('executive findings, ranked by the money they move', () => {
  it('puts the heaviest first: the totals, the losing branch and sub-category, the discounts', () => {
    const found = rankFindings(lossMonth());
    expect(ids(found).slice(0, 4)).toEqual(['totals', 'loss-branch-East · New York', 'loss-sub-category-Machines', 'discount-losses']);
    for (let i = 1; i < found.length; i++) expect(found[i - 1]!.weight).toBeGreaterThanOrEqual(found[i]!.weight);
  });

  it('says what happened in sentences with the figures', () => {
    const text = rankFindings(lossMonth()).map((f) => f.text);
    expect(text).toContain('Revenue rose **33.3 %** to $79,411.97 (from $59,583.03) against the month before; profit fell **75.3 %** to $4,011.41 (from $16,234.10) against a year before.');
    expect(text).toContain('**Machines** (Technology) lost **$5,221.00**, at an average discount of **40.0 %**, after a profit of $500.00 a year before.');
    expect(text).toContain('The **East · New York** branch lost **$4,842.24** on $25,000.00 of sales (margin -19.4 %), after a profit of $3,000.00 a year before.');
    expect(text).toContain('**West · Los Angeles**: profit rose by **$1,000.00** (+20.0 %) against the month before, to $6,000.00.');
    expect(text).toContain('Lines discounted **31-50% or more** lost **$5,000.00** over 30 lines; lines without a discount earned a margin of 30.0 %.');
  });

  it('shows three to six findings for a month with a loss-making branch, every kind there is, at most three of a kind', () => {
    const found = rankFindings(lossMonth());
    expect(found.length).toBeGreaterThanOrEqual(3);
    expect(found.length).toBeLessThanOrEqual(6);
    const kinds = found.map((f) => f.kind);
    expect(new Set(kinds)).toEqual(new Set(['total', 'mover', 'loss', 'discount']));
    for (const k of new Set(kinds)) expect(kinds.filter((x) => x === k).length).toBeLessThanOrEqual(3);
  });

  it('a small loss still shows when larger moves would fill the page', () => {
    const d = lossMonth();
    const moves = Array.from({ length: 8 }, (_, i) => ({ name: `Sub ${i}`, revenue: 1000, profit: 900, previous: { revenue: 1000, profit: 90_000 + i }, lastYear: null }));
    const found = rankFindings({ ...d, branches: d.branches.map((b) => ({ ...b, profit: Math.abs(b.profit) })), categories: d.categories.slice(1, 2), discountBands: [], movers: { branches: [], subCategories: moves } });
    expect(ids(found)).toContain('loss-sub-category-Tables');
  });

  it('tells a change over a small base as counts, not as a percentage', () => {
    const count = (v: number) => formatValue(v, 'count');
    expect(changeWords(6, 1, count)).toBe('rose to **6**, up from 1');
    expect(changeWords(12, 10, count)).toBe('rose **20.0 %** to 12 (from 10)');
    expect(changeWords(-50, -200, count)).toBe('rose to **-50**, up from -200');
  });

  it('a branch with a large share of revenue is a concentration finding; an even split is not', () => {
    const d = lossMonth();
    const skewed = { ...d, branches: [{ ...d.branches[0]!, revenue: 120000 }, ...d.branches.slice(1)] };
    expect(rankFindings(skewed, 20).some((f) => f.kind === 'concentration')).toBe(true);
    const even = { ...d, branches: d.branches.map((b) => ({ ...b, revenue: 100 })) };
    expect(rankFindings(even, 20).some((f) => f.kind === 'concentration')).toBe(false);
  });

  it("a branch report's findings leave out the other branches' losses and the concentration, and keep its sub-categories and products", () => {
    const d = lossMonth();
    const skewed = { ...d, branches: [{ ...d.branches[0]!, revenue: 120000 }, ...d.branches.slice(1)] };
    const west = { ...skewed, branch: { id: 'BR-WEST', name: 'West · Los Angeles' }, standing: { rank: 1, of: 4, share: 0.7 }, movers: { ...skewed.movers, branches: [] } };
    const found = ids(rankFindings(west, 20));
    expect(found.filter((id) => /branch|concentration/.test(id))).toEqual([]);
    expect(found).toEqual(expect.arrayContaining(['loss-sub-category-Machines']));
    expect(ids(rankFindings(skewed, 20))).toEqual(expect.arrayContaining(['loss-branch-East · New York', 'concentration-branch-West · Los Angeles']));
  });

  it('a period without sales has no findings, and the notebook says so', () => {
    expect(rankFindings(emptyReport())).toEqual([]);
    expect(executiveFindings(emptyReport())).toBe('No sales in June 2013: every figure is zero.');
  });

  it('the notebook shows the same findings as the report, as bullets', () => {
    expect(executiveFindings(lossMonth())).toBe(rankFindings(lossMonth()).map((f) => `- ${f.text}`).join('\n'));
  });
});
