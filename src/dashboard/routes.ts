/**
 * The dashboard's routes: one function per page or endpoint, over what the server holds (`Served`). A bad parameter
 * is a 400, a missing service a banner, any other failure a 500 page (or JSON) that names it.
 */
import type http from 'node:http';
import type { Db } from 'mongodb';
import type { Config } from '../config';
import type { Logger } from '../log';
import { isRetriableMongoError } from '../pipeline/retry';
import { esc } from '../reports/format';
import type { Assets } from './assets';
import type { BuildWatcher } from './build-version';
import { contentDisposition, fileHeaders, filesPrefix } from './files';
import { exportCsv, exportXlsx, historicalView, readCube, readKnown } from './historical';
import { cacheControl, prepareBody, sendBody, type PreparedBody } from './http';
import type { FigureCache } from './interactive';
import type { LakeConnection } from './lake-connection';
import { pages, type PageOptions } from './layout';
import { types, type LiveAnswers } from './live';
import { BadRequest, parseHistorical, parseNone, parseRealtime } from './params';
import type { createReports } from './reports';
import type { ViewCache } from './view-cache';
import { filterQuery } from './view-cache';

const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const common = { 'x-content-type-options': 'nosniff', 'content-security-policy': csp };

/** What the routes serve from: the server's connections, caches and live answers (built by `startDashboard`). */
export interface Served {
  cfg: Config;
  log: Logger;
  lake: LakeConnection;
  db: () => Promise<Db | null>;
  /** The service problems every page shows (MongoDB unreachable), with `extra` after them. */
  problemsOf: (extra?: string[]) => string[];
  assets: Assets;
  views: ViewCache;
  figures: FigureCache;
  liveFigures: FigureCache;
  build: BuildWatcher;
  live: LiveAnswers;
  reports: ReturnType<typeof createReports>;
  /** The day the real-time page opens on. */
  today: () => string;
  shell: (opts: Omit<PageOptions, 'style'>) => string;
  charted: (opts: Omit<PageOptions, 'style' | 'scripts'>) => string;
}

/** One request: its URL, and how to answer it. */
interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  path: string;
  wantsJson: boolean;
  /** Set once the answer is being written: a failure after that cannot be told to the client. */
  sending: boolean;
  /** Writes a body with headers of its own in place of the pages' common ones (a report file's). */
  sendWith(status: number, body: Parameters<typeof sendBody>[3], cache: string, headers: Record<string, string>): Promise<void>;
  send(status: number, type: string, body: string | Buffer | PreparedBody, cache: string, headers?: Record<string, string>): Promise<void>;
  html(status: number, body: string, cache?: string): Promise<void>;
  json(status: number, body: unknown, cache?: string): Promise<void>;
}

function exchange(req: http.IncomingMessage, res: http.ServerResponse): Exchange {
  const url = new URL(req.url ?? '/', 'http://dashboard.local');
  const path = url.pathname;
  const x: Exchange = {
    req,
    res,
    url,
    path,
    wantsJson: path.startsWith('/api/') || path.endsWith('.json'),
    sending: false,
    sendWith: (status, body, cache, headers) => {
      x.sending = true;
      return sendBody(req, res, status, body, cache, headers);
    },
    send: (status, type, body, cache, headers = {}) => x.sendWith(status, typeof body === 'string' || Buffer.isBuffer(body) ? { type, raw: body, headers } : body, cache, common),
    html: (status, body, cache = cacheControl.revalidate) => x.send(status, types.html, body, status === 200 ? cache : cacheControl.none),
    json: (status, body, cache = cacheControl.none) => x.send(status, types.json, JSON.stringify(body), cache),
  };
  return x;
}

/** The server's counters and memory, for the load benchmark and an operator. */
function serveStats(s: Served, x: Exchange): Promise<void> {
  parseNone(x.url.searchParams);
  // Started with --expose-gc (the load benchmark does): memory is read after a full collection, so what it
  // shows is what the server holds, not the garbage a busy minute left behind.
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
  const mem = process.memoryUsage();
  return x.json(200, {
    viewCache: s.views.stats(),
    chartCache: s.figures.stats(),
    liveChartCache: s.liveFigures.stats(),
    buildChecks: s.build.reads(),
    shared: { realtime: s.live.realtime.computations(), recommendations: s.live.recommendations.computations() },
    process: { rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, heapTotalBytes: mem.heapTotal, externalBytes: mem.external, arrayBuffersBytes: mem.arrayBuffers, afterGc: Boolean(gc), cpuMicros: process.cpuUsage(), uptimeSeconds: process.uptime() },
  });
}

