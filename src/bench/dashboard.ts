/**
 * Dashboard load benchmark: the server in its own process on a scratch lake, warehouse and live data; autocannon on
 * each page at 10 and 50 connections, cold views after a build, and the CPU of 100 real-time clients.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import type { Db } from 'mongodb';
import { kafkaEnv, type Config } from '../config';
import { freePort } from '../io/free-port';
import { silentLogger, type Logger } from '../log';
import { createKafka, deleteTopicsOf, ensureTopics, topicNames, topicPlan } from '../pipeline/adapters/kafka';
import { connectMongo } from '../pipeline/adapters/mongo';
import { loadErpData } from '../pipeline/source/load';
import { writeLake } from '../pipeline/lake/write';
import { salesWithItems } from '../pipeline/source/live';
import { buildWarehouse } from '../pipeline/warehouse/build';
import type { SaleWithItems } from '../pipeline/core/entities';
import { readKnown } from '../dashboard/historical';
import { historicalMix } from './historical-mix';
import { LIVE_SALES, publishLiveSales, todaysSales } from './live-seed';

export interface DashboardBenchOptions {
  durationSeconds: number;
  connections: readonly number[];
}

interface ServerStats {
  process: { rssBytes: number; heapUsedBytes: number; heapTotalBytes: number; afterGc: boolean; cpuMicros: { user: number; system: number } };
  viewCache: CacheStats;
  chartCache: CacheStats;
}

interface CacheStats {
  hits: number;
  misses: number;
  evictions: number;
  entries: number;
  bytes: number;
}

/** What a browser sends: the server answers with its precomputed brotli bodies. */
const headers = { 'accept-encoding': 'gzip, deflate, br' };

interface Target {
  db: string;
  topicPrefix: string;
}

