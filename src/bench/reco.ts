/**
 * Recommendation benchmark: training time (Superstore, and a large generated file), scoring time per sale, and the
 * latency from a sale produced to its recommendation published, while sales flow at a steady rate through the real
 * broker and server. Fresh topics, database and model file per run, removed afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { kafkaEnv, type Config } from '../config';
import type { Consumer, Producer } from 'kafkajs';
import type { Product, SaleWithItems } from '../pipeline/core/entities';
import { silentLogger, type Logger } from '../log';
import { loadErpData } from '../pipeline/source/load';
import { salesWithItems, makeLiveSale } from '../pipeline/source/live';
import { trainModel, type TrainingLine } from '../pipeline/reco/train';
import { scanSource, streamSales } from '../pipeline/source/stream-load';
import { detach } from '../pipeline/source/csv';
import { recommend } from '../pipeline/reco/score';
import { modelFile, saveModel } from '../pipeline/reco/model';
import { decodeRecommendation } from '../pipeline/reco/event';
import { createErpProducer, createKafka, deleteTopicsOf, ensureTopics, topicNames, topicPlan } from '../pipeline/adapters/kafka';
import { connectMongo } from '../pipeline/adapters/mongo';
import { writeLake } from '../pipeline/lake/write';
import { sendAll } from '../pipeline/stream/produce';

export const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const ms = (t0: number) => performance.now() - t0;

/**
 * The lines training reads, as the lake gives them (`readTrainingLines`: four fields a line, flat strings owned by
 * each document), built from the file in two passes so a million lines do not also hold a million full sale objects.
 */
async function trainingLinesOf(input: string | undefined): Promise<{ lines: TrainingLine[]; products: Product[] }> {
  const scan = await scanSource({ input });
  const lines: TrainingLine[] = [];
  for await (const batch of streamSales(scan)) {
    for (const s of batch) {
      for (const i of s.items) lines.push({ sale_id: detach(i.sale_id), customer_id: detach(i.customer_id), product_id: detach(i.product_id), order_date: detach(i.order_date) });
    }
  }
  return { lines, products: scan.products };
}

export async function benchTraining(input: string | undefined, label: string, log: Logger, runs = 5) {
  const { lines, products } = await trainingLinesOf(input);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    trainModel(lines, products);
    times.push(ms(t0));
  }
  const sorted = [...times].sort((a, b) => a - b);
  log.info(`${label}: trained`, { firstMs: Math.round(times[0]!), medianMs: Math.round(quantile(sorted, 0.5)) });
  return { dataset: label, lines: lines.length, products: products.length, firstMs: times[0]!, medianMs: quantile(sorted, 0.5) };
}

export function benchScoring(data: Awaited<ReturnType<typeof loadErpData>>['data']) {
  const model = trainModel(data.salesItems, data.products);
  const baskets = salesWithItems(data).map((s) => s.items.map((i) => i.product_id));
  for (const b of baskets.slice(0, 200)) recommend(model, b);
  const times = baskets.map((b) => {
    const t0 = performance.now();
    recommend(model, b);
    return ms(t0);
  });
  times.sort((a, b) => a - b);
  return { sales: baskets.length, p50Ms: quantile(times, 0.5), p99Ms: quantile(times, 0.99), maxMs: times[times.length - 1]! };
}

/** The first seconds of the warm-up, reported on their own as the cold start. */
const COLD_SECONDS = 10;
/** The warm-up's p99 is also reported per window of this many seconds, to show when the services became warm. */
const WINDOW_SECONDS = 20;

/**
 * Produces `perSecond` sales for `warmUpSeconds` then `seconds`, and measures sale produced → recommendation received
 * on the topic for the last `seconds`. The recommender runs as users run it (`npm run recommend`, its own process);
 * this process is the ERP and a reader. The warm-up is long because the broker is a JVM: on a freshly started one, its
 * JIT compilers take about 100 s at 500 sales/s, using up to a core, before its CPU settles.
 */
