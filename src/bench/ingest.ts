/**
 * Ingest benchmark: producer messages/s, end-to-end lines/s (first send → last lake write) and, as the ceiling,
 * the same documents written straight into the same server with bulk inserts. One fresh topic prefix and database
 * per run, removed afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Kafka } from 'kafkajs';
import type { Db } from 'mongodb';
import { kafkaEnv, type Config } from '../config';
import { silentLogger, type Logger } from '../log';
import { createKafka, deleteTopicsOf, ensureTopics, topicNames, topicPlan, withAdmin } from '../pipeline/adapters/kafka';
import { connectMongo } from '../pipeline/adapters/mongo';
import { scanSource, streamSales, type SourceScan } from '../pipeline/source/stream-load';
import { produceErpStream } from '../pipeline/stream/produce';
import { encodeSalesInWorker } from '../pipeline/stream/sales-worker';
import { forEachChunk } from '../io/chunks';
import { customerDocument, ensureLakeIndexes, itemDocument, productDocument, saleDocument } from '../pipeline/lake/write';
import { onClusters } from './clusters';

const execFileAsync = promisify(execFile);

export interface IngestBenchResult {
  dataset: string;
  /** The cluster it ran on: brokers, replication, acks (clusterLabel). */
  kafka: string;
  lines: number;
  messages: number;
  documents: number;
  loadSeconds: number;
  producerPerSecond: number;
  endToEndSeconds: number;
  endToEndLinesPerSecond: number;
  endToEndDocsPerSecond: number;
  directSeconds: number;
  /** Into collections with the lake's indexes, as the consumer writes. */
  directDocsPerSecond: number;
  /** The same into bare collections (only `_id`): the engine's raw insert speed. */
  bareDocsPerSecond: number;
  peakRssMb: number;
  /** `npm run produce` alone, in its own process: messages/s and its peak memory (also with a 256 MB heap cap). */
  producerAlone: { perSecond: number; peakRssMb: number; cappedPeakRssMb: number };
}

function trackPeakRss(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
  return { stop: () => (clearInterval(t), Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20)) };
}

/**
 * The engine's own ceiling: the documents the lake consumer writes, prepared beforehand (parsing and building them is
 * not timed), inserted with `insertMany` batches of 1,000, `inFlight` batches at a time, into collections carrying
 * the lake's indexes, as the consumer's do. Returns the documents written and the seconds spent inserting.
 */
export async function writeDirect(db: Db, scan: SourceScan, opts: { batch?: number; inFlight?: number; indexes?: boolean } = {}): Promise<{ documents: number; seconds: number }> {
  const batch = opts.batch ?? 1000;
  const inFlight = opts.inFlight ?? 4;
  if (opts.indexes ?? true) await ensureLakeIndexes(db);
  const now = new Date();
  let documents = 0;
  let ms = 0;
  // Prepared a chunk at a time (20 batches), so memory stays flat at a million lines.
  const insertTimed = async (name: string, docs: object[]) => {
    const t = performance.now();
    await forEachChunk(docs, batch, inFlight, (chunk) => db.collection(name).insertMany(chunk as never[], { ordered: false }));
    ms += performance.now() - t;
    documents += docs.length;
  };
  await insertTimed('products', scan.products.map((p) => productDocument(p, now)));
  await insertTimed('customers', scan.customers.map((c) => customerDocument(c, now)));
  for await (const sales of streamSales(scan, 20 * batch)) {
    const items = sales.flatMap((s) => s.items.map((i) => itemDocument(i, now)));
    const headers = sales.map((s) => saleDocument(s, now));
    await insertTimed('sales_items', items);
    await insertTimed('sales', headers);
  }
  return { documents, seconds: ms / 1000 };
}

/**
 * `npm run ingest -- --until-idle --json` in a child process, resolved once its group is stable (it holds the
 * partitions), so the clock can start with the first message sent.
 */
