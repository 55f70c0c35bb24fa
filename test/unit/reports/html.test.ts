import { renderHtml } from '../../../src/reports/html';
import { trendChart } from '../../../src/reports/charts';
import { emptyReport, fixtureReport, formulaName } from './fixture';

describe('report HTML', () => {
  const html = renderHtml(fixtureReport(), { charts: { trend: { spec: trendChart(fixtureReport().trend, 'day'), svg: '<svg></svg>' } } });

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

  it('a period without sales keeps its key figures at zero and says so in place of every chart and table', () => {
    const html = renderHtml(emptyReport(), { charts: {} });
    expect(html).toContain('No sales between 2013-06-01 and 2013-06-30.');
    expect(html).toContain('data-kpi="revenue"');
    expect(html).toContain('$0.00');
    // The comparison periods are still shown: 12 orders the month before.
    expect(html).toContain('previous period: 12');
    for (const section of ['Trend', 'Branches and customers', 'Categories', 'Products', 'Discounts and shipping']) {
      const body = html.split(`<h2>${section}</h2>`)[1]!.split('</section>')[0]!;
      expect([section, body]).toEqual([section, '<p class="note empty-note">No sales between 2013-06-01 and 2013-06-30.</p>']);
    }
    expect(html).not.toContain('<figure');
  });

  it("a branch report names its branch in the title and says its rank in one line above the branches, its row marked", () => {
    const d = { ...fixtureReport(), branch: { id: 'BR-WEST', name: 'West · Los Angeles' }, standing: { rank: 2, of: 4, share: 0.314 } };
    d.branches = [{ branch: 'East · New York City', revenue: 40000, profit: 4000, margin: 0.1, orders: 90 }, { branch: 'West · Los Angeles', revenue: 30000, profit: 3000, margin: 0.1, orders: 80 }];
    const page = renderHtml(d, { charts: {} });
    expect(page).toContain('<title>Executive sales report · West · Los Angeles · December 2017</title>');
    expect(page).toContain('<h1>Executive sales report · West · Los Angeles</h1>');
    expect(page).toContain('<p class="standing" data-standing="BR-WEST">West · Los Angeles ranks 2nd of 4 branches with 31.4 % of revenue.</p>');
    expect(page).toContain('<tr class="this-branch"><td>West · Los Angeles</td>');
    expect(html).not.toContain('data-standing');
  });
});

