/** Docker Compose services (docker-compose.yml at the root): Kafka, Kafdrop, MongoDB 7, mongo-express. */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../log';
import { ensureCredentials } from '../config/credentials';

/** True when a Docker engine answers (`docker info` exits 0). A docker client alone is not enough. */
export function dockerEngineAnswers(timeoutMs = 10000): boolean {
  const res = spawnSync('docker', ['info'], { stdio: 'ignore', timeout: timeoutMs });
  return res.error === undefined && res.status === 0;
}

export type ResolvedMode = 'local' | 'docker';

/** auto → docker when an engine answers, else local. */
export function resolveMode(mode: 'auto' | 'local' | 'docker', engineAnswers: () => boolean = dockerEngineAnswers): ResolvedMode {
  if (mode !== 'auto') return mode;
  return engineAnswers() ? 'docker' : 'local';
}

const composeFile = (cfg: Config) => path.join(cfg.paths.root, 'docker-compose.yml');

/** Runs `docker compose -f docker-compose.yml <args>`, streaming its output to our stderr. */
function compose(cfg: Config, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['compose', '-f', composeFile(cfg), ...args], {
      cwd: cfg.paths.root,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', (err) => reject(new Error(`docker compose could not run: ${err.message}`)));
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`docker compose ${args.join(' ')} failed (exit ${code})`)),
    );
  });
}

export function assertDocker(): void {
  if (!dockerEngineAnswers()) {
    throw new Error('docker mode asked for (--mode docker or SERVICES_MODE=docker) but no Docker engine answers (`docker info` failed). Start Docker or use --mode local.');
  }
}

/** `docker compose up -d --wait`: returns once every healthcheck passes. */
export async function dockerUp(cfg: Config, log: Logger): Promise<void> {
  assertDocker();
  log.info('starting services with docker compose (first run pulls images)', { file: composeFile(cfg) });
  // MongoDB 7 creates the local user on its first start (services/mongo/create-user.js): the same login the config
  // fills into a loopback MONGODB_URI.
  const { creds } = ensureCredentials(cfg.mongo.credentialsFile);
  await compose(cfg, ['up', '-d', '--wait'], { ...process.env, ERP_MONGO_USER: creds.user, ERP_MONGO_PASSWORD: creds.password });
}

/** `docker compose down`: keeps the named volumes (data survives) unless `volumes`, as `services reset` asks. */
export async function dockerDown(cfg: Config, log: Logger, volumes = false): Promise<void> {
  assertDocker();
  log.info(volumes ? 'stopping docker compose services and deleting their volumes' : 'stopping docker compose services (volumes kept)');
  await compose(cfg, volumes ? ['down', '--volumes'] : ['down']);
}

/** `docker compose ps` output, for status. */
export function dockerPs(cfg: Config): string {
  if (!dockerEngineAnswers()) return 'no Docker engine answers (`docker info` failed)\n';
  const res = spawnSync('docker', ['compose', '-f', composeFile(cfg), 'ps'], { encoding: 'utf8', timeout: 15000 });
  return res.status === 0 ? res.stdout : `docker compose ps failed: ${(res.stderr ?? '').trim()}`;
}
