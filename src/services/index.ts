/**
 * The services entry point: Kafka + a MongoDB-wire server, and a local mail server (Mailpit) when SMTP_URL is on
 * loopback, started locally (no Docker needed) or with docker compose. `ensureServices` is what the pipeline calls;
 * the CLI (scripts/services.ts) uses up/down/status.
 */
import type { Config } from '../config';
import type { Logger } from '../log';
import { dockerDown, dockerEngineAnswers, dockerPs, dockerUp, resolveMode, type ResolvedMode } from './docker';
import { checkKafkaSettings, kafkaAnswers, mailAnswers, mongoAnswers } from './health';
import { localDown, localReset, localStatus, localUp, type LocalOptions, type ServiceStatus } from './local';
import { planMailpit } from './mailpit';
import { kafkaEndpoint, mongoEndpoint, waitFor } from './probe';

export type { ServiceStatus } from './local';
export type ServicesMode = Config['servicesMode'];

export interface StatusReport {
  mode: ResolvedMode;
  services: ServiceStatus[];
  /** `docker compose ps` output in docker mode. */
  docker?: string;
}

/** True when a local Mailpit is wanted (SMTP_URL on loopback, not skipped): then `up` starts it too. */
const mailWanted = (cfg: Config) => planMailpit(cfg.mail, cfg.skipMailpit).local;

/** Kafka, MongoDB and (when wanted) Mailpit answer, checked at once. */
async function allAnswer(cfg: Config): Promise<{ kafka: boolean; mongo: boolean; mail: boolean }> {
  const [kafka, mongo, mail] = await Promise.all([kafkaAnswers(cfg), mongoAnswers(cfg), mailWanted(cfg) ? mailAnswers(cfg) : true]);
  return { kafka, mongo, mail };
}

/** Waits until every endpoint answers (docker healthchecks pass before the host port is always usable). */
async function waitAll(cfg: Config, timeoutMs: number): Promise<void> {
  await Promise.all([
    waitFor(() => kafkaAnswers(cfg), { what: `Kafka on ${cfg.kafka.brokers.join(',')}`, timeoutMs }),
    waitFor(() => mongoAnswers(cfg), { what: 'MongoDB', timeoutMs }),
    mailWanted(cfg) ? waitFor(() => mailAnswers(cfg), { what: `Mailpit on ${cfg.mail.mailpitUrl}`, timeoutMs }) : undefined,
  ]);
}

export async function servicesUp(cfg: Config, log: Logger, mode: ServicesMode = cfg.servicesMode, opts: LocalOptions = {}): Promise<StatusReport> {
  await checkKafkaSettings(cfg); // a wrong password is not cured by starting a broker
  const resolved = resolveMode(mode);
  if (resolved === 'docker') {
    if ((opts.brokers ?? 1) > 1) throw new Error(`--brokers ${opts.brokers}: docker-compose.yml runs one broker; use --mode local for a local cluster`);
    const ok = await allAnswer(cfg);
    if (ok.kafka && ok.mongo && ok.mail) {
      log.info('Kafka, MongoDB and the mail server already answer; nothing to start');
      return servicesStatus(cfg, log, 'docker');
    }
    await dockerUp(cfg, log);
    await waitAll(cfg, 60000);
    return servicesStatus(cfg, log, 'docker');
  }
  return { mode: resolved, services: await localUp(cfg, log, opts) };
}

/** Stops what `up` started: local processes by pid file, and the compose project in docker mode. */
export async function servicesDown(cfg: Config, log: Logger, mode: ServicesMode = cfg.servicesMode): Promise<void> {
  await localDown(cfg, log);
  if (mode === 'docker' || (mode === 'auto' && dockerEngineAnswers())) await dockerDown(cfg, log);
}

/** Stops the services and deletes their data, local or docker compose volumes: the next `up` starts empty. */
export async function servicesReset(cfg: Config, log: Logger, mode: ServicesMode = cfg.servicesMode): Promise<string[]> {
  const deleted: string[] = [];
  // The compose project first: while it runs, its ports answer and the local reset would refuse.
  if (mode === 'docker' || (mode === 'auto' && dockerEngineAnswers())) {
    await dockerDown(cfg, log, true);
    deleted.push('the docker compose volumes');
  }
  return [...deleted, ...(await localReset(cfg, log))];
}

export async function servicesStatus(cfg: Config, log: Logger, mode: ServicesMode = cfg.servicesMode): Promise<StatusReport> {
  const resolved = resolveMode(mode);
  const services = await localStatus(cfg, log);
  return resolved === 'docker' ? { mode: resolved, services, docker: dockerPs(cfg) } : { mode: resolved, services };
}

/**
 * Makes sure Kafka and MongoDB (and the local Mailpit, when SMTP_URL is on loopback) answer at the configured
 * endpoints: does nothing when they already do, otherwise starts local (or docker) services for the loopback ones.
 * Throws a clear error when that is impossible.
 */
export async function ensureServices(cfg: Config, log: Logger, mode: ServicesMode = cfg.servicesMode): Promise<void> {
  const ok = await allAnswer(cfg);
  if (ok.kafka && ok.mongo && ok.mail) {
    log.debug('services already answer', { kafka: kafkaEndpoint(cfg.kafka.brokers), mongo: mongoEndpoint(cfg.mongo.uri) ?? 'srv' });
    return;
  }
  // A refused login or an untrusted certificate is not cured by starting anything: say which setting to fix.
  if (!ok.kafka) await checkKafkaSettings(cfg);
  const state = (up: boolean) => (up ? 'up' : 'down');
  log.info('services not answering yet; starting them', { kafka: state(ok.kafka), mongo: state(ok.mongo), mail: state(ok.mail) });
  await servicesUp(cfg, log, mode);
}
