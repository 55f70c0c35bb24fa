/** Issue 17, item 5: an axis of counts shows integer ticks only, even for one or two sales (it showed 0, 1, 1). */
import { relevanceHistogram, rfmChart, salesPerHourChart, shippingChart } from '../../../src/reports/charts';
import { renderSvg } from '../../../src/reports/render';

/** The labels of the count axis: numbers outside the fixed hour (0-23) and relevance (0-100) axes. */
async function countLabels(svg: Promise<string>, fixed: RegExp): Promise<string> {
  const labels = [...(await svg).matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!).filter((t) => /^[\d,.]+$/.test(t));
  return labels.join(' ').replace(fixed, '').trim();
}

const hours = /^(\d+ ){24}/;
const bins = /^0 10 20 30 40 50 60 70 80 90 100 /;

describe('count axes', () => {
  it.each([
    [1, '0 1'],
    [2, '0 1 2'],
    [3, '0 1 2 3'],
    [12, '0 2 4 6 8 10 12'],
  ])('sales per hour with at most %i sales: ticks %s', async (n, ticks) => {
    expect(await countLabels(renderSvg(salesPerHourChart([{ hour: 9, branch: 'West', sales: n }], 700)), hours)).toBe(ticks);
  });

  it('the relevance histogram, shipping and RFM charts count in whole numbers', async () => {
    expect(await countLabels(renderSvg(relevanceHistogram([50, 55], 400)), bins)).toBe('0 1 2');
    expect(await countLabels(renderSvg(shippingChart([{ ship_mode: 'First Class', orders: 1, revenue: 10, avg_lead_days: null }], 300)), /^$/)).toBe('0 1');
    expect(await countLabels(renderSvg(rfmChart([{ segment: 'Champions', customers: 2, revenue: 10, share: 1 }], 300)), /^$/)).toBe('0 1 2');
  });
});
