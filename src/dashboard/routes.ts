/**
 * The dashboard's routes: one function per page or endpoint, over what the server holds (`Served`). A bad parameter
 * is a 400, a missing service a banner, any other failure a 500 page (or JSON) that names it.
 */
import type http from 'node:http';
import type { Db } from 'mongodb';
import type { Config } from '../config';
import type { Logger } from '../log';
import { isRetriableMongoError } from '../pipeline/adapters/retry';
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
import { negotiateLocale, t, type Locale } from '../i18n';
import { chooseLang, langKey, tHtml, withLang, type PageLang } from './lang';
import { problemText, type Problem } from './problems';
import type { createReports } from './reports';
import type { ViewCache } from './view-cache';
import { filterQuery } from './view-cache';

const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const common = { 'x-content-type-options': 'nosniff', 'content-security-policy': csp };
/** A page's or an endpoint's words follow Accept-Language when the query does not choose: a cache must tell them apart. */
const pageHeaders = { ...common, vary: 'Accept-Language' };

/** What the routes serve from: the server's connections, caches and live answers (built by `startDashboard`). */
export interface Served {
  cfg: Config;
  log: Logger;
  lake: LakeConnection;
  db: () => Promise<Db | null>;
  /** The service problems every page shows (MongoDB unreachable), with `extra` after them, in `locale`. */
  problemsOf: (locale: Locale, extra?: readonly Problem[]) => string[];
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
  /** The query without `lang` (the pages check their parameters strictly). */
  params: URLSearchParams;
  /** The reader's language: `?lang=` or Accept-Language. */
  lang: PageLang;
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
  // Until the query's `lang` is read (it may be bad): the header's choice, so a 400 is in the reader's language.
  const lang: PageLang = { locale: negotiateLocale(req.headers['accept-language']), query: '' };
  const x: Exchange = {
    req,
    res,
    url,
    path,
    params: url.searchParams,
    lang,
    wantsJson: path.startsWith('/api/') || path.endsWith('.json'),
    sending: false,
    sendWith: (status, body, cache, headers) => {
      x.sending = true;
      return sendBody(req, res, status, body, cache, headers);
    },
    send: (status, type, body, cache, headers = {}) => x.sendWith(status, typeof body === 'string' || Buffer.isBuffer(body) ? { type, raw: body, headers } : body, cache, pageHeaders),
    html: (status, body, cache = cacheControl.revalidate) => x.send(status, types.html, body, status === 200 ? cache : cacheControl.none),
    json: (status, body, cache = cacheControl.none) => x.send(status, types.json, JSON.stringify(body), cache),
  };
  return x;
}

/** The server's counters and memory, for the load benchmark and an operator. */
function serveStats(s: Served, x: Exchange): Promise<void> {
  parseNone(x.params);
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
  parseNone(x.params);
  const { lang } = x;
  const { locale } = lang;
  const links = pages.map((p) => `<li><a href="${esc(withLang(p.path, lang))}">${esc(t(locale, p.title))}</a> — ${esc(t(locale, p.blurb))}</li>`).join('');
  const reportsLink = `<a href="${esc(withLang('/reports', lang))}">${esc(t(locale, 'dashboard.home.reportsPage'))}</a>`;
  const note = tHtml(locale, 'dashboard.home.reports', {}, { command: '<code>npm run report</code>', folder: '<code>reports/</code>', page: reportsLink });
  const title = t(locale, 'dashboard.home.title');
  return x.html(200, s.shell({ title, path: '/', lang, body: `<h1>${esc(title)}</h1><ul class="links">${links}</ul><p class="note">${note}</p>`, problems: s.problemsOf(locale) }));
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
    const { lang } = x;
    const { locale } = lang;
    const title = t(locale, 'dashboard.nav.historical');
    const d = await s.db();
    if (!d) {
      const body = `<h1>${esc(t(locale, 'dashboard.historical.title'))}</h1><p class="note">${esc(t(locale, 'dashboard.historical.unreadable'))}</p>`;
      return x.html(503, s.shell({ title, path: '/historical', lang, body, problems: s.problemsOf(locale) }));
    }
    const b = await s.build.current();
    const k = await knownOf(d, b);
    const f = parseHistorical(x.params, k);
    const variant = langKey(lang);
    const exported = (file: string) => ({ 'content-disposition': `attachment; filename="${file}"` });
    if (x.path.endsWith('.csv')) {
      return x.send(200, types.csv, await s.views.get(b, `csv|${variant}`, f, async () => prepareBody(types.csv, exportCsv(await readCube(d, f), locale), exported('sales.csv'))), cacheControl.revalidate);
    }
    if (x.path.endsWith('.xlsx')) {
      return x.send(200, types.xlsx, await s.views.get(b, `xlsx|${variant}`, f, async () => prepareBody(types.xlsx, await exportXlsx(await readCube(d, f), f, locale), exported('sales.xlsx'))), cacheControl.revalidate);
    }
    const body = await s.views.get(b, `page|${variant}`, f, async () => {
      const problems = s.problemsOf(locale, k.years.length ? [] : [{ key: 'dashboard.problem.emptyWarehouse', values: { db: s.cfg.mongo.db } }]);
      const view = await historicalView(d, f, k, filterQuery(f), s.figures.draw, lang);
      return prepareBody(types.html, s.charted({ title, path: '/historical', query: filterQuery(f), lang, body: view.html, problems }));
    });
    return x.send(200, types.html, body, cacheControl.revalidate);
  };
}

