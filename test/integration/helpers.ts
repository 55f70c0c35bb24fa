/**
 * Each integration test gets its own topics (a random prefix) and its own database, and closes every client.
 * Services are the real ones the config points at (started by .ci/run or `npm run services -- up`).
 */
import { randomBytes } from 'node:crypto';
import { loadConfig, readDotenv, type Config } from '../../src/config';
import { createKafka, fetchLag, topicNames, withAdmin } from '../../src/pipeline/adapters/kafka';
import { connectMongo, groupSums, type MongoHandle } from '../../src/pipeline/adapters/mongo';
import { prepareTopics, type PipelineContext } from '../../src/cli/context';
import { createLogger, silentLogger } from '../../src/log';

export interface TestEnv extends PipelineContext {
  mongo: MongoHandle;
  id: string;
  /** Env vars that make a child process (a CLI) use the same topics and database. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/**
 * The configuration a CLI would load (.env under the environment, as loadConfig() reads it) with `overrides` on top.
 * Passing an environment to loadConfig skips .env, so a worktree whose .env names its own services would otherwise
 * start them in the global set-up and then test against the default ports (another checkout's services).
 */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ ...readDotenv(), ...process.env, ...overrides });
}

export async function createTestEnv(name: string, overrides: Record<string, string> = {}): Promise<TestEnv> {
  const id = `${name}-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const env = { KAFKA_TOPIC_PREFIX: `it.${id}`, MONGODB_DB: `it_${id.replace(/-/g, '_')}`, ...overrides };
  const cfg = testConfig(env);
  const log = process.env.IT_DEBUG ? createLogger('debug', name) : silentLogger;
  const kafka = createKafka(cfg.kafka, log);
  const ctx: PipelineContext = { cfg, log, kafka, topics: topicNames(cfg.kafka.topicPrefix) };
  await prepareTopics(ctx);
  const mongo = await connectMongo(cfg.mongo);
  return {
    ...ctx,
    mongo,
    id,
    env,
    cleanup: async () => {
      await mongo.db.dropDatabase().catch(() => undefined);
      await mongo.close();
      await withAdmin(kafka, async (admin) => {
        const mine = (await admin.listTopics()).filter((t) => t.startsWith(`${cfg.kafka.topicPrefix}.`));
        if (mine.length) await admin.deleteTopics({ topics: mine, timeout: 20000 }).catch(() => undefined);
      });
    },
  };
}

/** Lake counts and exact totals (integer ten-thousandths summed in the database). */
export async function lakeSummary(env: TestEnv) {
  const db = env.mongo.db;
  const [products, customers, sales, items] = await Promise.all(
    ['products', 'customers', 'sales', 'sales_items'].map((c) => db.collection(c).countDocuments()),
  );
  const sums = await groupSums(db, 'sales_items', { by: null, fields: ['line_total_e4', 'profit_e4', 'quantity'] });
  const tot = [...sums.values()][0]?.sums;
  return {
    products,
    customers,
    sales,
    items,
    revenue: Math.round((tot?.line_total_e4 ?? 0) / 100) / 100,
    profit: Math.round((tot?.profit_e4 ?? 0) / 100) / 100,
    units: tot?.quantity ?? 0,
  };
}

export const superstoreSummary = { products: 1862, customers: 793, sales: 5009, items: 9994, revenue: 2297200.86, profit: 286397.02, units: 37873 };

/**
 * True once the lake group has committed every message on the entity topics. The consumers commit a batch only after
 * MongoDB acknowledged it, so this is "everything produced so far is written": call it once the producer finished.
 * Counting sales and lines is not enough: the partitions of a fetch are written in whatever order the broker answers,
 * so the last sales can land before a customers partition (a CI run stopped the consumer then and saw 507 of 793).
 */
export async function lakeCaughtUp(env: Pick<TestEnv, 'kafka' | 'topics'>): Promise<boolean> {
  const { products, customers, sales, lakeGroup } = env.topics;
  return (await fetchLag(env.kafka, lakeGroup, [products, customers, sales])).total === 0;
}

/** Polls until the condition holds, failing with a clear message after the timeout. */
export async function waitUntil(cond: () => boolean | Promise<boolean>, timeoutMs: number, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
