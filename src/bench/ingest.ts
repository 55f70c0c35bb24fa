/**
 * Ingest benchmark: producer messages/s, end-to-end lines/s (first send → last lake write) and, as the ceiling,
 * the same documents written straight into the same server with bulk inserts. One fresh topic prefix and database
 * per run, removed afterwards.
 */
import os from 'node:os';
import type { Db } from 'mongodb';
import type { Config } from '../config';
import { silentLogger, type Logger } from '../log';
import { createKafka, ensureTopics, topicNames, topicPlan } from '../pipeline/kafka';
import { connectMongo } from '../pipeline/mongo';
import { loadErpData } from '../pipeline/load';
import { produceErpData } from '../pipeline/produce';
import { startIngest } from '../pipeline/ingest';
import { itemDocument, saleDocument } from '../pipeline/lake';
import { salesWithItems } from '../pipeline/live';
import type { ErpData } from '../pipeline/entities';

export interface IngestBenchResult {
  dataset: string;
  lines: number;
  messages: number;
  documents: number;
  loadSeconds: number;
  producerPerSecond: number;
  endToEndSeconds: number;
  endToEndLinesPerSecond: number;
  endToEndDocsPerSecond: number;
  directSeconds: number;
  directDocsPerSecond: number;
  peakRssMb: number;
}

function trackPeakRss(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
  return { stop: () => (clearInterval(t), Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20)) };
}

async function writeDirect(db: Db, data: ErpData, batch = 1000): Promise<number> {
  const now = new Date();
  const sales = salesWithItems(data);
  const sets: [string, object[]][] = [
    ['products', data.products.map((p) => ({ _id: p.product_id, ...p, ingested_at: now }))],
    ['customers', data.customers.map((c) => ({ _id: c.customer_id, ...c, ingested_at: now }))],
    ['sales_items', sales.flatMap((s) => s.items.map((i) => ({ ...itemDocument(i), ingested_at: now })))],
    ['sales', sales.map((s) => ({ ...saleDocument(s), ingested_at: now }))],
  ];
  let n = 0;
  for (const [name, docs] of sets) {
    for (let i = 0; i < docs.length; i += batch) {
      await db.collection(name).insertMany(docs.slice(i, i + batch) as never[], { ordered: false });
      n += Math.min(batch, docs.length - i);
    }
  }
  return n;
}

export async function benchIngest(cfg: Config, input: string | undefined, label: string, log: Logger): Promise<IngestBenchResult> {
  const id = `bench${Date.now().toString(36)}`;
  const topics = topicNames(`${cfg.kafka.topicPrefix}.${id}`);
  const kafka = createKafka(cfg.kafka, silentLogger);
  const mongo = await connectMongo({ uri: cfg.mongo.uri, db: `${cfg.mongo.db}_${id}` });
  const direct = await connectMongo({ uri: cfg.mongo.uri, db: `${cfg.mongo.db}_${id}_direct` });
  const rss = trackPeakRss();
  try {
    let t = Date.now();
    const { data } = await loadErpData({ input });
    const loadSeconds = (Date.now() - t) / 1000;
    log.info(`${label}: loaded`, { lines: data.salesItems.length, seconds: loadSeconds });
    await ensureTopics(kafka, topicPlan(topics), cfg.kafka.partitions, cfg.kafka.replicationFactor);

    const ingest = await startIngest({ kafka, db: mongo.db, topics, log: log.child('ingest') }, { statsEveryMs: 1000 });
    while (ingest.stats.assignedPartitions === 0) await new Promise((r) => setTimeout(r, 100));
    t = Date.now();
    const produced = await produceErpData({ kafka, topics, log: silentLogger }, data);
    log.info(`${label}: produced`, { messages: produced.messages, perSecond: Math.round(produced.messages / produced.seconds) });
    let reported = Date.now();
    while (ingest.stats.messages < produced.messages) {
      await new Promise((r) => setTimeout(r, 200));
      if (Date.now() - reported > 10000) {
        reported = Date.now();
        log.info(`${label}: ingesting`, { messages: ingest.stats.messages, of: produced.messages, documents: ingest.stats.documents });
      }
    }
    const endToEndSeconds = (ingest.stats.lastMessageAt - t) / 1000;
    const documents = ingest.stats.documents;
    await ingest.stop();
    log.info(`${label}: ingested`, { documents, seconds: endToEndSeconds });

    t = Date.now();
    const directDocs = await writeDirect(direct.db, data);
    const directSeconds = (Date.now() - t) / 1000;
    log.info(`${label}: direct bulk inserts`, { documents: directDocs, seconds: directSeconds });
    return {
      dataset: label,
      lines: data.salesItems.length,
      messages: produced.messages,
      documents,
      loadSeconds,
      producerPerSecond: Math.round(produced.messages / produced.seconds),
      endToEndSeconds,
      endToEndLinesPerSecond: Math.round(data.salesItems.length / endToEndSeconds),
      endToEndDocsPerSecond: Math.round(documents / endToEndSeconds),
      directSeconds,
      directDocsPerSecond: Math.round(directDocs / directSeconds),
      peakRssMb: rss.stop(),
    };
  } finally {
    await mongo.db.dropDatabase().catch(() => undefined);
    await direct.db.dropDatabase().catch(() => undefined);
    await mongo.close();
    await direct.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: Object.values(topics).filter((n) => !n.endsWith('.lake') && !n.endsWith('.recommender')) }).catch(() => undefined);
    await admin.disconnect();
  }
}

export function machineLine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

export function formatIngestRows(rows: IngestBenchResult[]): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const head = '| data | lines | messages | lake docs | producer msg/s | end-to-end s | end-to-end lines/s | end-to-end docs/s | direct bulk-insert docs/s (ceiling) | e2e / ceiling | peak RSS MB |\n|---|---|---|---|---|---|---|---|---|---|---|';
  return [head, ...rows.map((r) => `| ${r.dataset} | ${n(r.lines)} | ${n(r.messages)} | ${n(r.documents)} | ${n(r.producerPerSecond)} | ${r.endToEndSeconds.toFixed(1)} | ${n(r.endToEndLinesPerSecond)} | ${n(r.endToEndDocsPerSecond)} | ${n(r.directDocsPerSecond)} | ${(r.endToEndDocsPerSecond / r.directDocsPerSecond).toFixed(2)} | ${n(r.peakRssMb)} |`)].join('\n');
}
