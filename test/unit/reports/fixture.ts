/** A small, fixed ReportData for unit tests of the renderers. */
import type { ReportData } from '../../../src/reports/data';
import { parsePeriod } from '../../../src/reports/period';

export const formulaName = '=HYPERLINK("http://example.com","click")';
export const scriptName = '<script>alert("x")</script> & Co';

export function fixtureReport(): ReportData {
  const product = (id: string, name: string, profit: number) => ({ product_id: id, name, category: 'Technology', sub_category: 'Phones', units: 3, revenue: 300.5, profit, margin: profit / 300.5 });
  return {
    period: parsePeriod('2017-12'),
    branch: null,
    standing: null,
    generatedAt: '2026-11-28T07:00:00.000Z',
    database: 'erp',
    empty: false,
    kpis: [
      { key: 'revenue', label: 'Revenue', format: 'money', value: 83829.32, previous: 118447.83, lastYear: 96999.04 },
      { key: 'margin', label: 'Margin', format: 'percent', value: 0.1012, previous: 0.0823, lastYear: 0.1845 },
      { key: 'orders', label: 'Orders', format: 'count', value: 224, previous: 261, lastYear: 176 },
      { key: 'new_customers', label: 'New customers', format: 'count', value: 0, previous: 0, lastYear: null },
    ],
    trendGrain: 'day',
    trend: [
      { date: '2017-12-01', revenue: 100, profit: 10, revenue_avg: null },
      { date: '2017-12-02', revenue: 250.25, profit: -20, revenue_avg: 175.13 },
    ],
    branches: [{ branch: 'West · Los Angeles', revenue: 29652.1, profit: 4169.32, margin: 0.1406, orders: 71 }],
    categories: [{ category: 'Technology', sub_category: 'Phones', revenue: 9067.06, profit: 1680.84, margin: 0.1854, units: 112, avg_discount: 0.158 }],
    movers: {
      branches: [{ name: 'West · Los Angeles', revenue: 29652.1, profit: 4169.32, previous: { revenue: 31000, profit: 5000 }, lastYear: { revenue: 20652.1, profit: 3000 } }],
      subCategories: [{ name: 'Phones', revenue: 9067.06, profit: 1680.84, previous: { revenue: 10067.06, profit: 1500 }, lastYear: { revenue: 9000, profit: 1000 } }],
    },
    topProducts: [product('P-1', formulaName, 120), product('P-2', scriptName, 80)],
    bottomProducts: [product('P-3', 'Loss maker', -50)],
    segments: [{ segment: 'Consumer', customers: 100, orders: 120, revenue: 45000, profit: 5000 }],
    discountBands: [{ band: '0%', lines: 10, revenue: 1000, profit: 250, margin: 0.25 }, { band: '51-80%', lines: 2, revenue: 100, profit: -140, margin: -1.4 }],
    shipping: [{ ship_mode: 'Standard Class', orders: 136, revenue: 50400.18, avg_lead_days: 5.1 }],
    rfm: [{ segment: 'Champions', customers: 85, revenue: 455364.08, share: 0.107 }],
    reco: { pairs: [{ a: 'Chair', b: 'Desk', support: 2, similarity: 0.5 }], support: { header: 'Orders', meaning: 'orders holding both' }, model: { trained_at: '2026-11-28T06:00:00.000Z', items: 1862, pairs: 9893, level: 'order' }, evaluation: { cut: '2017-01-01', cases: 2435, rows: [{ scorer: 'model', level: 'product', hr: 0.0057, ndcg: 0.0032, coverage: 0.588 }] } },
    lineage: { source: 'superstore.csv', sourceFile: 'superstore.csv', lakeLines: 9994, rejects: 0, deadLetters: 0, warehouseBuiltAt: '2026-11-28T06:30:00.000Z', modelTrainedAt: '2026-11-28T06:00:00.000Z' },
  };
}

/** A period without sales (June 2013, before the data starts), as loadReportData returns it. */
export function emptyReport(): ReportData {
  const full = fixtureReport();
  return {
    ...full,
    period: parsePeriod('2013-06'),
    empty: true,
    kpis: [
      { key: 'revenue', label: 'Revenue', format: 'money', value: 0, previous: 0, lastYear: 0 },
      { key: 'margin', label: 'Margin', format: 'percent', value: null, previous: null, lastYear: null },
      { key: 'orders', label: 'Orders', format: 'count', value: 0, previous: 12, lastYear: 0 },
    ],
    trend: [],
    branches: [],
    categories: [],
    movers: { branches: [], subCategories: [] },
    topProducts: [],
    bottomProducts: [],
    segments: [],
    discountBands: [],
    shipping: [],
  };
}
