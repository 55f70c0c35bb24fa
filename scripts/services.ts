/**
 * Local Kafka + MongoDB-wire services and the Mailpit mail server for development and CI.
 *   npx tsx scripts/services.ts up|down|status|reset|install [--mode auto|local|docker]
 */
import { loadConfig } from '../src/config';
import { createLogger } from '../src/log';
import { servicesDown, servicesReset, servicesStatus, servicesUp, type ServicesMode, type StatusReport } from '../src/services';
import { installLocalServices } from '../src/services/install';

const USAGE = `Usage: npx tsx scripts/services.ts <command> [--mode auto|local|docker] [--brokers N]

Commands:
  up       start Kafka, the MongoDB-wire engine and Mailpit unless they already answer (no-op then); restarts a
           process that died
  down     stop the services that 'up' started (local pid files, or docker compose down)
  status   show what runs where: endpoint, reachable or not, pids, each Kafka broker's port, pid and the partitions it
           leads, the SASL_SSL listener, the engine's versions and data size, Mailpit's version and message count (exit 1
           unless all answer and no process of ours died)
  reset    stop them and delete their data (topics, offsets, the lake and every database, Mailpit's messages): the next
           'up' starts empty.
           The only command that deletes data; credentials and certificates are kept.
  install  fetch the Kafka jars; build (once per machine, cached by the vendor/ archives' hash) and install the engine;
           make the local MongoDB user and the TLS certificates; build Mailpit with Go (once per machine, cached by its
           version). Starts nothing.

Options:
  --mode   auto (default, from SERVICES_MODE): docker compose when a Docker engine answers, else local
           local: Kafka from Maven jars + DocumentDB on PostgreSQL 15 with its gateway, state in SERVICES_DIR
           (.cache/services); the engine and Mailpit builds are cached in ENGINE_CACHE_DIR (default ~/.cache/erp-insights)
           docker: docker compose with docker-compose.yml
  --brokers N  (up, local mode) a Kafka cluster of N brokers on loopback (1 to 5; default: as many as the local
           cluster was created with, else 1). Node i listens on the KAFKA_BROKERS port + 2(i-1), its controller on the
           port after (9092/9093, 9094/9095, 9096/9097); set KAFKA_BROKERS to all of them. Topics then get replication
           min(3, N) and min.insync.replicas 2 from three on. A different N than the cluster's needs 'reset' first.
  --help   show this help

Endpoints come from KAFKA_BROKERS and MONGODB_URI; only loopback endpoints are started locally.
Each local broker also listens for SCRAM-SHA-512 logins over TLS (SASL_SSL) on the ports after the controllers
(one broker: 9094): CA in SERVICES_DIR/kafka-tls/ca.crt, user and password in SERVICES_DIR/kafka-credentials.json (0600).
The engine listens on the MONGODB_URI port (plaintext) and the next port (TLS: tls=true&tlsCAFile=SERVICES_DIR/mongo-tls/ca.crt),
loopback only, always with SCRAM-SHA-256. Its user and generated password are in SERVICES_DIR/mongo-credentials.json (0600).
Credentials rule: a mongodb:// URI whose hosts are all loopback and that has no user (the default URI included) gets
that user and password, authMechanism=SCRAM-SHA-256 and directConnection=true. Any other URI is used as given.
ERP_SKIP_ENGINE=1 (or a non-loopback MONGODB_URI) skips building the engine: for users with a MongoDB of their own.
Mailpit takes SMTP on the SMTP_URL port (default 127.0.0.1:1025) and serves its web UI and API on MAILPIT_URL (default
http://127.0.0.1:8025); its database, log and pid file are in SERVICES_DIR. ERP_SKIP_MAILPIT=1 (or an SMTP_URL that is
not smtp:// on loopback) skips it: for users with an SMTP server of their own.`;

const COMMANDS = ['up', 'down', 'status', 'reset', 'install'] as const;
type Command = (typeof COMMANDS)[number];
const MODES = ['auto', 'local', 'docker'] as const;

function usageError(msg: string): never {
  process.stderr.write(`error: ${msg}\n\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): { command: Command; mode?: ServicesMode; brokers?: number } {
  let command: Command | undefined;
  let mode: ServicesMode | undefined;
  let brokers: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const value = arg === '--mode' ? argv[++i] : arg.startsWith('--mode=') ? arg.slice('--mode='.length) : undefined;
    const count = arg === '--brokers' ? argv[++i] : arg.startsWith('--brokers=') ? arg.slice('--brokers='.length) : undefined;
    if (arg === '--brokers' || arg.startsWith('--brokers=')) {
      if (!/^[1-9]\d*$/.test(count ?? '')) usageError(`--brokers expects a whole number of brokers (1 to 5), got ${JSON.stringify(count ?? '')}`);
      brokers = Number(count);
    } else if (arg === '--mode' || arg.startsWith('--mode=')) {
      if (!MODES.includes(value as ServicesMode)) usageError(`--mode expects auto, local or docker, got ${JSON.stringify(value ?? '')}`);
      mode = value as ServicesMode;
    } else if (COMMANDS.includes(arg as Command) && command === undefined) {
      command = arg as Command;
    } else {
      usageError(`unexpected argument ${JSON.stringify(arg)}`);
    }
  }
  if (!command) usageError('missing command (up, down, status, reset or install)');
  if (brokers !== undefined && command !== 'up') usageError(`--brokers is for 'up' (the other commands act on the cluster as it was created)`);
  return { command, mode, brokers };
}

function printStatus(report: StatusReport): void {
  const rows = report.services.map((s) => [
    s.name,
    s.endpoint,
    s.reachable ? 'reachable' : 'NOT reachable',
    s.pid ? `pid ${s.pid} (started by services up)` : s.reachable ? 'not started by us' : s.loopback ? 'not running' : 'remote',
    s.pid ? `log ${s.logFile}` : '',
  ]);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  process.stdout.write(`mode: ${report.mode}\n`);
  for (const [i, r] of rows.entries()) {
    process.stdout.write(`  ${r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()}\n`);
    for (const line of report.services[i]!.details) process.stdout.write(`      ${line}\n`);
  }
  if (report.docker) process.stdout.write(`\n${report.docker}`);
}

async function main(): Promise<void> {
  const { command, mode, brokers } = parseArgs(process.argv.slice(2));
  const cfg = loadConfig();
  const log = createLogger(cfg.logLevel, 'services');
  const started = Date.now();
  if (command === 'install') {
    await installLocalServices(cfg, log, { kafka: true, mongo: true, mail: true });
    process.stdout.write(`local services installed (Kafka jars in ${cfg.paths.cache}, engine and Mailpit builds in ${cfg.paths.engineCache}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } else if (command === 'up') {
    const report = await servicesUp(cfg, log, mode, { brokers });
    printStatus(report);
    process.stdout.write(`up in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } else if (command === 'reset') {
    const deleted = await servicesReset(cfg, log, mode);
    process.stdout.write(deleted.length ? `deleted ${deleted.join(', ')}; the next 'up' starts empty\n` : 'no local data to delete\n');
  } else if (command === 'down') {
    await servicesDown(cfg, log, mode);
    printStatus(await servicesStatus(cfg, log, mode));
  } else {
    const report = await servicesStatus(cfg, log, mode);
    printStatus(report);
    if (report.services.some((s) => !s.reachable || s.dead.length > 0)) process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`services: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
