/**
 * Local services without Docker: Kafka from Maven jars, the MongoDB-wire engine (DocumentDB on PostgreSQL 15 and
 * its gateway) and the mail server (Mailpit), all detached, with state, logs and pid files under
 * config.paths.services. Endpoints come from config; only loopback ones are started.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../log';
import { kafkaAnswers, kafkaTopicMetadata, mailAnswers, mongoAnswers } from './health';
import { maskUri } from '../config/credentials';
import { engineFiles, tlsEndpoint } from './engine-config';
import { engineDetails, engineManaged, engineStopOrder, startEngine } from './engine-local';
import { installLocalServices } from './install';
import { formatBrokerLine, leadersByNode, underReplicated } from './kafka-cluster';
import { allKafkaManaged, filesOf, kafkaDataPaths, kafkaPorts, kafkaTlsFiles, localKafka, nodeIsSecure, startKafka, type LocalKafka } from './kafka-local';
import { kafkaCredentialsPath } from '../config/credentials';
import { mailpitDetails, mailpitFiles, planMailpit, startMailpit } from './mailpit';
import { explainMongoUri } from '../pipeline/adapters/mongo-uri';
import { formatEndpoint, isLoopback, isPortOpen, kafkaEndpoint, mongoEndpoint, waitFor, type Endpoint } from './probe';
import { isAlive, managedState, runningPid, stopManaged, type Managed } from './process';

export type ServiceName = 'kafka' | 'mongo' | 'mail';

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
  ports: () => [number, Managed][];
  /** The log to point at when starting fails. */
  startLog: () => string;
  timeoutMs: number;
  /** Starts what of it is not running and returns the pids to watch while waiting until it answers. */
  start: (ep: Endpoint) => Promise<number[]>;
  details: (ep: Endpoint | undefined) => Promise<{ lines: string[]; dead: string[] }>;
}

export interface LocalOptions {
  /** Kafka brokers for `up` (`--brokers`); default: as many as the local cluster was created with, else one. */
  brokers?: number;
}

const ferretDataDir = (cfg: Config) => path.join(cfg.paths.services, 'ferretdb');

/**
 * Where the local services keep their data: Kafka's log directory and the engine's PostgreSQL cluster (not logs,
 * certificates, credentials or installs). The last one is FerretDB's, from before the engine replaced it.
 */
export function localDataDirs(cfg: Config): string[] {
  return [...kafkaDataPaths(cfg.paths.services), engineFiles(cfg).pgdata, engineFiles(cfg).marker, ferretDataDir(cfg)];
}

/** Everything `reset` deletes: the data above and the local Mailpit's database (its messages). */
export const resetDataDirs = (cfg: Config): string[] => [...localDataDirs(cfg), mailpitFiles(cfg.paths.services).dataDir];

/**
 * The local Mailpit as a service, when SMTP_URL and MAILPIT_URL are on loopback and it is not skipped; otherwise
 * there is nothing of ours to start, stop or show (a remote SMTP server is the mail sender's business).
 */
function mailSpec(cfg: Config, log: Logger): ServiceSpec | undefined {
  const plan = planMailpit(cfg.mail, cfg.skipMailpit);
  if (!plan.local) return undefined;
  const m = mailpitFiles(cfg.paths.services).managed;
  return {
    name: 'mail',
    endpoint: plan.smtp,
    managed: [m],
    answers: () => mailAnswers(cfg),
    ports: () => [[plan.smtp.port, m], [plan.http.port, m]],
    startLog: () => m.logFile,
    timeoutMs: 30000,
    start: async () => [startMailpit(cfg, plan, log)],
    details: () => mailpitDetails(cfg),
  };
}

/** One line per broker (pid, port, the partitions it leads), and the brokers of ours that died. */
async function kafkaDetails(cfg: Config, k: LocalKafka): Promise<{ lines: string[]; dead: string[] }> {
  const meta = await kafkaTopicMetadata(cfg);
  const leaders = meta ? leadersByNode(meta) : undefined;
  const dead: string[] = [];
  const lines = k.nodes.map((n) => {
    const m = filesOf(k, n).managed;
    const st = managedState(m);
    if (st.state === 'dead') dead.push(m.name);
    const state = st.state === 'running' ? `pid ${st.pid}` : st.state === 'dead' ? `DIED (pid ${st.pid})` : 'no process of ours';
    return formatBrokerLine(n, state, leaders ? (leaders.get(n.id) ?? []) : undefined);
  });
  const ours = k.nodes.some((n) => managedState(filesOf(k, n).managed).state !== 'stopped');
  if (!ours) {
    // Not started by `up` here (docker compose, someone else's broker): nothing to say about listeners of ours.
  } else if (k.nodes.every((n) => nodeIsSecure(k, n))) {
    lines.push(`SASL_SSL (SCRAM-SHA-512 over TLS) on ${k.nodes.map((n) => formatEndpoint(n.secure)).join(',')}: KAFKA_SSL=true KAFKA_SSL_CA_FILE=${kafkaTlsFiles(k.dir).caCert} KAFKA_SASL_MECHANISM=scram-sha-512, user and password in ${kafkaCredentialsPath(k.dir)}`);
  } else {
    lines.push('no SASL_SSL listener: this storage was formatted before it existed (`services reset` and `up` give one; reset deletes the topics)');
  }
  const lagging = meta ? underReplicated(meta) : [];
  if (lagging.length) lines.push(`${lagging.length} partition(s) with a replica out of sync: ${lagging.slice(0, 6).join(', ')}${lagging.length > 6 ? ' …' : ''}`);
  return { lines, dead };
}

