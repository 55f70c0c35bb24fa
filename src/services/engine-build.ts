/**
 * Builds the local MongoDB engine from the archives in vendor/: pgvector, pg_cron 1.6.7, DocumentDB's two PostgreSQL
 * extensions and its Rust gateway. The result is staged (`make install DESTDIR=`) in a per-user cache keyed by the
 * archives' sha256, so every clone on the machine (CI's too) reuses one build: minutes once, seconds afterwards.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../log';
import { MissingToolError, runAsync } from './run';

export const PG_MAJOR = 15;
export const PG_BIN = `/usr/lib/postgresql/${PG_MAJOR}/bin`;
export const PG_CONFIG = `${PG_BIN}/pg_config`;

/** The vendored archives, in build order after extraction. Never modified: the build adapts through flags. */
export const ENGINE_ARCHIVES = ['pgvector-0.8.0.tar.gz', 'pg_cron-1.6.7.tar.gz', 'documentdb-b2e220c4.tar.gz'] as const;

/**
 * Part of the cache key besides the archives: changing a flag here must not reuse a build made with the old ones.
 * with_llvm=no: no JIT bitcode (halves the build). BSON_SUBTYPE_SENSITIVE: Debian's libbson 1.23 lacks the constant.
 */
export const BUILD_RECIPE = `pg${PG_MAJOR};with_llvm=no;COPT=-DBSON_SUBTYPE_SENSITIVE=0x08 -Wno-error=switch;bidgcc000;v1`;

/** Debian has no pkg-config file for the Intel decimal library; the `000` variant matches upstream's build flags. */
export const INTELMATHLIB_PC = `Name: intelmathlib
Description: Intel Decimal Floating-Point Math Library
Version: 2.0
Cflags: -I/usr/include
Libs: -L/usr/lib/x86_64-linux-gnu -lbidgcc000
`;

/** sha256 over each archive's name and bytes, then the recipe. Pure given its inputs. */
export function engineSourcesHash(archives: { name: string; bytes: Buffer }[], recipe = BUILD_RECIPE): string {
  const h = createHash('sha256');
  for (const a of archives) h.update(a.name).update('\0').update(a.bytes).update('\0');
  return h.update(recipe).digest('hex');
}

export interface EngineBuild {
  hash: string;
  /** <engine cache>/documentdb-<hash12>: stage/ (the `make install` tree), bin/documentdb_gateway, build.json. */
  dir: string;
  stage: string;
  gateway: string;
  stamp: string;
}

export function engineBuild(cfg: Config): EngineBuild {
  const archives = ENGINE_ARCHIVES.map((name) => ({ name, bytes: fs.readFileSync(path.join(cfg.paths.root, 'vendor', name)) }));
  const hash = engineSourcesHash(archives);
  const dir = path.join(cfg.paths.engineCache, `documentdb-${hash.slice(0, 12)}`);
  return { hash, dir, stage: path.join(dir, 'stage'), gateway: path.join(dir, 'bin', 'documentdb_gateway'), stamp: path.join(dir, 'build.json') };
}

/** True when the cache holds a complete build of these sources (the stamp is written last). */
export function isBuilt(b: EngineBuild): boolean {
  try {
    return (JSON.parse(fs.readFileSync(b.stamp, 'utf8')) as { hash?: string }).hash === b.hash && fs.existsSync(b.gateway);
  } catch {
    return false;
  }
}

const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

/** Every missing build or runtime dependency, named by the package that provides it. */
export function missingEngineDeps(): { pkg: string; why: string }[] {
  const sharedir = `/usr/share/postgresql/${PG_MAJOR}/extension`;
  const checks: [boolean, string, string][] = [
    [fs.existsSync(`${PG_BIN}/postgres`), `postgresql-${PG_MAJOR}`, 'the PostgreSQL server'],
    [fs.existsSync(PG_CONFIG), `postgresql-server-dev-${PG_MAJOR}`, 'pg_config and the server headers'],
    [fs.existsSync(`${sharedir}/rum.control`), `postgresql-${PG_MAJOR}-rum`, 'the rum extension pg_documentdb requires'],
    [fs.existsSync(`${sharedir}/postgis.control`), `postgresql-${PG_MAJOR}-postgis-3`, 'the postgis extension pg_documentdb requires'],
    [has('pkg-config', ['--version']), 'pkg-config', 'pkg-config'],
    [has('pkg-config', ['--exists', 'libbson-1.0']), 'libbson-dev', 'libbson'],
    [has('pkg-config', ['--exists', 'libpcre2-8']), 'libpcre2-dev', 'PCRE2'],
    [has('pkg-config', ['--exists', 'openssl']), 'libssl-dev', 'OpenSSL headers (the gateway)'],
    [fs.existsSync('/usr/include/bid_conf.h'), 'libintelrdfpmath-dev', 'the Intel decimal library'],
    [fs.existsSync('/usr/include/gssapi/gssapi.h'), 'libkrb5-dev', 'gssapi.h, which libpq-be.h includes'],
    [has('make', ['--version']) && has('gcc', ['--version']), 'build-essential', 'make and gcc'],
    [has('openssl', ['version']), 'openssl', 'the certificates the gateway needs'],
  ];
  return checks.filter(([ok]) => !ok).map(([, pkg, why]) => ({ pkg, why }));
}

