/**
 * Local Kafka + MongoDB-wire services for development and CI.
 *   npx tsx scripts/services.ts up|down|status|reset|install [--mode auto|local|docker]
 */
import { loadConfig } from '../src/config';
import { createLogger } from '../src/log';
import { servicesDown, servicesReset, servicesStatus, servicesUp, type ServicesMode, type StatusReport } from '../src/services';
import { installLocalServices } from '../src/services/install';

const USAGE = `Usage: npx tsx scripts/services.ts <command> [--mode auto|local|docker]

Commands:
  up       start Kafka and a MongoDB-wire server unless they already answer (no-op then)
  down     stop the services that 'up' started (local pid files, or docker compose down)
  status   show what runs where: pid, endpoint, reachable or not (exit 1 unless both answer)
  reset    stop them and delete their data (topics, offsets, the lake and every database): the next 'up' starts empty
  install  fetch the Kafka jars and build the FerretDB wrapper into .cache/ without starting anything

Options:
  --mode   auto (default, from SERVICES_MODE): docker compose when a Docker engine answers, else local
           local: Kafka from Maven jars + FerretDB (SQLite), state in SERVICES_DIR (.cache/services)
           docker: docker compose with docker-compose.yml
  --help   show this help

Endpoints come from KAFKA_BROKERS and MONGODB_URI; only loopback endpoints are started locally.`;

const COMMANDS = ['up', 'down', 'status', 'reset', 'install'] as const;
type Command = (typeof COMMANDS)[number];
const MODES = ['auto', 'local', 'docker'] as const;

function usageError(msg: string): never {
  process.stderr.write(`error: ${msg}\n\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): { command: Command; mode?: ServicesMode } {
  let command: Command | undefined;
  let mode: ServicesMode | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const value = arg === '--mode' ? argv[++i] : arg.startsWith('--mode=') ? arg.slice('--mode='.length) : undefined;
    if (arg === '--mode' || arg.startsWith('--mode=')) {
      if (!MODES.includes(value as ServicesMode)) usageError(`--mode expects auto, local or docker, got ${JSON.stringify(value ?? '')}`);
      mode = value as ServicesMode;
    } else if (COMMANDS.includes(arg as Command) && command === undefined) {
      command = arg as Command;
    } else {
      usageError(`unexpected argument ${JSON.stringify(arg)}`);
    }
  }
  if (!command) usageError('missing command (up, down, status, reset or install)');
  return { command, mode };
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
  for (const r of rows) process.stdout.write(`  ${r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()}\n`);
  if (report.docker) process.stdout.write(`\n${report.docker}`);
}

async function main(): Promise<void> {
  const { command, mode } = parseArgs(process.argv.slice(2));
  const cfg = loadConfig();
  const log = createLogger(cfg.logLevel, 'services');
  const started = Date.now();
  if (command === 'install') {
    await installLocalServices(cfg, log, { kafka: true, mongo: true });
    process.stdout.write(`local services installed under ${cfg.paths.cache} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } else if (command === 'up') {
    const report = await servicesUp(cfg, log, mode);
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
    if (report.services.some((s) => !s.reachable)) process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`services: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
