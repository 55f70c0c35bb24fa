import { branchKpis, branchTotals, type BranchReview } from '../../../src/reports/branch';
import { branchFindings, comparedWith, correlationFindings, discountFinding, evaluationFindings, lineValueFinding, seasonalityFinding, sourceFinding, yearFinding } from '../../../src/reports/findings';
import type { DiscountBandRow } from '../../../src/reports/source-profile';
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

  it('in Spanish: the same findings in Spanish words and es-ES numbers, names of the data as they are', () => {
    const review: BranchReview = {
      period: p,
      branch: { id: 'BR-WEST', name: 'West · Los Angeles' },
      kpis: branchKpis(days, 'BR-WEST', p),
      ranking: [{ id: 'BR-WEST', name: 'West · Los Angeles', revenue: 400, profit: 40, margin: 0.1 }, { id: 'BR-EAST', name: 'East', revenue: 100, profit: -5, margin: -0.05 }],
      company: { revenue: 500, margin: 0.07 },
      trend: [],
      categories: [{ category: 'Technology', sub_category: 'Phones', revenue: 2500, profit: 60, margin: 0.024, units: 2, avg_discount: 0 }],
      topProducts: [],
      empty: false,
    };
    expect(branchFindings(review, 'es')).toBe(
      [
        '- West · Los Angeles vendió **400,00\u00a0US$** en diciembre de 2017, un 300,0 % más que un año antes y un 100,0 % más que el mes anterior.',
        '- Ocupa el puesto **1 de 2** entre las sucursales, con el 80,0 % de las ventas de la empresa.',
        '- Su margen fue del **10,0 %**, por encima del 7,0 % de la empresa.',
        '- Subcategoría más vendida: Phones (2500,00\u00a0US$).'.replace('2500', '2.500'),
      ].join('\n'),
    );
    expect(yearFinding('la empresa', 2017, 1112.4, 1000, 'es')).toBe('En 2017, la empresa vendió **1.112,40\u00a0US$**, un 11,2 % más que en 2016.');
    expect(sourceFinding({ lines: 9994, orders: 5009, customers: 793, products: 1862, from: '2014-01-03', to: '2017-12-30', rejected: 1 }, 'es')).toBe(
      '**9.994** líneas de pedido en 5.009 pedidos, del 3 ene 2014 al 30 dic 2017, de 793 clientes y 1.862 productos; **1** fila rechazada.',
    );
  });
});