function requireEngineDeps(): void {
  const missing = missingEngineDeps();
  const problems = missing.map((m) => `  ${m.pkg}: ${m.why}`);
  if (missing.length) problems.push(`fix: sudo apt-get install ${missing.map((m) => m.pkg).join(' ')}   (or run bash scripts/setup.sh)`);
  if (!has('cargo', ['--version'])) {
    problems.push('  cargo (Rust 1.80+) not found, for the gateway: install rustup (https://rustup.rs) or, on Debian 12, the cargo-web package (bookworm\'s own rustc is too old)');
  }
  if (problems.length) {
    throw new MissingToolError(`cannot build the local MongoDB engine (DocumentDB); missing:\n${problems.join('\n')}\nNothing was deleted. To use a MongoDB of your own instead, set MONGODB_URI (see README).`);
  }
}

const pgMake = ['-j2', `PG_CONFIG=${PG_CONFIG}`, 'with_llvm=no'];

/** Builds into the cache unless a build of the same sources is there. Returns it. */
export async function ensureEngineBuilt(cfg: Config, log: Logger): Promise<EngineBuild> {
  const b = engineBuild(cfg);
  if (isBuilt(b)) return b;
  requireEngineDeps();
  log.info('building the local MongoDB engine (DocumentDB, once per machine: about 5-10 min on 2 cores)', { into: b.dir });
  const started = Date.now();
  fs.mkdirSync(cfg.paths.engineCache, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'erp-engine-build-'));
  const partial = `${b.dir}.partial-${process.pid}`;
  try {
    for (const a of ENGINE_ARCHIVES) await runAsync('tar', ['-xzf', path.join(cfg.paths.root, 'vendor', a), '-C', tmp]);
    fs.mkdirSync(path.join(tmp, 'pkgconfig'));
    fs.writeFileSync(path.join(tmp, 'pkgconfig', 'intelmathlib.pc'), INTELMATHLIB_PC);
    const env = {
      ...process.env,
      PKG_CONFIG_PATH: [path.join(tmp, 'pkgconfig'), process.env.PKG_CONFIG_PATH].filter(Boolean).join(':'),
      // The crate cache is shared by every build on the machine; target/ (400+ MB) lives in the temp dir and goes.
      CARGO_HOME: path.join(cfg.paths.engineCache, 'cargo'),
      CARGO_TARGET_DIR: path.join(tmp, 'target'),
    };
    const stage = path.join(partial, 'stage');
    const ddb = path.join(tmp, 'documentdb-b2e220c4');
    const steps: [string, string[]][] = [
      [path.join(tmp, 'pgvector-0.8.0'), []],
      [path.join(tmp, 'pg_cron-1.6.7'), []],
      [path.join(ddb, 'pg_documentdb_core'), []],
      [path.join(ddb, 'pg_documentdb'), ['COPT=-DBSON_SUBTYPE_SENSITIVE=0x08 -Wno-error=switch']],
    ];
    for (const [dir, extra] of steps) {
      const t = Date.now();
      await runAsync('make', [...pgMake, ...extra], { cwd: dir, env });
      await runAsync('make', ['install', `DESTDIR=${stage}`, ...pgMake, ...extra], { cwd: dir, env });
      log.info(`built ${path.basename(dir)}`, { seconds: Math.round((Date.now() - t) / 1000) });
    }
    const t = Date.now();
    // Inside the full source tree: the gateway reads ../pg_documentdb_core/include/... at compile time.
    await runAsync('cargo', ['build', '--release', '--locked'], { cwd: path.join(ddb, 'pg_documentdb_gw'), env });
    log.info('built the gateway', { seconds: Math.round((Date.now() - t) / 1000) });
    fs.mkdirSync(path.join(partial, 'bin'), { recursive: true });
    fs.copyFileSync(path.join(tmp, 'target', 'release', 'documentdb_gateway'), path.join(partial, 'bin', 'documentdb_gateway'));
    fs.chmodSync(path.join(partial, 'bin', 'documentdb_gateway'), 0o755);
    const seconds = Math.round((Date.now() - started) / 1000);
    fs.writeFileSync(path.join(partial, 'build.json'), JSON.stringify({ hash: b.hash, recipe: BUILD_RECIPE, archives: ENGINE_ARCHIVES, seconds, builtAt: new Date().toISOString() }, null, 2) + '\n');
    fs.rmSync(b.dir, { recursive: true, force: true }); // an incomplete older attempt
    fs.renameSync(partial, b.dir);
    // Extracted crate sources can be unpacked again from the downloaded .crate files: keep only those.
    fs.rmSync(path.join(env.CARGO_HOME, 'registry', 'src'), { recursive: true, force: true });
    log.info('local MongoDB engine built', { seconds, dir: b.dir });
    return b;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(partial, { recursive: true, force: true });
  }
}