async function startIngestProcess(cfg: Config, prefix: string, db: string, groupId: string, kafka: Kafka) {
  const script = path.join(cfg.paths.root, 'scripts', 'ingest.ts');
  const child = execFileAsync(process.execPath, ['--import', 'tsx', script, '--until-idle', '--idle-ms', '10000', '--json'], {
    cwd: cfg.paths.root,
    env: { ...process.env, ...kafkaEnv(cfg.kafka), KAFKA_TOPIC_PREFIX: prefix, MONGODB_DB: db, LOG_LEVEL: 'warn' },
    maxBuffer: 1 << 24,
  });
  const pid = child.child.pid!;
  let peak = 0;
  const sample = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 500);
  const done = child
    .then(({ stdout }) => JSON.parse(stdout.trim().split('\n').pop()!) as { messages: number; documents: number; lastMessageAt: string })
    .then((r) => ({ ...r, peakRssMb: Math.round(peak / 2 ** 20) }))
    .finally(() => clearInterval(sample));
  await withAdmin(kafka, async (admin) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [group] = (await admin.describeGroups([groupId])).groups;
      if (group?.state === 'Stable' && group.members.length) break;
      if (Date.now() > deadline) throw new Error(`the lake consumer did not join ${groupId} within 60 s`);
      await Promise.race([new Promise((r) => setTimeout(r, 200)), done]);
    }
  });
  return { done };
}

/** Resident memory of a process, from /proc (0 when it is gone or on a system without /proc). */
function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function runProducer(cfg: Config, input: string | undefined, nodeOptions?: string): Promise<{ perSecond: number; peakRssMb: number }> {
  const prefix = `${cfg.kafka.topicPrefix}.bench${Date.now().toString(36)}p`;
  const script = path.join(cfg.paths.root, 'scripts', 'produce.ts');
  try {
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', script, ...(input ? ['--input', input] : [])], {
      cwd: cfg.paths.root,
      env: { ...process.env, ...kafkaEnv(cfg.kafka), KAFKA_TOPIC_PREFIX: prefix, LOG_LEVEL: 'warn', ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) },
      maxBuffer: 1 << 24,
    });
    const m = /= ([\d,]+) messages\/s, peak memory ([\d,]+) MB/.exec(stdout);
    if (!m) throw new Error(`unexpected output from ${script}: ${stdout.slice(-500)}`);
    const num = (x: string) => Number(x.replace(/,/g, ''));
    return { perSecond: num(m[1]!), peakRssMb: num(m[2]!) };
  } finally {
    await deleteTopicsOf(createKafka(cfg.kafka, silentLogger), prefix);
  }
}

/**
 * Runs `npm run produce` on the file in a child process (fresh topics): its rate and peak memory as users run it,
 * and the peak with the heap capped at 256 MB, which shows what the producer needs rather than what V8 lets grow.
 */
export async function benchProducerAlone(cfg: Config, input: string | undefined): Promise<IngestBenchResult['producerAlone']> {
  const free = await runProducer(cfg, input);
  const capped = await runProducer(cfg, input, '--max-old-space-size=256');
  return { ...free, cappedPeakRssMb: capped.peakRssMb };
}

/** The direct-write ceiling, which does not depend on Kafka: measured once per data set and reused for other clusters. */
export type DirectCeiling = Pick<IngestBenchResult, 'directSeconds' | 'directDocsPerSecond' | 'bareDocsPerSecond'>;

export interface IngestBenchOptions {
  /** The cluster's label for the table (default: the configured cluster's brokers). */
  kafka?: string;
  /** Already measured on this data set: the direct writes are not run again. */
  ceiling?: DirectCeiling;
}

