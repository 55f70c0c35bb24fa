import { movedFigures, ordersChanged, restatementLine, restatementOf, whatChangedLines } from '../../../src/reports/runs/changes';

const dec = { id: '2017-12', label: 'December 2017' };
const nov = { id: '2017-11', label: 'November 2017' };
const figs = (revenue: number, profit = 8_000, margin = 0.1, orders = 224) => ({ revenue, profit, margin, orders });

describe('what changed since the last report', () => {
  it('the first report says there is nothing to compare with', () => {
    expect(whatChangedLines({ period: dec, figures: figs(83829.32) }, null, [])).toEqual(['First report of this job: nothing to compare with yet.']);
  });

  it('names the figures that moved against the previous report, with both values and the change', () => {
    expect(whatChangedLines({ period: dec, figures: figs(83829.32, 8483.35, 0.1012, 224) }, { period: nov, figures: figs(118447.83, 9833.2, 0.083, 261) }, [])).toEqual([
      'Against the previous report (November 2017): revenue $118,447.83 → $83,829.32 (−29.2 %), profit $9,833.20 → $8,483.35 (−13.7 %), margin 8.3 % → 10.1 % (+1.8 pts), orders 261 → 224 (−14.2 %).',
    ]);
    expect(whatChangedLines({ period: dec, figures: figs(10) }, { period: dec, figures: figs(10) }, [])).toEqual(['The same figures as the previous report of December 2017.']);
  });

  it('a restated period gives both figures, rounded to the cent, and how many orders changed', () => {
    const r = restatementOf({ period: dec, figures: figs(83829.32), digest: { a: [1, 1], b: [2, 2] } }, figs(83929.32), { a: [1, 1], b: [1_000_002, 2] });
    expect(restatementLine(r!)).toBe('December 2017 revenue restated: $83,829.32 → $83,929.32 (+0.12 %); 1 order changed.');
    expect(whatChangedLines({ period: dec, figures: figs(83929.32) }, { period: dec, figures: figs(83829.32) }, [r!])[0]).toBe('December 2017 revenue restated: $83,829.32 → $83,929.32 (+0.12 %); 1 order changed.');
  });

  it('a difference below a cent is no restatement; several moved figures are listed', () => {
    expect(restatementOf({ period: dec, figures: figs(83829.32) }, figs(83829.324), null)).toBeNull();
    const r = restatementOf({ period: dec, figures: figs(100, 10, 0.1, 2) }, figs(150, 20, 0.1333, 3), null)!;
    expect(restatementLine(r)).toBe('December 2017 restated: revenue $100.00 → $150.00 (+50.0 %), profit $10.00 → $20.00 (+100.0 %), margin 10.0 % → 13.3 % (+3.3 pts), orders 2 → 3 (+1 (from 2)).');
  });

  it('counts orders added, removed and changed', () => {
    expect(ordersChanged({ a: [1, 1], b: [2, 2], c: [3, 3] }, { a: [1, 1], b: [2, 5], d: [4, 4] })).toBe(3);
    expect(movedFigures(figs(1), figs(1))).toEqual([]);
  });
});

describe('a restated rerun of the same period', () => {
  it('says it once, as the restatement', () => {
    const r = restatementOf({ period: dec, figures: figs(100) }, figs(150), null)!;
    expect(whatChangedLines({ period: dec, figures: figs(150) }, { period: dec, figures: figs(100) }, [r])).toEqual([restatementLine(r)]);
  });
});
