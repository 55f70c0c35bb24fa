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
import { localDate } from '../pipeline/source/live';
import { loadAssets } from './assets';
import { createBuildWatcher, readBuildStamp } from './build-version';
import { startRecommendationsFeed, startSalesFeed } from './feeds';
import { createFigureCache } from './interactive';
import { createLakeConnection } from './lake-connection';
import { page, type PageOptions } from './layout';
import { createLiveAnswers } from './live';
import { createHealthProbe } from './realtime';
import { createReports } from './reports';
import { createHandler, type Served } from './routes';
import { createViewCache } from './view-cache';
import type { Locale } from '../i18n';
import { problemText, type Problem } from './problems';

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

/** The connections, caches and live answers the routes serve from; `stop` ends the feeds and closes MongoDB. */
async function openServed(o: DashboardOptions): Promise<{ served: Served; stop(): Promise<void> }> {
  const { cfg, log } = o;
  const topics = topicNames(cfg.kafka.topicPrefix);
  const kafka = createKafka(cfg.kafka, silentLogger, { retry: { retries: 2, initialRetryTime: 300 } });
  const lake = createLakeConnection(cfg, log);
  const db = () => lake.db();
  await db();
  const group = `${topics.recommenderGroup}.dashboard`;
  const salesFeed = await startSalesFeed(kafka, topics.sales, group, log);
  const recoFeed = await startRecommendationsFeed(kafka, topics.recommendations, group, log);
  const problemsOf = (locale: Locale, extra: readonly Problem[] = []) => [...(lake.problem() ? [lake.problem()!] : []), ...extra].map((p) => problemText(locale, p));
  const assets = loadAssets();
  const shell = (opts: Omit<PageOptions, 'style'>) => page({ ...opts, style: assets.style });
  const charted = (opts: Omit<PageOptions, 'style' | 'scripts'>) => shell({ ...opts, scripts: assets.chartScripts });
  // The live pages' charts change as sales arrive: a cache of their own (a quarter of the size) keeps them from
  // pushing the historical views' charts out.
  const liveFigures = createFigureCache((o.chartCacheMb ?? 16) * 256 * 1024);
  const build = createBuildWatcher(async () => {
    const d = await db();
    if (!d) throw new Error(problemText('en', lake.problem() ?? { key: 'dashboard.problem.mongoDown' }));
    return readBuildStamp(d);
  }, o.buildCheckMs ?? 0);
  const live = createLiveAnswers({ db, salesFeed, recoFeed, health: createHealthProbe(kafka, topics), draw: liveFigures.draw, minCustomers: cfg.dashboard.recoMinCustomers, problemsOf, charted, everyMs: o.liveEveryMs ?? 1000 });
  const served: Served = {
    cfg,
    log,
    lake,
    db,
    problemsOf,
    assets,
    views: createViewCache((o.cacheMb ?? cfg.dashboard.cacheMb) * 1024 * 1024),
    figures: createFigureCache((o.chartCacheMb ?? 16) * 1024 * 1024),
    liveFigures,
    build,
    live,
    reports: createReports({ db, scheduleFile: o.schedule === undefined ? cfg.paths.schedule : o.schedule, reportsDir: cfg.paths.reports }),
    // The day live sales are dated with (local, like their times), so today's sales are on today's page in any time zone.
    today: o.today ?? (() => localDate(new Date())),
    shell,
    charted,
  };
  const stop = async () => {
    await salesFeed.stop();
    await recoFeed.stop();
    await lake.close();
  };
  return { served, stop };
}

/** Listens on the port and host given (or configured); a port in use is named with the way to choose another. */
async function listen(server: http.Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new Error(`port ${port} on ${host} is in use: set DASHBOARD_PORT or --port`) : err));
    server.listen(port, host, resolve);
  });
  const addr = server.address() as AddressInfo;
  return `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
}

export async function startDashboard(o: DashboardOptions): Promise<Dashboard> {
  const { served, stop } = await openServed(o);
  const handle = createHandler(served);
  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      // Only a failure while writing the answer gets here (the client went away, say): nothing left to tell it.
      o.log.debug('dashboard response not sent', { path: req.url, error: err.message });
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  const url = await listen(server, o.port ?? o.cfg.dashboard.port, o.host ?? o.cfg.dashboard.host);
  return {
    url,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await stop();
    },
  };
}
