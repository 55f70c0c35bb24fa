/**
 * The recommendations dashboard: the sales the recommender processed most recently (each with its own order date)
 * with what was bought and what is recommended (relevance, confidence, rank and the customers it rests on, flagged
 * when too few), a chart per sale, a relevance histogram and aggregate figures. Reads the recommendations
 * topic; falls back to the `recommendations` collection for what the topic has not brought since the dashboard
 * started.
 */
import type { Db } from 'mongodb';
import type { SaleRecommendations } from '../pipeline/reco/event';
import type { Recommendation } from '../pipeline/reco/score';
import { latestRecommendations } from '../pipeline/lake/slices';
import { relevanceHistogram } from '../reports/charts';
import { esc, formatValue } from '../reports/format';
import type { Feed } from './feeds';
import { kpi } from './layout';
import type { DrawChart } from './interactive';
import { saleChart } from './charts';
import { clockDateTime, clockTime } from './clock';

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

/**
 * How many baskets the co-purchase link behind a recommendation rests on: customers with customer-level training
 * (the default), orders with order-level training. The event does not carry that support, but its confidence is
 * s / (s + 2) of it (score.ts, docs/recommendations.md), rounded to 0.1 %, so s = 2c / (1 − c) gives it back exactly
 * up to 40, past any minimum worth setting. Null for a best-seller fill: its relevance rests on popularity.
 */
export function supportOf(r: Pick<Recommendation, 'fallback' | 'confidence'>): number | null {
  if (r.fallback) return null;
  const c = r.confidence / 100;
  return c >= 1 ? Number.POSITIVE_INFINITY : Math.round((2 * c) / (1 - c));
}

/** Pure: a co-purchase recommendation resting on fewer than `minCustomers` baskets, which the page flags. */
export function isThin(r: Pick<Recommendation, 'fallback' | 'confidence'>, minCustomers: number): boolean {
  const s = supportOf(r);
  return s !== null && s < minCustomers;
}

const basketWord = (level: string, n: number) => `${level === 'order' ? 'order' : 'customer'}${n === 1 ? '' : 's'}`;

/** What a recommendation rests on, for its "Based on" cell. */
function evidenceCell(r: Recommendation, level: string, minCustomers: number): string {
  const s = supportOf(r);
  if (s === null) return '<td class="muted">best-seller sales</td>';
  const n = Number.isFinite(s) ? formatValue(s, 'count') : 'thousands of';
  const flag = s < minCustomers ? `<span class="pill warn" title="A relevance resting on fewer than ${minCustomers} ${basketWord(level, minCustomers)} is left out of the averages">too few to trust</span>` : '';
  return `<td>${esc(n)} ${esc(basketWord(level, s))}${flag}</td>`;
}

/** One processed sale: what was bought, what is suggested (flagging thin evidence), and its chart. */
async function saleBlock(s: SaleRecommendations, minCustomers: number, draw: DrawChart, zone?: string): Promise<string> {
  const level = s.model?.level ?? 'customer';
  const items = s.items.map((i) => `<tr><td>${esc(i.name)}</td><td>${esc(i.category)} / ${esc(i.sub_category)}</td><td class="num">${esc(i.quantity)}</td><td class="num">${esc(formatValue(i.unit_price, 'money'))}</td><td class="num">${esc(formatValue(i.subtotal, 'money'))}</td></tr>`).join('');
  const suggested = s.recommendations
    .map((r) => {
      const thin = isThin(r, minCustomers);
      return `<tr data-product="${esc(r.product_id)}"${thin ? ' class="thin" data-thin="true"' : ''}><td class="num">${esc(r.rank)}</td><td>${esc(r.name)}${r.fallback ? '<span class="pill">best seller</span>' : ''}</td><td>${esc(r.sub_category)}</td><td class="num">${esc(formatValue(r.unit_price, 'money'))}</td><td class="num rel">${esc(pct(r.relevance))}</td><td class="num">${esc(pct(r.confidence))}</td>${evidenceCell(r, level, minCustomers)}<td class="muted">${esc(r.reason)}</td></tr>`;
    })
    .join('');
  const chart = s.recommendations.length ? await draw('sale', saleChart(s.recommendations.map((r) => ({ ...r, thin: isThin(r, minCustomers) })))) : '<figure data-chart="sale"></figure>';
  const processed = Number.isNaN(Date.parse(s.recommended_at)) ? '' : ` · processed ${esc(clockDateTime(new Date(s.recommended_at), zone))}`;
  return `<section class="sale" data-sale="${esc(s.sale_id)}"><h3>${esc(s.sale_id)} · ${esc(s.customer_name ?? s.customer_id)} · ${esc(s.branch_name)} · ${esc(formatValue(s.totals.total, 'money'))}</h3>
<p class="when">Order date <strong data-order-date>${esc(s.order_date)}</strong> ${esc(s.order_time)}${processed}</p>
<div class="grid2"><div><table><thead><tr><th>Bought</th><th>Category</th><th class="num">Qty</th><th class="num">Price</th><th class="num">Subtotal</th></tr></thead><tbody>${items}</tbody></table></div>${chart}</div>
<table><thead><tr><th class="num">Rank</th><th>Recommended</th><th>Sub-category</th><th class="num">Price</th><th class="num">Relevance</th><th class="num">Confidence</th><th>Based on</th><th>Why</th></tr></thead><tbody>${suggested}</tbody></table></section>`;
}

