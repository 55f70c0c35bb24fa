import * as charts from '../../../src/reports/charts';
import { compileSpec } from '../../../src/reports/render';
import { chartFigure, createFigureCache, interactiveSpec, scriptJson, stableIds } from '../../../src/dashboard/interactive';
import { fixtureReport } from '../reports/fixture';

type Def = Record<string, unknown>;
const d = fixtureReport();
const dashboardCharts = {
  trend: charts.trendChart(d.trend, 'month', 700),
  branches: charts.branchChart(d.branches),
  products: charts.productProfitChart(d.topProducts, 'Top'),
  categories: charts.categoryChart(d.categories),
  correlation: charts.correlationChart(['a', 'b'], [{ field: 'a', values: [1, -0.25] }, { field: 'b', values: [-0.25, 1] }]),
  discount: charts.discountChart(d.discountBands),
  perHour: charts.salesPerHourChart([{ hour: 9, branch: 'West', sales: 2 }]),
  sale: charts.saleRecommendationsChart([{ name: 'Chair', relevance: 42.5, rank: 1, fallback: false }]),
  relevance: charts.relevanceHistogram([12, 55, 57]),
};
const tooltipOf = (spec: unknown) => ((spec as Def).encoding as Def).tooltip as Def[];

describe('interactive specs for the dashboards', () => {
  it.each(Object.keys(dashboardCharts))('%s compiles without a warning and has a titled tooltip', (name) => {
    const spec = interactiveSpec(dashboardCharts[name as keyof typeof dashboardCharts]);
    const warnings: string[] = [];
    compileSpec(spec, warnings);
    expect(warnings).toEqual([]);
    expect(tooltipOf(spec).length).toBeGreaterThan(0);
    for (const t of tooltipOf(spec)) expect([name, typeof t.title]).toEqual([name, t.aggregate ? typeof t.title : 'string']);
  });

  it('formats money, margins and counts in tooltips', () => {
    const t = tooltipOf(interactiveSpec(dashboardCharts.categories));
    expect(t.find((x) => x.field === 'revenue')).toMatchObject({ format: '$,.2f', type: 'quantitative' });
    expect(t.find((x) => x.field === 'margin')).toMatchObject({ format: '.1%', type: 'quantitative' });
    expect(tooltipOf(interactiveSpec(dashboardCharts.perHour)).find((x) => x.field === 'sales')).toMatchObject({ format: ',d' });
    expect(tooltipOf(interactiveSpec(dashboardCharts.trend)).find((x) => x.field === 'date')).toMatchObject({ format: '%b %Y' });
  });

  it('binds a highlight to the legend of charts coloured by series', () => {
    for (const spec of [dashboardCharts.trend, dashboardCharts.branches, dashboardCharts.categories, dashboardCharts.perHour]) {
      const s = interactiveSpec(spec) as unknown as Def;
      expect(s.params).toEqual([expect.objectContaining({ name: 'highlight', bind: 'legend' })]);
      expect((s.encoding as Def).opacity).toMatchObject({ condition: { param: 'highlight', empty: true } });
    }
    expect((interactiveSpec(dashboardCharts.products) as unknown as Def).params).toBeUndefined();
  });

  it('leaves the report spec it was given unchanged', () => {
    const spec = charts.categoryChart(d.categories);
    const before = JSON.stringify(spec);
    interactiveSpec(spec);
    expect(JSON.stringify(spec)).toBe(before);
  });

  it('leaves a chart without data alone', () => {
    const empty = charts.trendChart([], 'month');
    expect(interactiveSpec(empty)).toBe(empty);
  });

  it('embeds the spec as JSON a script element cannot be closed by', async () => {
    expect(scriptJson({ name: '</script><script>alert(1)</script>' })).not.toContain('</script>');
    const html = await chartFigure('products', charts.productProfitChart([{ ...d.topProducts[0]!, name: '</script><b>x' }], 'Top'));
    expect(html).toMatch(/^<figure data-chart="products"><svg/);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    const json = html.slice(html.indexOf('class="vl-spec">') + 16, html.lastIndexOf('</script>'));
    expect(JSON.stringify(JSON.parse(json))).toContain('</script><b>x');
  });
});

describe('stableIds', () => {
  it('renames gradient and clip ids after the figure, with their references', () => {
    const svg = '<svg><defs><linearGradient id="gradient_6"/><clipPath id="clip12"/></defs><rect fill="url(#gradient_6)" clip-path="url(#clip12)"/></svg>';
    expect(stableIds(svg, 'chart-a')).toBe('<svg><defs><linearGradient id="chart-a-gradient-0"/><clipPath id="chart-a-clip-1"/></defs><rect fill="url(#chart-a-gradient-0)" clip-path="url(#chart-a-clip-1)"/></svg>');
  });

  it('makes two draws of a chart with a gradient legend the same bytes', async () => {
    const spec = charts.correlationChart(['a', 'b'], [{ field: 'a', values: [1, 0] }, { field: 'b', values: [0, 1] }]);
    expect(await chartFigure('c', spec)).toBe(await chartFigure('c', spec));
  });
});

describe('the figure cache', () => {
  const spec = charts.branchChart(d.branches);

  it('draws a chart once and gives the same figure for the same spec', async () => {
    const cache = createFigureCache(1024 * 1024);
    const first = await cache.draw('branches', spec);
    expect(await cache.draw('branches', structuredClone(spec))).toBe(first);
    expect(first).toBe(await chartFigure('branches', spec));
    expect(cache.stats()).toMatchObject({ entries: 1, hits: 1, misses: 1, evictions: 0 });
    expect(cache.stats().bytes).toBe(first.length * 2);
  });

  it('keeps the same spec under another name apart (the name is in the figure)', async () => {
    const cache = createFigureCache(1024 * 1024);
    expect(await cache.draw('a', spec)).not.toBe(await cache.draw('b', spec));
    expect(cache.stats()).toMatchObject({ entries: 2, misses: 2 });
  });

  it('with 0 bytes keeps nothing: every chart is drawn', async () => {
    const cache = createFigureCache(0);
    expect(await cache.draw('branches', spec)).toBe(await cache.draw('branches', spec));
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0, maxBytes: 0, hits: 0, misses: 2 });
  });

  it('evicts the least recently drawn figure when full', async () => {
    const other = charts.branchChart([{ ...d.branches[0]!, revenue: 1234.5 }]);
    const [a, b] = [(await chartFigure('branches', spec)).length * 2, (await chartFigure('branches', other)).length * 2];
    const cache = createFigureCache(Math.max(a, b) + 10);
    await cache.draw('branches', spec);
    await cache.draw('branches', other);
    expect(cache.stats()).toMatchObject({ entries: 1, bytes: b, evictions: 1 });
  });
});
