/**
 * A teacher's afternoon: the demo's live producer runs for a few seconds (sales dated today go to Kafka and the lake),
 * then the main job runs on the same topics and database. It must pass all eight steps and report the latest
 * complete month that has sales, not the empty month before today.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadErpData } from '../../src/pipeline/source/load';
import { salesWithItems } from '../../src/pipeline/source/live';
import { followLiveSales } from '../../src/pipeline/stream/follow';
import { startIngest } from '../../src/pipeline/lake/ingest';
import { collections } from '../../src/pipeline/adapters/mongo';
import { createTestEnv, waitUntil, type TestEnv } from './helpers';
import { spawnCli } from '../support/cli';

describe('after a demo, the main job', () => {
  let env: TestEnv;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-pipeline-'));
  afterAll(async () => {
    await env?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('passes every step and reports the latest complete month with sales', async () => {
    env = await createTestEnv('demo');
    const { data } = await loadErpData();
    const ingest = await startIngest({ kafka: env.kafka, db: env.mongo.db, topics: env.topics, log: env.log });
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 3000);
    const sent = await followLiveSales(env, salesWithItems(data), { perSecond: 5, signal: stop.signal, runId: 'itdemo' });
    expect(sent).toBeGreaterThan(5);
    await waitUntil(async () => (await env.mongo.db.collection(collections.sales).countDocuments()) >= sent, 60000, 'the live sales reached the lake');
    await ingest.stop();

    const out = { text: '' };
    const child = spawnCli('pipeline.ts', { ...env.env, DATA_DIR: path.join(dir, 'data'), MODELS_DIR: path.join(dir, 'models'), REPORTS_DIR: path.join(dir, 'reports'), LOG_LEVEL: 'warn' }, ['--no-services']);
    child.stdout!.on('data', (c: Buffer) => (out.text += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out.text += c.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect([code, out.text]).toEqual([0, expect.stringContaining('[8/8] Executive report')]);
    const thisMonth = new Date().toISOString().slice(0, 7);
    expect(out.text).toContain(`latest complete month with sales: 2017-12; ${thisMonth} is not complete yet`);
    for (const f of ['html', 'pdf', 'xlsx']) expect(fs.statSync(path.join(dir, 'reports', '2017-12', `executive.${f}`)).size).toBeGreaterThan(10_000);
  }, 300000);
});