/** The summary cards. Averages leave out the relevances that rest on too few customers (the tables flag them). */
function summaryCards(latest: readonly SaleRecommendations[], minCustomers: number, level: string): { html: string; trusted: Recommendation[]; thin: number } {
  const recs = latest.flatMap((s) => s.recommendations);
  const trusted = recs.filter((r) => !isThin(r, minCustomers));
  const coPurchase = recs.filter((r) => !r.fallback);
  const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const html = [
    kpi('sales', 'Sales shown', formatValue(latest.length, 'count')),
    kpi('recommendations', 'Recommendations', formatValue(recs.length, 'count')),
    kpi('avg-relevance', 'Avg relevance, trusted', pct(avg(trusted.map((r) => r.relevance)))),
    kpi('avg-confidence', 'Avg confidence, trusted', pct(avg(trusted.map((r) => r.confidence)))),
    kpi('co-purchase', 'From co-purchases', pct(recs.length ? (100 * coPurchase.length) / recs.length : 0)),
    kpi('thin', `On < ${minCustomers} ${basketWord(level, minCustomers)}`, `${formatValue(recs.length - trusted.length, 'count')} of ${formatValue(coPurchase.length, 'count')}`),
  ].join('');
  return { html, trusted, thin: recs.length - trusted.length };
}

export async function recommendationsFragment(deps: { db: Db | null; feed: Feed<SaleRecommendations> | null; draw: DrawChart; minCustomers?: number; zone?: string }): Promise<{ html: string; problems: string[] }> {
  const problems: string[] = [];
  const minCustomers = deps.minCustomers ?? 3;
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
  // What a support counts (customers, or orders with order-level training), as the newest sale's model says.
  const level = latest[0]!.model?.level ?? 'customer';
  const unit = basketWord(level, minCustomers);
  const cards = summaryCards(latest, minCustomers, level);
  const blocks: string[] = [];
  for (const s of latest) blocks.push(await saleBlock(s, minCustomers, deps.draw, deps.zone));
  const left = cards.thin ? ` It leaves out the ${formatValue(cards.thin, 'count')} resting on fewer than ${minCustomers} ${unit} (flagged below).` : '';
  const html = `<div class="kpis">${cards.html}</div>${await deps.draw('relevance', relevanceHistogram(cards.trusted.map((r) => r.relevance), 700))}
<p class="note">Co-purchase suggestions resting on fewer than ${minCustomers} ${unit} that bought both (<code>RECO_MIN_CUSTOMERS</code>) are flagged "too few to trust" and left out of the averages and the histogram.${left}</p>
<h2>Most recently processed sales</h2>
<p class="note">Newest first by when the recommender processed them. Each sale keeps its own order date: a replayed or back-filled sale can be years old.</p>
${blocks.join('')}
<p class="note">${fromTopic.length ? `${fromTopic.length} from the topic since the dashboard started` : 'From the recommendations collection (nothing new on the topic yet)'} · updated <span data-clock>${esc(clockTime(new Date(), deps.zone))}</span> · refreshes every 10 s.</p>`;
  return { html, problems };
}