export async function benchLatency(cfg: Config, data: Awaited<ReturnType<typeof loadErpData>>['data'], log: Logger, perSecond = 500, seconds = 20, warmUpSeconds = 120) {
  const id = `bench${Date.now().toString(36)}`;
  const prefix = `${cfg.kafka.topicPrefix}.${id}`;
  const topics = topicNames(prefix);
  const kafka = createKafka(cfg.kafka, silentLogger);
  const dbName = `${cfg.mongo.db}_${id}`;
  const mongo = await connectMongo({ uri: cfg.mongo.uri, db: dbName });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reco-bench-'));
  const reader = kafka.consumer({ groupId: `${topics.recommenderGroup}.reader`, maxWaitTimeInMs: 20 });
  let service: ChildProcess | undefined;
  try {
    await ensureTopics(kafka, topicPlan(topics), cfg.kafka.partitions, cfg.kafka.replicationFactor);
    await writeLake(mongo.db, { products: [], customers: data.customers, sales: [] });
    saveModel(modelFile(dir), trainModel(data.salesItems, data.products));
    const seen = await readLatencies(reader, topics.recommendations, perSecond);
    service = spawn(process.execPath, ['--import', 'tsx', path.join(cfg.paths.root, 'scripts', 'recommend.ts')], {
      cwd: cfg.paths.root,
      env: { ...process.env, ...kafkaEnv(cfg.kafka), KAFKA_TOPIC_PREFIX: prefix, MONGODB_DB: dbName, MODELS_DIR: dir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const flow = { templates: salesWithItems(data), topic: topics.sales, id };
    const producer = createErpProducer(kafka, false);
    await producer.connect();
    await waitForAnswers(producer, flow, seen, service);
    const sendSeconds = await sendSteadyFlow(producer, flow, perSecond, warmUpSeconds, seconds);
    await producer.disconnect();
    const total = perSecond * seconds;
    const deadline = Date.now() + 120_000;
    while (seen.latencies.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    return summarizeLatency(seen, log, { total, sendSeconds, perSecond, warmUpSeconds });
  } finally {
    if (service && service.exitCode === null) {
      service.kill('SIGINT');
      await once(service, 'exit');
    }
    await reader.disconnect().catch(() => undefined);
    await mongo.db.dropDatabase().catch(() => undefined);
    await mongo.close();
    fs.rmSync(dir, { recursive: true, force: true });
    await deleteTopicsOf(kafka, prefix);
  }
}

interface Seen {
  /** Sale IDs whose recommendation came back. */
  ids: Set<string>;
  /** Produced → received, ms, of the measured sales. */
  latencies: number[];
  /** Warm-up latencies by window of WINDOW_SECONDS; the cold start is the first COLD_SECONDS. */
  windows: number[][];
  cold: number[];
  /**
   * Where a measured sale's time went: produced → scored (the sale's way in, the fetch, the scoring), scored → the
   * publish's record made, that record → read here (the produce request, the broker, this reader's fetch).
   */
  stages: { scored: number[]; sent: number[]; read: number[] };
}

/** Reads the recommendations topic, recording each recommendation's latency where it belongs. */
async function readLatencies(reader: Consumer, topic: string, perSecond: number): Promise<Seen> {
  const seen: Seen = { ids: new Set(), latencies: [], windows: [], cold: [], stages: { scored: [], sent: [], read: [] } };
  await reader.connect();
  await reader.subscribe({ topics: [topic], fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      const r = decodeRecommendation(message.value);
      if (!r) return;
      seen.ids.add(r.sale_id);
      if (!r.sale_produced_at || r.sale_id.includes('-ready-')) return;
      const [now, produced, scored, sent] = [Date.now(), Date.parse(r.sale_produced_at), Date.parse(r.recommended_at), Number(message.timestamp)];
      if (r.sale_id.includes('-warmup-')) {
        const n = Number(/-(\d+)$/.exec(r.sale_id)?.[1] ?? 1) - 1; // its place in the warm-up flow
        (seen.windows[Math.floor(n / (perSecond * WINDOW_SECONDS))] ??= []).push(now - produced);
        if (n < perSecond * COLD_SECONDS) seen.cold.push(now - produced);
        return;
      }
      seen.latencies.push(now - produced);
      seen.stages.scored.push(scored - produced);
      seen.stages.sent.push(sent - scored);
      seen.stages.read.push(now - sent);
    },
  });
  return seen;
}

interface SaleFlow {
  templates: SaleWithItems[];
  topic: string;
  id: string;
}

/** Sends one sale at a time until its recommendation comes back: both groups then have their partitions and the service is hot. */
async function waitForAnswers(producer: Producer, flow: SaleFlow, seen: Seen, service: ChildProcess): Promise<void> {
  for (let w = 1; ; w++) {
    const warm = makeLiveSale(flow.templates[w % flow.templates.length]!, new Date(), w, `${flow.id}-ready-`);
    await sendAll(producer, flow.topic, 'sale', [warm], { compression: 'none' });
    const until = Date.now() + 2000;
    while (!seen.ids.has(warm.sale_id) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    if (seen.ids.has(warm.sale_id)) return;
    if (service.exitCode !== null) throw new Error(`the recommender exited (code ${service.exitCode}) before it answered`);
    if (w > 60) throw new Error('the recommender did not answer within 2 minutes');
  }
}

/**
 * One steady flow of small batches every 20 ms (not one burst a second), made as it goes. The first `warmUpSeconds`
 * warm everything up (JIT in the broker and in the Node processes, connection pools, the server's first pages):
 * reported apart, not counted. The `seconds` after that, with no pause in between, are the steady state. Returns the
 * seconds the measured part took to send.
 */
async function sendSteadyFlow(producer: Producer, flow: SaleFlow, perSecond: number, warmUpSeconds: number, seconds: number): Promise<number> {
  const { templates, id } = flow;
  const perTick = Math.max(1, Math.round(perSecond / 50));
  const warmUp = perSecond * warmUpSeconds;
  const total = perSecond * seconds;
  const started = Date.now();
  let measuredFrom = 0;
  for (let i = 0; i < warmUp + total; i += perTick) {
    if (i >= warmUp && !measuredFrom) measuredFrom = Date.now();
    const batch = Array.from({ length: Math.min(perTick, warmUp + total - i) }, (_, x) => {
      const n = i + x;
      return n < warmUp ? makeLiveSale(templates[n % templates.length]!, new Date(), n + 1, `${id}-warmup-`) : makeLiveSale(templates[n % templates.length]!, new Date(), n - warmUp + 1, id);
    });
    await sendAll(producer, flow.topic, 'sale', batch, { compression: 'none' });
    const wait = started + ((i + perTick) / perSecond) * 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return (Date.now() - measuredFrom) / 1000;
}

function summarizeLatency(seen: Seen, log: Logger, run: { total: number; sendSeconds: number; perSecond: number; warmUpSeconds: number }) {
  const { latencies, cold, stages } = seen;
  const { total, perSecond, warmUpSeconds } = run;
  const sorted = [...latencies].sort((a, b) => a - b);
  const p99 = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.99);
  const windowsP99 = Array.from(seen.windows, (w) => (w ? p99(w) : NaN));
  log.info('latency', { received: latencies.length, of: total, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), coldP99: p99(cold), warmUpWindowsP99: windowsP99.join(' ') });
  return {
    rate: Math.round(total / run.sendSeconds),
    sales: total,
    received: latencies.length,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1] ?? NaN,
    warmUpSeconds,
    coldSeconds: COLD_SECONDS,
    coldSales: perSecond * Math.min(COLD_SECONDS, warmUpSeconds),
    coldP99Ms: p99(cold),
    windowSeconds: WINDOW_SECONDS,
    /** p99 of each window of the warm-up, in order. */
    warmUpWindowsP99Ms: windowsP99,
    /** p99 of each stage: produced → scored, scored → record made, record → read. */
    stageP99Ms: { scored: p99(stages.scored), sent: p99(stages.sent), read: p99(stages.read) },
  };
}
