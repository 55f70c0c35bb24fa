import path from 'node:path';
import * as charts from '../../../src/reports/charts';
import { reportCharts } from '../../../src/reports/charts';
import { compileSpec, renderSvg } from '../../../src/reports/render';
import { expectGolden } from '../../support/golden';
import { svgSize } from './edge-charts';
import { fixtureReport, scriptName } from './fixture';

/** Golden files are accepted only on purpose: UPDATE_GOLDEN=1 npx jest test/unit/reports/charts. */
const goldenDir = path.join(__dirname, 'golden');

describe('report charts', () => {
  const specs = reportCharts(fixtureReport());

  it.each(Object.keys(specs))('%s matches its golden spec', (name) => {
    const file = path.join(goldenDir, `${name}.json`);
    const text = `${JSON.stringify(specs[name], null, 2)}\n`;
    expectGolden(file, text);
  });

  it('every spec compiles without a warning', () => {
    for (const [name, spec] of Object.entries(specs)) {
      const warnings: string[] = [];
      compileSpec(spec, warnings);
      expect([name, warnings]).toEqual([name, []]);
    }
  });

  it('renders to SVG with data text escaped', async () => {
    const svg = await renderSvg(specs.top_products!);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;');
    expect(scriptName).toContain('<script>');
  });
});

describe('charts of the notebooks', () => {
  const d = fixtureReport();

  it("the branch review's month is one figure of two panels, each with its own colours, as wide as an A4 page", async () => {
    const days = Array.from({ length: 31 }, (_, i) => ({ date: `2017-12-${String(i + 1).padStart(2, '0')}`, revenue: 100 * i, profit: 10 * i, revenue_avg: i >= 6 ? 50 * i : null }));
    const subs = ['Storage', 'Tables', 'Copiers', 'Chairs', 'Phones', 'Bookcases', 'Furnishings', 'Paper', 'Accessories', 'Binders', 'Appliances', 'Art', 'Labels', 'Supplies', 'Envelopes', 'Fasteners', 'Machines'];
    const categories = subs.map((sub_category, i) => ({ ...d.categories[0]!, category: ['Furniture', 'Office Supplies', 'Technology'][i % 3]!, sub_category, revenue: 1000 - i * 50 }));
    const spec = charts.branchMonthChart(days, categories) as { hconcat: { title: string }[]; resolve: unknown };
    expect(spec.hconcat.map((v) => v.title)).toEqual(['Revenue and profit by day', 'Revenue by sub-category']);
    expect(spec.resolve).toEqual({ scale: { color: 'independent', strokeDash: 'independent' } });
    const warnings: string[] = [];
    compileSpec(spec as never, warnings);
    expect(warnings).toEqual([]);
    // The report's page is 663 px wide inside its margins: a wider figure would be scaled down, text with it.
    const { width } = svgSize(await renderSvg(spec as never));
    expect(width).toBeLessThanOrEqual(663);
  });

  it('line values are drawn from the bins given, on a log scale', () => {
    const bins = [{ from: 1, to: 1.33352, lines: 3 }];
    const spec = charts.lineValueChart(bins) as { data: { values: unknown[] }; encoding: { x: { scale: unknown; bin: unknown } } };
    expect(spec.data.values).toEqual(bins);
    expect(spec.encoding.x.scale).toEqual({ type: 'log' });
    expect(spec.encoding.x.bin).toBe('binned');
  });

  it('seasonality puts each month under its month of the year, one line per year', () => {
    const spec = charts.seasonalityChart([{ month: '2016-02', revenue: 12 }, { month: '2017-11', revenue: 80 }]) as { data: { values: unknown[] } };
    expect(spec.data.values).toEqual([{ year: '2016', month: 2, revenue: 12 }, { year: '2017', month: 11, revenue: 80 }]);
  });

  it('the hit rate chart has a bar and an interval for each scorer at each level', () => {
    const m = (v: number) => ({ value: v, ci95: [v - 0.01, v + 0.01] as [number, number] });
    const level = (v: number) => ({ hr_at_5: m(v), precision_at_5: m(v), recall_at_5: m(v), ndcg_at_5: m(v), coverage: 0.5 });
    const e = { cases: 10, model: { product: level(0.05), subcategory: level(0.2) }, popularity: { product: level(0.03), subcategory: level(0.25) }, random: { product: level(0.01), subcategory: level(0.1) } };
    const spec = charts.hitRateChart(e) as { data: { values: { scorer: string; level: string; hr: number; lo: number; hi: number }[] } };
    expect(spec.data.values).toHaveLength(6);
    expect(spec.data.values[0]).toMatchObject({ scorer: 'model', level: 'product level', hr: 0.05, lo: 0.04 });
    expect(spec.data.values.find((r) => r.scorer === 'popularity' && r.level === 'sub-category level')?.hr).toBe(0.25);
  });
});
