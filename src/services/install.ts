/**
 * Fetches what the local services need, only when missing or out of date: the Kafka broker jars (Maven, into the
 * git-ignored .cache), the local MongoDB engine (built from vendor/ into a per-user cache, see engine-build.ts) and
 * Mailpit (built with Go into the same cache, see mailpit.ts).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../log';
import { ensureCredentials, fillMongoCredentials } from '../config/credentials';
import { ensureEngineBuilt } from './engine-build';
import { engineFiles } from './engine-config';
import { ensureCertificates } from './certificates';
import { installEngineFiles } from './engine-install';
import { ensureMailpitBuilt, planMailpit } from './mailpit';
import { isLoopback, mongoEndpoint } from './probe';
import { MissingToolError, run, runAsync } from './run';

export { MissingToolError } from './run';

export interface ServicePaths {
  kafkaPom: string;
  kafkaLibs: string;
  m2: string;
}

export function servicePaths(cfg: Config): ServicePaths {
  const c = cfg.paths.cache;
  return {
    kafkaPom: path.join(cfg.paths.root, 'services', 'kafka', 'pom.xml'),
    kafkaLibs: path.join(c, 'kafka', 'libs'),
    m2: path.join(c, 'm2'),
  };
}

/** The first capture of `pattern` in a tool's version output as a number, e.g. 17 from 'openjdk version "17.0.15"'. */
export function majorVersion(output: string, pattern: RegExp): number | undefined {
  const m = pattern.exec(output);
  return m?.[1] !== undefined ? Number(m[1]) : undefined;
}

function requireTool(cmd: string, args: string[], pattern: RegExp, min: number, hint: string): void {
  let out: string;
  try {
    out = run(cmd, args);
  } catch {
    throw new MissingToolError(`${hint} (\`${cmd}\` not found or not working)`);
  }
  const major = majorVersion(out, pattern);
  if (major === undefined || major < min) {
    throw new MissingToolError(`${hint} (found: ${out.trim().split('\n')[0] ?? 'unknown version'})`);
  }
}

export const requireJava = () =>
  requireTool('java', ['-version'], /version "(\d+)/, 17, 'Java 17+ not found: apt-get install openjdk-17-jre-headless');
const requireMaven = () =>
  requireTool('mvn', ['-v'], /Apache Maven (\d+)/, 3, 'Maven 3 not found: apt-get install maven');

const sha256 = (files: string[]) => {
  const h = createHash('sha256');
  for (const f of files) h.update(path.basename(f)).update('\0').update(fs.readFileSync(f));
  return h.digest('hex');
};
const readStamp = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '');

/** The Kafka version the pom pins, for messages. */
export function kafkaVersion(pom: string): string {
  return /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(fs.readFileSync(pom, 'utf8'))?.[1] ?? 'unknown';
}

/** Copies the Kafka broker's runtime classpath into .cache/kafka/libs unless it is there for this pom. */
export async function ensureKafkaJars(cfg: Config, log: Logger): Promise<void> {
  const p = servicePaths(cfg);
  const stamp = path.join(p.kafkaLibs, '.pom.sha256');
  const hash = sha256([p.kafkaPom]);
  if (readStamp(stamp) === hash) return;
  requireMaven();
  const version = kafkaVersion(p.kafkaPom);
  log.info(`fetching Kafka ${version} jars from Maven Central (first time takes ~30 s)`, { into: p.kafkaLibs });
  const started = Date.now();
  fs.rmSync(p.kafkaLibs, { recursive: true, force: true });
  await runAsync('mvn', ['-q', '-B', '-Dstyle.color=never', '-f', p.kafkaPom, 'dependency:copy-dependencies',
    `-DoutputDirectory=${p.kafkaLibs}`, `-Dmaven.repo.local=${p.m2}`]);
  fs.writeFileSync(stamp, hash + '\n');
  log.info(`Kafka ${version} jars ready`, { seconds: Math.round((Date.now() - started) / 1000) });
}

/**
 * Everything the local services need, the three at once. `what` limits the work. The engine (built once per machine,
 * then installed into PostgreSQL's directories, plus the certificates and the login) is skipped when ERP_SKIP_ENGINE
 * is set or MONGODB_URI names a MongoDB elsewhere; Mailpit when ERP_SKIP_MAILPIT is set or SMTP_URL is not loopback.
 */
export async function installLocalServices(cfg: Config, log: Logger, what: { kafka: boolean; mongo: boolean; mail?: boolean }): Promise<void> {
  if (what.kafka) requireJava();
  const engine = what.mongo && engineWanted(cfg, log);
  const mail = what.mail && mailWanted(cfg, log);
  await Promise.all([
    what.kafka ? ensureKafkaJars(cfg, log) : undefined,
    engine ? ensureEngine(cfg, log) : undefined,
    mail ? ensureMailpitBuilt(cfg, log) : undefined,
  ]);
}

function mailWanted(cfg: Config, log: Logger): boolean {
  const plan = planMailpit(cfg.mail, cfg.skipMailpit);
  if (!plan.local) log.info(`not building the local mail server (Mailpit): ${plan.reason}`);
  return plan.local;
}

function engineWanted(cfg: Config, log: Logger): boolean {
  const ep = mongoEndpoint(cfg.mongo.uri);
  if (cfg.skipEngine) log.info('ERP_SKIP_ENGINE is set: not building the local MongoDB engine');
  else if (!ep || !isLoopback(ep.host)) log.info('MONGODB_URI names a remote MongoDB: not building the local engine');
  else return true;
  return false;
}

async function ensureEngine(cfg: Config, log: Logger): Promise<void> {
  const build = await ensureEngineBuilt(cfg, log);
  installEngineFiles(build, log);
  ensureCertificates(engineFiles(cfg), log);
  const { creds, created } = ensureCredentials(cfg.mongo.credentialsFile);
  if (created) {
    cfg.mongo.uri = fillMongoCredentials(cfg.mongo.uri, creds); // this process's own checks log in with them
    log.info('made a local MongoDB user with a generated password', { user: creds.user, file: cfg.mongo.credentialsFile });
  }
}
