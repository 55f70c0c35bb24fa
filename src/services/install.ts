/**
 * Fetches what the local services need, into the git-ignored .cache, only when missing or out of date:
 * the Kafka broker jars (Maven) and the FerretDB wrapper binary (Go). Checks the toolchains first.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../log';

export class MissingToolError extends Error {
  override name = 'MissingToolError';
}

export interface ServicePaths {
  kafkaPom: string;
  kafkaLibs: string;
  m2: string;
  ferretSrc: string;
  ferretBin: string;
  goCache: string;
}

export function servicePaths(cfg: Config): ServicePaths {
  const c = cfg.paths.cache;
  return {
    kafkaPom: path.join(cfg.paths.root, 'services', 'kafka', 'pom.xml'),
    kafkaLibs: path.join(c, 'kafka', 'libs'),
    m2: path.join(c, 'm2'),
    ferretSrc: path.join(cfg.paths.root, 'services', 'ferretdb'),
    ferretBin: path.join(c, 'bin', 'ferretdb-wrapper'),
    goCache: path.join(c, 'go'),
  };
}

const failure = (cmd: string, args: string[], code: number | null, out: string) =>
  new Error(`${cmd} ${args.join(' ')} failed (exit ${code}):\n${out.trim().split('\n').slice(-30).join('\n')}`);

/** Runs a short command to completion (version checks); throws with the tail of its output when it fails. */
function run(cmd: string, args: string[]): string {
  const res = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30000 });
  if (res.error) throw res.error;
  const out = `${res.stdout ?? ''}${res.stderr ?? ''}`;
  if (res.status !== 0) throw failure(cmd, args, res.status, out);
  return out;
}

/** Runs a long command without blocking (so the Maven fetch and the Go build overlap). */
function runAsync(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (chunk: Buffer) => {
      out = (out + chunk.toString()).slice(-20000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(failure(cmd, args, code, out))));
  });
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
// Go 1.21+ fetches the 1.24 toolchain go.mod asks for by itself (from the Go module proxy).
const requireGo = () =>
  requireTool('go', ['version'], /go1\.(\d+)/, 21, 'Go 1.21+ not found: install Go from https://go.dev/dl/ (Debian bookworm: golang-1.21 from backports)');

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

/** Builds the FerretDB wrapper into .cache/bin unless the binary there was built from the same sources. */
export async function ensureFerretBinary(cfg: Config, log: Logger): Promise<void> {
  const p = servicePaths(cfg);
  const stamp = `${p.ferretBin}.sha256`;
  const sources = ['main.go', 'go.mod', 'go.sum'].map((f) => path.join(p.ferretSrc, f));
  const hash = sha256(sources);
  if (fs.existsSync(p.ferretBin) && readStamp(stamp) === hash) return;
  requireGo();
  log.info('building the FerretDB wrapper (first time takes ~2-3 min: downloads modules and compiles SQLite)', { into: p.ferretBin });
  const started = Date.now();
  fs.mkdirSync(path.dirname(p.ferretBin), { recursive: true });
  const env = {
    ...process.env,
    GOMODCACHE: path.join(p.goCache, 'mod'),
    GOCACHE: path.join(p.goCache, 'build'),
    GOFLAGS: '-modcacherw -buildvcs=false', // writable module cache: `rm -rf .cache` works
    CGO_ENABLED: '0', // FerretDB's SQLite is pure Go (modernc.org/sqlite)
  };
  const tmp = `${p.ferretBin}.tmp`;
  await runAsync('go', ['build', '-trimpath', '-o', tmp, '.'], { cwd: p.ferretSrc, env });
  fs.renameSync(tmp, p.ferretBin);
  fs.writeFileSync(stamp, hash + '\n');
  log.info('FerretDB wrapper built', { seconds: Math.round((Date.now() - started) / 1000) });
}

/** Everything the local services need. `what` limits the work to one service. */
export async function installLocalServices(cfg: Config, log: Logger, what: { kafka: boolean; mongo: boolean }): Promise<void> {
  if (what.kafka) requireJava();
  await Promise.all([what.kafka ? ensureKafkaJars(cfg, log) : undefined, what.mongo ? ensureFerretBinary(cfg, log) : undefined]);
}
