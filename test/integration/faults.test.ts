/**
 * Faults the ingest and the recommender must survive, with the real broker and server: a consumer killed
 * mid-stream, the Kafka broker restarted mid-stream, the MongoDB-wire server down for a few seconds, the local
 * engine's gateway or PostgreSQL killed mid-ingest. Nothing lost, nothing duplicated in the database (the
 * recommendations topic is at-least-once).
 * These stop and start the shared local services, so they only run against local (loopback) services.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadErpData } from '../../src/pipeline/source/load';
import { produceErpData } from '../../src/pipeline/stream/produce';
import { startIngest, type IngestHandle } from '../../src/pipeline/lake/ingest';
import type { ErpData } from '../../src/pipeline/core/entities';
import { localDown, localStatus, localUp } from '../../src/services/local';
import { engineManaged } from '../../src/services/engine-local';
import { isAlive, managedState } from '../../src/services/process';
import { verifyLake } from '../../src/pipeline/lake/verify';
import { createLogger, silentLogger } from '../../src/log';
import { loadConfig, type Config } from '../../src/config';
import { fetchLag, readTopicToEnd } from '../../src/pipeline/adapters/kafka';
import { trainModel } from '../../src/pipeline/reco/train';
import { saveModel } from '../../src/pipeline/reco/model';
import { decodeRecommendation } from '../../src/pipeline/reco/event';
import { recommendationsCollection, startRecommender, type RecommenderDeps } from '../../src/pipeline/reco/service';
import { KafkaJSNonRetriableError, type Kafka, type Producer } from 'kafkajs';
import type { Db } from 'mongodb';
import { createTestEnv, lakeCaughtUp, lakeSummary, superstoreSummary, waitUntil, type TestEnv } from './helpers';
import { spawnCli } from '../support/cli';

let superstore: ErpData;
beforeAll(async () => {
  superstore = (await loadErpData()).data;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = (env: TestEnv, c: string) => env.mongo.db.collection(c).countDocuments();

async function runIngest(env: TestEnv, log = env.log): Promise<IngestHandle> {
  return startIngest(
    { kafka: env.kafka, db: env.mongo.db, topics: env.topics, log },
    { statsEveryMs: 1000, onStats: (s, lag) => env.log.debug('ingest', { messages: s.messages, lines: s.lines, lag }) },
  );
}

describe('faults', () => {
  let env: TestEnv;
  afterEach(async () => {
    await localUp(loadConfig(), silentLogger); // whatever a test stopped is back for the next one
    await env?.cleanup();
  });

  it('a consumer killed mid-stream and restarted loses nothing and duplicates nothing', async () => {
    env = await createTestEnv('kill');
    // One process: SIGKILL on tsx's CLI would leave its child (the real consumer) running.
    const child = spawnCli('ingest.ts', { ...env.env, LOG_LEVEL: 'error' }, [], { stdio: 'ignore' });
    const exited = new Promise((r) => child.on('exit', r));
    // Sent at 2,000 messages/s (about 4 s), so the kill lands mid-stream however fast the consumer writes.
    const producing = produceErpData(env, superstore, { rate: 2000 });
    await waitUntil(async () => (await count(env, 'sales_items')) > 1000, 60000, 'the child consumer wrote some lines');
    child.kill('SIGKILL');
    await exited;
    await producing;
    expect(await count(env, 'sales_items')).toBeLessThan(9994);

    const h = await runIngest(env);
    await waitUntil(() => lakeCaughtUp(env), 120000, 'the restarted consumer caught up');
    await h.stop();
    expect(await lakeSummary(env)).toEqual(superstoreSummary);
  }, 240000);

  it('the Kafka broker stopped and restarted mid-stream: producer and consumer recover by themselves', async () => {
    env = await createTestEnv('broker');
    const h = await runIngest(env);
    const producing = produceErpData(env, superstore, { rate: 2000, batchSize: 100 });
    await waitUntil(async () => (await count(env, 'sales')) > 200, 60000, 'some sales reached the lake');
    await localDown(env.cfg, silentLogger, ['kafka']);
    await new Promise((r) => setTimeout(r, 2000));
    await localUp(env.cfg, silentLogger);
    const produced = await producing;
    expect(produced.messages).toBe(1862 + 793 + 5009);
    await waitUntil(() => lakeCaughtUp(env).catch(() => false), 180000, 'the consumer caught up after the broker restart');
    await h.stop();
    expect(await lakeSummary(env)).toEqual(superstoreSummary);
  }, 300000);

  it('the MongoDB-wire server down for a few seconds: the consumer retries without committing, then catches up', async () => {
    env = await createTestEnv('mongo');
    const h = await runIngest(env);
    const producing = produceErpData(env, superstore, { rate: 2500, batchSize: 100 });
    await waitUntil(async () => (await count(env, 'sales')) > 200, 60000, 'some sales reached the lake');
    await localDown(env.cfg, silentLogger, ['mongo']);
    await new Promise((r) => setTimeout(r, 4000));
    await localUp(env.cfg, silentLogger);
    await producing;
    await waitUntil(() => lakeCaughtUp(env).catch(() => false), 180000, 'the consumer caught up after the server restart');
    await h.stop();
    expect(await lakeSummary(env)).toEqual(superstoreSummary);
  }, 300000);

  // SIGKILL, not `down`: no clean shutdown, sessions cut mid-write, PostgreSQL leaves its postmaster.pid and recovers
  // from its WAL on the next start. `up` (what `npm run services -- up` runs) must bring back what died, the consumer
  // must ride it out by itself, and `verify` (what `npm run verify` runs) must then pass.
  async function ingestThroughEngineKill(victim: EngineVictim) {
    env = await createTestEnv(`engine-${victim}`);
    const warnings: string[] = [];
    const h = await runIngest(env, createLogger('warn', 'ingest', (line) => void warnings.push(line)));
    const producing = produceErpData(env, superstore, { rate: 1500, batchSize: 100 });
    await waitUntil(async () => (await count(env, 'sales')) > 200, 60000, 'some sales reached the lake');
    const { name } = await killEngineProcess(env.cfg, victim);

    // Down: what was read but not written stays uncommitted. A write acknowledged just before the kill may still be
    // committed a moment later, so the offsets are taken after a second, then must not move while sales pile up.
    await sleep(1000);
    const frozen = await committedOffsets(env);
    await sleep(3000);
    expect(await committedOffsets(env)).toEqual(frozen);
    expect((await fetchLag(env.kafka, env.topics.lakeGroup, [env.topics.products, env.topics.customers, env.topics.sales])).total).toBeGreaterThan(0);
    const mongo = (await localStatus(env.cfg, silentLogger)).find((s) => s.name === 'mongo')!;
    expect(mongo).toMatchObject({ reachable: false, dead: [name] });

    await localUp(env.cfg, silentLogger);
    await producing;
    await waitUntil(() => lakeCaughtUp(env).catch(() => false), 180000, `the consumer caught up after ${name} came back`);
    await h.stop();
    // It rode the outage out in its own retry loop: no crash and restart by kafkajs (which rejoins the group). With
    // PostgreSQL dead the gateway refuses each write at once, so the retry is always seen; with the gateway dead, a
    // write that starts while it is down may simply wait for the server to come back (the driver's server selection),
    // and then nothing needs retrying.
    if (victim === 'postgres') expect(warnings.some((l) => l.includes('lake write failed; retrying without committing'))).toBe(true);
    expect(warnings.filter((l) => l.includes('crashed'))).toEqual([]);
    expect(h.stats.deadLetters).toBe(0);
    const { result, deadLetters } = await verifyLake({ kafka: env.kafka, db: env.mongo.db, dlqTopic: env.topics.dlq }, superstore);
    expect(result.ok).toBe(true);
    expect(deadLetters).toBe(0);
    for (const e of result.entities) expect({ entity: e.entity, stored: e.stored, missing: e.missing.length, extra: e.extra }).toEqual({ entity: e.entity, stored: e.source, missing: 0, extra: 0 });
    expect(await lakeSummary(env)).toEqual(superstoreSummary);
  }
  it('the engine\'s gateway killed mid-ingest: the consumer retries without committing, and after `up` verify passes', () => ingestThroughEngineKill('gateway'), 300000);
  it('PostgreSQL killed mid-ingest: the consumer retries without committing, and after `up` verify passes', () => ingestThroughEngineKill('postgres'), 300000);

  // The recommender publishes without waiting for the acknowledgement and stores behind it. Whatever was in flight
  // when a service went away, or when a publish or a store failed for good, must still end up published (at least
  // once) and stored exactly once.
  interface Fault {
    /** The recommender's clients, with a failure injected. */
    deps?: (deps: RecommenderDeps, env: TestEnv) => RecommenderDeps;
    /** What happens once sales flow (a service stopped and started). */
    during?: (env: TestEnv) => Promise<void>;
  }
  async function recommendUnder(name: string, fault: Fault) {
    env = await createTestEnv(`reco-${name}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reco-fault-'));
    const modelPath = path.join(dir, 'item_sim.json');
    saveModel(modelPath, trainModel(superstore.salesItems, superstore.products));
    try {
      const deps: RecommenderDeps = { kafka: env.kafka, db: env.mongo.db, topics: env.topics, log: env.log, modelPath };
      const h = await startRecommender(fault.deps?.(deps, env) ?? deps);
      const stored = () => count(env, recommendationsCollection);
      const producing = produceErpData(env, superstore, { rate: 2000, batchSize: 100 });
      await waitUntil(async () => (await stored()) > 200, 60000, 'some recommendations stored');
      await fault.during?.(env);
      await producing;
      await waitUntil(async () => (await stored().catch(() => 0)) === 5009, 180000, 'every sale stored');
      await h.stop();
      const published = new Set((await readTopicToEnd(env.kafka, env.topics.recommendations)).map((m) => decodeRecommendation(m.value)!.sale_id));
      expect(published.size).toBe(5009);
      expect(await stored()).toBe(5009);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const serviceDown = (down: 'mongo', pauseMs: number): Fault => ({
    during: async (e) => {
      await localDown(e.cfg, silentLogger, [down]);
      await new Promise((r) => setTimeout(r, pauseMs));
      await localUp(e.cfg, silentLogger);
    },
  });
  // Not run with the broker restarted: the sales all arrive, but kafkajs 2.2.4 then leaves a consumer-group heartbeat
  // connection open after disconnect() (a stale coordinator reconnects), which keeps Jest from exiting. The publish
  // that fails for good, below, covers the recommender's side of a broker that stays away.
  it('the recommender with the MongoDB-wire server down for a few seconds: every sale published, and stored once', () => recommendUnder('mongo', serviceDown('mongo', 4000)), 300000);

  it('the recommender whose publish fails for good: it goes back to the last commit, every sale published, and stored once', async () => {
    let failed = 0;
    await recommendUnder('publish', { deps: (d, e) => ({ ...d, kafka: kafkaWithFailingSend(d.kafka, e.topics.recommendations, 20, () => failed++) }) });
    expect(failed).toBe(1);
  }, 300000);
  it('the recommender whose store fails for good: it goes back to the last commit, every sale published, and stored once', async () => {
    let failed = 0;
    await recommendUnder('store', { deps: (d) => ({ ...d, db: dbWithFailingInsert(d.db, recommendationsCollection, 3, () => failed++) }) });
    expect(failed).toBe(1);
  }, 300000);
});

type EngineVictim = 'gateway' | 'postgres';

/**
 * SIGKILLs one of the local engine's processes (the plaintext gateway the URI names, or the postmaster), found by
 * `up`'s pid file, and waits until it is gone (a zombie counts as gone).
 */
async function killEngineProcess(cfg: Config, victim: EngineVictim): Promise<{ name: string; pid: number }> {
  const m = engineManaged(cfg)[victim];
  const st = managedState(m);
  if (st.state !== 'running') throw new Error(`${m.name} is not running under \`services up\` (${m.pidFile}): these tests kill the local engine`);
  process.kill(st.pid, 'SIGKILL');
  await waitUntil(() => !isAlive(st.pid), 10000, `${m.name} (pid ${st.pid}) gone after SIGKILL`);
  return { name: m.name, pid: st.pid };
}

