/**
 * The live pages' answers (real-time and recommendations), shared by every client for an interval: each one's JSON
 * (what the pages poll) and its whole page, prepared (hashed and compressed) once, when first asked for.
 */
import type { Db } from 'mongodb';
import type { SaleRecommendations } from '../pipeline/reco/event';
import { esc } from '../reports/format';
import type { Feed, LiveSale } from './feeds';
import { prepareBody, type PreparedBody } from './http';
import type { DrawChart } from './interactive';
import type { PageOptions } from './layout';
import { realtimeFragment, type IngestHealth } from './realtime';
import { recommendationsFragment } from './recommendations';
import { createShared } from './shared';
import { t, type Locale } from '../i18n';
import { langField, langKey, langOfKey, type PageLang } from './lang';
import type { Problem } from './problems';

export interface LiveAnswer {
  json(): Promise<PreparedBody>;
  page(): Promise<PreparedBody>;
}

export const types = { html: 'text/html; charset=utf-8', json: 'application/json; charset=utf-8', csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };

/** A computation run on first call only; later calls share its promise. */
function once<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () => (p ??= f());
}

export interface LiveDeps {
  db: () => Promise<Db | null>;
  salesFeed: Feed<LiveSale>;
  recoFeed: Feed<SaleRecommendations>;
  health: () => Promise<IngestHealth>;
  draw: DrawChart;
  minCustomers: number;
  /** The service problems every page shows, with the answer's own, in the reader's language. */
  problemsOf: (locale: Locale, extra?: readonly Problem[]) => string[];
  /** A page with charts, in the dashboards' shell. */
  charted: (opts: Omit<PageOptions, 'style' | 'scripts'>) => string;
  everyMs: number;
}

/** A live answer for a reader: shared by every reader of the same language (and links) for an interval. */
export interface LiveShared {
  get(lang: PageLang, key: string): Promise<LiveAnswer>;
  computations(): number;
}

export interface LiveAnswers {
  /** Keyed by the day asked for, or `latest:<today>` when none was: that page opens on the latest day with sales. */
  realtime: LiveShared;
  recommendations: LiveShared;
}

/** The live section: its JSON endpoint, how often the page polls it, and what the page says when the server is gone. */
function liveSection(api: string, seconds: number, lang: PageLang, html: string): string {
  const offline = t(lang.locale, 'dashboard.live.offline', { error: '{error}' });
  return `<div id="live" data-api="${api}" data-refresh="${seconds}" data-offline="${esc(offline)}">${html}</div>`;
}

function sharedByLang(compute: (lang: PageLang, key: string) => Promise<LiveAnswer>, everyMs: number): LiveShared {
  const shared = createShared<LiveAnswer>((key) => {
    const bar = key.indexOf('|');
    return compute(langOfKey(key.slice(0, bar)), key.slice(bar + 1));
  }, everyMs);
  return { get: (lang, key) => shared.get(`${langKey(lang)}|${key}`), computations: shared.computations };
}

export function createLiveAnswers(d: LiveDeps): LiveAnswers {
  const live = (lang: PageLang, frag: { html: string; problems: Problem[] }, pageOf: (html: string, problems: string[]) => string): LiveAnswer => {
    const problems = d.problemsOf(lang.locale, frag.problems);
    return { json: once(() => prepareBody(types.json, JSON.stringify({ html: frag.html, problems }))), page: once(() => prepareBody(types.html, pageOf(frag.html, problems))) };
  };
  const realtime = sharedByLang(async (lang, key) => {
    const { locale } = lang;
    const latest = key.startsWith('latest:');
    const frag = await realtimeFragment({ db: await d.db(), feed: d.salesFeed, health: d.health, draw: d.draw, locale }, latest ? key.slice('latest:'.length) : key, { latest });
    const form = `<form class="filters" method="get" action="/realtime"><label>${esc(t(locale, 'dashboard.realtime.day'))}<input type="date" name="date" value="${esc(frag.date)}"></label>${langField(lang)}<button type="submit">${esc(t(locale, 'dashboard.realtime.show'))}</button><span class="note">${esc(t(locale, 'dashboard.realtime.live'))}</span></form>`;
    const title = t(locale, 'dashboard.nav.realtime');
    const query = latest ? '' : `?date=${frag.date}`;
    return live(lang, frag, (html, problems) => d.charted({ title, path: '/realtime', query, lang, problems, body: `<h1>${esc(t(locale, 'dashboard.realtime.title'))}</h1>${form}${liveSection('/api/realtime', 5, lang, html)}` }));
  }, d.everyMs);
  const recommendations = sharedByLang(async (lang) => {
    const { locale } = lang;
    const frag = await recommendationsFragment({ db: await d.db(), feed: d.recoFeed, draw: d.draw, minCustomers: d.minCustomers, locale });
    const bar = `<form class="filters"><button type="button" id="refresh">${esc(t(locale, 'dashboard.reco.refresh'))}</button><span class="note">${esc(t(locale, 'dashboard.reco.autoRefresh'))}</span></form>`;
    const title = t(locale, 'dashboard.nav.recommendations');
    return live(lang, frag, (html, problems) => d.charted({ title, path: '/recommendations', lang, problems, body: `<h1>${esc(title)}</h1>${bar}${liveSection('/api/recommendations', 10, lang, html)}` }));
  }, d.everyMs);
  return { realtime, recommendations };
}
