/**
 * Local services without Docker: Kafka from Maven jars, and the MongoDB-wire engine (DocumentDB on PostgreSQL 15 and
 * its gateway), all detached, with state, logs and pid files under config.paths.services. Endpoints come from config;
 * only loopback ones are started.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../log';
import { kafkaAnswers, mongoAnswers } from './health';
import { maskUri } from './credentials';
import { engineFiles, tlsEndpoint } from './engine-config';
import { engineDetails, engineManaged, engineStopOrder, startEngine } from './engine-local';
import { installLocalServices } from './install';
import { controllerPort, kafkaFiles, kafkaManaged, prepareKafka } from './kafka-local';
import { formatEndpoint, isLoopback, isPortOpen, kafkaEndpoint, mongoEndpoint, waitFor, type Endpoint } from './probe';
import { isAlive, managedState, runningPid, startDetached, stopManaged, type Managed } from './process';

export type ServiceName = 'kafka' | 'mongo';

export interface ServiceStatus {
  name: ServiceName;
  /** host:port from config, or the masked URI when it has none (mongodb+srv://). */
  endpoint: string;
  /** True when the endpoint is on this machine, so local mode may start it. */
  loopback: boolean;
  /** Pid of the (main) process `up` started, if it still runs. */
  pid?: number;
  reachable: boolean;
  logFile: string;
  /** Processes `up` started that died since (their pid file is still there); `up` restarts them. */
  dead: string[];
  /** More lines for `status`: the engine and its versions, data size, processes. */
  details: string[];
}

interface ServiceSpec {
  name: ServiceName;
  endpoint?: Endpoint;
  /** Its processes, in the order `down` stops them; the last one's pid and log stand for the service. */
  managed: Managed[];
  answers: () => Promise<boolean>;
  /** Ports that must be free before starting the process that listens on them (skipped while that one runs). */
  ports: [number, Managed][];
  timeoutMs: number;
  /** Starts what of it is not running and returns the pid to watch while waiting until it answers. */
  start: (ep: Endpoint) => Promise<number>;
  details: (ep: Endpoint | undefined) => { lines: string[]; dead: string[] };
}

const ferretDataDir = (cfg: Config) => path.join(cfg.paths.services, 'ferretdb');

/**
 * Where the local services keep their data: Kafka's log directory and the engine's PostgreSQL cluster (not logs,
 * certificates, credentials or installs). The last one is FerretDB's, from before the engine replaced it.
 */
export function localDataDirs(cfg: Config): string[] {
  return [kafkaFiles(cfg).data, engineFiles(cfg).pgdata, engineFiles(cfg).marker, ferretDataDir(cfg)];
}

function specs(cfg: Config, log: Logger): ServiceSpec[] {
  const kafkaEp = kafkaEndpoint(cfg.kafka.brokers);
  const mongoEp = mongoEndpoint(cfg.mongo.uri);
  const kafka = kafkaManaged(cfg);
  const engine = engineManaged(cfg);
  return [
    {
      name: 'kafka',
      endpoint: kafkaEp,
      managed: [kafka],
      answers: () => kafkaAnswers(cfg),
      ports: [[kafkaEp.port, kafka], [controllerPort(kafkaEp), kafka]],
      timeoutMs: 120000,
      start: async (ep) => {
        const running = runningPid(kafka);
        if (running !== undefined) return running;
        const { cmd, args } = prepareKafka(cfg, ep, log);
        const pid = startDetached(kafka, cmd, args, { cwd: cfg.paths.services });
        log.info('started kafka', { pid, endpoint: formatEndpoint(ep), log: kafka.logFile });
        return pid;
      },
      details: () => {
        const st = managedState(kafka);
        return { lines: [], dead: st.state === 'dead' ? [kafka.name] : [] };
      },
    },
    {
      name: 'mongo',
      endpoint: mongoEp,
      managed: engineStopOrder(cfg),
      answers: () => mongoAnswers(cfg),
      ports: mongoEp ? [[mongoEp.port, engine.gateway], [tlsEndpoint(mongoEp).port, engine.gatewayTls]] : [],
      timeoutMs: 60000,
      start: (ep) => startEngine(cfg, ep, log),
      details: (ep) => (ep && isLoopback(ep.host) && !cfg.skipEngine ? engineDetails(cfg, ep) : { lines: [], dead: [] }),
    },
  ];
}

