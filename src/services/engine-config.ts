/**
 * Where the local engine keeps its files under SERVICES_DIR, and the configuration it runs with. The text rendered
 * here is what PostgreSQL and the gateway read, and unit tests check it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import type { Endpoint } from './probe';

/** PostgreSQL listens on no TCP port: this number only names its socket file (.s.PGSQL.9712) in the private dir. */
export const PG_PORT = 9712;
/** The cluster's superuser, the one the gateway connects as (over the private socket, trust). */
export const PG_SUPERUSER = 'postgres';
/** A unix socket path must fit sun_path (108 bytes on Linux), socket file name included. */
export const MAX_SOCKET_DIR = 107 - `/.s.PGSQL.${PG_PORT}`.length;

export interface EngineFiles {
  dir: string;
  pgdata: string;
  /** The private socket directory (0700): the only way into PostgreSQL. */
  socketDir: string;
  /** Written at initdb: which engine and PostgreSQL version made pgdata. */
  marker: string;
  gatewayConf: string;
  gatewayTlsConf: string;
  tlsDir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
}

/** The uid PostgreSQL runs as when we are root (it refuses root), or undefined when it runs as us. */
let postgresUid: number | undefined | null = null;
function pgUid(): number | undefined {
  if (postgresUid === null) {
    const id = process.getuid?.() === 0 ? Number(spawnSync('id', ['-u', PG_SUPERUSER], { encoding: 'utf8' }).stdout.trim()) : NaN;
    postgresUid = Number.isInteger(id) && id > 0 ? id : undefined;
  }
  return postgresUid;
}

/**
 * True when PostgreSQL can reach a directory under `servicesDir`: it runs as us, or (as `postgres`, when we are root)
 * every existing directory above `servicesDir` lets others through. `services up` opens SERVICES_DIR itself.
 */
export function postgresCanReach(servicesDir: string): boolean {
  const uid = pgUid();
  if (uid === undefined) return true;
  for (let d = path.dirname(servicesDir); ; d = path.dirname(d)) {
    const st = fs.statSync(d, { throwIfNoEntry: false });
    if (st && st.uid !== uid && (st.mode & 0o001) === 0) return false;
    if (d === path.dirname(d)) return true;
  }
}

/**
 * Where the cluster lives: <SERVICES_DIR>/documentdb, unless PostgreSQL cannot reach it there (a clone inside a
 * home or `mktemp -d` directory of mode 0700, when we are root): then in PostgreSQL's own home, one directory per
 * SERVICES_DIR, so nothing of ours has to be opened to other users.
 */
export function engineDir(servicesDir: string, reachable: (dir: string) => boolean = postgresCanReach): string {
  if (reachable(servicesDir)) return path.join(servicesDir, 'documentdb');
  return path.join('/var/lib/postgresql/erp-insights', createHash('sha256').update(servicesDir).digest('hex').slice(0, 12));
}

/** pgdata (the only thing `reset` deletes) under engineDir; certificates under SERVICES_DIR, kept by reset. */
export function engineFiles(cfg: Config, reachable?: (dir: string) => boolean): EngineFiles {
  const dir = engineDir(cfg.paths.services, reachable);
  const tlsDir = path.join(cfg.paths.services, 'mongo-tls');
  return {
    dir,
    pgdata: path.join(dir, 'pgdata'),
    socketDir: path.join(dir, 'run'),
    marker: path.join(dir, 'pgdata.engine.json'),
    gatewayConf: path.join(dir, 'gateway.json'),
    gatewayTlsConf: path.join(dir, 'gateway-tls.json'),
    tlsDir,
    caCert: path.join(tlsDir, 'ca.crt'),
    serverCert: path.join(tlsDir, 'server.crt'),
    serverKey: path.join(tlsDir, 'server.key'),
  };
}

/**
 * The gateway serves either TLS or plaintext on its port (EnforceSslTcp), never both: the TLS listener is a second
 * gateway on the next port (27017 → 27018).
 */
export const tlsEndpoint = (ep: Endpoint): Endpoint => ({ host: ep.host, port: ep.port + 1 });

