/**
 * The local mail server: Mailpit (SMTP on the SMTP_URL port, web UI and REST API on the MAILPIT_URL port), built
 * once per machine from the Go module proxy into the per-user cache, and run detached with its database, log and pid
 * file under SERVICES_DIR. Only started when SMTP_URL is a plain smtp:// URL on loopback.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../log';
import { formatEndpoint, isLoopback, type Endpoint } from './probe';
import { managedState, runningPid, startDetached, type Managed } from './process';
import { MissingToolError, run, runAsync } from './run';

export const MAILPIT_MODULE = 'github.com/axllent/mailpit';
export const MAILPIT_VERSION = 'v1.33.1';

export interface MailpitBuild {
  /** <per-user cache>/mailpit-<version>: the binary and build.json, written last. */
  dir: string;
  bin: string;
  stamp: string;
  version: string;
}

/** Where the build of `version` lives in the per-user cache (ENGINE_CACHE_DIR, default ~/.cache/erp-insights). Pure. */
export function mailpitBuild(cacheDir: string, version = MAILPIT_VERSION): MailpitBuild {
  const dir = path.join(cacheDir, `mailpit-${version}`);
  return { dir, bin: path.join(dir, 'mailpit'), stamp: path.join(dir, 'build.json'), version };
}

/** True when the cache holds a complete build of this version (the stamp is written after the binary). */
export function isMailpitBuilt(b: MailpitBuild): boolean {
  try {
    return (JSON.parse(fs.readFileSync(b.stamp, 'utf8')) as { version?: string }).version === b.version && fs.existsSync(b.bin);
  } catch {
    return false;
  }
}

/** The SMTP endpoint of a smtp:// or smtps:// URL (ports 25 and 465 when it names none). Pure. */
export function smtpEndpoint(smtpUrl: string): Endpoint {
  const u = new URL(smtpUrl);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : u.protocol === 'smtps:' ? 465 : 25 };
}

/** The web UI/API endpoint of MAILPIT_URL (ports 80 and 443 when it names none). Pure. */
export function httpEndpoint(url: string): Endpoint {
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80 };
}

export type MailpitPlan = { local: true; smtp: Endpoint; http: Endpoint } | { local: false; reason: string };

/**
 * Whether `services up` runs a Mailpit here, and on which ports: only for a plain smtp:// URL on loopback (it serves
 * no TLS) whose MAILPIT_URL is plain http:// on loopback too, unless ERP_SKIP_MAILPIT is set. Pure.
 */
export function planMailpit(mail: Config['mail'], skip: boolean): MailpitPlan {
  if (skip) return { local: false, reason: 'ERP_SKIP_MAILPIT is set' };
  const smtp = smtpEndpoint(mail.smtpUrl);
  if (!isLoopback(smtp.host)) return { local: false, reason: `SMTP_URL names a server elsewhere (${smtp.host})` };
  if (mail.smtpUrl.startsWith('smtps:')) return { local: false, reason: 'SMTP_URL is smtps:// and the local Mailpit serves plain SMTP' };
  const web = httpEndpoint(mail.mailpitUrl);
  if (!isLoopback(web.host) || !mail.mailpitUrl.startsWith('http:')) {
    return { local: false, reason: 'MAILPIT_URL is not a plain http:// URL on loopback' };
  }
  return { local: true, smtp, http: web };
}

/** Where a local Mailpit keeps its state: the database (what `reset` deletes), log and pid file in SERVICES_DIR. */
export function mailpitFiles(servicesDir: string): { dataDir: string; database: string; managed: Managed } {
  const dataDir = path.join(servicesDir, 'mailpit');
  const database = path.join(dataDir, 'mailpit.db');
  return {
    dataDir,
    database,
    // The database path is unique to this SERVICES_DIR, so another Mailpit on the machine is never taken for ours.
    managed: { name: 'mailpit', pidFile: path.join(servicesDir, 'mailpit.pid'), logFile: path.join(servicesDir, 'mailpit.log'), marker: database },
  };
}

/**
 * Mailpit's command line. No release check (it would dial out at every start and log an error offline), no reverse
 * DNS of each SMTP client (a lookup that can hang offline). A user in SMTP_URL makes the client log in: then Mailpit
 * accepts any login, over plain SMTP, since it listens on loopback only.
 */
export function mailpitArgs(opts: { smtp: Endpoint; http: Endpoint; database: string; auth: boolean }): string[] {
  const args = ['--smtp', formatEndpoint(opts.smtp), '--listen', formatEndpoint(opts.http), '--database', opts.database, '--disable-version-check', '--smtp-disable-rdns'];
  return opts.auth ? [...args, '--smtp-auth-accept-any', '--smtp-auth-allow-insecure'] : args;
}

const smtpHasUser = (smtpUrl: string) => new URL(smtpUrl).username !== '';

/**
 * `go install` arguments. The version is stamped in as upstream's release build does (plain `go install` reports
 * "dev"); -s -w leave out the debug symbols. Pure.
 */
