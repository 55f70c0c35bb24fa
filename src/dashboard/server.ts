/**
 * The dashboard web server (node:http, no framework): three pages with shared navigation, their JSON refresh
 * endpoints, exports and local assets. A missing service shows a banner; a bad parameter is a 400.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Db } from 'mongodb';
import type { Config } from '../config';
import { silentLogger, type Logger } from '../log';
import { createKafka, topicNames } from '../pipeline/kafka';
import { connectMongo, type MongoHandle } from '../pipeline/mongo';
import { isRetriableMongoError } from '../pipeline/retry';
import { esc } from '../reports/format';
import { appJs, styleCss } from './assets';
import { startRecommendationsFeed, startSalesFeed, type Feed, type LiveSale } from './feeds';
import { exportCsv, exportXlsx, historicalView, readCube, readKnown } from './historical';
import { page, pages } from './layout';
import { BadRequest, parseHistorical, parseNone, parseRealtime } from './params';
import { createHealthProbe, realtimeFragment } from './realtime';
import { recommendationsFragment } from './recommendations';
import type { SaleRecommendations } from '../pipeline/reco/event';

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
}

export async function startDashboard(o: DashboardOptions): Promise<Dashboard> {
  const { cfg, log } = o;
  const topics = topicNames(cfg.kafka.topicPrefix);
  const kafka = createKafka(cfg.kafka, silentLogger, { retry: { retries: 2, initialRetryTime: 300 } });
  const today = o.today ?? (() => new Date().toISOString().slice(0, 10));
  let mongo: MongoHandle | null = null;
  let mongoTried = 0;
  let mongoProblem: string | null = null;
  const db = async (): Promise<Db | null> => {
    if (mongo) return mongo.db;
    if (Date.now() - mongoTried < 5000) return null;
    mongoTried = Date.now();
    try {
      mongo = await connectMongo(cfg.mongo, { timeoutMs: 2500 });
      mongoProblem = null;
      return mongo.db;
    } catch (err) {
      mongoProblem = `MongoDB is not reachable at ${cfg.mongo.uri.replace(/\/\/[^@/]*@/, '//***@')} (${(err as Error).message.split('\n')[0]}). Start it with \`npm run services -- up\`.`;
      return null;
    }
  };
  await db();
  const group = `${topics.recommenderGroup}.dashboard`;
  const salesFeed: Feed<LiveSale> = await startSalesFeed(kafka, topics.sales, group, log);
  const recoFeed: Feed<SaleRecommendations> = await startRecommendationsFeed(kafka, topics.recommendations, group, log);
  const health = createHealthProbe(kafka, topics);
  let known: { at: number; value: Awaited<ReturnType<typeof readKnown>> } | null = null;
  const problemsOf = (extra: string[] = []) => [...(mongoProblem ? [mongoProblem] : []), ...extra];

  const send = (res: http.ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', "content-security-policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'", ...extra });
    res.end(body);
  };
  const html = (res: http.ServerResponse, status: number, body: string) => send(res, status, 'text/html; charset=utf-8', body);
  const json = (res: http.ServerResponse, status: number, body: unknown) => send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://dashboard.local');
    const p = url.pathname;
    const wantsJson = p.startsWith('/api/');
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'only GET', { allow: 'GET, HEAD' });
      if (p === '/assets/app.js') return send(res, 200, 'text/javascript; charset=utf-8', appJs);
      if (p === '/assets/style.css') return send(res, 200, 'text/css; charset=utf-8', styleCss);
      if (p === '/favicon.ico') return send(res, 204, 'image/x-icon', '');
      if (p === '/') {
        parseNone(url.searchParams);
        const links = pages.map((x) => `<li><a href="${x.path}">${esc(x.title)}</a> — ${esc(x.blurb)}</li>`).join('');
        return html(res, 200, page({ title: 'Dashboards', path: '/', body: `<h1>Dashboards</h1><ul class="links">${links}</ul><p class="note">Reports: <code>npm run report</code> writes them to <code>reports/</code>.</p>`, problems: problemsOf() }));
      }
      if (p === '/historical' || p === '/historical/export.csv' || p === '/historical/export.xlsx') {
        const d = await db();
        if (!d) return html(res, 503, page({ title: 'Historical', path: '/historical', body: '<h1>Historical sales</h1><p class="note">The warehouse cannot be read right now.</p>', problems: problemsOf() }));
        // Years, branches and categories change only when the warehouse is rebuilt: read them once a minute.
        if (!known || Date.now() - known.at > 60_000) known = { at: Date.now(), value: await readKnown(d) };
        const k = known.value;
        const f = parseHistorical(url.searchParams, k);
        if (p.endsWith('.csv')) return send(res, 200, 'text/csv; charset=utf-8', exportCsv(await readCube(d, f)), { 'content-disposition': 'attachment; filename="sales.csv"' });
        if (p.endsWith('.xlsx')) return send(res, 200, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', await exportXlsx(await readCube(d, f), f), { 'content-disposition': 'attachment; filename="sales.xlsx"' });
        const problems = problemsOf(k.years.length ? [] : [`The warehouse in ${cfg.mongo.db} is empty: run \`npm run pipeline\` first.`]);
        const view = await historicalView(d, f, k, url.search);
        return html(res, 200, page({ title: 'Historical', path: '/historical', body: view.html, problems }));
      }
      if (p === '/realtime' || p === '/api/realtime') {
        const { date } = parseRealtime(url.searchParams, today());
        const frag = await realtimeFragment({ db: await db(), feed: salesFeed, health }, date);
        const problems = problemsOf(frag.problems);
        if (wantsJson) return json(res, 200, { html: frag.html, problems });
        const form = `<form class="filters" method="get" action="/realtime"><label>Day<input type="date" name="date" value="${esc(date)}"></label><button type="submit">Show</button><span class="note">Last refresh: <span id="refreshed">now</span></span></form>`;
        return html(res, 200, page({ title: 'Real-time', path: '/realtime', script: true, problems, body: `<h1>Real-time sales</h1>${form}<div id="live" data-api="/api/realtime" data-refresh="5">${frag.html}</div>` }));
      }
      if (p === '/recommendations' || p === '/api/recommendations') {
        parseNone(url.searchParams);
        const frag = await recommendationsFragment({ db: await db(), feed: recoFeed });
        const problems = problemsOf(frag.problems);
        if (wantsJson) return json(res, 200, { html: frag.html, problems });
        const bar = `<form class="filters"><button type="button" id="refresh">Refresh now</button><span class="note">Auto-refresh every 10 s · last: <span id="refreshed">now</span></span></form>`;
        return html(res, 200, page({ title: 'Recommendations', path: '/recommendations', script: true, problems, body: `<h1>Recommendations</h1>${bar}<div id="live" data-api="/api/recommendations" data-refresh="10">${frag.html}</div>` }));
      }
      return wantsJson ? json(res, 404, { error: `no such endpoint ${p}` }) : html(res, 404, page({ title: 'Not found', path: p, body: `<h1>Not found</h1><p>No page at ${esc(p)}.</p>` }));
    } catch (err) {
      if (err instanceof BadRequest) {
        return wantsJson ? json(res, 400, { error: err.message }) : html(res, 400, page({ title: 'Bad request', path: p, body: `<h1>Bad request</h1><p>${esc(err.message)}</p><p><a href="${esc(p.replace(/^\/api/, ''))}">Start again</a></p>` }));
      }
      log.error('dashboard request failed', { path: p, error: (err as Error).message });
      // Only a lost connection is worth a new client (the old one is closed, not leaked); any other error keeps it.
      if (isRetriableMongoError(err)) {
        void mongo?.close().catch(() => undefined);
        mongo = null;
      }
      const msg = `Something failed while building this page: ${(err as Error).message}`;
      return wantsJson ? json(res, 500, { error: msg, problems: problemsOf([msg]) }) : html(res, 500, page({ title: 'Error', path: p, body: '<h1>Error</h1>', problems: problemsOf([msg]) }));
    }
  }

  const server = http.createServer((req, res) => void handle(req, res));
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
      await mongo?.close();
    },
  };
}