async function serveReports(s: Served, x: Exchange): Promise<void> {
  const answer = await s.reports.page(x.params, x.lang);
  // Revalidated every time: a run may start or end at any moment. The ETag hashes the bytes, which hold each
  // run's status, end and heartbeat, so a finished run changes it.
  return x.html(answer.status, s.shell({ title: t(x.lang.locale, 'dashboard.nav.reports'), path: '/reports', query: answer.query, lang: x.lang, body: answer.body, problems: s.problemsOf(x.lang.locale) }));
}

/** A page saying what is not there (with a way back), in the reader's language. */
function notFound(s: Served, x: Exchange, what: string, back = ''): Promise<void> {
  const title = t(x.lang.locale, 'dashboard.notFound.title');
  return x.html(404, s.shell({ title, path: x.path.startsWith(filesPrefix) ? '/reports' : x.path, lang: x.lang, body: `<h1>${esc(title)}</h1><p>${esc(what)}${back}</p>` }));
}

async function serveReportFile(s: Served, x: Exchange): Promise<void> {
  // The target as sent, not the path: URL parsing has already turned `%2e%2e` into `..` and applied it.
  const f = await s.reports.file(x.req.url ?? '');
  if (!f) return notFound(s, x, t(x.lang.locale, 'dashboard.notFound.file'), ` <a href="${esc(withLang('/reports', x.lang))}">${esc(t(x.lang.locale, 'dashboard.notFound.allReports'))}</a>`);
  parseNone(x.params);
  // Revalidated: a later run of the same period rewrites the file at the same path.
  return x.sendWith(200, { type: f.type, raw: f.body, headers: { 'content-disposition': contentDisposition(f) } }, cacheControl.revalidate, fileHeaders(f));
}

async function serveRealtime(s: Served, x: Exchange): Promise<void> {
  const { date } = parseRealtime(x.params, s.today());
  const answer = await s.live.realtime.get(x.lang, x.params.has('date') ? date : `latest:${date}`);
  // The per-second data: never kept by a browser or a proxy.
  return x.wantsJson ? x.send(200, types.json, await answer.json(), cacheControl.none) : x.send(200, types.html, await answer.page(), cacheControl.none);
}

async function serveRecommendations(s: Served, x: Exchange): Promise<void> {
  parseNone(x.params);
  const answer = await s.live.recommendations.get(x.lang, 'latest');
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
    await x.sendWith(200, await body, x.path === asset.url ? cacheControl.immutable : cacheControl.revalidate, common);
    return true;
  };
}

async function serveFailure(s: Served, x: Exchange, err: unknown): Promise<void> {
  const { lang } = x;
  const { locale } = lang;
  if (err instanceof BadRequest) {
    // The reason is the parameter check's own words (in English, like an API's error); the page around it is the reader's.
    const title = t(locale, 'dashboard.badRequest.title');
    const again = `<a href="${esc(withLang(x.path.replace(/^\/api/, ''), lang))}">${esc(t(locale, 'dashboard.badRequest.again'))}</a>`;
    return x.wantsJson ? x.json(400, { error: err.message }) : x.html(400, s.shell({ title, path: x.path, lang, body: `<h1>${esc(title)}</h1><p>${esc(err.message)}</p><p>${again}</p>` }));
  }
  s.log.error('dashboard request failed', { path: x.path, error: (err as Error).message });
  // Only a lost connection is worth a new client (the old one is closed, not leaked); any other error keeps it.
  if (isRetriableMongoError(err)) s.lake.drop();
  const failed: Problem = { key: 'dashboard.problem.failed', values: { error: (err as Error).message } };
  const problems = s.problemsOf(locale, [failed]);
  const title = t(locale, 'dashboard.error.title');
  return x.wantsJson ? x.json(500, { error: problemText('en', failed), problems }) : x.html(500, s.shell({ title, path: x.path, lang, body: `<h1>${esc(title)}</h1>`, problems }));
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
      ({ lang: x.lang, params: x.params } = chooseLang(x.url.searchParams, req.headers['accept-language']));
      if (p === '/stats.json') return await serveStats(s, x);
      if (p === '/') return await serveHome(s, x);
      if (historicalPaths.has(p)) return await historical(x);
      if (p === '/reports') return await serveReports(s, x);
      if (p.startsWith(filesPrefix) || (req.url ?? '').startsWith(filesPrefix)) return await serveReportFile(s, x);
      if (p === '/realtime' || p === '/api/realtime') return await serveRealtime(s, x);
      if (p === '/recommendations' || p === '/api/recommendations') return await serveRecommendations(s, x);
      return await (x.wantsJson ? x.json(404, { error: `no such endpoint ${p}` }) : notFound(s, x, t(x.lang.locale, 'dashboard.notFound.page', { path: p })));
    } catch (err) {
      // A failure while writing the answer (the client went away, say): the server's own handler logs it.
      if (x.sending) throw err;
      return serveFailure(s, x, err);
    }
  };
}