export function goInstallArgs(version = MAILPIT_VERSION): string[] {
  return ['install', `-ldflags=-s -w -X ${MAILPIT_MODULE}/config.Version=${version}`, `${MAILPIT_MODULE}@${version}`];
}

/** Fails with what to do when Go is missing: install it, or do without the local mail server. */
export function requireGo(runCmd: typeof run = run): string {
  try {
    return runCmd('go', ['version']).trim();
  } catch {
    throw new MissingToolError(
      `Go not found (\`go\` builds Mailpit, the local mail server; Mailpit ${MAILPIT_VERSION} needs Go 1.26+): see https://go.dev/dl; ` +
        'or set ERP_SKIP_MAILPIT=1, or an SMTP_URL that is not loopback, to use an SMTP server of your own',
    );
  }
}

/** Builds Mailpit into the per-user cache unless this version is there (about 3 min on two cores, once). */
export async function ensureMailpitBuilt(cfg: Config, log: Logger): Promise<MailpitBuild> {
  const b = mailpitBuild(cfg.paths.engineCache);
  if (isMailpitBuilt(b)) return b;
  const go = requireGo();
  log.info(`building Mailpit ${b.version} from the Go module proxy (once per machine: about 3 min on 2 cores)`, { into: b.dir });
  const started = Date.now();
  const partial = `${b.dir}.partial-${process.pid}`;
  fs.mkdirSync(partial, { recursive: true });
  try {
    // CGO off: a static binary that needs no C compiler (its SQLite is pure Go). The module cache is Go's own.
    const env = { ...process.env, GOBIN: partial, CGO_ENABLED: '0' };
    await runAsync('go', goInstallArgs(b.version), { env, cwd: os.tmpdir() });
    const seconds = Math.round((Date.now() - started) / 1000);
    fs.writeFileSync(path.join(partial, 'build.json'), JSON.stringify({ version: b.version, module: MAILPIT_MODULE, go, seconds, builtAt: new Date().toISOString() }, null, 2) + '\n');
    fs.rmSync(b.dir, { recursive: true, force: true }); // an incomplete older attempt
    fs.renameSync(partial, b.dir);
    log.info(`Mailpit ${b.version} built`, { seconds, bin: b.bin });
    return b;
  } finally {
    fs.rmSync(partial, { recursive: true, force: true });
  }
}

/** Starts Mailpit unless ours runs (a dead one is started again); returns its pid. Expects ensureMailpitBuilt. */
export function startMailpit(cfg: Config, plan: Extract<MailpitPlan, { local: true }>, log: Logger): number {
  const f = mailpitFiles(cfg.paths.services);
  const running = runningPid(f.managed);
  if (running !== undefined) return running;
  fs.mkdirSync(f.dataDir, { recursive: true });
  const args = mailpitArgs({ smtp: plan.smtp, http: plan.http, database: f.database, auth: smtpHasUser(cfg.mail.smtpUrl) });
  const pid = startDetached(f.managed, mailpitBuild(cfg.paths.engineCache).bin, args, { cwd: f.dataDir });
  log.info('started mailpit', { pid, smtp: formatEndpoint(plan.smtp), web: cfg.mail.mailpitUrl, log: f.managed.logFile });
  return pid;
}

/** What GET /api/v1/info answers, the fields `status` shows. */
export interface MailpitInfo {
  Version: string;
  Messages: number;
  DatabaseSize?: number;
}

/** GET /api/v1/info, or undefined when nothing (or not Mailpit) answers within timeoutMs. Never rejects. */
export function mailpitInfo(mailpitUrl: string, timeoutMs = 3000): Promise<MailpitInfo | undefined> {
  return new Promise((resolve) => {
    const get = mailpitUrl.startsWith('https:') ? https.get : http.get;
    const req = get(`${mailpitUrl}/api/v1/info`, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        try {
          const info = JSON.parse(body) as Partial<MailpitInfo>;
          resolve(res.statusCode === 200 && typeof info.Version === 'string' ? (info as MailpitInfo) : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

/** Lines for `services status`: version, messages, database, web UI; and the process if it died. */
export async function mailpitDetails(cfg: Config): Promise<{ lines: string[]; dead: string[] }> {
  const f = mailpitFiles(cfg.paths.services);
  const st = managedState(f.managed);
  const info = await mailpitInfo(cfg.mail.mailpitUrl);
  // Mailpit's own figure counts its write-ahead log too, which the database file alone does not.
  const bytes = info?.DatabaseSize ?? (fs.existsSync(f.database) ? fs.statSync(f.database).size : undefined);
  const size = bytes !== undefined ? `${(bytes / 1024 / 1024).toFixed(1)} MB in ${f.database}` : `none yet (${f.database})`;
  const lines = [
    info ? `Mailpit ${info.Version}: ${info.Messages} message(s); web UI and API on ${cfg.mail.mailpitUrl}` : `web UI and API on ${cfg.mail.mailpitUrl}: not answering`,
    `data: ${size}`,
  ];
  if (st.state === 'dead') lines.push(`process: DEAD (pid ${st.pid} exited; 'up' restarts it)`);
  return { lines, dead: st.state === 'dead' ? [f.managed.name] : [] };
}