function serveHome(s: Served, x: Exchange): Promise<void> {
  parseNone(x.url.searchParams);
  const links = pages.map((p) => `<li><a href="${p.path}">${esc(p.title)}</a> — ${esc(p.blurb)}</li>`).join('');
  const body = `<h1>Dashboards</h1><ul class="links">${links}</ul><p class="note">Reports: <code>npm run report</code> writes them to <code>reports/</code>; the <a href="/reports">Reports page</a> lists the scheduled jobs and every run, with its files.</p>`;
  return x.html(200, s.shell({ title: 'Dashboards', path: '/', body, problems: s.problemsOf() }));
}

/** Years, branches and categories change only with a build: read once per build. */
function knownPerBuild() {
  let known: { build: string; value: Awaited<ReturnType<typeof readKnown>> } | null = null;
  return async (d: Db, build: string) => {
    if (known?.build !== build) known = { build, value: await readKnown(d) };
    return known.value;
  };
}

/** The historical page and its CSV and Excel exports, each rendered once per build and filter (the view cache). */
function historicalRoute(s: Served) {
  const knownOf = knownPerBuild();
  return async (x: Exchange): Promise<void> => {
    const d = await s.db();
    if (!d) return x.html(503, s.shell({ title: 'Historical', path: '/historical', body: '<h1>Historical sales</h1><p class="note">The warehouse cannot be read right now.</p>', problems: s.problemsOf() }));
    const b = await s.build.current();
    const k = await knownOf(d, b);
    const f = parseHistorical(x.url.searchParams, k);
    if (x.path.endsWith('.csv')) {
      return x.send(200, types.csv, await s.views.get(b, 'csv', f, async () => prepareBody(types.csv, exportCsv(await readCube(d, f)), { 'content-disposition': 'attachment; filename="sales.csv"' })), cacheControl.revalidate);
    }
    if (x.path.endsWith('.xlsx')) {
      return x.send(200, types.xlsx, await s.views.get(b, 'xlsx', f, async () => prepareBody(types.xlsx, await exportXlsx(await readCube(d, f), f), { 'content-disposition': 'attachment; filename="sales.xlsx"' })), cacheControl.revalidate);
    }
    const body = await s.views.get(b, 'page', f, async () => {
      const problems = s.problemsOf(k.years.length ? [] : [`The warehouse in ${s.cfg.mongo.db} is empty: run \`npm run pipeline\` first.`]);
      const view = await historicalView(d, f, k, filterQuery(f), s.figures.draw);
      return prepareBody(types.html, s.charted({ title: 'Historical', path: '/historical', body: view.html, problems }));
    });
    return x.send(200, types.html, body, cacheControl.revalidate);
  };
}

async function serveReports(s: Served, x: Exchange): Promise<void> {
  const answer = await s.reports.page(x.url.searchParams);
  // Revalidated every time: a run may start or end at any moment. The ETag hashes the bytes, which hold each
  // run's status, end and heartbeat, so a finished run changes it.
  return x.html(answer.status, s.shell({ title: 'Reports', path: '/reports', body: answer.body, problems: s.problemsOf() }));
}

async function serveReportFile(s: Served, x: Exchange): Promise<void> {
  // The target as sent, not the path: URL parsing has already turned `%2e%2e` into `..` and applied it.
  const f = await s.reports.file(x.req.url ?? '');
  if (!f) return x.html(404, s.shell({ title: 'Not found', path: '/reports', body: '<h1>Not found</h1><p>No such report file. <a href="/reports">All reports</a></p>' }));
  parseNone(x.url.searchParams);
  // Revalidated: a later run of the same period rewrites the file at the same path.
  return x.sendWith(200, { type: f.type, raw: f.body, headers: { 'content-disposition': contentDisposition(f) } }, cacheControl.revalidate, fileHeaders(f));
}