async function startServer(cfg: Config, target: Target, log: Logger): Promise<{ url: string; child: ChildProcess }> {
  // One process, the server's own: `node --import tsx`, not the tsx CLI (which would run it in a child).
  // --expose-gc: /stats.json then reads memory after a full collection (see server.ts).
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'scripts/dashboard.ts', '--host', '127.0.0.1', '--port', String(await freePort())], {
    cwd: cfg.paths.root,
    env: { ...process.env, ...kafkaEnv(cfg.kafka), KAFKA_TOPIC_PREFIX: target.topicPrefix, MONGODB_DB: target.db, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the dashboard did not start within 60 s: ${err.slice(-500)}`)), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /Dashboards on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`the dashboard exited with code ${code}: ${err.slice(-500)}`)));
  });
  log.info('dashboard started', { url, pid: child.pid });
  return { url, child };
}

async function stopServer(server: ChildProcess | null): Promise<void> {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (server.exitCode === null) server.kill('SIGKILL');
}

/** The time to a whole answer (body read), in ms. */
async function timed(url: string): Promise<number> {
  const t = performance.now();
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  return Math.round(performance.now() - t);
}

/** Charts a page draws: its figures (server-rendered SVG), counted in the body a client gets (HTML, or JSON's escaped). */
async function chartsOn(url: string): Promise<number> {
  return ((await (await fetch(url)).text()).match(/<figure data-chart=\\?"[^"\\]+\\?"><svg/g) ?? []).length;
}

async function stats(url: string): Promise<ServerStats> {
  return (await (await fetch(`${url}/stats.json`)).json()) as ServerStats;
}

const mb = (b: number) => (b / 1024 / 1024).toFixed(0);

async function load(url: string, paths: readonly string[], connections: number, seconds: number, overallRate?: number) {
  return autocannon({
    url,
    connections,
    duration: seconds,
    headers,
    requests: paths.map((path) => ({ method: 'GET' as const, path })),
    ...(overallRate ? { overallRate } : {}),
  });
}

/** A sale of the lake again under a new id, as if it had just arrived: the next build has something to do. */
function again(s: SaleWithItems, n: number): SaleWithItems {
  const id = `${s.sale_id}-BENCH${n}`;
  return { ...s, sale_id: id, items: s.items.map((i) => ({ ...i, sale_id: id, item_id: `${id}#${i.line}` })) };
}

export async function benchDashboard(cfg: Config, log: Logger, opts: DashboardBenchOptions): Promise<string> {
  const id = `benchdash${Date.now().toString(36)}`;
  const target: Target = { db: `${cfg.mongo.db}_${id}`, topicPrefix: `${cfg.kafka.topicPrefix}.${id}` };
  const topics = topicNames(target.topicPrefix);
  const kafka = createKafka(cfg.kafka, silentLogger);
  const mongo = await connectMongo({ uri: cfg.mongo.uri, db: target.db });
  let server: ChildProcess | null = null;
  try {
    await ensureTopics(kafka, topicPlan(topics), cfg.kafka.partitions, cfg.kafka.replicationFactor);
    const { data, sales, today } = await seedLake(mongo.db, id, log);
    const started = await startServer(cfg, target, log);
    server = started.child;
    const url = started.url;
    const live = await publishLiveSales({ kafka, db: mongo.db, topics, data, feedShows: async (saleId) => (await (await fetch(`${url}/api/realtime`)).text()).includes(`data-sale=\\"${saleId}\\"`) }, today);
    log.info('live sales published', live);
    // The history a team browses; the year of today's sales holds one day, and would make the mix depend on the date.
    const known = await readKnown(mongo.db);
    const targets = pageTargets(historicalMix({ ...known, years: known.years.filter((y) => y !== Number(today[0]!.order_date.slice(0, 4))) }));
    const charts = await warmPages(url, targets);
    const first = await stats(url);
    const rows = await loadEachPage(url, targets, charts, opts, log);
    const cold = await coldViews(cfg, target, log, { db: mongo.db, sales, url });
    const cpu = await pollingCpu(url, opts.durationSeconds);
    const final = await stats(url);
    return [
      `Each run ${opts.durationSeconds} s after 5 s of the same load (not counted), autocannon in the bench process, the server in its own process (\`--expose-gc\`: memory read after a full collection, 2 s after the load); \`accept-encoding: gzip, deflate, br\`. Live data: ${today.length} sales of today in the lake (and the warehouse), ${live.published - live.beforeFeed} of them on the sales topic after the dashboard started and all through the recommender.`,
      '',
      ...rows,
      '',
      '| measure | result | target |',
      '|---|---|---|',
      `| cold historical view \`?year=2017\`, first request after an incremental build (3 builds; unchanged charts from the figure cache) | ${cold.afterBuild.join(', ')} ms | < 300 ms |`,
      `| fully cold historical view \`?year=2017\`, first request to a freshly started server (3 starts; every chart drawn) | ${cold.freshStart.join(', ')} ms | — |`,
      `| server CPU, 100 real-time clients polling every 5 s (20 req/s on /api/realtime) over ${opts.durationSeconds} s | ${cpu.polled.toFixed(1)} % of one core (idle: ${cpu.idle.toFixed(1)} %) | < 20 % |`,
      `| server memory over the whole run (every page, both connection counts, the cold builds and the polling) | RSS ${mb(first.process.rssBytes)} → ${mb(final.process.rssBytes)} MB, heap used after a full collection ${mb(first.process.heapUsedBytes)} → ${mb(final.process.heapUsedBytes)} MB | RSS grows < 50 MB |`,
      `| view cache at the end | ${final.viewCache.entries} entries, ${mb(final.viewCache.bytes)} MB, ${final.viewCache.hits.toLocaleString('en-US')} hits, ${final.viewCache.misses} misses, ${final.viewCache.evictions} evictions | — |`,
      `| chart-figure cache at the end | ${final.chartCache.entries} entries, ${mb(final.chartCache.bytes)} MB, ${final.chartCache.hits.toLocaleString('en-US')} hits, ${final.chartCache.misses} misses, ${final.chartCache.evictions} evictions | — |`,
    ].join('\n');
  } finally {
    await stopServer(server);
    await mongo.db.dropDatabase().catch(() => undefined);
    await mongo.close();
    await deleteTopicsOf(kafka, target.topicPrefix);
  }
}

/** The Superstore in the lake and the warehouse, with LIVE_SALES sales of today as the lake consumer leaves them. */
async function seedLake(db: Db, id: string, log: Logger) {
  const { data } = await loadErpData();
  const sales = salesWithItems(data);
  const today = todaysSales(sales, new Date(), LIVE_SALES, id);
  const past = new Date(Date.now() - 3_600_000);
  await writeLake(db, { products: data.products, customers: data.customers, sales: [] }, past);
  for (let i = 0; i < sales.length; i += 1000) await writeLake(db, { products: [], customers: [], sales: sales.slice(i, i + 1000) }, past);
  // Today's sales are in the lake as the lake consumer leaves them, and in the warehouse as after a nightly build.
  await writeLake(db, { products: [], customers: [], sales: today }, past);
  await buildWarehouse(db, { full: true });
  log.info('lake and warehouse ready', { db: db.databaseName, sales: sales.length, today: today.length });
  return { data, sales, today };
}

/** The pages measured, each with the paths its load cycles through. */
function pageTargets(mix: string[]): [string, string[]][] {
  return [
    ['home `/`', ['/']],
    ['historical, one filter `?year=2017`', ['/historical?year=2017']],
    ['historical, mix of 20 filters (warm cache)', mix.map((q) => `/historical${q}`)],
    ['real-time page', ['/realtime']],
    ['real-time JSON `/api/realtime`', ['/api/realtime']],
    ['recommendations page', ['/recommendations']],
    ['export CSV, 20 filters', mix.map((q) => `/historical/export.csv${q}`)],
    ['export Excel, 20 filters', mix.map((q) => `/historical/export.xlsx${q}`)],
  ];
}

/** Warms the views the runs ask for (the target is about a warm cache; the cold views are measured apart), and counts each first page's charts. */
async function warmPages(url: string, targets: [string, string[]][]): Promise<Map<string, number>> {
  for (const [, paths] of targets) for (const p of paths) await fetch(`${url}${p}`, { headers });
  // The pages measured are the full ones: the live pages draw their charts (sales per hour; relevance and one per sale).
  const charts = new Map<string, number>();
  for (const [label, paths] of targets) charts.set(label, await chartsOn(`${url}${paths[0]}`));
  if (!charts.get('real-time page') || (charts.get('recommendations page') ?? 0) < 2) {
    throw new Error(`the live pages are empty (charts: real-time ${charts.get('real-time page')}, recommendations ${charts.get('recommendations page')}): the seeded sales did not reach them`);
  }
  return charts;
}

/** Each page under each connection count: the table's rows. */
async function loadEachPage(url: string, targets: [string, string[]][], charts: Map<string, number>, opts: DashboardBenchOptions, log: Logger): Promise<string[]> {
  const rows = [`| target | charts on the (first) page | connections | requests/s | p50 ms | p99 ms | errors | server RSS MB before → after | heap used MB before → after | heap committed MB before → after |`, '|---|---|---|---|---|---|---|---|---|---|'];
  for (const [label, paths] of targets) {
    for (const c of opts.connections) {
      // A few seconds of the same load first: V8 grows its young generation (up to 48 MB) and the sockets their
      // buffers once, at the first burst; what the target is about is growth while the load goes on.
      await load(url, paths, c, Math.min(5, opts.durationSeconds));
      const before = await stats(url);
      const r = await load(url, paths, c, opts.durationSeconds);
      // Once the last responses have left (their sockets closed): what the server kept, not what was in flight.
      await new Promise((res) => setTimeout(res, 2000));
      const after = await stats(url);
      const errors = r.errors + r.timeouts + r.non2xx;
      log.info('dashboard load', { target: label, connections: c, rps: r.requests.average, p99: r.latency.p99, errors });
      rows.push(`| ${label} | ${charts.get(label)} | ${c} | ${Math.round(r.requests.average).toLocaleString('en-US')} | ${r.latency.p50} | ${r.latency.p99} | ${errors} | ${mb(before.process.rssBytes)} → ${mb(after.process.rssBytes)} | ${mb(before.process.heapUsedBytes)} → ${mb(after.process.heapUsedBytes)} | ${mb(before.process.heapTotalBytes)} → ${mb(after.process.heapTotalBytes)} |`);
    }
  }
  return rows;
}

/**
 * Cold views after a build: a new sale, an incremental build, then the very next request (the server checks the build
 * on every request; charts whose data the build left as it was come from the server's figure cache). Then fully cold:
 * the first request to a freshly started server, which draws every chart (its own process, started and stopped each
 * time, beside the measured one).
 */
async function coldViews(cfg: Config, target: Target, log: Logger, at: { db: Db; sales: SaleWithItems[]; url: string }) {
  const afterBuild: number[] = [];
  for (let n = 1; n <= 3; n++) {
    await writeLake(at.db, { products: [], customers: [], sales: [again(at.sales[n * 100]!, n)] });
    await buildWarehouse(at.db);
    afterBuild.push(await timed(`${at.url}/historical?year=2017`));
  }
  const freshStart: number[] = [];
  for (let n = 1; n <= 3; n++) {
    const f = await startServer(cfg, target, log);
    try {
      freshStart.push(await timed(`${f.url}/historical?year=2017`));
    } finally {
      await stopServer(f.child);
    }
  }
  return { afterBuild, freshStart };
}

/** The server's CPU, % of one core: idle (the live feeds' Kafka consumers poll even when nobody asks), then 100 clients polling every 5 s (20 requests/s on the real-time JSON). */
async function pollingCpu(url: string, durationSeconds: number): Promise<{ idle: number; polled: number }> {
  const cpu = async (work: () => Promise<unknown>) => {
    const a = await stats(url);
    const t = performance.now();
    await work();
    const b = await stats(url);
    const micros = b.process.cpuMicros.user + b.process.cpuMicros.system - a.process.cpuMicros.user - a.process.cpuMicros.system;
    return (100 * micros) / 1000 / (performance.now() - t);
  };
  const idle = await cpu(() => new Promise((r) => setTimeout(r, durationSeconds * 1000)));
  const polled = await cpu(() => load(url, ['/api/realtime'], 100, durationSeconds, 20));
  return { idle, polled };
}