/** How often DocumentDB's pg_cron jobs look for index builds to run (1-60). */
export const indexBuildScheduleSeconds = 1;

/** Settings appended to initdb's postgresql.conf (through an include). */
export function renderPostgresConf(socketDir: string, port = PG_PORT): string {
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const settings: [string, string | number][] = [
    ['listen_addresses', q('')], // no TCP at all: only the gateway, through the private socket directory
    ['port', port],
    ['unix_socket_directories', q(socketDir)],
    ['unix_socket_permissions', '0700'],
    ['shared_preload_libraries', q('pg_cron, pg_documentdb_core, pg_documentdb')],
    ['cron.database_name', q('postgres')],
    // pg_cron would otherwise connect over TCP, which is off: "cron job N connection failed".
    ['cron.use_background_workers', 'on'],
    ['max_worker_processes', 32],
    ['documentdb.enableBackgroundWorker', 'true'],
    ['documentdb.enableBackgroundWorkerJobs', 'true'],
    ['documentdb.localhost_connection_string', q(`host=${socketDir} port=${port}`)],
    // Indexes in the composite (ordered) operator class: an insert into the lake, with its secondary indexes, went
    // from 10,100 to 17,400 documents/s (docs/engine.md). Only new indexes use it; answers are the same (test:engine).
    ['documentdb.defaultUseCompositeOpClass', 'on'],
    // createIndex on a non-empty collection is built by a pg_cron job (docs/engine.md): every second instead of every
    // two, so the first warehouse build over a new lake waits about one second for its indexes, not three.
    ['documentdb.indexBuildScheduleInSec', indexBuildScheduleSeconds],
    // Bulk ingest: with the defaults (1 GB of WAL, 128 MB of buffers) a million-line ingest checkpointed every 11-26 s,
    // each checkpoint writing most of the buffers, and the consumer stalled behind it. Durability is unchanged
    // (fsync, full-page writes and synchronous commit stay on); WAL may use up to 4 GB of disk between checkpoints.
    ['shared_buffers', q('512MB')],
    ['max_wal_size', q('4GB')],
    ['min_wal_size', q('512MB')],
    ['checkpoint_timeout', q('10min')],
    ['checkpoint_completion_target', 0.9],
    // Large documents (the statistics parts, the customers' packed state: megabytes each) are compressed when stored:
    // lz4 writes them about 2.5 times faster than PostgreSQL's default pglz (measured on the customers' state).
    ['default_toast_compression', q('lz4')],
    ['logging_collector', 'off'], // stderr goes to postgres.log through the pid-file helpers
    ['log_line_prefix', q('%m [%p] ')],
  ];
  return `# Written by erp-insights (src/services/engine-config.ts) at every 'services up'; edits are overwritten.\n${settings.map(([k, v]) => `${k} = ${v}`).join('\n')}\n`;
}

export interface GatewayOptions {
  listenPort: number;
  tls: boolean;
  socketDir: string;
  cert: string;
  key: string;
  ca: string;
}

/** The gateway's SetupConfiguration.json. It needs a certificate even in plaintext mode (the release build exits without). */
export function renderGatewayConfig(o: GatewayOptions): string {
  const conf = {
    NodeHostName: 'localhost',
    BlockedRolePrefixes: ['documentdb', 'citus', 'pg', 'internal_role'],
    UseLocalHost: true, // binds 127.0.0.1 only
    GatewayListenPort: o.listenPort,
    EnforceSslTcp: o.tls,
    PostgresSystemUser: PG_SUPERUSER,
    PostgresHostName: o.socketDir,
    PostgresPort: PG_PORT,
    PostgresDatabase: 'postgres',
    TransactionTimeoutSecs: 30,
    CursorTimeoutSecs: 600,
    PostgresCommandTimeoutSecs: 600,
    CertificateOptions: { CertType: 'PemFile', FilePath: o.cert, KeyFilePath: o.key, CaPath: o.ca },
  };
  return JSON.stringify(conf, null, 2) + '\n';
}
