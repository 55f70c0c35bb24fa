/** Issue 28: a relevance resting on fewer customers than RECO_MIN_CUSTOMERS is flagged and left out of the averages. */
import { loadConfig } from '../../../src/config';
import { trainModel, type CatalogueItem, type TrainingLine } from '../../../src/pipeline/reco/train';
import { recommend } from '../../../src/pipeline/reco/score';
import type { SaleRecommendations } from '../../../src/pipeline/reco/event';
import { isThin, recommendationsFragment, supportOf } from '../../../src/dashboard/recommendations';

const cat = (id: string): CatalogueItem => ({ product_id: id, name: `Item ${id}`, alt_names: [], category: 'Office Supplies', sub_category: 'Paper', unit_price: 10 });

describe('the customers behind a recommendation', () => {
  // Product X<s> is bought with A by s customers, for s = 1..40: the model's support of the pair A-X<s> is s.
  const supports = Array.from({ length: 40 }, (_, i) => i + 1);
  const lines: TrainingLine[] = supports.flatMap((s) =>
    Array.from({ length: s }, (_, j) => [
      { sale_id: `o${s}-${j}-a`, customer_id: `c${s}-${j}`, product_id: 'A', order_date: '2016-01-01' },
      { sale_id: `o${s}-${j}-x`, customer_id: `c${s}-${j}`, product_id: `X${s}`, order_date: '2016-01-02' },
    ]).flat(),
  );
  const model = trainModel(lines, [cat('A'), ...supports.map((s) => cat(`X${s}`))], { level: 'customer', k: 50, now: new Date('2020-01-01T00:00:00Z') });

  it('is recovered from the confidence the event carries, exactly, for supports 1 to 40', () => {
    const recs = recommend(model, ['A'], { k: 40, coSlots: 40 }).filter((r) => !r.fallback);
    expect(recs).toHaveLength(40);
    for (const r of recs) {
      const stated = Number(/bought by (\d+) customers?/.exec(r.reason)?.[1]);
      expect([r.product_id, supportOf(r)]).toEqual([r.product_id, stated]);
      expect([r.product_id, supportOf(r)]).toEqual([r.product_id, Number(r.product_id.slice(1))]);
    }
  });

  it('is unknown for a best-seller fill, which rests on popularity and is never flagged', () => {
    const fill = { fallback: true, confidence: 4.2 };
    expect(supportOf(fill)).toBeNull();
    expect(isThin(fill, 3)).toBe(false);
  });

  it('a co-purchase on 1 or 2 customers is thin at the default minimum of 3; on 3 it is not', () => {
    expect([33.3, 50, 60].map((confidence) => isThin({ fallback: false, confidence }, 3))).toEqual([true, true, false]);
    expect(isThin({ fallback: false, confidence: 33.3 }, 1)).toBe(false);
    expect(supportOf({ fallback: false, confidence: 100 })).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('RECO_MIN_CUSTOMERS', () => {
  it('is 3 by default, a whole number of customers, 1 or more', () => {
    expect(loadConfig({}, () => undefined).dashboard.recoMinCustomers).toBe(3);
    expect(loadConfig({ RECO_MIN_CUSTOMERS: '5' }, () => undefined).dashboard.recoMinCustomers).toBe(5);
    for (const bad of ['0', '-2', '2.5', 'few']) {
      expect(() => loadConfig({ RECO_MIN_CUSTOMERS: bad }, () => undefined)).toThrow(`RECO_MIN_CUSTOMERS=${JSON.stringify(bad)}: expected a whole number of customers, 1 or more`);
    }
  });
});

describe('the recommendations page', () => {
  const rec = (rank: number, relevance: number, confidence: number, fallback = false) => ({
    product_id: `P${rank}`, name: `Product ${rank}`, category: 'Furniture', sub_category: 'Chairs', unit_price: 10, relevance, confidence, rank, fallback, because_product_id: fallback ? null : 'Q', reason: 'why',
  });
  const sale = (id: string, orderDate: string, recommendedAt: string): SaleRecommendations => ({
    sale_id: id, customer_id: 'C1', customer_name: 'Ann <b>', branch_id: 'BR-WEST', branch_name: 'West', payment_method: 'card', order_date: orderDate, order_time: '10:15', sale_produced_at: null,
    totals: { lines: 1, units: 1, total: 20, profit: 2 },
    items: [{ product_id: 'Q', name: 'Bought thing', category: 'Furniture', sub_category: 'Chairs', quantity: 1, unit_price: 20, discount: 0, subtotal: 20 }],
    // 45.6 % on one customer (confidence 33.3 %), 20 % on four (66.7 %), and a best-seller fill.
    recommendations: [rec(1, 45.6, 33.3), rec(2, 20, 66.7), rec(3, 10, 5, true)],
    model: { trained_at: '2026-01-01T00:00:00Z', level: 'customer', format_version: 1 },
    recommended_at: recommendedAt,
  });
  const feed = (items: SaleRecommendations[]) => ({ items: () => items, error: () => null, stop: async () => undefined });
  const draw = async (name: string) => `<figure data-chart="${name}"></figure>`;

  it('calls them the most recently processed sales and shows each sale\'s order date', async () => {
    const { html } = await recommendationsFragment({ db: null, feed: feed([sale('S-2017', '2017-12-30', '2026-03-01T10:00:05Z'), sale('S-2014', '2014-01-06', '2026-03-01T10:00:00Z')]), draw, zone: 'UTC' });
    expect(html).toContain('<h2>Most recently processed sales</h2>');
    expect(html).not.toMatch(/latest sales/i);
    expect([...html.matchAll(/data-order-date>([^<]+)</g)].map((m) => m[1])).toEqual(['2017-12-30', '2014-01-06']);
    expect(html).toContain('processed 2026-03-01 10:00 UTC');
    expect(html).toContain('Ann &lt;b&gt;');
  });

  it('flags a relevance resting on fewer customers than the minimum and leaves it out of the averages', async () => {
    const { html } = await recommendationsFragment({ db: null, feed: feed([sale('S1', '2017-12-30', '2026-03-01T10:00:00Z')]), draw, minCustomers: 3, zone: 'UTC' });
    expect(html).toMatch(/<tr data-product="P1" class="thin" data-thin="true">.*<td class="num rel">45\.6 %<\/td>.*<td>1 customer<span class="pill warn"[^>]*>too few to trust<\/span><\/td>/);
    expect(html).toMatch(/<tr data-product="P2"><.*<td>4 customers<\/td>/);
    expect(html).toMatch(/<tr data-product="P3">.*<td class="muted">best-seller sales<\/td>/);
    // Trusted: 20 % (4 customers) and the 10 % fill.
    expect(html).toMatch(/data-kpi="avg-relevance"><div class="label">Avg relevance, trusted<\/div><div class="value">15\.0 %</);
    expect(html).toMatch(/data-kpi="thin"><div class="label">On &lt; 3 customers<\/div><div class="value">1 of 2</);
  });

  it('with RECO_MIN_CUSTOMERS=1 flags nothing', async () => {
    const { html } = await recommendationsFragment({ db: null, feed: feed([sale('S1', '2017-12-30', '2026-03-01T10:00:00Z')]), draw, minCustomers: 1, zone: 'UTC' });
    expect(html).not.toContain('data-thin');
    expect(html).toMatch(/data-kpi="thin"><div class="label">On &lt; 1 customer<\/div><div class="value">0 of 2</);
  });

  it('shows one clock, with its zone named', async () => {
    const { html } = await recommendationsFragment({ db: null, feed: feed([sale('S1', '2017-12-30', '2026-03-01T10:00:00Z')]), draw, zone: 'Europe/Paris' });
    expect([...html.matchAll(/data-clock>([^<]+)</g)].map((m) => m[1])).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d Europe\/Paris$/)]);
    expect(html).not.toContain('UTC');
  });
});
