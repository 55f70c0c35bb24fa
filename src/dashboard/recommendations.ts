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
import { formatsOf, t, type Locale, type MessageKey } from '../i18n';
import { tHtml } from './lang';
import { queryFailed, type Problem } from './problems';
import type { Feed } from './feeds';
import { kpi } from './layout';
import { drawIn, type DrawChart } from './interactive';
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

/** A relevance or confidence, already in per cent (37.5), in the reader's format (`37.5 %`, `37,5 %`). */
const pct = (x: number, locale: Locale) => `${formatsOf(locale).oneDecimal(x)} %`;

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

type Level = 'order' | 'customer';
const levelOf = (s: SaleRecommendations): Level => (s.model?.level === 'order' ? 'order' : 'customer');

/** What a recommendation rests on, for its "Based on" cell. */
function evidenceCell(r: Recommendation, level: Level, minCustomers: number, locale: Locale): string {
  const s = supportOf(r);
  if (s === null) return `<td class="muted">${esc(t(locale, 'dashboard.reco.bestSellerSales'))}</td>`;
  const text = Number.isFinite(s) ? t(locale, 'dashboard.reco.basedOn', { level, n: s, count: formatValue(s, 'count', locale) }) : t(locale, 'dashboard.reco.basedOnMany', { level });
  const why = t(locale, 'dashboard.reco.tooFewTitle', { level, min: minCustomers });
  const flag = s < minCustomers ? `<span class="pill warn" title="${esc(why)}">${esc(t(locale, 'dashboard.reco.tooFew'))}</span>` : '';
  return `<td>${esc(text)}${flag}</td>`;
}

const headerRow = (locale: Locale, cells: readonly (readonly [MessageKey, boolean])[]) => `<tr>${cells.map(([key, num]) => `<th${num ? ' class="num"' : ''}>${esc(t(locale, key))}</th>`).join('')}</tr>`;

/** One processed sale: what was bought, what is suggested (flagging thin evidence), and its chart. */
async function saleBlock(s: SaleRecommendations, minCustomers: number, draw: DrawChart, locale: Locale, zone?: string): Promise<string> {
  const level = levelOf(s);
  const money = (v: number) => esc(formatValue(v, 'money', locale));
  const items = s.items.map((i) => `<tr><td>${esc(i.name)}</td><td>${esc(i.category)} / ${esc(i.sub_category)}</td><td class="num">${esc(i.quantity)}</td><td class="num">${money(i.unit_price)}</td><td class="num">${money(i.subtotal)}</td></tr>`).join('');
  const bestSeller = `<span class="pill">${esc(t(locale, 'dashboard.reco.bestSeller'))}</span>`;
  const suggested = s.recommendations
    .map((r) => {
      const thin = isThin(r, minCustomers);
      return `<tr data-product="${esc(r.product_id)}"${thin ? ' class="thin" data-thin="true"' : ''}><td class="num">${esc(r.rank)}</td><td>${esc(r.name)}${r.fallback ? bestSeller : ''}</td><td>${esc(r.sub_category)}</td><td class="num">${money(r.unit_price)}</td><td class="num rel">${esc(pct(r.relevance, locale))}</td><td class="num">${esc(pct(r.confidence, locale))}</td>${evidenceCell(r, level, minCustomers, locale)}<td class="muted">${esc(r.reason)}</td></tr>`;
    })
    .join('');
  const chart = s.recommendations.length ? await drawIn(draw, locale)('sale', saleChart(s.recommendations.map((r) => ({ ...r, thin: isThin(r, minCustomers) })), undefined, locale)) : '<figure data-chart="sale"></figure>';
  const processed = Number.isNaN(Date.parse(s.recommended_at)) ? '' : ` · ${esc(t(locale, 'dashboard.reco.processed', { time: clockDateTime(new Date(s.recommended_at), zone, locale) }))}`;
  const orderDate = tHtml(locale, 'dashboard.reco.orderDate', { time: s.order_time }, { date: `<strong data-order-date>${esc(formatsOf(locale).day(s.order_date))}</strong>` });
  const bought = headerRow(locale, [['dashboard.reco.bought', false], ['dashboard.column.category', false], ['dashboard.reco.quantity', true], ['dashboard.reco.price', true], ['dashboard.reco.subtotal', true]]);
  const recommended = headerRow(locale, [['dashboard.reco.rank', true], ['dashboard.reco.recommended', false], ['dashboard.column.subCategory', false], ['dashboard.reco.price', true], ['dashboard.reco.relevance', true], ['dashboard.reco.confidence', true], ['dashboard.reco.basedOnHeader', false], ['dashboard.reco.why', false]]);
  return `<section class="sale" data-sale="${esc(s.sale_id)}"><h3>${esc(s.sale_id)} · ${esc(s.customer_name ?? s.customer_id)} · ${esc(s.branch_name)} · ${money(s.totals.total)}</h3>
<p class="when">${orderDate}${processed}</p>
<div class="grid2"><div><table><thead>${bought}</thead><tbody>${items}</tbody></table></div>${chart}</div>
<table><thead>${recommended}</thead><tbody>${suggested}</tbody></table></section>`;
}

