/**
 * The dashboard web server (node:http, no framework): three dashboards and the Reports page with shared navigation,
 * their JSON refresh endpoints, exports, report files, local assets and a stats endpoint. A missing service shows a banner; a bad parameter is a 400.
 *
 * What it keeps so that a team can use it at once (docs/dashboards.md):
 * - historical views and exports are rendered once per warehouse build and filter (a byte-bounded LRU);
 * - the real-time and recommendations answers (JSON and whole page, compressed) are computed at most once a second,
 *   shared by every client;
 * - every body carries a strong ETag (304 when unchanged) and is sent compressed when the client accepts it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config';
import { silentLogger, type Logger } from '../log';
import { createKafka, topicNames } from '../pipeline/adapters/kafka';
import { isRetriableMongoError } from '../pipeline/adapters/retry';
import { esc } from '../reports/format';
import type { SaleRecommendations } from '../pipeline/reco/event';
import { loadAssets } from './assets';
import { createBuildWatcher, readBuildStamp } from './build-version';
import { startRecommendationsFeed, startSalesFeed, type Feed, type LiveSale } from './feeds';
import { exportCsv, exportXlsx, historicalView, readCube, readKnown } from './historical';
import { cacheControl, prepareBody, sendBody, type PreparedBody } from './http';
import { createFigureCache } from './interactive';
import { page, pages, type PageOptions } from './layout';
import { contentDisposition, fileHeaders, filesPrefix } from './files';
import { createReports } from './reports';
import { createLakeConnection } from './lake-connection';
import { localDate } from '../pipeline/source/live';
import { BadRequest, parseHistorical, parseNone, parseRealtime } from './params';
import { createHealthProbe, realtimeFragment } from './realtime';
import { recommendationsFragment } from './recommendations';
import { createShared } from './shared';
import { createViewCache, filterQuery } from './view-cache';

export interface Dashboard {
  url: string;
  close(): Promise<void>;
}

export interface DashboardOptions {
  cfg: Config;
  log: Logger;
  host?: string;
  port?: number;
  /** For tests: what "today" is on the real-time page. */
  today?: () => string;
  /** Memory for rendered historical views and exports, in MB (default: DASHBOARD_CACHE_MB, 64). */
  cacheMb?: number;
  /** Memory for drawn charts, shared by every view of this server, in MB (default 16); 0 draws every chart afresh. */
  chartCacheMb?: number;
  /**
   * 0 (the default): every request checks the warehouse build, reads shared by the requests waiting, so no view is
   * served after a build that replaced it. N > 0: the build is checked at most every N ms, and a view may be that stale.
   */
  buildCheckMs?: number;
  /** How long a real-time or recommendations answer is shared, in ms (default 1000). */
  liveEveryMs?: number;
  /** The schedule file the Reports page lists (default: SCHEDULE_FILE; null: none). */
  schedule?: string | null;
}

const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const common = { 'x-content-type-options': 'nosniff', 'content-security-policy': csp };
const types = { html: 'text/html; charset=utf-8', json: 'application/json; charset=utf-8', csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };

/**
 * A live answer, shared by every client for an interval: its JSON (what the pages poll) and its whole page, each
 * prepared (hashed and compressed) once, when first asked for.
 */
interface LiveAnswer {
  json(): Promise<PreparedBody>;
  page(): Promise<PreparedBody>;
}

/** A computation run on first call only; later calls share its promise. */
function once<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () => (p ??= f());
}