export async function benchIngest(cfg: Config, input: string | undefined, label: string, log: Logger, opts: IngestBenchOptions = {}): Promise<IngestBenchResult> {
  const id = `bench${Date.now().toString(36)}`;
  const prefix = `${cfg.kafka.topicPrefix}.${id}`;
  const topics = topicNames(prefix);
  const kafka = createKafka(cfg.kafka, silentLogger);
  const mongo = await connectMongo({ uri: cfg.mongo.uri, db: `${cfg.mongo.db}_${id}` });
  const direct = await connectMongo({ uri: cfg.mongo.uri, db: `${cfg.mongo.db}_${id}_direct` });
  const rss = trackPeakRss();
  try {
    let t = Date.now();
    // The producer reads the file in two passes (master data, then sales order by order): memory follows the catalogue.
    const scan = await scanSource({ input });
    const loadSeconds = (Date.now() - t) / 1000;
    log.info(`${label}: scanned`, { lines: scan.lines, seconds: loadSeconds });
    await ensureTopics(kafka, topicPlan(topics), cfg.kafka.partitions, cfg.kafka.replicationFactor);

    // The lake consumer runs as its own process (`npm run ingest`), as it is deployed: the producer (the ERP's side)
    // and the consumer do not share one JavaScript thread.
    const consumer = await startIngestProcess(cfg, prefix, mongo.db.databaseName, topics.lakeGroup, kafka);
    t = Date.now();
    const produced = await produceErpStream(
      { kafka, topics, log: silentLogger },
      // As npm run produce sends them: read and encoded in a worker thread.
      { products: scan.products, customers: scan.customers, sales: encodeSalesInWorker(scan), salesCount: scan.sales },
    );
    log.info(`${label}: produced`, { messages: produced.messages, perSecond: Math.round(produced.messages / produced.seconds) });
    const ingested = await consumer.done;
    if (ingested.messages !== produced.messages) throw new Error(`the lake consumer read ${ingested.messages} of ${produced.messages} messages`);
    const endToEndSeconds = (Date.parse(ingested.lastMessageAt) - t) / 1000;
    const documents = ingested.documents;
    log.info(`${label}: ingested`, { documents, seconds: endToEndSeconds, consumerPeakRssMb: ingested.peakRssMb });

    const ceiling = opts.ceiling ?? (await measureCeiling(direct.db, scan, label, log));
    return {
      dataset: label,
      kafka: opts.kafka ?? cfg.kafka.brokers.join(','),
      lines: scan.lines,
      messages: produced.messages,
      documents,
      loadSeconds,
      producerPerSecond: Math.round(produced.messages / produced.seconds),
      endToEndSeconds,
      endToEndLinesPerSecond: Math.round(scan.lines / endToEndSeconds),
      endToEndDocsPerSecond: Math.round(documents / endToEndSeconds),
      directSeconds: ceiling.directSeconds,
      directDocsPerSecond: ceiling.directDocsPerSecond,
      bareDocsPerSecond: ceiling.bareDocsPerSecond,
      peakRssMb: rss.stop(),
      producerAlone: await benchProducerAlone(cfg, input),
    };
  } finally {
    await mongo.db.dropDatabase().catch(() => undefined);
    await direct.db.dropDatabase().catch(() => undefined);
    await mongo.close();
    await direct.close();
    await deleteTopicsOf(kafka, prefix);
  }
}

/**
 * Every data set on every cluster size asked for (`undefined`: the configured cluster), cluster by cluster so each
 * scratch cluster starts once; the rows come back grouped by data set, in the clusters' order. The direct-write
 * ceiling does not depend on Kafka: measured on the first cluster, reused for the others.
 */
export async function benchIngestOnClusters(cfg: Config, runs: readonly [string | undefined, string][], brokerCounts: readonly number[] | undefined, log: Logger): Promise<IngestBenchResult[]> {
  const ceilings = new Map<string, DirectCeiling>();
  const perCluster = await onClusters(cfg, brokerCounts, log, async (c, kafka) => {
    const rows: IngestBenchResult[] = [];
    for (const [file, label] of runs) {
      const r = await benchIngest(c, file, label, log, { kafka, ceiling: ceilings.get(label) });
      ceilings.set(label, { directSeconds: r.directSeconds, directDocsPerSecond: r.directDocsPerSecond, bareDocsPerSecond: r.bareDocsPerSecond });
      rows.push(r);
    }
    return rows;
  });
  return runs.flatMap(([, label]) => perCluster.flat().filter((r) => r.dataset === label));
}

