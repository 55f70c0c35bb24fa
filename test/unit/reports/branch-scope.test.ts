import { branchDays, branchStanding } from '../../../src/reports/branch-scope';
import { buildKpis } from '../../../src/reports/data';
import { ordinal, standingText } from '../../../src/reports/format';
import { parsePeriod } from '../../../src/reports/period';
import type { DailyDoc } from '../../../src/pipeline/warehouse/daily';

type Branch = [id: string, revenue: number, profit: number, orders: number];
const day = (date: string, branches: Branch[]) =>
  ({
    _id: date,
    date,
    orders: branches.reduce((s, b) => s + b[3], 0),
    lines: branches.reduce((s, b) => s + b[3] * 2, 0),
    units: branches.reduce((s, b) => s + b[3] * 3, 0),
    revenue_e4: branches.reduce((s, b) => s + b[1] * 10_000, 0),
    profit_e4: branches.reduce((s, b) => s + b[2] * 10_000, 0),
    by_branch: branches.map(([branch_id, revenue, profit, orders]) => ({ branch_id, branch_name: `${branch_id} name`, orders, lines: orders * 2, units: orders * 3, revenue_e4: revenue * 10_000, profit_e4: profit * 10_000 })),
  }) as unknown as DailyDoc;

describe('a report narrowed to one branch', () => {
  const days = [
    day('2017-11-30', [['BR-EAST', 50, 5, 1]]),
    day('2017-12-01', [['BR-EAST', 100, 10, 2], ['BR-WEST', 300, -30, 3]]),
    day('2017-12-02', [['BR-EAST', 40, 4, 1]]),
  ];

  it("keeps the days the branch sold on, each with the branch's figures as the day's own", () => {
    const west = branchDays(days, 'BR-WEST');
    expect(west.map((d) => [d.date, d.revenue_e4, d.profit_e4, d.orders, d.units, d.by_branch.map((b) => b.branch_id)])).toEqual([['2017-12-01', 3_000_000, -300_000, 3, 9, ['BR-WEST']]]);
    expect(west[0]!.avg_order_value).toBe(100);
  });

  it("the key figures of a branch's days are the branch's, and the branches' add up to the company's", () => {
    const p = parsePeriod('2017-12');
    const revenue = (ds: DailyDoc[]) => buildKpis(ds, p, [0, 0, 0], [0, 0, 0]).find((k) => k.key === 'revenue')!;
    expect(revenue(branchDays(days, 'BR-WEST'))).toMatchObject({ value: 300, previous: 0 });
    expect(revenue(branchDays(days, 'BR-EAST'))).toMatchObject({ value: 140, previous: 50 });
    expect(revenue(days)).toMatchObject({ value: 440, previous: 50 });
  });

  it('ranks the branch by revenue among all branches, with its share', () => {
    const branches = [{ branch: 'West', revenue: 300 }, { branch: 'East', revenue: 100 }];
    expect(branchStanding(branches, 'East')).toEqual({ rank: 2, of: 2, share: 0.25 });
    expect(branchStanding(branches, 'South')).toBeNull();
    expect(branchStanding([{ branch: 'West', revenue: 0 }], 'West')).toEqual({ rank: 1, of: 1, share: null });
  });

  it('says the standing in one line, with an English ordinal', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st']);
    expect(standingText({ name: 'West · Los Angeles' }, { rank: 2, of: 4, share: 0.3141 })).toBe('West · Los Angeles ranks 2nd of 4 branches with 31.4 % of revenue.');
    expect(standingText({ name: 'West' }, { rank: 1, of: 1, share: null })).toBe('West ranks 1st of 1 branch.');
  });
});
