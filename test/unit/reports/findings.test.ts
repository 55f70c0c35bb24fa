import { branchKpis, branchTotals, type BranchReview } from '../../../src/reports/branch';
import { branchFindings, comparedWith, correlationFindings, yearFinding } from '../../../src/reports/findings';
import { parsePeriod } from '../../../src/reports/period';
import type { DailyDoc } from '../../../src/pipeline/warehouse/daily';

const day = (date: string, branches: [string, number, number, number][]): DailyDoc =>
  ({ date, by_branch: branches.map(([branch_id, revenue, profit, orders]) => ({ branch_id, branch_name: branch_id, orders, units: orders * 2, revenue_e4: revenue * 10_000, profit_e4: profit * 10_000 })) }) as unknown as DailyDoc;

const days = [day('2016-12-05', [['BR-WEST', 100, 10, 1]]), day('2017-11-20', [['BR-WEST', 200, 20, 2]]), day('2017-12-01', [['BR-WEST', 300, 30, 3], ['BR-EAST', 100, -5, 1]]), day('2017-12-31', [['BR-WEST', 100, 10, 1]])];

describe('findings in words', () => {
  it('compares a figure with its base in per cent, or says it cannot', () => {
    expect(comparedWith(112.4, 100, 'a year before')).toBe('12.4 % more than a year before');
    expect(comparedWith(97, 100, 'the month before')).toBe('3.0 % less than the month before');
    expect(comparedWith(100, 100, 'x')).toBe('as much as x');
    expect(comparedWith(5, 0, 'x')).toBeNull();
    expect(comparedWith(null, 4, 'x')).toBeNull();
  });

  it('a year against the one before', () => {
    expect(yearFinding('West · Los Angeles', 2017, 112.4, 100)).toBe('In 2017, West · Los Angeles sold **$112.40**, 12.4 % more than in 2016.');
  });

  it('names the strongest correlations with their sign', () => {
    const text = correlationFindings(['sales', 'profit', 'discount'], [{ field: 'sales', values: [1, 0.48, -0.03] }, { field: 'profit', values: [0.48, 1, -0.22] }, { field: 'discount', values: [-0.03, -0.22, 1] }]);
    expect(text).toBe('- sales and profit move together (r = 0.48).\n- profit and discount move against each other (r = -0.22).');
  });
});

describe('branch review figures', () => {
  const p = parsePeriod('2017-12');
  it('sums one branch, or all, over a range of days', () => {
    expect(branchTotals(days, 'BR-WEST', p)).toEqual({ revenue_e4: 4_000_000, profit_e4: 400_000, orders: 4, units: 8 });
    expect(branchTotals(days, null, p).revenue_e4).toBe(5_000_000);
  });

  it('key figures compare with the month before and a year before', () => {
    const revenue = branchKpis(days, 'BR-WEST', p).find((k) => k.key === 'revenue')!;
    expect([revenue.value, revenue.previous, revenue.lastYear]).toEqual([400, 200, 100]);
  });

  it('findings state sales, rank, share, margin and the losing sub-category from the figures', () => {
    const review: BranchReview = {
      period: p,
      branch: { id: 'BR-WEST', name: 'West · Los Angeles' },
      kpis: branchKpis(days, 'BR-WEST', p),
      ranking: [{ id: 'BR-WEST', name: 'West · Los Angeles', revenue: 400, profit: 40, margin: 0.1 }, { id: 'BR-EAST', name: 'East', revenue: 100, profit: -5, margin: -0.05 }],
      company: { revenue: 500, margin: 0.07 },
      trend: [],
      categories: [{ category: 'Furniture', sub_category: 'Tables', revenue: 150, profit: -20, margin: -0.1333, units: 2, avg_discount: 0.3 }, { category: 'Technology', sub_category: 'Phones', revenue: 250, profit: 60, margin: 0.24, units: 2, avg_discount: 0 }],
      topProducts: [],
      empty: false,
    };
    expect(branchFindings(review)).toBe(
      [
        '- West · Los Angeles sold **$400.00** in December 2017, 300.0 % more than a year before and 100.0 % more than the month before.',
        "- It ranks **1st of 2** branches, with 80.0 % of the company's revenue.",
        "- Its margin was **10.0 %**, above the company's 7.0 %.",
        '- Best-selling sub-category: Phones ($250.00).',
        '- Tables lost $20.00: look at its discounts (average 30.0 %).',
      ].join('\n'),
    );
    expect(branchFindings({ ...review, empty: true })).toBe('West · Los Angeles has no sales in December 2017.');
  });
});
