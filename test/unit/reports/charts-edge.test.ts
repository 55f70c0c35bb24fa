/**
 * Every chart must draw whatever the data. Vega-Lite sizes an empty nominal scale or legend as Infinity, which no
 * browser can screenshot (the crash behind an empty month's workbook), so each case is rendered and its size checked.
 */
import * as charts from '../../../src/reports/charts';
import { compileSpec, renderSvg } from '../../../src/reports/render';
import { edgeChartBuilders, edgeChartCases, svgSize } from './edge-charts';

describe('charts with edge-case data', () => {
  it.each(edgeChartCases)('%s with %s data compiles without a warning and draws at a finite size', async (name, shape) => {
    const spec = edgeChartBuilders[name]!(shape);
    const warnings: string[] = [];
    compileSpec(spec, warnings);
    expect(warnings).toEqual([]);
    const svg = await renderSvg(spec);
    const { width, height } = svgSize(svg);
    expect(Number.isFinite(width) && width > 0 && width < 5000).toBe(true);
    expect(Number.isFinite(height) && height > 0 && height < 5000).toBe(true);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('an empty chart keeps its title and says there is no data', async () => {
    const svg = await renderSvg(charts.categoryChart([]));
    expect(svg).toContain('Revenue by sub-category');
    expect(svg).toContain(charts.noDataMessage);
  });
});
