/**
 * The recommendations dashboard: the latest sales with what was bought and what is recommended (relevance,
 * confidence and rank), a chart per sale, a relevance histogram and aggregate figures. Reads the recommendations
 * topic; falls back to the `recommendations` collection for what the topic has not brought since the dashboard
 * started.
 */
import type { Db } from 'mongodb';
import type { SaleRecommendations } from '../pipeline/reco/event';
import { latestRecommendations } from '../pipeline/slices';
import { relevanceHistogram, saleRecommendationsChart } from '../reports/charts';
import { esc, formatValue } from '../reports/format';
import type { Feed } from './feeds';
import { kpi } from './layout';
import type { DrawChart } from './interactive';

const SHOWN = 10;

/** Pure: newest first, topic first, one entry per sale. */
export function mergeLatest(fromTopic: readonly SaleRecommendations[], fromCollection: readonly SaleRecommendations[], n = SHOWN): SaleRecommendations[] {
  const seen = new Set<string>();
  const out: SaleRecommendations[] = [];
  for (const r of [...fromTopic, ...fromCollection].sort((a, b) => b.recommended_at.localeCompare(a.recommended_at))) {
    if (seen.has(r.sale_id)) continue;
    seen.add(r.sale_id);
    out.push(r);
  }
  return out.slice(0, n);
}

const pct = (x: number) => `${x.toFixed(1)} %`;

export async function recommendationsFragment(deps: { db: Db | null; feed: Feed<SaleRecommendations> | null; draw: DrawChart }): Promise<{ html: string; problems: string[] }> {
  const problems: string[] = [];
  if (deps.feed?.error()) problems.push(deps.feed.error()!);
  const fromTopic = deps.feed?.items() ?? [];
  let fromCollection: SaleRecommendations[] = [];
  if (deps.db && fromTopic.length < SHOWN) {
    try {
      fromCollection = await latestRecommendations<SaleRecommendations>(deps.db, SHOWN);
    } catch (err) {
      problems.push(`MongoDB query failed: ${(err as Error).message}`);
    }
  }
  const latest = mergeLatest(fromTopic, fromCollection);
  if (!latest.length) {
    return { html: '<p class="note">No recommendations yet: run <code>npm run recommend</code> and produce sales (or <code>npm run demo</code>).</p>', problems };
  }
  const recs = latest.flatMap((s) => s.recommendations);
  const coPurchase = recs.filter((r) => !r.fallback);
  const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const cards = [
    kpi('sales', 'Sales shown', formatValue(latest.length, 'count')),
    kpi('recommendations', 'Recommendations', formatValue(recs.length, 'count')),
    kpi('avg-relevance', 'Avg relevance', pct(avg(recs.map((r) => r.relevance)))),
    kpi('avg-confidence', 'Avg confidence', pct(avg(recs.map((r) => r.confidence)))),
    kpi('co-purchase', 'From co-purchases', pct(recs.length ? (100 * coPurchase.length) / recs.length : 0)),
  ].join('');
  const blocks: string[] = [];
  for (const s of latest) {
    const items = s.items.map((i) => `<tr><td>${esc(i.name)}</td><td>${esc(i.category)} / ${esc(i.sub_category)}</td><td class="num">${esc(i.quantity)}</td><td class="num">${esc(formatValue(i.unit_price, 'money'))}</td><td class="num">${esc(formatValue(i.subtotal, 'money'))}</td></tr>`).join('');
    const suggested = s.recommendations
      .map((r) => `<tr data-product="${esc(r.product_id)}"><td class="num">${esc(r.rank)}</td><td>${esc(r.name)}${r.fallback ? '<span class="pill">best seller</span>' : ''}</td><td>${esc(r.sub_category)}</td><td class="num">${esc(formatValue(r.unit_price, 'money'))}</td><td class="num">${esc(pct(r.relevance))}</td><td class="num">${esc(pct(r.confidence))}</td><td class="muted">${esc(r.reason)}</td></tr>`)
      .join('');
    const chart = s.recommendations.length ? await deps.draw('sale', saleRecommendationsChart(s.recommendations, 420)) : '<figure data-chart="sale"></figure>';
    blocks.push(`<section class="sale" data-sale="${esc(s.sale_id)}"><h3>${esc(s.sale_id)} · ${esc(s.customer_name ?? s.customer_id)} · ${esc(s.branch_name)} · ${esc(s.order_date)} ${esc(s.order_time)} · ${esc(formatValue(s.totals.total, 'money'))}</h3>
<div class="grid2"><div><table><thead><tr><th>Bought</th><th>Category</th><th class="num">Qty</th><th class="num">Price</th><th class="num">Subtotal</th></tr></thead><tbody>${items}</tbody></table></div>${chart}</div>
<table><thead><tr><th class="num">Rank</th><th>Recommended</th><th>Sub-category</th><th class="num">Price</th><th class="num">Relevance</th><th class="num">Confidence</th><th>Why</th></tr></thead><tbody>${suggested}</tbody></table></section>`);
  }
  const html = `<div class="kpis">${cards}</div>${await deps.draw('relevance', relevanceHistogram(recs.map((r) => r.relevance), 700))}${blocks.join('')}
<p class="note">${fromTopic.length ? `${fromTopic.length} from ${'the topic'} since the dashboard started` : 'From the recommendations collection (nothing new on the topic yet)'} · updated ${esc(new Date().toISOString().slice(11, 19))} UTC · refreshes every 10 s.</p>`;
  return { html, problems };
}