function specs(cfg: Config, log: Logger, opts: LocalOptions = {}): ServiceSpec[] {
  const kafkaEp = kafkaEndpoint(cfg.kafka.brokers);
  const mongoEp = mongoEndpoint(cfg.mongo.uri);
  // Read when needed, not here: `down` must work whatever KAFKA_BROKERS says now.
  let cached: LocalKafka | undefined;
  const local = () => (isLoopback(kafkaEp.host) ? (cached ??= localKafka(cfg, opts.brokers)) : undefined);
  const engine = engineManaged(cfg);
  const mail = mailSpec(cfg, log);
  return [
    {
      name: 'kafka',
      endpoint: kafkaEp,
      // Whatever `up` may have started in SERVICES_DIR, whatever the count now: `down` stops it all.
      managed: allKafkaManaged(cfg.paths.services),
      answers: () => kafkaAnswers(cfg, 3000, local()?.nodes.length ?? 1),
      ports: () => (local() ? kafkaPorts(local()!) : []),
      startLog: () => (local() ? filesOf(local()!, local()!.nodes[0]!).managed.logFile : allKafkaManaged(cfg.paths.services)[0]!.logFile),
      timeoutMs: 120000,
      start: async () => startKafka(local()!, log),
      details: async () => (local() ? kafkaDetails(cfg, local()!) : { lines: [], dead: [] }),
    },
    {
      name: 'mongo',
      endpoint: mongoEp,
      managed: engineStopOrder(cfg),
      answers: () => mongoAnswers(cfg),
      ports: () => (mongoEp ? [[mongoEp.port, engine.gateway], [tlsEndpoint(mongoEp).port, engine.gatewayTls]] : []),
      startLog: () => engine.postgres.logFile,
      timeoutMs: 60000,
      start: async (ep) => [await startEngine(cfg, ep, log)],
      details: async (ep) => (ep && isLoopback(ep.host) && !cfg.skipEngine ? engineDetails(cfg, ep) : { lines: explainMongoUri(cfg.mongo.uri), dead: [] }),
    },
    ...(mail ? [mail] : []),
  ];
}

/** The settings that choose each service's ports, for the "port taken" message. */
const PORT_SETTINGS: Record<ServiceName, string> = {
  kafka: 'KAFKA_BROKERS',
  mongo: "MONGODB_URI; the engine's TLS listener uses the MongoDB port + 1",
  mail: 'the SMTP_URL and MAILPIT_URL ports',
};

const endpointText = (cfg: Config, s: ServiceSpec) => (s.endpoint ? formatEndpoint(s.endpoint) : maskUri(cfg.mongo.uri));
const mainProcess = (s: ServiceSpec) => s.managed[s.managed.length - 1]!;

async function statusOf(cfg: Config, s: ServiceSpec): Promise<ServiceStatus> {
  // The plaintext gateway stands for the engine; the first node that runs for Kafka.
  const main = s.name === 'mongo' ? s.managed[1]! : (s.managed.find((m) => managedState(m).state === 'running') ?? mainProcess(s));
  const st = managedState(main);
  const { lines, dead } = await s.details(s.endpoint);
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
export async function localUp(cfg: Config, log: Logger, opts: LocalOptions = {}): Promise<ServiceStatus[]> {
  const all = specs(cfg, log, opts);
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
      for (const [port, owner] of s.ports()) if (runningPid(owner) === undefined && (await isPortOpen(ep.host, port))) busy.push(port);
      if (busy.length) problems.push(`${s.name}: port ${busy.join('/')} on ${ep.host} is taken by another program that does not answer as ours: stop it, or choose other ports (${PORT_SETTINGS[s.name]})`);
      else toStart.push(s);
    }
  }
  if (problems.length) throw new Error(problems.join('\n'));
  if (toStart.length === 0) return before;

  const starting = (name: ServiceName) => toStart.some((s) => s.name === name);
  await installLocalServices(cfg, log, { kafka: starting('kafka'), mongo: starting('mongo'), mail: starting('mail') });
  await Promise.all(
    toStart.map(async (s) => {
      const startedPids = await s.start(s.endpoint!);
      const ms = await waitFor(s.answers, {
        what: `${s.name} on ${formatEndpoint(s.endpoint!)}`,
        timeoutMs: s.timeoutMs,
        logFile: s.startLog(),
        abortIf: () => (startedPids.every((p) => isAlive(p)) ? undefined : 'a process exited'),
      });
      log.info(`${s.name} ready`, { seconds: Math.round(ms / 100) / 10 });
    }),
  );
  return localStatus(cfg, log);
}

/** Stops only the processes `up` started (by pid file); anything else on those ports is left alone. */
export async function localDown(cfg: Config, log: Logger, only?: ServiceName[]): Promise<void> {
  const stop = async (m: Managed) => {
    const how = await stopManaged(m);
    if (how === 'not-running') log.info(`${m.name} was not started by us; nothing to stop`);
    else log.info(`${m.name} ${how}`);
  };
  const all = specs(cfg, log);
  // A Mailpit started before SMTP_URL moved elsewhere (or ERP_SKIP_MAILPIT was set) is still ours to stop.
  const strayMail = !all.some((s) => s.name === 'mail') && (!only || only.includes('mail')) ? [mailpitFiles(cfg.paths.services).managed] : [];
  await Promise.all([
    ...strayMail.filter((m) => managedState(m).state !== 'stopped').map(stop),
    ...all.filter((s) => !only || only.includes(s.name)).map(async (s) => {
      // Kafka's nodes all at once: stopped one by one, the last controller voter has no quorum left for its
      // controlled shutdown and waits until it is killed (30 s). The engine's processes in order.
      if (s.name === 'kafka') await Promise.all(s.managed.map(stop));
      else for (const m of s.managed) await stop(m);
    }),
  ]);
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
  const dirs = resetDataDirs(cfg).filter((d) => fs.existsSync(d));
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  return dirs;
}
