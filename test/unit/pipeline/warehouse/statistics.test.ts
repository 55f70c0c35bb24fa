import { BSON } from 'mongodb';
import type { LakeAccess, ValueChunk } from '../../../../src/pipeline/lake/access';
import { fullScope } from '../../../../src/pipeline/warehouse/scope';
import {
  addLine,
  buildStatisticsDocs,
  createPart,
  finishPart,
  hasArrayHistograms,
  partDocument,
  partFromDocument,
  queryStatsParts,
  type PartDocument,
  type StatsPart,
} from '../../../../src/pipeline/warehouse/statistics';

/** Lines as the lake holds them: [line_total_e4, quantity, discount_e4, profit_e4], with repeats and losses. */
function linesOf(month: number, n: number): number[][] {
  return Array.from({ length: n }, (_, i) => {
    const x = (i * 7919 + month * 104_729) % 1000;
    const sales = 1_0000 + (x % 250) * 3_7000;
    const discount = [0, 1000, 2000, 3000, 5000, 8000][x % 6]!;
    return [sales, 1 + (x % 14), discount, Math.round(sales * (0.25 - discount / 20_000)) - (x % 3) * 5_0000];
  });
}

const months = ['2016-11', '2016-12', '2017-01'];
const partOf = (month: string, lines: number[][]): StatsPart => {
  const p = createPart(month);
  for (const line of lines) addLine(p, line);
  return finishPart(p);
};
const monthParts = () => months.map((m, i) => partOf(m, linesOf(i, 300 + i * 111)));

/** Through BSON as the driver writes and reads it: Binary stays Binary, numbers stay numbers. */
const stored = (d: PartDocument) => BSON.deserialize(BSON.serialize(d)) as PartDocument;

/** A part document as the previous version wrote it: each histogram as sorted `values` and `counts` arrays. */
const withArrays = (p: StatsPart): PartDocument => ({
  ...partDocument(p),
  histograms: p.histograms.map((h, i) => ({ measure: ['sales', 'quantity', 'discount', 'profit'][i]!, values: [...h.values], counts: [...h.counts] })),
});

describe('sales_statistics parts', () => {
  it('a part written as a document and read back gives the same statistics, bit for bit', () => {
    const parts = monthParts();
    const docs = parts.map((p) => stored(partDocument(p)));
    expect(docs.every((d) => !hasArrayHistograms(d))).toBe(true);
    expect(buildStatisticsDocs(docs.map(partFromDocument), [])).toEqual(buildStatisticsDocs(parts, []));
    expect(partFromDocument(docs[0]!).histograms.map((h) => [...h.values])).toEqual(parts[0]!.histograms.map((h) => [...h.values]));
  });

  it('a part written by the previous version (histograms as arrays) is read to the same statistics', () => {
    const parts = monthParts();
    const old = parts.map((p) => stored(withArrays(p)));
    expect(old.every(hasArrayHistograms)).toBe(true);
    expect(buildStatisticsDocs(old.map(partFromDocument), [])).toEqual(buildStatisticsDocs(parts, []));
    // A mix of both formats, as after an incremental build that rewrote one month.
    const mixed = [stored(partDocument(parts[0]!)), ...old.slice(1)];
    expect(buildStatisticsDocs(mixed.map(partFromDocument), [])).toEqual(buildStatisticsDocs(parts, []));
  });

  it('statistics from monthly parts equal those of one part holding every line', () => {
    const lines = months.map((_, i) => linesOf(i, 300 + i * 111));
    const whole = buildStatisticsDocs([partOf('all', lines.flat())], []);
    expect(buildStatisticsDocs(monthParts(), [])).toEqual(whole);
    const sales = lines.flat().map((l) => l[0]!).sort((a, b) => a - b);
    const descriptive = whole[0] as unknown as { measures: { sales: { min: number; median: number; max: number } } };
    expect(descriptive.measures.sales).toMatchObject({ min: sales[0]! / 10_000, median: sales[(sales.length - 1) / 2]! / 10_000, max: sales[sales.length - 1]! / 10_000 });
  });

  it('histograms are stored compactly: under 4 bytes a distinct value here', () => {
    const p = partOf('2017-01', linesOf(0, 5000));
    const bytes = BSON.serialize(partDocument(p)).length;
    const distinct = p.histograms.reduce((s, h) => s + h.values.length, 0);
    expect(bytes).toBeLessThan(4 * distinct + 1000);
  });
});

describe('reading the lake into parts', () => {
  const lakeOf = (chunks: ValueChunk[]): LakeAccess => ({
    group: () => Promise.reject(new Error('not used')),
    groupMany: () => Promise.reject(new Error('not used')),
    columns: async function* () {
      yield* chunks;
    },
  });
  const chunk = (month: string, day: string, lines: number[][]): ValueChunk => ({ key: { month, day: `${month}-${day}` }, values: lines });

  it('gives one part per month from day chunks in key order, a missing value counted as 0', async () => {
    const parts = await queryStatsParts(lakeOf([chunk('2017-01', '01', [[1_0000, 1, 0, 2000]]), chunk('2017-01', '02', [[3_0000, 2, 1000, null as unknown as number]]), chunk('2017-02', '01', [[5_0000, 1, 0, -100]])]), fullScope);
    expect(parts.map((p) => [p.month, p.moments.n])).toEqual([['2017-01', 2], ['2017-02', 1]]);
    expect([...parts[0]!.histograms[3]!.values]).toEqual([0, 2000]);
  });

  it('refuses chunks that come back to a month already finished, rather than splitting it in two parts', async () => {
    const lake = lakeOf([chunk('2017-01', '01', [[1, 1, 0, 1]]), chunk('2017-02', '01', [[1, 1, 0, 1]]), chunk('2017-01', '02', [[1, 1, 0, 1]])]);
    await expect(queryStatsParts(lake, fullScope)).rejects.toThrow(/2017-01/);
  });
});
