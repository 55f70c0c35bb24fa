/**
 * Puts the staged engine build into PostgreSQL's own directories (pkglibdir, sharedir: root's, so as root directly,
 * else through sudo), and makes the gateway's certificates. Each step is a no-op when already done.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log';
import { PG_CONFIG, type EngineBuild } from './engine-build';
import type { EngineFiles } from './engine-config';

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

function openssl(args: string[], cwd: string): void {
  const res = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (res.error || res.status !== 0) throw new EngineInstallError(`openssl ${args[0]} failed: ${res.error?.message ?? res.stderr.trim()} (apt-get install openssl)`);
}

/**
 * A private CA and a server certificate for localhost/127.0.0.1/::1 signed by it, made once (kept by `reset`).
 * Clients of the TLS listener trust ca.crt (`tls=true&tlsCAFile=<ca.crt>`); the keys are readable only by their owner.
 */
export function ensureCertificates(f: EngineFiles, log: Logger): void {
  if ([f.caCert, f.serverCert, f.serverKey].every((p) => fs.existsSync(p))) return;
  fs.mkdirSync(path.dirname(f.tlsDir), { recursive: true });
  fs.mkdirSync(f.tlsDir, { recursive: true, mode: 0o700 });
  const ext = path.join(f.tlsDir, 'server.ext');
  fs.writeFileSync(ext, 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650',
    '-subj', '/CN=erp-insights local CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], f.tlsDir);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], f.tlsDir);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '825', '-extfile', 'server.ext'], f.tlsDir);
  for (const name of ['ca.key', 'server.key']) fs.chmodSync(path.join(f.tlsDir, name), 0o600);
  for (const name of ['server.csr', 'server.ext', 'ca.srl']) fs.rmSync(path.join(f.tlsDir, name), { force: true });
  log.info('made a local CA and a server certificate for the gateway', { dir: f.tlsDir });
}