const endpointText = (cfg: Config, s: ServiceSpec) => (s.endpoint ? formatEndpoint(s.endpoint) : maskUri(cfg.mongo.uri));
const mainProcess = (s: ServiceSpec) => s.managed[s.managed.length - 1]!;

async function statusOf(cfg: Config, s: ServiceSpec): Promise<ServiceStatus> {
  const main = s.name === 'mongo' ? s.managed[1]! : mainProcess(s); // the plaintext gateway stands for the engine
  const st = managedState(main);
  const { lines, dead } = s.details(s.endpoint);
  return {
    name: s.name,
    endpoint: endpointText(cfg, s),
    loopback: s.endpoint !== undefined && isLoopback(s.endpoint.host),
    pid: st.state === 'running' ? st.pid : undefined,
    reachable: await s.answers(),
    logFile: main.logFile,
    dead,
    details: lines,
  };
}

export async function localStatus(cfg: Config, log: Logger): Promise<ServiceStatus[]> {
  return Promise.all(specs(cfg, log).map((s) => statusOf(cfg, s)));
}

/**
 * Starts what is not answering yet, or has a process that died, and waits until it answers. Services that answer
 * with all their processes alive are left alone (no-op).
 */
export async function localUp(cfg: Config, log: Logger): Promise<ServiceStatus[]> {
  const all = specs(cfg, log);
  const before = await Promise.all(all.map((s) => statusOf(cfg, s)));
  const toStart: ServiceSpec[] = [];
  const problems: string[] = [];
  for (const [i, s] of all.entries()) {
    const st = before[i]!;
    if (st.reachable && !st.loopback) {
      log.info(`${s.name} at ${st.endpoint} is remote: not starting a local service; it answers`);
    } else if (st.reachable && st.dead.length === 0) {
      log.info(`${s.name} already answers on ${st.endpoint}`, st.pid ? { pid: st.pid } : { startedBy: 'someone else' });
    } else if (!st.loopback || !s.endpoint) {
      problems.push(`${s.name} at ${st.endpoint} is remote and does not answer; local services are only started for loopback endpoints`);
    } else if (s.name === 'mongo' && cfg.skipEngine) {
      problems.push(`mongo on ${st.endpoint} does not answer, and ERP_SKIP_ENGINE is set so there is no local engine: start your MongoDB there, or set MONGODB_URI to it`);
    } else {
      if (st.dead.length) log.warn(`${s.name}: restarting what died`, { processes: st.dead.join(', ') });
      const ep = s.endpoint;
      const busy = [];
      for (const [port, owner] of s.ports) if (runningPid(owner) === undefined && (await isPortOpen(ep.host, port))) busy.push(port);
      if (busy.length) problems.push(`${s.name}: port ${busy.join('/')} on ${ep.host} is taken by another program that does not answer as ours: stop it, or choose other ports (KAFKA_BROKERS, MONGODB_URI; the engine's TLS listener uses the MongoDB port + 1)`);
      else toStart.push(s);
    }
  }
  if (problems.length) throw new Error(problems.join('\n'));
  if (toStart.length === 0) return before;

  await installLocalServices(cfg, log, { kafka: toStart.some((s) => s.name === 'kafka'), mongo: toStart.some((s) => s.name === 'mongo') });
  await Promise.all(
    toStart.map(async (s) => {
      const startedPid = await s.start(s.endpoint!);
      const ms = await waitFor(s.answers, {
        what: `${s.name} on ${formatEndpoint(s.endpoint!)}`,
        timeoutMs: s.timeoutMs,
        logFile: mainProcess(s).logFile,
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
      for (const m of s.managed) {
        const how = await stopManaged(m);
        if (how === 'not-running') log.info(`${m.name} was not started by us; nothing to stop`);
        else log.info(`${m.name} ${how}`);
      }
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
  const postmaster = path.join(engineFiles(cfg).pgdata, 'postmaster.pid');
  const pgPid = fs.existsSync(postmaster) ? Number(fs.readFileSync(postmaster, 'utf8').split('\n')[0]) : undefined;
  if (pgPid && isAlive(pgPid)) {
    throw new Error(`PostgreSQL (pid ${pgPid}) still runs on ${engineFiles(cfg).pgdata} without our pid file: stop it first (kill -INT ${pgPid}); nothing was deleted`);
  }
  const dirs = localDataDirs(cfg).filter((d) => fs.existsSync(d));
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  return dirs;
}