/** The engine's insert speed into bare collections, then into collections with the lake's indexes. */
async function measureCeiling(db: Db, scan: SourceScan, label: string, log: Logger): Promise<DirectCeiling> {
  const bare = await writeDirect(db, scan, { indexes: false });
  log.info(`${label}: direct bulk inserts, bare collections`, { documents: bare.documents, seconds: bare.seconds });
  await db.dropDatabase();
  const indexed = await writeDirect(db, scan);
  log.info(`${label}: direct bulk inserts, with the lake's indexes`, { documents: indexed.documents, seconds: indexed.seconds });
  return { directSeconds: indexed.seconds, directDocsPerSecond: Math.round(indexed.documents / indexed.seconds), bareDocsPerSecond: Math.round(bare.documents / bare.seconds) };
}

export function machineLine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

export function formatIngestRows(rows: IngestBenchResult[]): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const head = '| data | Kafka | lines | messages | lake docs | producer msg/s | end-to-end s | end-to-end lines/s | end-to-end docs/s | direct bulk-insert docs/s, bare collections (ceiling: a first load writes these) | e2e / ceiling | direct bulk-insert docs/s with the lake indexes (a later load) | bench process peak RSS MB | `npm run produce` alone: msg/s, peak RSS MB (with a 256 MB heap cap) |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|';
  return [head, ...rows.map((r) => `| ${r.dataset} | ${r.kafka} | ${n(r.lines)} | ${n(r.messages)} | ${n(r.documents)} | ${n(r.producerPerSecond)} | ${r.endToEndSeconds.toFixed(1)} | ${n(r.endToEndLinesPerSecond)} | ${n(r.endToEndDocsPerSecond)} | ${n(r.bareDocsPerSecond)} | ${(r.endToEndDocsPerSecond / r.bareDocsPerSecond).toFixed(2)} | ${n(r.directDocsPerSecond)} | ${n(r.peakRssMb)} | ${n(r.producerAlone.perSecond)}, ${n(r.producerAlone.peakRssMb)} (${n(r.producerAlone.cappedPeakRssMb)}) |`)].join('\n');
}

/**
 * What replication costs, per data set measured on more than one cluster: each cluster against the first one the
 * data set ran on (end-to-end time and lines/s, the producer's rate). Empty when every data set ran on one cluster.
 */
export function describeReplicationCost(rows: IngestBenchResult[]): string[] {
  const n = (x: number) => x.toLocaleString('en-US');
  const pct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(Math.round(x * 100))} %`;
  const out: string[] = [];
  for (const dataset of [...new Set(rows.map((r) => r.dataset))]) {
    const [base, ...others] = rows.filter((r) => r.dataset === dataset);
    for (const r of others) {
      out.push(
        `${dataset}, ${r.kafka} against ${base!.kafka}: end-to-end ${base!.endToEndSeconds.toFixed(1)} s → ${r.endToEndSeconds.toFixed(1)} s ` +
          `(${pct(r.endToEndSeconds / base!.endToEndSeconds - 1)} time; ${n(base!.endToEndLinesPerSecond)} → ${n(r.endToEndLinesPerSecond)} lines/s), ` +
          `producer ${n(base!.producerPerSecond)} → ${n(r.producerPerSecond)} msg/s (${pct(r.producerPerSecond / base!.producerPerSecond - 1)}), ` +
          `\`npm run produce\` alone ${n(base!.producerAlone.perSecond)} → ${n(r.producerAlone.perSecond)} msg/s (${pct(r.producerAlone.perSecond / base!.producerAlone.perSecond - 1)}).`,
      );
    }
  }
  return out;
}
