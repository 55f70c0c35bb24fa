import fs from 'node:fs';
import path from 'node:path';
import { reportCharts } from '../../../src/reports/charts';
import { compileSpec, renderSvg } from '../../../src/reports/render';
import { fixtureReport, scriptName } from './fixture';

/** Golden files are rewritten only on purpose: UPDATE_GOLDEN=1 npx jest test/unit/reports/charts. */
const goldenDir = path.join(__dirname, 'golden');

describe('report charts', () => {
  const specs = reportCharts(fixtureReport());

  it.each(Object.keys(specs))('%s matches its golden spec', (name) => {
    const file = path.join(goldenDir, `${name}.json`);
    const text = `${JSON.stringify(specs[name], null, 2)}\n`;
    if (process.env.UPDATE_GOLDEN === '1' && !process.env.CI) fs.writeFileSync(file, text);
    expect(text).toBe(fs.readFileSync(file, 'utf8'));
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
