/**
 * The local MongoDB engine: PostgreSQL 15 with DocumentDB, reachable only through a private socket directory, and
 * DocumentDB's gateway speaking the MongoDB wire protocol on loopback (plaintext on the MONGODB_URI port, TLS on the
 * next one). SCRAM authentication is always on. As root, PostgreSQL runs as the `postgres` user (it refuses root).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../log';
import { ensureCredentials, fillMongoCredentials } from '../config/credentials';
import { PG_BIN, PG_MAJOR, engineBuild } from './engine-build';
import { MAX_SOCKET_DIR, PG_PORT, PG_SUPERUSER, engineFiles, indexBuildScheduleSeconds, renderGatewayConfig, renderPostgresConf, tlsEndpoint, type EngineFiles } from './engine-config';
import { formatEndpoint, isPortOpen, waitFor, type Endpoint } from './probe';
import { isAlive, managedState, runningPid, startDetached, type Managed } from './process';

export class EngineDataError extends Error {
  override name = 'EngineDataError';
}

export function engineManaged(cfg: Config): { postgres: Managed; gateway: Managed; gatewayTls: Managed } {
  const f = engineFiles(cfg);
  const s = cfg.paths.services;
  return {
    postgres: { name: 'postgres', pidFile: path.join(s, 'postgres.pid'), logFile: path.join(s, 'postgres.log'), marker: f.pgdata, stopSignal: 'SIGINT' },
    gateway: { name: 'documentdb-gateway', pidFile: path.join(s, 'gateway.pid'), logFile: path.join(s, 'gateway.log'), marker: f.gatewayConf },
    gatewayTls: { name: 'documentdb-gateway-tls', pidFile: path.join(s, 'gateway-tls.pid'), logFile: path.join(s, 'gateway-tls.log'), marker: f.gatewayTlsConf },
  };
}

/** As root: the `postgres` user's ids, which PostgreSQL and its files run as. Otherwise undefined (our own user). */
function pgOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, PG_SUPERUSER], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || uid <= 0) throw new EngineDataError(`running as root, but there is no ${PG_SUPERUSER} user to run PostgreSQL as: apt-get install postgresql-${PG_MAJOR}`);
  return { uid, gid };
}

/** PostgreSQL (as another user) must traverse every directory above its data. */
function assertTraversable(dir: string, owner: { uid: number } | undefined): void {
  if (!owner) return;
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    const st = fs.statSync(d);
    if (st.uid !== owner.uid && (st.mode & 0o001) === 0) {
      throw new EngineDataError(`PostgreSQL runs as ${PG_SUPERUSER} and cannot enter ${d} (mode ${(st.mode & 0o777).toString(8)}): chmod o+x ${d}, or set SERVICES_DIR to a directory it can reach (nothing was deleted)`);
    }
    if (d === path.dirname(d)) return;
  }
}

function psql(f: EngineFiles, sql: string): string {
  const res = spawnSync(`${PG_BIN}/psql`, ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', f.socketDir, '-p', String(PG_PORT), '-U', PG_SUPERUSER, '-d', 'postgres', '-f', '-'], {
    input: sql,
    encoding: 'utf8',
    timeout: 120000,
  });
  if (res.status !== 0) throw new Error(`psql failed: ${(res.error?.message ?? res.stderr).trim()}`);
  return res.stdout.trim();
}

const pgAnswers = (f: EngineFiles) => Promise.resolve(fs.existsSync(path.join(f.socketDir, `.s.PGSQL.${PG_PORT}`)) && psql(f, 'SELECT 1') === '1');

/** 'empty' to initdb, 'ours' to start; anything else (another PostgreSQL version or engine) is refused, untouched. */
export function checkDataDir(f: EngineFiles): 'empty' | 'ours' {
  if (!fs.existsSync(f.pgdata) || fs.readdirSync(f.pgdata).length === 0) return 'empty';
  const versionFile = path.join(f.pgdata, 'PG_VERSION');
  const fix = `move it away, or run \`npm run services -- reset\` to delete it (nothing was deleted)`;
  if (!fs.existsSync(versionFile)) throw new EngineDataError(`${f.pgdata} is not empty and is not a PostgreSQL data directory: ${fix}`);
  const version = fs.readFileSync(versionFile, 'utf8').trim();
  if (version !== String(PG_MAJOR)) throw new EngineDataError(`${f.pgdata} was made by PostgreSQL ${version}, this engine runs PostgreSQL ${PG_MAJOR}: ${fix}`);
  if (!fs.existsSync(f.marker)) throw new EngineDataError(`${f.pgdata} is a PostgreSQL data directory that \`services up\` did not make (no ${path.basename(f.marker)}): ${fix}`);
  return 'ours';
}