/** The summary cards. Averages leave out the relevances that rest on too few customers (the tables flag them). */
function summaryCards(latest: readonly SaleRecommendations[], minCustomers: number, level: Level, locale: Locale): { html: string; trusted: Recommendation[]; thin: number } {
  const recs = latest.flatMap((s) => s.recommendations);
  const trusted = recs.filter((r) => !isThin(r, minCustomers));
  const coPurchase = recs.filter((r) => !r.fallback);
  const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const count = (v: number) => formatValue(v, 'count', locale);
  const html = [
    kpi('sales', t(locale, 'dashboard.reco.salesShown'), count(latest.length)),
    kpi('recommendations', t(locale, 'dashboard.reco.recommendations'), count(recs.length)),
    kpi('avg-relevance', t(locale, 'dashboard.reco.avgRelevance'), pct(avg(trusted.map((r) => r.relevance)), locale)),
    kpi('avg-confidence', t(locale, 'dashboard.reco.avgConfidence'), pct(avg(trusted.map((r) => r.confidence)), locale)),
    kpi('co-purchase', t(locale, 'dashboard.reco.fromCoPurchases'), pct(recs.length ? (100 * coPurchase.length) / recs.length : 0, locale)),
    kpi('thin', t(locale, 'dashboard.reco.thinCard', { level, min: minCustomers }), t(locale, 'dashboard.reco.thinOf', { thin: count(recs.length - trusted.length), of: count(coPurchase.length) })),
  ].join('');
  return { html, trusted, thin: recs.length - trusted.length };
}

export async function recommendationsFragment(deps: { db: Db | null; feed: Feed<SaleRecommendations> | null; draw: DrawChart; minCustomers?: number; zone?: string; locale?: Locale }): Promise<{ html: string; problems: Problem[] }> {
  const locale = deps.locale ?? 'en';
  const problems: Problem[] = [];
  const minCustomers = deps.minCustomers ?? 3;
  if (deps.feed?.error()) problems.push(deps.feed.error()!);
  const fromTopic = deps.feed?.items() ?? [];
  let fromCollection: SaleRecommendations[] = [];
  if (deps.db && fromTopic.length < SHOWN) {
    try {
      fromCollection = await latestRecommendations<SaleRecommendations>(deps.db, SHOWN);
    } catch (err) {
      problems.push(queryFailed(err));
    }
  }
  const latest = mergeLatest(fromTopic, fromCollection);
  if (!latest.length) {
    return { html: `<p class="note">${tHtml(locale, 'dashboard.reco.none', {}, { recommend: '<code>npm run recommend</code>', demo: '<code>npm run demo</code>' })}</p>`, problems };
  }
  // What a support counts (customers, or orders with order-level training), as the newest sale's model says.
  const level = levelOf(latest[0]!);
  const cards = summaryCards(latest, minCustomers, level, locale);
  const blocks: string[] = [];
  for (const s of latest) blocks.push(await saleBlock(s, minCustomers, deps.draw, locale, deps.zone));
  const left = cards.thin ? ` ${t(locale, 'dashboard.reco.leftOut', { thin: cards.thin, count: formatValue(cards.thin, 'count', locale), level, min: minCustomers })}` : '';
  const thinNote = tHtml(locale, 'dashboard.reco.thinNote', { level, min: minCustomers, left }, { variable: '<code>RECO_MIN_CUSTOMERS</code>' });
  const source = fromTopic.length ? t(locale, 'dashboard.reco.fromTopic', { count: fromTopic.length }) : t(locale, 'dashboard.reco.fromCollection');
  const updated = tHtml(locale, 'dashboard.reco.updated', { source }, { time: `<span data-clock>${esc(clockTime(new Date(), deps.zone))}</span>` });
  const html = `<div class="kpis">${cards.html}</div>${await drawIn(deps.draw, locale)('relevance', relevanceHistogram(cards.trusted.map((r) => r.relevance), 700, locale))}
<p class="note">${thinNote}</p>
<h2>${esc(t(locale, 'dashboard.reco.latest'))}</h2>
<p class="note">${esc(t(locale, 'dashboard.reco.latestNote'))}</p>
${blocks.join('')}
<p class="note">${updated}</p>`;
  return { html, problems };
}
