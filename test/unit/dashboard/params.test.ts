import { BadRequest, parseHistorical, parseRealtime } from '../../../src/dashboard/params';
import { cubeQuery, exportCsv } from '../../../src/dashboard/historical';
import { mergeLatest } from '../../../src/dashboard/recommendations';
import { perHour } from '../../../src/dashboard/realtime';

const known = { years: [2016, 2017], branches: ['BR-EAST', 'BR-WEST'], categories: ['Furniture', 'Technology'] };
const q = (s: string) => new URLSearchParams(s);

describe('dashboard parameters', () => {
  it('accept known values and "all"', () => {
    expect(parseHistorical(q('year=2017&month=3&branch=BR-WEST&category=Technology'), known)).toEqual({ year: 2017, month: 3, branch: 'BR-WEST', category: 'Technology' });
    expect(parseHistorical(q('year=&branch=all'), known)).toEqual({ year: null, month: null, branch: null, category: null });
  });

  it.each([
    ['branch[$ne]=x', /unknown parameter "branch\[\$ne\]"/],
    ['branch={"$gt":""}', /branch/],
    ['category=$where', /is not a category/],
    ['year=2015', /has no data/],
    ['year=2017&year=2016', /given twice/],
    ['month=13&year=2017', /month 1-12/],
    ['month=3', /month needs a year/],
  ])('reject %s with a 400 naming the problem', (query, message) => {
    expect(() => parseHistorical(q(query), known)).toThrow(BadRequest);
    expect(() => parseHistorical(q(query), known)).toThrow(message);
  });

  it('the database query is built from validated plain values only', () => {
    expect(cubeQuery({ year: 2017, month: 3, branch: 'BR-WEST', category: null })).toEqual({ month: '2017-03', branch_id: 'BR-WEST' });
    expect(cubeQuery({ year: 2017, month: null, branch: null, category: 'Technology' })).toEqual({ year: 2017, category: 'Technology' });
  });

  it('real-time dates must be real days', () => {
    expect(parseRealtime(q(''), '2026-11-28')).toEqual({ date: '2026-11-28' });
    expect(() => parseRealtime(q('date=2026-02-30'), '2026-11-28')).toThrow(/real day/);
    expect(() => parseRealtime(q('date={"$gt":""}'), '2026-11-28')).toThrow(BadRequest);
  });
});

describe('dashboard data shaping', () => {
  it('CSV exports defuse text a spreadsheet would run as a formula', () => {
    const csv = exportCsv([{ _id: 'x', month: '2017-01', year: 2017, branch_id: 'BR-1', category: '=cmd|x', sub_category: '+SUM(A1)', lines: 1, units: 2, revenue: 3, revenue_e4: 30000, profit: 1, profit_e4: 10000, margin: 0.33, avg_discount: 0, discount_e4: 0 }]);
    expect(csv.split('\n')[1]).toBe("2017-01,BR-1,'=cmd|x,'+SUM(A1),1,2,3,1,0.33");
  });

  it('recommendations: newest first, topic before collection, one per sale', () => {
    const r = (sale_id: string, at: string) => ({ sale_id, recommended_at: at }) as never;
    expect(mergeLatest([r('b', '2026-01-02'), r('a', '2026-01-01')], [r('a', '2026-01-01'), r('c', '2026-01-03')]).map((x: { sale_id: string }) => x.sale_id)).toEqual(['c', 'b', 'a']);
  });

  it('sales per hour and branch', () => {
    expect(perHour([{ order_time: '09:15', branch_name: 'East' }, { order_time: '09:59', branch_name: 'East' }, { order_time: '17:00', branch_name: 'West' }])).toEqual([
      { hour: 9, branch: 'East', sales: 2 },
      { hour: 17, branch: 'West', sales: 1 },
    ]);
  });
});
