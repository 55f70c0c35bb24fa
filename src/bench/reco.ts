/**
 * Recommendation benchmark: training time (Superstore, and a large generated file), scoring time per sale, and the
 * latency from a sale produced to its recommendation published, while sales flow at a steady rate through the real
 * broker and server. Fresh topics, database and model file per run, removed afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config';
import { silentLogger, type Logger } from '../log';
import { loadErpData } from '../pipeline/load';
import { salesWithItems, makeLiveSale } from '../pipeline/live';
import { trainModel, type TrainingLine } from '../pipeline/reco/train';
import { recommend } from '../pipeline/reco/score';
import { saveModel } from '../pipeline/reco/model';
import { startRecommender } from '../pipeline/reco/service';
import { decodeRecommendation } from '../pipeline/reco/event';
import { createKafka, ensureTopics, topicNames, topicPlan } from '../pipeline/kafka';
import { connectMongo } from '../pipeline/mongo';
import { writeLake } from '../pipeline/lake';
import { createErpProducer, sendAll } from '../pipeline/produce';

export const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const ms = (t0: number) => performance.now() - t0;

export async function benchTraining(input: string | undefined, label: string, log: Logger, runs = 5) {
  const { data } = await loadErpData({ input });
  const lines: TrainingLine[] = data.salesItems;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    trainModel(lines, data.products);
    times.push(ms(t0));
  }
  const sorted = [...times].sort((a, b) => a - b);
  log.info(`${label}: trained`, { firstMs: Math.round(times[0]!), medianMs: Math.round(quantile(sorted, 0.5)) });
  return { dataset: label, lines: lines.length, products: data.products.length, firstMs: times[0]!, medianMs: quantile(sorted, 0.5), data };
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

/** Produces `perSecond` sales for `seconds` and measures sale produced → recommendation received on the topic. */
export async function benchLatency(cfg: Config, data: Awaited<ReturnType<typeof loadErpData>>['data'], log: Logger, perSecond = 500, seconds = 20) {
  const id = `bench${Date.now().toString(36)}`;
  const topics = topicNames(`${cfg.kafka.topicPrefix}.${id}`);
  const kafka = createKafka(cfg.kafka, silentLogger);
  const mongo = await connectMongo({ uri: cfg.mongo.uri, db: `${cfg.mongo.db}_${id}` });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reco-bench-'));
  const modelPath = path.join(dir, 'item_sim.json');
  const reader = kafka.consumer({ groupId: `${topics.recommenderGroup}.reader`, maxWaitTimeInMs: 20 });
  try {
    await ensureTopics(kafka, topicPlan(topics), cfg.kafka.partitions, cfg.kafka.replicationFactor);
    await writeLake(mongo.db, { products: [], customers: data.customers, sales: [] });
    saveModel(modelPath, trainModel(data.salesItems, data.products));
    const latencies: number[] = [];
    await reader.connect();
    await reader.subscribe({ topics: [topics.recommendations], fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        const r = decodeRecommendation(message.value);
        if (r?.sale_produced_at) latencies.push(Date.now() - Date.parse(r.sale_produced_at));
      },
    });
    const service = await startRecommender({ kafka, db: mongo.db, topics, log: silentLogger, modelPath });
    while (service.stats.assignedPartitions === 0) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 2000));
    const templates = salesWithItems(data);
    const total = perSecond * seconds;
    const sales = Array.from({ length: total }, (_, i) => makeLiveSale(templates[i % templates.length]!, new Date(), i + 1, id));
    const producer = createErpProducer(kafka, false);
    await producer.connect();
    // Small batches every 20 ms: a steady flow, not one burst a second.
    const started = Date.now();
    const perTick = Math.max(1, Math.round(perSecond / 50));
    for (let i = 0; i < total; i += perTick) {
      await sendAll(producer, topics.sales, 'sale', sales.slice(i, i + perTick), { compression: 'none' });
      const due = started + ((i + perTick) / perSecond) * 1000;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const sendSeconds = (Date.now() - started) / 1000;
    await producer.disconnect();
    const deadline = Date.now() + 120_000;
    while (latencies.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await service.stop();
    const sorted = [...latencies].sort((a, b) => a - b);
    log.info('latency', { received: latencies.length, of: total, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) });
    return { rate: Math.round(total / sendSeconds), sales: total, received: latencies.length, p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99), maxMs: sorted[sorted.length - 1] ?? NaN };
  } finally {
    await reader.disconnect().catch(() => undefined);
    await mongo.db.dropDatabase().catch(() => undefined);
    await mongo.close();
    fs.rmSync(dir, { recursive: true, force: true });
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topics.products, topics.customers, topics.sales, topics.dlq, topics.recommendations] }).catch(() => undefined);
    await admin.disconnect();
  }
}
