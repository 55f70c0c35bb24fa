import { renderHtml } from '../../../src/reports/html';
import { fixtureReport, formulaName } from './fixture';

describe('report HTML', () => {
  const html = renderHtml(fixtureReport(), { charts: { trend: '<svg></svg>' } });

  it('is self-contained: no script, no external resource', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="https?:/i);
    expect(html).not.toMatch(/@import|url\(/);
  });

  it('escapes data values, including text that looks like markup or a formula', () => {
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(html).toContain(formulaName.replace(/"/g, '&quot;'));
  });

  it('shows KPI cards with both comparisons and the lineage footer', () => {
    expect(html).toContain('data-kpi="revenue"');
    expect(html).toContain('$83,829.32');
    expect(html).toMatch(/vs prev <span class="down">▼ −29\.2 %/);
    expect(html).toContain('9,994 sales lines');
  });

  it('says so when the period has no sales', () => {
    expect(renderHtml({ ...fixtureReport(), empty: true }, { charts: {} })).toContain('No sales in December 2017');
  });
});
