/**
 * Local services without Docker: Kafka from Maven jars and FerretDB (MongoDB wire protocol on SQLite), both detached,
 * with state, logs and pid files under config.paths.services. Endpoints come from config; only loopback ones are started.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../log';
import { kafkaAnswers, mongoAnswers } from './health';
import { installLocalServices, servicePaths } from './install';
import { controllerPort, kafkaFiles, kafkaManaged, prepareKafka } from './kafka-local';
import { formatEndpoint, isLoopback, isPortOpen, kafkaEndpoint, mongoEndpoint, waitFor, type Endpoint } from './probe';
import { isAlive, runningPid, startDetached, stopManaged, type Managed } from './process';

export type ServiceName = 'kafka' | 'mongo';

export interface ServiceStatus {
  name: ServiceName;
  /** host:port from config, or the URI when it has none (mongodb+srv://). */
  endpoint: string;
  /** True when the endpoint is on this machine, so local mode may start it. */
  loopback: boolean;
  /** Pid of the process `up` started, if it still runs. */
  pid?: number;
  reachable: boolean;
  logFile: string;
}

interface ServiceSpec {
  name: ServiceName;
  endpoint?: Endpoint;
  managed: Managed;
  answers: () => Promise<boolean>;
  /** Ports that must be free before starting. */
  ports: number[];
  timeoutMs: number;
  command: (ep: Endpoint) => { cmd: string; args: string[] };
}

const ferretDataDir = (cfg: Config) => path.join(cfg.paths.services, 'ferretdb');

/** Where the local services keep their data: Kafka's log directory and FerretDB's SQLite files (not logs, not installs). */
export function localDataDirs(cfg: Config): string[] {
  return [kafkaFiles(cfg).data, ferretDataDir(cfg)];
}

function specs(cfg: Config, log: Logger): ServiceSpec[] {
  const kafkaEp = kafkaEndpoint(cfg.kafka.brokers);
  const mongoEp = mongoEndpoint(cfg.mongo.uri);
  const ferretBin = servicePaths(cfg).ferretBin;
  return [
    {
      name: 'kafka',
      endpoint: kafkaEp,
      managed: kafkaManaged(cfg),
      answers: () => kafkaAnswers(cfg),
      ports: [kafkaEp.port, controllerPort(kafkaEp)],
      timeoutMs: 120000,
      command: (ep) => prepareKafka(cfg, ep, log),
    },
    {
      name: 'mongo',
      endpoint: mongoEp,
      managed: {
        name: 'ferretdb',
        pidFile: path.join(cfg.paths.services, 'ferretdb.pid'),
        logFile: path.join(cfg.paths.services, 'ferretdb.log'),
        marker: ferretBin,
      },
      answers: () => mongoAnswers(cfg),
      ports: mongoEp ? [mongoEp.port] : [],
      timeoutMs: 30000,
      command: (ep) => ({
        cmd: ferretBin,
        args: ['--listen', formatEndpoint(ep), '--sqlite-dir', ferretDataDir(cfg), '--log-level', 'info'],
      }),
    },
  ];
}

const endpointText = (cfg: Config, s: ServiceSpec) => (s.endpoint ? formatEndpoint(s.endpoint) : cfg.mongo.uri.replace(/\/\/[^@/]*@/, '//***@'));

async function statusOf(cfg: Config, s: ServiceSpec): Promise<ServiceStatus> {
  return {
    name: s.name,
    endpoint: endpointText(cfg, s),
    loopback: s.endpoint !== undefined && isLoopback(s.endpoint.host),
    pid: runningPid(s.managed),
    reachable: await s.answers(),
    logFile: s.managed.logFile,
  };
}

export async function localStatus(cfg: Config, log: Logger): Promise<ServiceStatus[]> {
  return Promise.all(specs(cfg, log).map((s) => statusOf(cfg, s)));
}

/** Starts what is not answering yet and waits until it does. Already-answering services are left alone (no-op). */
export async function localUp(cfg: Config, log: Logger): Promise<ServiceStatus[]> {
  const all = specs(cfg, log);
  const before = await Promise.all(all.map((s) => statusOf(cfg, s)));
  const toStart: ServiceSpec[] = [];
  const problems: string[] = [];
  for (const [i, s] of all.entries()) {
    const st = before[i]!;
    if (st.reachable && !st.loopback) {
      log.info(`${s.name} at ${st.endpoint} is remote: not starting a local service; it answers`);
    } else if (st.reachable) {
      log.info(`${s.name} already answers on ${st.endpoint}`, st.pid ? { pid: st.pid } : { startedBy: 'someone else' });
    } else if (!st.loopback || !s.endpoint) {
      problems.push(`${s.name} at ${st.endpoint} is remote and does not answer; local services are only started for loopback endpoints`);
    } else if (st.pid) {
      toStart.push(s); // ours and running but not answering yet (still starting): just wait below
    } else {
      const ep = s.endpoint;
      const busy = (await Promise.all(s.ports.map((p) => isPortOpen(ep.host, p)))).some(Boolean);
      if (busy) problems.push(`${s.name}: port ${s.ports.join('/')} on ${ep.host} is taken by another program that does not answer as ${s.name}`);
      else toStart.push(s);
    }
  }
  if (problems.length) throw new Error(problems.join('\n'));
  if (toStart.length === 0) return before;

  await installLocalServices(cfg, log, { kafka: toStart.some((s) => s.name === 'kafka'), mongo: toStart.some((s) => s.name === 'mongo') });
  await Promise.all(
    toStart.map(async (s) => {
      let pid = runningPid(s.managed);
      if (pid === undefined) {
        const { cmd, args } = s.command(s.endpoint!);
        pid = startDetached(s.managed, cmd, args, { cwd: cfg.paths.services });
        log.info(`started ${s.managed.name}`, { pid, endpoint: formatEndpoint(s.endpoint!), log: s.managed.logFile });
      }
      const startedPid = pid;
      const ms = await waitFor(s.answers, {
        what: `${s.name} on ${formatEndpoint(s.endpoint!)}`,
        timeoutMs: s.timeoutMs,
        logFile: s.managed.logFile,
        abortIf: () => (isAlive(startedPid) ? undefined : 'the process exited'),
      });
      log.info(`${s.name} ready`, { seconds: Math.round(ms / 100) / 10 });
    }),
  );
  return localStatus(cfg, log);
}

/** Stops only the processes `up` started (by pid file); anything else on those ports is left alone. */
export async function localDown(cfg: Config, log: Logger, only?: ServiceName[]): Promise<void> {
  await Promise.all(
    specs(cfg, log).filter((s) => !only || only.includes(s.name)).map(async (s) => {
      const how = await stopManaged(s.managed);
      if (how === 'not-running') log.info(`${s.managed.name} was not started by us; nothing to stop`);
      else log.info(`${s.managed.name} ${how}`);
    }),
  );
}

/**
 * Stops the local services `up` started and deletes their data (topics, consumer offsets, every database): the next
 * `up` starts empty. Refuses while a loopback endpoint still answers: that service was not started here, and ours must
 * not be deleted under a process that may still use it.
 */
export async function localReset(cfg: Config, log: Logger): Promise<string[]> {
  await localDown(cfg, log);
  for (const s of specs(cfg, log)) {
    if (s.endpoint && isLoopback(s.endpoint.host) && (await s.answers())) {
      throw new Error(`${s.name} still answers on ${formatEndpoint(s.endpoint)} but was not started by \`services up\` here: stop it first (nothing was deleted)`);
    }
  }
  const dirs = localDataDirs(cfg).filter((d) => fs.existsSync(d));
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  return dirs;
}
