/**
 * Puts the staged engine build into PostgreSQL's own directories (pkglibdir, sharedir: root's, so as root directly,
 * else through sudo). A no-op when already done. (The gateway's certificates: certificates.ts.)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log';
import { PG_CONFIG, type EngineBuild } from './engine-build';

export class EngineInstallError extends Error {
  override name = 'EngineInstallError';
}

const pgConfig = (flag: string) => spawnSync(PG_CONFIG, [flag], { encoding: 'utf8' }).stdout.trim();

/** Every regular file under dir, as paths relative to it. */
function listFiles(dir: string, rel = ''): string[] {
  if (!fs.existsSync(path.join(dir, rel))) return [];
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(dir, path.join(rel, e.name)) : e.isFile() ? [path.join(rel, e.name)] : [],
  );
}

/** The staged files that are missing or differ in the live directories: empty means installed. */
export function filesToInstall(stage: string, targets: string[], same = sameBytes): { from: string; to: string }[] {
  return targets.flatMap((target) =>
    listFiles(path.join(stage, target))
      .map((rel) => ({ from: path.join(stage, target, rel), to: path.join(target, rel) }))
      .filter((f) => !same(f.from, f.to)),
  );
}

function sameBytes(a: string, b: string): boolean {
  try {
    return fs.statSync(a).size === fs.statSync(b).size && fs.readFileSync(a).equals(fs.readFileSync(b));
  } catch {
    return false;
  }
}

/**
 * Installs the extensions (vector, pg_cron 1.6.7, documentdb_core, documentdb) unless the live files already equal
 * the staged ones: comparing the bytes is the stamp, so a package that overwrote one (Debian's postgresql-15-cron
 * ships pg_cron 1.4.2) is noticed and corrected.
 */
export function installEngineFiles(build: EngineBuild, log: Logger): void {
  const targets = [pgConfig('--pkglibdir'), path.join(pgConfig('--sharedir'), 'extension')];
  const todo = filesToInstall(build.stage, targets);
  if (todo.length === 0) return;
  log.info(`installing the engine's PostgreSQL extensions (${todo.length} files)`, { into: targets.join(', ') });
  if (process.getuid?.() === 0) {
    for (const f of todo) {
      fs.mkdirSync(path.dirname(f.to), { recursive: true });
      fs.copyFileSync(f.from, f.to);
    }
    return;
  }
  // Not root: one sudo call copying the staged trees (it may ask for the password once).
  for (const t of targets) {
    const res = spawnSync('sudo', ['cp', '-r', '--no-preserve=ownership', `${path.join(build.stage, t)}/.`, `${t}/`], { stdio: 'inherit' });
    if (res.status !== 0) {
      throw new EngineInstallError(`could not install the engine's extensions into ${t} (sudo cp failed): run as root, or copy ${path.join(build.stage, t)} there yourself`);
    }
  }
}
