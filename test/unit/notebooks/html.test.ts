import { renderNotebookHtml, vegaLiteOutputs, type PageInfo } from '../../../src/notebooks/html';
import { kpisHtml, tableHtml } from '../../../src/notebooks/widgets';
import { createHash } from 'node:crypto';
import type { TopLevelSpec } from 'vega-lite';
import { code, md, notebook } from './fixture';

const page: PageInfo = { notebook: 'x.ipynb', parameters: [{ name: 'period', value: '2017-11', given: true }, { name: 'k', value: 20, given: false }], lineage: null, generatedAt: '2026-01-02T03:04:05.000Z', code: 'hide' };
const vl = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', mark: 'bar' };
const nb = notebook(
  md('# Branch review\n\nIntro <script>alert(1)</script> and [a link](javascript:alert(1)).'),
  code("const period = '2017-12';", ['parameters']),
  code('secretCode()', [], [{ output_type: 'stream', name: 'stdout', text: 'hello <b>' }]),
  code('chart()', [], [{ output_type: 'display_data', data: { 'application/vnd.vegalite.v5+json': vl, 'image/png': 'AAAA', 'text/plain': '<chart>' } }]),
  code('hidden()', ['remove-cell'], [{ output_type: 'stream', name: 'stdout', text: 'REMOVED-CELL' }]),
  code('noOutput()', ['remove-output'], [{ output_type: 'stream', name: 'stdout', text: 'REMOVED-OUTPUT' }]),
  code('warn()', [], [{ output_type: 'stream', name: 'stderr', text: 'a warning' }]),
  code('kpis()', [], [{ output_type: 'display_data', data: { 'text/html': kpisHtml([{ label: 'Revenue', value: 12.5, format: 'money' }]), 'text/plain': 'Revenue' } }]),
);

describe('notebook as an HTML report', () => {
  const svgs = new Map([[vegaLiteOutputs(nb)[0]!.key, { spec: vl as TopLevelSpec, svg: '<svg id="drawn"></svg>' }]]);
  const html = renderNotebookHtml(nb, page, svgs);

  it('finds the Vega-Lite outputs by cell and output', () => {
    expect(vegaLiteOutputs(nb)).toEqual([{ key: '3:0', spec: vl }]);
  });

  it('takes its title from the first # heading and lists the parameters, marking defaults', () => {
    expect(html).toContain('<header class="report"><h1>Branch review</h1>');
    expect(html).toContain('<div><dt>period</dt><dd>2017-11</dd></div><div><dt>k</dt><dd>20 <span class="default">(default)</span></dd></div>');
    expect(html).toContain('generated 2026-01-02 03:04 UTC');
    expect(html.match(/Branch review<\/h1>/g)).toHaveLength(1);
  });

  it('shows the data as of, and the lineage in one line under the title, in full in the footer', () => {
    const lineage = { database: 'erp', source: '/x/superstore.csv', sourceFile: 'superstore.csv', lakeLines: 9994, rejects: 0, deadLetters: null, warehouseBuiltAt: '2026-11-30T11:48:22.572Z', modelTrainedAt: '2026-11-30T12:39:43.744Z', newestSale: '2017-12-30' };
    const withLineage = renderNotebookHtml(nb, { ...page, lineage }, svgs);
    const header = /<header class="report">[\s\S]*?<\/header>/.exec(withLineage)![0];
    expect(header).toContain('data as of 2017-12-30 (warehouse built 2026-11-30 11:48 UTC)');
    expect(header).toContain('notebook x.ipynb · source superstore.csv · 9,994 sales lines in the lake (database erp) · 0 rejected rows · dead letters unknown · model trained 2026-11-30 12:39 UTC');
    expect(withLineage).toContain('<dt>Model trained</dt><dd>2026-11-30 12:39 UTC</dd>');
    expect(html).not.toContain('<p class="lineage-line">');
  });

  it('draws a Vega-Lite output as its SVG rather than the PNG', () => {
    expect(html).toContain('<figure data-chart="3:0" class="chart"><svg role="img" aria-label="Chart" id="drawn"></svg></figure>');
    expect(html).not.toContain('data:image/png;base64,AAAA');
  });

  it('hides code, stderr and the parameters cells by default; honours remove-cell and remove-output', () => {
    expect(html).not.toContain('secretCode');
    expect(html).toContain('hello &lt;b&gt;');
    expect(html).not.toContain('a warning');
    expect(html).not.toContain("const period = '2017-12'");
    expect(html).not.toContain('REMOVED-CELL');
    expect(html).not.toContain('REMOVED-OUTPUT');
    const shown = renderNotebookHtml(nb, { ...page, code: 'show' }, svgs);
    expect(shown).toContain('secretCode()');
    expect(shown).toContain('noOutput()');
    expect(shown).not.toContain('hidden()');
  });

  it('interactive, runs only its charts\' runtime: the CSP names each inline script by hash, and a script an output holds is not one', () => {
    const withScript = notebook(md('# T'), code('x()', [], [{ output_type: 'display_data', data: { 'text/html': '<script>alert(1)</script>' } }]), code('chart()', [], [{ output_type: 'display_data', data: { 'application/vnd.vegalite.v5+json': vl } }]));
    const charts = new Map([['2:0', { spec: { ...vl, title: 'Sales', data: { values: [{ branch: 'West', revenue: 12.5 }] } } as TopLevelSpec, svg: '<svg></svg>', vega: { marks: [] } }]]);
    const page2 = renderNotebookHtml(withScript, { ...page, interactive: true }, charts);
    const csp = /content="(default-src 'none'; script-src [^"]+)"/.exec(page2)![1]!;
    const runtime = [...page2.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash('sha256').update(m[1]!, 'utf8').digest('base64')}'`);
    expect(runtime.filter((h) => csp.includes(h))).toHaveLength(4);
    expect(runtime).toHaveLength(5);
    expect(csp).not.toContain(runtime[0]);
    expect(page2.includes('<figure data-chart="2:0" class="chart"><svg role="img" aria-label="Sales"></svg><script type="application/json" class="vega-spec">{"marks":[]}</script><details class="chart-data">')).toBe(true);
    expect(page2.includes('<h2>Chart data</h2>')).toBe(true);
  });

  it('shows raw HTML in markdown as text and drops script links', () => {
    expect(html).toContain('Intro &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('href="javascript');
  });

  it('forbids every request and script with a Content-Security-Policy, and keeps the widgets styled once', () => {
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"`);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('<div class="kpis"><div class="kpi" data-kpi="kpi-0"><div class="kpi-label">Revenue</div><div class="value">$12.50</div>');
    expect(html).not.toContain('data-erp-style');
  });
});

