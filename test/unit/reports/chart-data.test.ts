import * as charts from '../../../src/reports/charts';
import { chartTables, specTitle } from '../../../src/reports/chart-data';
import { interactiveSpec } from '../../../src/reports/interactive-spec';
import { accessibleSvg, chartDataAppendix, figureHtml, withDescription } from '../../../src/reports/figures';
import { fixtureReport, scriptName } from './fixture';

const d = fixtureReport();
const columns = (spec: Parameters<typeof chartTables>[0]) => chartTables(spec).map((t) => t.columns.map((c) => `${c.title}:${c.format}`));

describe("a chart's data as a table", () => {
  it('lists the rows a folded chart draws with their own fields, one column each', () => {
    expect(columns(charts.trendChart(d.trend, 'day'))).toEqual([['date:day', 'revenue:money', 'profit:money', 'revenue, moving average:money']]);
    expect(columns(charts.branchChart(d.branches))).toEqual([['branch:text', 'revenue:money', 'profit:money', 'margin:percent', 'orders:count']]);
  });

  it("takes the columns of the chart's tooltip, leaving out the labels it computed for its axis", () => {
    expect(columns(charts.productProfitChart(d.topProducts, 'Top'))).toEqual([['name:text', 'product id:text', 'profit:money', 'revenue:money', 'units:count']]);
    expect(columns(charts.shippingChart(d.shipping))).toEqual([['ship mode:text', 'orders:count', 'revenue:money', 'lead time (days):days']]);
  });

  it("names its columns and the tooltip's fields in the reader's language", () => {
    expect(chartTables(charts.branchChart(d.branches), 'es')[0]!.columns.map((c) => c.title)).toEqual(['sucursal', 'ventas', 'beneficio', 'margen', 'pedidos']);
    const tooltip = (interactiveSpec(charts.branchChart(d.branches), 'es') as unknown as { encoding: { tooltip: { title: string }[] } }).encoding.tooltip;
    expect(tooltip.map((def) => def.title)).toEqual(['sucursal', 'medida', 'importe']);
  });

  it('gives a table per view of a concatenated chart, titled, and none for a chart without rows', () => {
    const tables = chartTables(charts.branchMonthChart(d.trend, d.categories));
    expect(tables.map((t) => t.title)).toEqual(['Revenue and profit by day', 'Revenue by sub-category']);
    expect(chartTables(charts.trendChart([], 'day'))).toEqual([]);
  });

  it('reads the title a spec gives as a string, lines or an object', () => {
    expect([specTitle({ title: 'A' }), specTitle({ title: ['A', 'b'] }), specTitle({ title: { text: 'C' } }), specTitle({})]).toEqual(['A', 'A b', 'C', '']);
  });
});

describe('figures', () => {
  const spec = { ...charts.productProfitChart(d.topProducts, 'Top 10 <products>'), description: 'Profit of "2" products' };
  const drawn = { spec, svg: '<svg xmlns="http://www.w3.org/2000/svg" width="10"></svg>', vega: { marks: ['</script><script>alert(1)</script>'] } };

  it('names the SVG for a screen reader by its description, escaped', () => {
    expect(accessibleSvg(drawn.svg, spec)).toBe('<svg role="img" aria-label="Profit of &quot;2&quot; products" xmlns="http://www.w3.org/2000/svg" width="10"></svg>');
  });

  it('an interactive figure carries its compiled spec as JSON that cannot close its script element; a static one none', () => {
    const interactive = figureHtml('top', drawn, { interactive: true });
    expect(interactive).toContain('<script type="application/json" class="vega-spec">{"marks":["\\u003c/script>\\u003cscript>alert(1)\\u003c/script>"]}</script>');
    const still = figureHtml('top', drawn, { interactive: false });
    expect(still).not.toContain('<script');
    expect(still).toMatch(/^<figure data-chart="top"><svg role="img"[^]*<details class="chart-data"><summary>Show the data<\/summary><table class="data-table short"><thead><tr><th scope="col">Name<\/th>/);
    expect(still).toContain(`<td>${scriptName.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}</td>`);
  });

  it('gathers every chart with data in an appendix, under its title, in Spanish too', () => {
    const none = { spec: charts.trendChart([], 'day'), svg: '<svg></svg>' };
    const appendix = chartDataAppendix([drawn, none]);
    expect(appendix).toContain('<h2>Chart data</h2>');
    expect(appendix).toContain('<h3>Top 10 &lt;products&gt;</h3>');
    expect(appendix.match(/<h3>/g)).toHaveLength(1);
    expect(chartDataAppendix([drawn], 'es')).toContain('<h2>Datos de los gráficos</h2>');
    expect(chartDataAppendix([none])).toBe('');
  });

  it('describes a chart that has no description by its title and rows', () => {
    expect(withDescription(charts.segmentChart(d.segments)).description).toBe('Revenue by customer segment. One data row, listed in the table under the chart.');
    expect(withDescription(charts.trendChart(d.trend, 'day'), 'es').description).toBe('Revenue and profit by day, with 7-day moving average. 2 filas de datos, en la tabla bajo el gráfico.');
    expect(withDescription(charts.trendChart([], 'day')).description).toBe('Revenue and profit by day, with 7-day moving average');
  });
});
