/**
 * Secured connections configured the way managed services are: a Kafka broker of this suite's own (scratch-kafka.ts)
 * with a SASL_SSL listener (SCRAM-SHA-512 over TLS, CA and certificate made at install), and the local MongoDB
 * engine's TLS port with its generated CA. The pipeline's CLIs get nothing but environment variables. A wrong
 * password, an untrusted certificate or a plaintext client on a TLS port must end within seconds with a message
 * naming the setting to fix, and no stack trace.
 */
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { createLogger, silentLogger } from '../../src/log';
import { loadErpData } from '../../src/pipeline/source/load';
import { connectMongo, MongoAuthError, MongoSetupError } from '../../src/pipeline/adapters/mongo';
import { verifyLake } from '../../src/pipeline/lake/verify';
import { credentialsPath, readCredentials } from '../../src/config/credentials';
import { engineFiles, tlsEndpoint } from '../../src/services/engine-config';
import { isLoopback, isPortOpen, mongoEndpoint } from '../../src/services/probe';
import { createTestEnv, lakeSummary, superstoreSummary, testConfig, type TestEnv } from './helpers';
import { runCli as runScript } from '../support/cli';
import { startScratchKafka, type ScratchKafka } from './scratch-kafka';

const log = process.env.IT_DEBUG ? createLogger('debug', 'secure') : silentLogger;

/** Runs a CLI with these environment variables on top of the test's (its LOG_LEVEL warn); its exit code, output and duration. */
async function runCli(script: string, env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; out: string; seconds: number }> {
  const r = await runScript(path.basename(script), { ...env, LOG_LEVEL: 'warn' }, args, { killAfterMs: 120000 });
  return { code: r.code, out: r.output, seconds: r.seconds };
}

/** A stack frame in a CLI's output: what a user must never see. */
const STACK_FRAME = /\n\s+at .+:\d+:\d+/;

describe('Kafka over SASL_SSL (SCRAM-SHA-512), configured like a managed cluster', () => {
  let kafka: ScratchKafka;
  let env: TestEnv | undefined;
  beforeAll(async () => {
    kafka = await startScratchKafka('secure', 1, log, 31092);
  }, 300000);
  afterAll(async () => {
    await env?.cleanup();
    await kafka?.stop();
  }, 120000);

  it('the produce and ingest CLIs move the Superstore over SASL_SSL with settings only, and verify finds 0 lost, 0 duplicated', async () => {
    env = await createTestEnv('secure', kafka.secureEnv);
    expect(env.cfg.kafka).toMatchObject({ ssl: true, sasl: { mechanism: 'scram-sha-512' } });
    const produced = await runCli('scripts/produce.ts', env.env);
    expect(produced.out).not.toMatch(STACK_FRAME);
    expect(produced.code).toBe(0);
    const ingested = await runCli('scripts/ingest.ts', env.env, ['--until-idle']);
    expect(ingested.code).toBe(0);
    const { result } = await verifyLake({ kafka: env.kafka, db: env.mongo.db, dlqTopic: env.topics.dlq }, (await loadErpData()).data);
    expect(result.ok).toBe(true);
    for (const e of result.entities) expect({ entity: e.entity, missing: e.missing.length, extra: e.extra }).toEqual({ entity: e.entity, missing: 0, extra: 0 });
    expect(await lakeSummary(env)).toEqual(superstoreSummary);
  }, 300000);

  const refused: [string, (k: ScratchKafka) => Record<string, string>, RegExp][] = [
    ['a wrong password', (k) => ({ ...k.secureEnv, KAFKA_SASL_PASSWORD: 'not-the-password' }), /refused the SCRAM-SHA-512 login of KAFKA_SASL_USERNAME="erp_kafka": check KAFKA_SASL_PASSWORD/],
    ['an untrusted certificate (no CA file: only the system CAs)', (k) => ({ ...k.secureEnv, KAFKA_SSL_CA_FILE: '' }), /is not trusted .*set KAFKA_SSL_CA_FILE/],
    ['a plaintext client on the TLS port', (k) => ({ ...k.secureEnv, KAFKA_SSL: 'false', KAFKA_SSL_CA_FILE: '', KAFKA_SASL_MECHANISM: '' }), /set KAFKA_SSL=true/],
  ];
  it.each(refused)('%s: the CLI ends within seconds naming the setting to fix, without a stack trace', async (_, settings, expected) => {
    const r = await runCli('scripts/produce.ts', { KAFKA_TOPIC_PREFIX: `it.refused${process.pid}`, ...settings(kafka) });
    expect(r.out).toMatch(expected);
    expect(r.out).not.toMatch(STACK_FRAME);
    expect(r.code).toBe(1);
    expect(r.seconds).toBeLessThan(20); // tsx's start included
  }, 60000);
});

describe('MongoDB over TLS to the local engine with its generated CA', () => {
  const cfg = loadConfig();
  const ep = mongoEndpoint(cfg.mongo.uri);
  const local = ep !== undefined && isLoopback(ep.host) && !cfg.skipEngine && readCredentials(credentialsPath(cfg.paths.services)) !== undefined;
  // Only the local engine has a TLS port we know the CA of; with your own MongoDB, these have nothing to connect to.
  const itLocal = local ? it : it.skip;
  if (!local) it('is skipped: MONGODB_URI is not the local engine (no TLS port with a CA of ours)', () => expect(local).toBe(false));
  const tls = ep && tlsEndpoint(ep);
  const ca = engineFiles(cfg).caCert;
  const uriOf = (query: string) => `mongodb://127.0.0.1:${tls?.port}/?${query}`;
  const connect = (uri: string) => connectMongo({ ...testConfig({ MONGODB_URI: uri }).mongo }, { timeoutMs: 5000 });

  itLocal('writes and reads over TLS, trusting the CA made at install', async () => {
    expect(await isPortOpen('127.0.0.1', tls!.port)).toBe(true);
    const h = await connect(uriOf(`tls=true&tlsCAFile=${encodeURIComponent(ca)}`));
    const db = h.client.db(`it_tls_${process.pid}`);
    try {
      await db.collection('t').insertOne({ _id: 'over-tls' } as never);
      expect(await db.collection('t').countDocuments()).toBe(1);
    } finally {
      await db.dropDatabase().catch(() => undefined);
      await h.close();
    }
  });

  const failures: [string, () => string, RegExp, unknown][] = [
    ['an untrusted certificate (no tlsCAFile)', () => uriOf('tls=true'), /not trusted .*add tlsCAFile=/, MongoSetupError],
    ['a plaintext client on the TLS port', () => uriOf(''), /closed the connection .*add tls=true and tlsCAFile=/, MongoSetupError],
    ['a wrong password', () => `mongodb://erp_insights:wrong@127.0.0.1:${tls?.port}/?tls=true&tlsCAFile=${encodeURIComponent(ca)}&authMechanism=SCRAM-SHA-256&directConnection=true`, /refused the login .*fix the user and password in MONGODB_URI/, MongoAuthError],
  ];
  itLocal.each(failures)('%s ends within seconds naming what to change in MONGODB_URI', async (_, uri, expected, type) => {
    const started = Date.now();
    const err = await connect(uri()).then((h) => h.close().then(() => undefined), (e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect((err as Error).message).toMatch(expected);
    expect((err as Error).message).not.toContain('wrong@');
    expect(Date.now() - started).toBeLessThan(8000);
  });
});