export async function startDashboard(o: DashboardOptions): Promise<Dashboard> {
  const { cfg, log } = o;
  const topics = topicNames(cfg.kafka.topicPrefix);
  const kafka = createKafka(cfg.kafka, silentLogger, { retry: { retries: 2, initialRetryTime: 300 } });
  // The day live sales are dated with (local, like their times), so today's sales are on today's page in any time zone.
  const today = o.today ?? (() => localDate(new Date()));
  const lake = createLakeConnection(cfg, log);
  const db = () => lake.db();
  await db();
  const group = `${topics.recommenderGroup}.dashboard`;
  const salesFeed: Feed<LiveSale> = await startSalesFeed(kafka, topics.sales, group, log);
  const recoFeed: Feed<SaleRecommendations> = await startRecommendationsFeed(kafka, topics.recommendations, group, log);
  const health = createHealthProbe(kafka, topics);
  const problemsOf = (extra: string[] = []) => [...(lake.problem() ? [lake.problem()!] : []), ...extra];

  const assets = loadAssets();
  const staticBodies = new Map<string, Promise<PreparedBody>>();
  const views = createViewCache((o.cacheMb ?? cfg.dashboard.cacheMb) * 1024 * 1024);
  const figures = createFigureCache((o.chartCacheMb ?? 16) * 1024 * 1024);
  // The live pages' charts change as sales arrive: a cache of their own (a quarter of the size) keeps them from
  // pushing the historical views' charts out.
  const liveFigures = createFigureCache((o.chartCacheMb ?? 16) * 256 * 1024);
  const build = createBuildWatcher(async () => {
    const d = await db();
    if (!d) throw new Error(lake.problem() ?? 'MongoDB is not reachable');
    return readBuildStamp(d);
  }, o.buildCheckMs ?? 0);
  // Years, branches and categories change only with a build: read once per build.
  let known: { build: string; value: Awaited<ReturnType<typeof readKnown>> } | null = null;
  const liveEvery = o.liveEveryMs ?? 1000;
  const shell = (opts: Omit<PageOptions, 'style'>) => page({ ...opts, style: assets.style });
  const charted = (opts: Omit<PageOptions, 'style' | 'scripts'>) => shell({ ...opts, scripts: assets.chartScripts });
  const live = (frag: { html: string; problems: string[] }, pageOf: (html: string, problems: string[]) => string): LiveAnswer => {
    const problems = problemsOf(frag.problems);
    return { json: once(() => prepareBody(types.json, JSON.stringify({ html: frag.html, problems }))), page: once(() => prepareBody(types.html, pageOf(frag.html, problems))) };
  };
  // Keyed by the day asked for, or `latest:<today>` when none was: that page opens on the latest day with sales.
  const realtime = createShared<LiveAnswer>(async (key) => {
    const latest = key.startsWith('latest:');
    const frag = await realtimeFragment({ db: await db(), feed: salesFeed, health, draw: liveFigures.draw }, latest ? key.slice('latest:'.length) : key, { latest });
    const form = `<form class="filters" method="get" action="/realtime"><label>Day<input type="date" name="date" value="${esc(frag.date)}"></label><button type="submit">Show</button><span class="note">Live: the figures below refresh every 5 s</span></form>`;
    return live(frag, (html, problems) => charted({ title: 'Real-time', path: '/realtime', problems, body: `<h1>Real-time sales</h1>${form}<div id="live" data-api="/api/realtime" data-refresh="5">${html}</div>` }));
  }, liveEvery);
  const recommendations = createShared<LiveAnswer>(async () => {
    const frag = await recommendationsFragment({ db: await db(), feed: recoFeed, draw: liveFigures.draw, minCustomers: cfg.dashboard.recoMinCustomers });
    const bar = `<form class="filters"><button type="button" id="refresh">Refresh now</button><span class="note">Auto-refresh every 10 s</span></form>`;
    return live(frag, (html, problems) => charted({ title: 'Recommendations', path: '/recommendations', problems, body: `<h1>Recommendations</h1>${bar}<div id="live" data-api="/api/recommendations" data-refresh="10">${html}</div>` }));
  }, liveEvery);

  const reports = createReports({ db, scheduleFile: o.schedule === undefined ? cfg.paths.schedule : o.schedule, reportsDir: cfg.paths.reports });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://dashboard.local');
    const p = url.pathname;
    const wantsJson = p.startsWith('/api/') || p.endsWith('.json');
    const send = (status: number, type: string, body: string | Buffer | PreparedBody, cache: string, headers: Record<string, string> = {}) =>
      sendBody(req, res, status, typeof body === 'string' || Buffer.isBuffer(body) ? { type, raw: body, headers } : body, cache, common);
    const html = (status: number, body: string, cache: string = cacheControl.revalidate) => send(status, types.html, body, status === 200 ? cache : cacheControl.none);
    const json = (status: number, body: unknown, cache: string = cacheControl.none) => send(status, types.json, JSON.stringify(body), cache);
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'only GET', cacheControl.none, { allow: 'GET, HEAD' });
      const asset = assets.byUrl.get(p);
      if (asset) {
        let body = staticBodies.get(asset.url);
        if (!body) staticBodies.set(asset.url, (body = prepareBody(asset.type, asset.body, {}, 'small')));
        return send(200, asset.type, await body, p === asset.url ? cacheControl.immutable : cacheControl.revalidate);
      }
      if (p === '/favicon.ico') return send(204, 'image/x-icon', '', cacheControl.immutable);
      if (p === '/stats.json') {
        parseNone(url.searchParams);
        // Started with --expose-gc (the load benchmark does): memory is read after a full collection, so what it
        // shows is what the server holds, not the garbage a busy minute left behind.
        const gc = (globalThis as { gc?: () => void }).gc;
        if (gc) gc();
        const mem = process.memoryUsage();
        return json(200, {
          viewCache: views.stats(),
          chartCache: figures.stats(),
          liveChartCache: liveFigures.stats(),
          buildChecks: build.reads(),
          shared: { realtime: realtime.computations(), recommendations: recommendations.computations() },
          process: { rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, heapTotalBytes: mem.heapTotal, externalBytes: mem.external, arrayBuffersBytes: mem.arrayBuffers, afterGc: Boolean(gc), cpuMicros: process.cpuUsage(), uptimeSeconds: process.uptime() },
        });
      }
      if (p === '/') {
        parseNone(url.searchParams);
        const links = pages.map((x) => `<li><a href="${x.path}">${esc(x.title)}</a> — ${esc(x.blurb)}</li>`).join('');
        return html(200, shell({ title: 'Dashboards', path: '/', body: `<h1>Dashboards</h1><ul class="links">${links}</ul><p class="note">Reports: <code>npm run report</code> writes them to <code>reports/</code>; the <a href="/reports">Reports page</a> lists the scheduled jobs and every run, with its files.</p>`, problems: problemsOf() }));
      }
      if (p === '/historical' || p === '/historical/export.csv' || p === '/historical/export.xlsx') {
        const d = await db();
        if (!d) return html(503, shell({ title: 'Historical', path: '/historical', body: '<h1>Historical sales</h1><p class="note">The warehouse cannot be read right now.</p>', problems: problemsOf() }));
        const b = await build.current();
        if (known?.build !== b) known = { build: b, value: await readKnown(d) };
        const k = known.value;
        const f = parseHistorical(url.searchParams, k);
        if (p.endsWith('.csv')) {
          return send(200, types.csv, await views.get(b, 'csv', f, async () => prepareBody(types.csv, exportCsv(await readCube(d, f)), { 'content-disposition': 'attachment; filename="sales.csv"' })), cacheControl.revalidate);
        }
        if (p.endsWith('.xlsx')) {
          return send(200, types.xlsx, await views.get(b, 'xlsx', f, async () => prepareBody(types.xlsx, await exportXlsx(await readCube(d, f), f), { 'content-disposition': 'attachment; filename="sales.xlsx"' })), cacheControl.revalidate);
        }
        const body = await views.get(b, 'page', f, async () => {
          const problems = problemsOf(k.years.length ? [] : [`The warehouse in ${cfg.mongo.db} is empty: run \`npm run pipeline\` first.`]);
          const view = await historicalView(d, f, k, filterQuery(f), figures.draw);
          return prepareBody(types.html, charted({ title: 'Historical', path: '/historical', body: view.html, problems }));
        });
        return send(200, types.html, body, cacheControl.revalidate);
      }
      if (p === '/reports') {
        const answer = await reports.page(url.searchParams);
        // Revalidated every time: a run may start or end at any moment. The ETag hashes the bytes, which hold each
        // run's status, end and heartbeat, so a finished run changes it.
        return html(answer.status, shell({ title: 'Reports', path: '/reports', body: answer.body, problems: problemsOf() }));
      }
      if (p.startsWith(filesPrefix) || (req.url ?? '').startsWith(filesPrefix)) {
        // The target as sent, not `p`: URL parsing has already turned `%2e%2e` into `..` and applied it.
        const f = await reports.file(req.url ?? '');
        if (!f) return html(404, shell({ title: 'Not found', path: '/reports', body: '<h1>Not found</h1><p>No such report file. <a href="/reports">All reports</a></p>' }));
        parseNone(url.searchParams);
        // Revalidated: a later run of the same period rewrites the file at the same path.
        return sendBody(req, res, 200, { type: f.type, raw: f.body, headers: { 'content-disposition': contentDisposition(f) } }, cacheControl.revalidate, fileHeaders(f));
      }
      if (p === '/realtime' || p === '/api/realtime') {
        const { date } = parseRealtime(url.searchParams, today());
        const answer = await realtime.get(url.searchParams.has('date') ? date : `latest:${date}`);
        // The per-second data: never kept by a browser or a proxy.
        return wantsJson ? send(200, types.json, await answer.json(), cacheControl.none) : send(200, types.html, await answer.page(), cacheControl.none);
      }
      if (p === '/recommendations' || p === '/api/recommendations') {
        parseNone(url.searchParams);
        const answer = await recommendations.get('latest');
        return wantsJson ? send(200, types.json, await answer.json(), cacheControl.revalidate) : send(200, types.html, await answer.page(), cacheControl.revalidate);
      }
      return wantsJson ? json(404, { error: `no such endpoint ${p}` }) : html(404, shell({ title: 'Not found', path: p, body: `<h1>Not found</h1><p>No page at ${esc(p)}.</p>` }));
    } catch (err) {
      if (err instanceof BadRequest) {
        return wantsJson ? json(400, { error: err.message }) : html(400, shell({ title: 'Bad request', path: p, body: `<h1>Bad request</h1><p>${esc(err.message)}</p><p><a href="${esc(p.replace(/^\/api/, ''))}">Start again</a></p>` }));
      }
      log.error('dashboard request failed', { path: p, error: (err as Error).message });
      // Only a lost connection is worth a new client (the old one is closed, not leaked); any other error keeps it.
      if (isRetriableMongoError(err)) lake.drop();
      const msg = `Something failed while building this page: ${(err as Error).message}`;
      return wantsJson ? json(500, { error: msg, problems: problemsOf([msg]) }) : html(500, shell({ title: 'Error', path: p, body: '<h1>Error</h1>', problems: problemsOf([msg]) }));
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      // Only a failure while writing the answer gets here (the client went away, say): nothing left to tell it.
      log.debug('dashboard response not sent', { path: req.url, error: err.message });
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new Error(`port ${o.port ?? cfg.dashboard.port} on ${o.host ?? cfg.dashboard.host} is in use: set DASHBOARD_PORT or --port`) : err));
    server.listen(o.port ?? cfg.dashboard.port, o.host ?? cfg.dashboard.host, resolve);
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await salesFeed.stop();
      await recoFeed.stop();
      await lake.close();
    },
  };
}
