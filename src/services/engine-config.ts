/**
 * Where the local engine keeps its files under SERVICES_DIR, and the configuration it runs with. Pure: the text
 * rendered here is what PostgreSQL and the gateway read, and unit tests check it.
 */
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

/** pgdata (the only thing `reset` deletes) under <SERVICES_DIR>/documentdb; certificates beside it, kept by reset. */
export function engineFiles(cfg: Config): EngineFiles {
  const dir = path.join(cfg.paths.services, 'documentdb');
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
