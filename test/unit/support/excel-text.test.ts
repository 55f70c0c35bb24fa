import SSF from 'ssf';
import { excelText } from '../../support/excel-text';
import { differenceFmt, numFmt } from '../../../src/reports/excel';

describe('the Excel text of a number (test support)', () => {
  it('agrees with SheetJS ssf on the formats ssf can parse', () => {
    const cases: [string, number][] = [
      [numFmt.money, 79411.97], [numFmt.money, -1238.384], [numFmt.money, 0], [numFmt.count, 1234567], [numFmt.days, 4.95], [numFmt.ratio, 0.01234],
      [numFmt.points, -22.2161], [numFmt.points, 3.04], [numFmt.points, 0], [differenceFmt(1), 5], [differenceFmt(9), -7], ['0.0%', 0.1234], ['#,##0.0%', 16.895],
    ];
    for (const [fmt, v] of cases) expect([fmt, v, excelText(v, fmt)]).toEqual([fmt, v, SSF.format(fmt, v)]);
  });

  it('shows a percentage with a space before the sign, as Excel does for "0.0 %"', () => {
    expect(excelText(0.1012, numFmt.percent)).toBe('10.1 %');
    expect(excelText(-0.2111, numFmt.percent)).toBe('-21.1 %');
    expect(excelText(0.33, numFmt.relative)).toBe('+33.0 %');
    expect(excelText(-0.753, numFmt.relative)).toBe('−75.3 %');
    expect(excelText(16.895, numFmt.relative)).toBe('+1,689.5 %');
  });
});