function initCluster(f: EngineFiles, owner: { uid: number; gid: number } | undefined, log: Logger): void {
  log.info('creating the PostgreSQL cluster (first start only)', { dir: f.pgdata });
  const res = spawnSync(`${PG_BIN}/initdb`, ['-D', f.pgdata, '-U', PG_SUPERUSER, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-locale', '--no-instructions'], {
    encoding: 'utf8', uid: owner?.uid, gid: owner?.gid, cwd: f.dir,
  });
  if (res.status !== 0) throw new Error(`initdb failed: ${(res.error?.message ?? `${res.stdout}${res.stderr}`).trim().slice(-2000)}`);
  fs.appendFileSync(path.join(f.pgdata, 'postgresql.conf'), "\ninclude = 'erp-engine.conf'\n");
  fs.writeFileSync(f.marker, JSON.stringify({ engine: 'documentdb', postgres: PG_MAJOR, createdAt: new Date().toISOString() }, null, 2) + '\n');
}

function prepareDirs(f: EngineFiles, owner: { uid: number; gid: number } | undefined): void {
  if (f.socketDir.length > MAX_SOCKET_DIR) {
    throw new EngineDataError(`the socket directory ${f.socketDir} is longer than ${MAX_SOCKET_DIR} characters (a unix socket limit): set SERVICES_DIR to a shorter path`);
  }
  fs.mkdirSync(f.dir, { recursive: true });
  if (owner) {
    // Our own directories above the data: let the postgres user through (search only, no listing).
    for (const d of [path.dirname(f.dir), f.dir]) fs.chmodSync(d, fs.statSync(d).mode | 0o011);
  }
  assertTraversable(f.pgdata, owner);
  for (const d of [f.pgdata, f.socketDir]) {
    fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    fs.chmodSync(d, 0o700);
    if (owner) fs.chownSync(d, owner.uid, owner.gid);
  }
}

async function startPostgres(cfg: Config, f: EngineFiles, m: Managed, log: Logger): Promise<void> {
  const owner = pgOwner();
  prepareDirs(f, owner);
  if (checkDataDir(f) === 'empty') initCluster(f, owner, log);
  const conf = path.join(f.pgdata, 'erp-engine.conf');
  fs.writeFileSync(conf, renderPostgresConf(f.socketDir));
  if (owner) fs.chownSync(conf, owner.uid, owner.gid);
  let pid = runningPid(m);
  if (pid === undefined) {
    pid = startDetached(m, `${PG_BIN}/postgres`, ['-D', f.pgdata], { cwd: f.dir, uid: owner?.uid, gid: owner?.gid });
    log.info('started postgres', { pid, log: m.logFile });
  }
  const started = pid;
  await waitFor(() => pgAnswers(f), { what: 'PostgreSQL', timeoutMs: 60000, logFile: m.logFile, abortIf: () => (isAlive(started) ? undefined : 'the process exited') });
}

/** Creates the extension (first start) and the login user; resets the user's password to the file's every time. */
function prepareDatabase(cfg: Config, f: EngineFiles, log: Logger): void {
  if (psql(f, "SELECT count(*) FROM pg_extension WHERE extname = 'documentdb'") === '0') {
    log.info('creating the documentdb extension (first start only)');
    psql(f, 'CREATE EXTENSION IF NOT EXISTS documentdb CASCADE;');
  }
  // The index-build jobs take the schedule in force when they were scheduled: a data directory made before the
  // setting (or with another value) is rescheduled to it.
  const schedule = `${indexBuildScheduleSeconds} seconds`;
  if (psql(f, `SELECT count(*) FROM cron.job WHERE jobname LIKE 'documentdb_index_build_task%' AND schedule <> '${schedule}'`) !== '0') {
    psql(f, 'SELECT FROM documentdb_api_internal.schedule_background_index_build_jobs(true);');
  }
  const { creds, created } = ensureCredentials(cfg.mongo.credentialsFile);
  if (created) cfg.mongo.uri = fillMongoCredentials(cfg.mongo.uri, creds); // so this process's own checks log in
  const ident = `"${creds.user.replace(/"/g, '""')}"`;
  const password = `'${creds.password.replace(/'/g, "''")}'`;
  // Sent on stdin, never on a command line; and kept out of the server log should the statement fail.
  psql(f, `SET log_min_error_statement = panic;
DO $do$ BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = ${`'${creds.user.replace(/'/g, "''")}'`}) THEN
    ALTER ROLE ${ident} WITH LOGIN CREATEROLE PASSWORD ${password};
  ELSE
    CREATE ROLE ${ident} WITH LOGIN CREATEROLE PASSWORD ${password} IN ROLE documentdb_admin_role;
  END IF;
