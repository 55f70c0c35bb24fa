/**
 * Faults the ingest must survive, with the real broker and server: a consumer killed mid-stream, the Kafka broker
 * restarted mid-stream, the MongoDB-wire server down for a few seconds. Nothing lost, nothing duplicated.
 * These stop and start the shared local services, so they only run against local (loopback) services.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { loadErpData } from '../../src/pipeline/load';
import { produceErpData } from '../../src/pipeline/produce';
import { startIngest, type IngestHandle } from '../../src/pipeline/ingest';
import type { ErpData } from '../../src/pipeline/entities';
import { localDown, localUp } from '../../src/services/local';
import { silentLogger } from '../../src/log';
import { loadConfig } from '../../src/config';
import { createTestEnv, lakeSummary, superstoreSummary, waitUntil, type TestEnv } from './helpers';

let superstore: ErpData;
beforeAll(async () => {
  superstore = (await loadErpData()).data;
});

const root = path.resolve(__dirname, '../..');
const count = (env: TestEnv, c: string) => env.mongo.db.collection(c).countDocuments();
const lakeComplete = async (env: TestEnv) => (await count(env, 'sales_items')) === 9994 && (await count(env, 'sales')) === 5009;

async function runIngest(env: TestEnv): Promise<IngestHandle> {
  return startIngest(
    { kafka: env.kafka, db: env.mongo.db, topics: env.topics, log: env.log },
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
    await produceErpData(env, superstore);
    // One process: SIGKILL on tsx's CLI would leave its child (the real consumer) running.
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/ingest.ts'], {
      cwd: root,
      env: { ...process.env, ...env.env, LOG_LEVEL: 'error' },
      stdio: 'ignore',
    });
    const exited = new Promise((r) => child.on('exit', r));
    await waitUntil(async () => (await count(env, 'sales_items')) > 1000, 60000, 'the child consumer wrote some lines');
    child.kill('SIGKILL');
    await exited;
    expect(await count(env, 'sales_items')).toBeLessThan(9994);

    const h = await runIngest(env);
    await waitUntil(() => lakeComplete(env), 120000, 'the restarted consumer caught up');
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
    await waitUntil(() => lakeComplete(env), 180000, 'the consumer caught up after the broker restart');
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
    await waitUntil(() => lakeComplete(env).catch(() => false), 180000, 'the consumer caught up after the server restart');
    await h.stop();
    expect(await lakeSummary(env)).toEqual(superstoreSummary);
  }, 300000);
});