describe('findings of the source lines', () => {
  it('the source in one sentence, rejects included', () => {
    expect(sourceFinding({ lines: 9994, orders: 5009, customers: 793, products: 1862, from: '2014-01-03', to: '2017-12-30', rejected: 0 })).toBe(
      '**9,994** order lines in 5,009 orders, from 2014-01-03 to 2017-12-30, by 793 customers, of 1,862 products; no row rejected.',
    );
    expect(sourceFinding({ lines: 0, orders: 0, customers: 0, products: 0, from: null, to: null, rejected: 3 })).toBe('The source has no valid order lines (3 rows rejected).');
  });

  it('line values: median, ninth decile, and what the largest 1 % brings', () => {
    // 200 lines: 198 of $10, then $500 and $1,490 (the largest 1 % is 2 lines, $1,990 of $3,970 = 50.1 %).
    const lines = [...Array.from({ length: 198 }, () => ({ line_total: 10, sub_category: 'Paper' })), { line_total: 500, sub_category: 'Tables' }, { line_total: 1490, sub_category: 'Copiers' }];
    expect(lineValueFinding(lines)).toBe(
      ['- Half the lines are worth less than **$10.00**, nine in ten less than $10.00.', '- The largest 2 lines ($500.00 to $1,490.00) bring **50.1 %** of the revenue; the most common: Copiers (1) and Tables (1).'].join('\n'),
    );
    expect(lineValueFinding([{ line_total: 4, sub_category: 'Art' }])).toContain('The largest line ($4.00 to $4.00) bring **100.0 %** of the revenue; it is Art (1).');
  });

  const band = (b: string, margin: number | null, lines = 10, loss = 0): DiscountBandRow => ({ band: b, lines, revenue: 100, profit: (margin ?? 0) * 100, margin, loss_lines: loss, loss_share: loss / lines });

  it('discounts: the highest bands that lose money, from where they start, and the share of losing lines', () => {
    expect(discountFinding([band('0%', 0.3), band('11-20%', 0.1, 10, 1), band('21-30%', -0.1, 10, 9), band('51-80%', -1.2, 30, 30)])).toBe(
      ['- Lines discounted **21-30%** or more lose money (margin -10.0 % to -120.0 %): **97.5 %** of those 40 lines make a loss.', '- Lines without a discount earn a margin of **30.0 %**.'].join('\n'),
    );
  });

  it('discounts: a losing band in the middle is named, and no losing band is said so', () => {
    expect(discountFinding([band('0%', 0.3), band('11-20%', -0.05, 20, 12), band('21-30%', 0.02)])).toContain('Lines discounted **11-20%** lose money (margin -5.0 %): **60.0 %** of those 20 lines make a loss.');
    expect(discountFinding([band('1-10%', 0.2), band('11-20%', 0.05)])).toBe('- No discount band loses money overall; the lowest margin is 5.0 % (11-20%).');
  });

  it('seasons from the complete years only, and each year against the one before', () => {
    const months = (y: number, n: number, f: (m: number) => number) => Array.from({ length: n }, (_, i) => ({ month: `${y}-${String(i + 1).padStart(2, '0')}`, revenue: f(i + 1) }));
    // 2016 ($146: December 30, November 20, September 15, February 1, eight months of 10) and 2017 (twice as much)
    // complete: September, November and December bring 3 × 65 of 438 = 44.5 %, February 3 of 438. 2018 has only January.
    const rev = (m: number) => (m === 12 ? 30 : m === 2 ? 1 : m === 11 ? 20 : m === 9 ? 15 : 10);
    const text = seasonalityFinding([...months(2016, 12, rev), ...months(2017, 12, (m) => 2 * rev(m)), { month: '2018-01', revenue: 500 }]);
    expect(text).toBe(
      [
        '- The busiest months are **September, November and December** (44.5 % of the revenue over the 2 complete years); the quietest is **February** (0.7 %).',
        '- Revenue by year: 2016 $146.00; 2017 $292.00, 100.0 % more than 2016; 2018 $500.00 (1 month).',
      ].join('\n'),
    );
  });
});

describe('findings of the evaluation', () => {
  const m = (value: number, lo: number, hi: number) => ({ value, ci95: [lo, hi] as [number, number] });
  const level = (hr: ReturnType<typeof m>, coverage: number) => ({ hr_at_5: hr, precision_at_5: hr, recall_at_5: hr, ndcg_at_5: hr, coverage });

  it('says whether the model beats, trails or stays within the interval of popularity, at each level', () => {
    const e = { cut: '2017-01-01', cases: 2435, model: { product: level(m(0.02, 0.015, 0.025), 0.588), subcategory: level(m(0.2, 0.18, 0.22), 0.588) }, popularity: { product: level(m(0.005, 0.002, 0.008), 0.003), subcategory: level(m(0.21, 0.19, 0.23), 0.003) } };
    expect(evaluationFindings(e)).toBe(
      [
        '- 2,435 test cases, from the orders on or after 2017-01-01.',
        "- At product level the model's hit rate at 5 is **2.0 %** (1.5 % to 2.5 %): it beats popularity (0.5 %).",
        "- At sub-category level the model's hit rate at 5 is **20.0 %** (18.0 % to 22.0 %): it stays within the interval of popularity (21.0 %).",
        '- It recommends **58.8 %** of the catalogue, popularity 0.3 %.',
      ].join('\n'),
    );
    expect(evaluationFindings({ ...e, cases: 0 })).toBe('No test case: no order on or after 2017-01-01 has two or more products.');
  });
});