/** The lake group's committed offsets, `topic:partition → offset`. */
async function committedOffsets(env: TestEnv): Promise<Record<string, string>> {
  const admin = env.kafka.admin();
  await admin.connect();
  try {
    const topics = [env.topics.products, env.topics.customers, env.topics.sales];
    const out: Record<string, string> = {};
    for (const t of await admin.fetchOffsets({ groupId: env.topics.lakeGroup, topics })) {
      for (const p of t.partitions) out[`${t.topic}:${p.partition}`] = p.offset;
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

/** The real client, except that its producers' `nth` send to `topic` fails with an error no retry can help. */
function kafkaWithFailingSend(kafka: Kafka, topic: string, nth: number, onFail: () => void): Kafka {
  let sends = 0;
  const k: Kafka = Object.create(kafka);
  k.producer = (...args: Parameters<Kafka['producer']>): Producer => {
    const p = kafka.producer(...args);
    const send = p.send.bind(p);
    p.send = async (record) => {
      if (record.topic === topic && ++sends === nth) {
        onFail();
        throw new KafkaJSNonRetriableError('injected: this publish failed for good');
      }
      return send(record);
    };
    return p;
  };
  return k;
}

/** The real database, except that the `nth` insertMany into `collection` fails with an error no retry can help. */
function dbWithFailingInsert(db: Db, collection: string, nth: number, onFail: () => void): Db {
  let inserts = 0;
  const d: Db = Object.create(db);
  d.collection = ((name: string, options?: object) => {
    const c = db.collection(name, options);
    if (name !== collection) return c;
    const insertMany = c.insertMany.bind(c);
    c.insertMany = (async (...args: Parameters<typeof insertMany>) => {
      if (++inserts === nth) {
        onFail();
        throw new Error('injected: this store failed for good');
      }
      return insertMany(...args);
    }) as typeof c.insertMany;
    return c;
  }) as Db['collection'];
  return d;
}
