import { discountBandsOf, lineValueBins, monthlyRevenueOf } from '../../../src/reports/source-profile';

const line = (discount: number, line_total: number, profit: number, order_date = '2017-01-05') => ({ discount, line_total, profit, order_date });

describe('profile of the source lines', () => {
  it('sums the lines by discount band, exactly, and counts the losing lines of each band', () => {
    const rows = discountBandsOf([line(0, 10.1, 2), line(0, 20.2, 3), line(0.2, 5, -1), line(0.2, 5, 1), line(0.7, 3.3333, -2.5)]);
    expect(rows).toEqual([
      { band: '0%', lines: 2, revenue: 30.3, profit: 5, margin: 0.165, loss_lines: 0, loss_share: 0 },
      { band: '11-20%', lines: 2, revenue: 10, profit: 0, margin: 0, loss_lines: 1, loss_share: 0.5 },
      { band: '51-80%', lines: 1, revenue: 3.3333, profit: -2.5, margin: -0.75, loss_lines: 1, loss_share: 1 },
    ]);
    expect(discountBandsOf([])).toEqual([]);
  });

  it('sums revenue by calendar month, in month order, without float drift', () => {
    expect(monthlyRevenueOf([line(0, 0.1, 0, '2017-02-01'), line(0, 0.2, 0, '2017-02-28'), line(0, 5, 0, '2016-12-31')])).toEqual([
      { month: '2016-12', revenue: 5 },
      { month: '2017-02', revenue: 0.3 },
    ]);
  });

  it('counts values in log bins, keeping the empty bins between and putting a power of ten in its own bin', () => {
    // Two bins a decade: [1, 3.16), [3.16, 10), [10, 31.6), [31.6, 100)
    expect(lineValueBins([1, 2, 10, 50], 2)).toEqual([
      { from: 1, to: 3.16228, lines: 2 },
      { from: 3.16228, to: 10, lines: 0 },
      { from: 10, to: 31.6228, lines: 1 },
      { from: 31.6228, to: 100, lines: 1 },
    ]);
    expect(lineValueBins([1000], 8)).toEqual([{ from: 1000, to: 1333.52, lines: 1 }]);
    expect(lineValueBins([0, 0.001], 1)).toEqual([{ from: 0.01, to: 0.1, lines: 2 }]);
    expect(lineValueBins([])).toEqual([]);
  });
});
