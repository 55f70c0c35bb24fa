/**
 * Live data for the dashboard benchmark: a few hundred sales dated today, in the lake, on the sales topic and through
 * the real recommender, so the real-time and recommendations pages show what a team sees during a working day.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from 'mongodb';
import type { Kafka } from 'kafkajs';
import { silentLogger } from '../log';
import type { ErpData, SaleWithItems } from '../pipeline/core/entities';
import type { TopicNames } from '../pipeline/adapters/kafka';
import { makeLiveSale } from '../pipeline/source/live';
import { sendAll } from '../pipeline/stream/produce';
import { createErpProducer } from '../pipeline/adapters/kafka';
import { modelFile, saveModel } from '../pipeline/reco/model';
import { startRecommender } from '../pipeline/reco/service';
import { trainModel } from '../pipeline/reco/train';
import { recommendationsCollection } from '../pipeline/lake/slices';

/** Sales a busy shop has taken by the time the benchmark runs: enough to fill each hour of the chart. */
export const LIVE_SALES = 300;

/**
 * Pure: `count` sales copied from the templates (spread over the data set, baskets of every size), stamped from
 * today's midnight to `now` at even steps, oldest first. Local time, as `makeLiveSale` and the demo's producer stamp.
 */
export function todaysSales(templates: readonly SaleWithItems[], now: Date, count: number, runId: string): SaleWithItems[] {
  const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const step = (now.getTime() - midnight) / count;
  return Array.from({ length: count }, (_, i) => makeLiveSale(templates[Math.floor((i * templates.length) / count)]!, new Date(midnight + Math.floor(i * step)), i + 1, runId));
}

export interface LiveSeedDeps {
  kafka: Kafka;
  db: Db;
  topics: TopicNames;
  data: ErpData;
  /** Whether the dashboard's sales feed shows a sale yet (its consumer starts at the end of the topic). */
  feedShows: (saleId: string) => Promise<boolean>;
}

/**
 * Publishes `sales` (already in the lake) to the dashboard and the recommender. The feed sees only what arrives after
 * it joined, so sales go one at a time until the feed shows one (those before are in the lake only, as for a
 * dashboard started late), then the rest at once. Returns once every published sale has its recommendation stored.
 */
export async function publishLiveSales(deps: LiveSeedDeps, sales: readonly SaleWithItems[]): Promise<{ published: number; beforeFeed: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dash-bench-model-'));
  const producer = createErpProducer(deps.kafka);
  let reco: Awaited<ReturnType<typeof startRecommender>> | null = null;
  try {
    saveModel(modelFile(dir), trainModel(deps.data.salesItems, deps.data.products));
    reco = await startRecommender({ kafka: deps.kafka, db: deps.db, topics: deps.topics, log: silentLogger, modelPath: modelFile(dir) });
    await producer.connect();
    let next = 0;
    for (let seen = false; !seen; ) {
      if (next >= sales.length) throw new Error(`the dashboard's sales feed showed none of the ${sales.length} live sales sent one by one: is it consuming ${deps.topics.sales}?`);
      const probe = sales[next++]!;
      await sendAll(producer, deps.topics.sales, 'sale', [probe]);
      for (const until = Date.now() + 3000; !seen && Date.now() < until; ) {
        seen = await deps.feedShows(probe.sale_id);
        if (!seen) await new Promise((r) => setTimeout(r, 200));
      }
    }
    await sendAll(producer, deps.topics.sales, 'sale', sales.slice(next));
    const ids = sales.map((s) => s.sale_id);
    const stored = () => deps.db.collection<{ _id: string }>(recommendationsCollection).countDocuments({ _id: { $in: ids } });
    for (const until = Date.now() + 60_000; (await stored()) < sales.length; ) {
      if (Date.now() > until) throw new Error(`the recommender stored ${await stored()} of ${sales.length} recommendations within 60 s`);
      await new Promise((r) => setTimeout(r, 250));
    }
    return { published: sales.length, beforeFeed: next - 1 };
  } finally {
    await producer.disconnect().catch(() => undefined);
    await reco?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
