import { kpisBundle, tableBundle } from '../../../src/notebooks/bundle';
import { renderNotebookHtml, type PageInfo } from '../../../src/notebooks/html';
import { code, notebook } from './fixture';

describe('key figures and tables without a stylesheet', () => {
  const kpis = String(kpisBundle([{ label: 'Revenue', value: 110, previous: 100, lastYear: 120, format: 'money' }])['text/html']);
  const noStyleTag = (html: string) => html.replace(/<style[\s\S]*?<\/style>/g, '');

  it('carry the widget rules inline, variables resolved, so that a sanitiser that drops <style> keeps their look', () => {
    const html = noStyleTag(kpis);
    expect(html).toMatch(/<div class="kpi-label" data-erp-inline style="font-size:12px;color:#5b6578;text-transform:uppercase;letter-spacing:\.04em">Revenue<\/div>/);
    expect(html).toMatch(/class="kpi" data-kpi="kpi-0" data-erp-inline style="background:#f6f8fb;border:1px solid #e3e7ee;border-radius:8px/);
    expect(html).toMatch(/<span class="up" data-erp-inline style="color:#1e7d45">/);
    expect(html).not.toContain('var(--');
    expect(html).not.toMatch(/style="[^"]*"[^>]*style="/);
  });

  it('right-align number columns over the left alignment of every cell', () => {
    const html = noStyleTag(String(tableBundle([{ band: '0%', revenue: 12.5 }])['text/html']));
    expect(html).toMatch(/<td class="num" data-erp-inline style="[^"]*text-align:left[^"]*;text-align:right;white-space:nowrap">12\.5<\/td>/);
  });

  it('leave the rendered report as it was: its page has the stylesheet once, with its print rules, so the inline copies go', () => {
    const page: PageInfo = { notebook: 'x.ipynb', parameters: [], lineage: null, generatedAt: '2026-01-02T03:04:05.000Z', code: 'hide' };
    const html = renderNotebookHtml(notebook(code('kpis()', [], [{ output_type: 'display_data', data: kpisBundle([{ label: 'Revenue', value: 12.5, format: 'money' }]) }])), page);
    expect(html).toContain('<div class="kpis"><div class="kpi" data-kpi="kpi-0"><div class="kpi-label">Revenue</div><div class="value">$12.50</div>');
    expect(html).not.toContain('data-erp-inline');
  });
});