async function serveRealtime(s: Served, x: Exchange): Promise<void> {
  const { date } = parseRealtime(x.url.searchParams, s.today());
  const answer = await s.live.realtime.get(x.url.searchParams.has('date') ? date : `latest:${date}`);
  // The per-second data: never kept by a browser or a proxy.
  return x.wantsJson ? x.send(200, types.json, await answer.json(), cacheControl.none) : x.send(200, types.html, await answer.page(), cacheControl.none);
}

async function serveRecommendations(s: Served, x: Exchange): Promise<void> {
  parseNone(x.url.searchParams);
  const answer = await s.live.recommendations.get('latest');
  return x.wantsJson ? x.send(200, types.json, await answer.json(), cacheControl.revalidate) : x.send(200, types.html, await answer.page(), cacheControl.revalidate);
}

/** A local asset (hashed URLs are immutable), compressed once per process. */
function assetRoute(s: Served) {
  const bodies = new Map<string, Promise<PreparedBody>>();
  return async (x: Exchange): Promise<boolean> => {
    const asset = s.assets.byUrl.get(x.path);
    if (!asset) return false;
    let body = bodies.get(asset.url);
    if (!body) bodies.set(asset.url, (body = prepareBody(asset.type, asset.body, {}, 'small')));
    await x.send(200, asset.type, await body, x.path === asset.url ? cacheControl.immutable : cacheControl.revalidate);
    return true;
  };
}

async function serveFailure(s: Served, x: Exchange, err: unknown): Promise<void> {
  if (err instanceof BadRequest) {
    return x.wantsJson ? x.json(400, { error: err.message }) : x.html(400, s.shell({ title: 'Bad request', path: x.path, body: `<h1>Bad request</h1><p>${esc(err.message)}</p><p><a href="${esc(x.path.replace(/^\/api/, ''))}">Start again</a></p>` }));
  }
  s.log.error('dashboard request failed', { path: x.path, error: (err as Error).message });
  // Only a lost connection is worth a new client (the old one is closed, not leaked); any other error keeps it.
  if (isRetriableMongoError(err)) s.lake.drop();
  const msg = `Something failed while building this page: ${(err as Error).message}`;
  return x.wantsJson ? x.json(500, { error: msg, problems: s.problemsOf([msg]) }) : x.html(500, s.shell({ title: 'Error', path: x.path, body: '<h1>Error</h1>', problems: s.problemsOf([msg]) }));
}

/** The request handler: routes by path; only a failure while writing the answer escapes it. */
export function createHandler(s: Served): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  const asset = assetRoute(s);
  const historical = historicalRoute(s);
  const historicalPaths = new Set(['/historical', '/historical/export.csv', '/historical/export.xlsx']);
  return async (req, res) => {
    const x = exchange(req, res);
    const p = x.path;
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return await x.send(405, 'text/plain', 'only GET', cacheControl.none, { allow: 'GET, HEAD' });
      if (await asset(x)) return;
      if (p === '/favicon.ico') return await x.send(204, 'image/x-icon', '', cacheControl.immutable);
      if (p === '/stats.json') return await serveStats(s, x);
      if (p === '/') return await serveHome(s, x);
      if (historicalPaths.has(p)) return await historical(x);
      if (p === '/reports') return await serveReports(s, x);
      if (p.startsWith(filesPrefix) || (req.url ?? '').startsWith(filesPrefix)) return await serveReportFile(s, x);
      if (p === '/realtime' || p === '/api/realtime') return await serveRealtime(s, x);
      if (p === '/recommendations' || p === '/api/recommendations') return await serveRecommendations(s, x);
      return await (x.wantsJson ? x.json(404, { error: `no such endpoint ${p}` }) : x.html(404, s.shell({ title: 'Not found', path: p, body: `<h1>Not found</h1><p>No page at ${esc(p)}.</p>` })));
    } catch (err) {
      // A failure while writing the answer (the client went away, say): the server's own handler logs it.
      if (x.sending) throw err;
      return serveFailure(s, x, err);
    }
  };
}