END $do$;`);
}

async function startGateway(f: EngineFiles, m: Managed, conf: string, ep: Endpoint, tls: boolean, gatewayBin: string, log: Logger): Promise<number> {
  fs.writeFileSync(conf, renderGatewayConfig({ listenPort: ep.port, tls, socketDir: f.socketDir, cert: f.serverCert, key: f.serverKey, ca: f.caCert }));
  let pid = runningPid(m);
  if (pid === undefined) {
    pid = startDetached(m, gatewayBin, [conf], { cwd: f.dir });
    log.info(`started ${m.name}`, { pid, endpoint: formatEndpoint(ep), log: m.logFile });
  }
  return pid;
}

/**
 * Starts whatever of PostgreSQL and the two gateways is not running (a dead one is restarted) and returns the pid of
 * the plaintext gateway, which the caller waits on. Expects installLocalServices to have run.
 */
export async function startEngine(cfg: Config, ep: Endpoint, log: Logger): Promise<number> {
  const f = engineFiles(cfg);
  const m = engineManaged(cfg);
  await startPostgres(cfg, f, m.postgres, log);
  prepareDatabase(cfg, f, log);
  const bin = engineBuild(cfg).gateway;
  const tlsEp = tlsEndpoint(ep);
  const [pid, tlsPid] = [await startGateway(f, m.gateway, f.gatewayConf, ep, false, bin, log), await startGateway(f, m.gatewayTls, f.gatewayTlsConf, tlsEp, true, bin, log)];
  await waitFor(() => isPortOpen(tlsEp.host, tlsEp.port), {
    what: `the TLS gateway on ${formatEndpoint(tlsEp)}`, timeoutMs: 30000, logFile: m.gatewayTls.logFile,
    abortIf: () => (isAlive(tlsPid) ? undefined : 'the process exited'),
  });
  return pid;
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? dirBytes(p) : e.isFile() ? fs.statSync(p).size : 0;
  }
  return total;
}

/** Lines for `services status`: the engine and its versions, the data size, the processes (a dead one says so). */
export function engineDetails(cfg: Config, ep: Endpoint): { lines: string[]; dead: string[] } {
  const f = engineFiles(cfg);
  const m = engineManaged(cfg);
  const states = [m.postgres, m.gateway, m.gatewayTls].map((p) => ({ name: p.name, ...managedState(p) }));
  let engine = `DocumentDB on PostgreSQL ${PG_MAJOR} (PostgreSQL not running)`;
  if (states[0]!.state === 'running') {
    try {
      const [ext, pg] = psql(f, "SELECT coalesce((SELECT extversion FROM pg_extension WHERE extname = 'documentdb'), 'not created'); SHOW server_version;").split('\n');
      engine = `DocumentDB ${ext} on PostgreSQL ${pg}`;
    } catch (err) {
      engine = `DocumentDB on PostgreSQL ${PG_MAJOR} (not answering: ${(err as Error).message.split('\n')[0]})`;
    }
  }
  const size = fs.existsSync(f.pgdata) ? `${(dirBytes(f.pgdata) / 1024 / 1024).toFixed(1)} MB in ${f.pgdata}` : `none yet (${f.pgdata})`;
  const procs = states.map((s) => `${s.name} ${s.state === 'running' ? `pid ${s.pid}` : s.state === 'dead' ? `DEAD (pid ${s.pid} exited; 'up' restarts it)` : 'not running'}`);
  return {
    lines: [
      `engine: ${engine}`,
      `data: ${size}`,
      `processes: ${procs.join(' · ')}`,
      `tls: ${formatEndpoint(tlsEndpoint(ep))} (tls=true&tlsCAFile=${f.caCert}); credentials in ${cfg.mongo.credentialsFile}`,
    ],
    dead: states.filter((s) => s.state === 'dead').map((s) => s.name),
  };
}

/** The engine's processes in the order `down` stops them: the gateways before PostgreSQL. */
export const engineStopOrder = (cfg: Config): Managed[] => {
  const m = engineManaged(cfg);
  return [m.gatewayTls, m.gateway, m.postgres];
};