describe('display helper HTML', () => {
  it('a table right-aligns and formats numbers by column, and escapes text', () => {
    const t = tableHtml([{ branch: '<West>', revenue: 1234.5, orders: 3 }], ['branch', { key: 'revenue', label: 'Revenue', format: 'money' }, 'orders']);
    // A column given by its key alone is headed as the reports name that field; a key they do not know stays as it is.
    expect(t).toContain('<th>Branch</th><th class="num">Revenue</th><th class="num">Orders</th>');
    expect(tableHtml([{ stat: 'mean' }], ['stat'])).toContain('<th>stat</th>');
    expect(t).toContain('<td>&lt;West&gt;</td><td class="num">$1,234.50</td><td class="num">3</td>');
  });

  it('in Spanish (locale es): headers, key figures and numbers as a Spanish reader writes them; data names as they are', () => {
    const t = tableHtml([{ branch: 'West', sub_category: 'Phones', revenue: 83829.32, margin: 0.3142, units: 1234 }], ['branch', 'sub_category', { key: 'revenue', format: 'money' }, { key: 'margin', format: 'percent' }, 'units'], {}, 'es');
    expect(t).toContain('<th>Sucursal</th><th>Subcategoría</th><th class="num">Ventas</th><th class="num">Margen</th><th class="num">Unidades</th>');
    expect(t).toContain('<td>West</td><td>Phones</td><td class="num">83.829,32\u00a0US$</td><td class="num">31,4 %</td><td class="num">1.234</td>');
    expect(tableHtml([], undefined, {}, 'es')).toContain('sin filas');
    // A report's figure is named by its key in the reader's language; a notebook's own keeps the label it was given.
    const k = kpisHtml([{ key: 'revenue', label: 'Revenue', value: 110, previous: 100, lastYear: null, format: 'money' }, { label: 'Mensajes', value: 9994, format: 'count' }], 'es');
    expect(k).toContain('<div class="kpi-label">Ventas</div>');
    expect(k).toContain('110,00\u00a0US$');
    expect(k).toContain('<div class="kpi-label">Mensajes</div><div class="value">9994</div>'.replace('9994', '9.994'));
  });

  it('a key figure with comparisons shows both, like the executive report', () => {
    const k = kpisHtml([{ label: 'Revenue', value: 110, previous: 100, lastYear: 120, format: 'money' }]);
    expect(k).toContain('vs prev <span class="up">▲ +10.0 %</span>');
    expect(k).toContain('vs LY <span class="down">▼ −8.3 %</span>');
  });
});
