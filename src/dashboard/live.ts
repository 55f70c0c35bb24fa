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
import { createShared, type Shared } from './shared';

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
  /** The service problems every page shows, with the answer's own. */
  problemsOf: (extra?: string[]) => string[];
  /** A page with charts, in the dashboards' shell. */
  charted: (opts: Omit<PageOptions, 'style' | 'scripts'>) => string;
  everyMs: number;
}

export interface LiveAnswers {
  /** Keyed by the day asked for, or `latest:<today>` when none was: that page opens on the latest day with sales. */
  realtime: Shared<LiveAnswer>;
  recommendations: Shared<LiveAnswer>;
}

export function createLiveAnswers(d: LiveDeps): LiveAnswers {
  const live = (frag: { html: string; problems: string[] }, pageOf: (html: string, problems: string[]) => string): LiveAnswer => {
    const problems = d.problemsOf(frag.problems);
    return { json: once(() => prepareBody(types.json, JSON.stringify({ html: frag.html, problems }))), page: once(() => prepareBody(types.html, pageOf(frag.html, problems))) };
  };
  const realtime = createShared<LiveAnswer>(async (key) => {
    const latest = key.startsWith('latest:');
    const frag = await realtimeFragment({ db: await d.db(), feed: d.salesFeed, health: d.health, draw: d.draw }, latest ? key.slice('latest:'.length) : key, { latest });
    const form = `<form class="filters" method="get" action="/realtime"><label>Day<input type="date" name="date" value="${esc(frag.date)}"></label><button type="submit">Show</button><span class="note">Live: the figures below refresh every 5 s</span></form>`;
    return live(frag, (html, problems) => d.charted({ title: 'Real-time', path: '/realtime', problems, body: `<h1>Real-time sales</h1>${form}<div id="live" data-api="/api/realtime" data-refresh="5">${html}</div>` }));
  }, d.everyMs);
  const recommendations = createShared<LiveAnswer>(async () => {
    const frag = await recommendationsFragment({ db: await d.db(), feed: d.recoFeed, draw: d.draw, minCustomers: d.minCustomers });
    const bar = `<form class="filters"><button type="button" id="refresh">Refresh now</button><span class="note">Auto-refresh every 10 s</span></form>`;
    return live(frag, (html, problems) => d.charted({ title: 'Recommendations', path: '/recommendations', problems, body: `<h1>Recommendations</h1>${bar}<div id="live" data-api="/api/recommendations" data-refresh="10">${html}</div>` }));
  }, d.everyMs);
  return { realtime, recommendations };
}
