/**
 * The only reader of process.env and .env. Everything else receives a Config.
 * Validation fails fast with a message naming the variable and what it expects.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { credentialsPath, fillMongoCredentials, maskUri, readCredentials, type MongoCredentials } from './credentials';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const brokerList = z
  .string()
  .min(1, 'expected a comma-separated list of host:port')
  .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
  .refine((list) => list.length > 0 && list.every((b) => /^[^\s:]+:\d+$/.test(b)), {
    message: 'expected host:port[,host:port...], e.g. 127.0.0.1:9092',
  });

/** An absolute URL with one of `schemes` and a host; `new URL` decides, so a bad port or stray space fails here. */
const urlWith = (schemes: string[], expected: string) =>
  z.string().refine(
    (s) => {
      try {
        const u = new URL(s);
        return schemes.includes(u.protocol) && u.hostname !== '';
      } catch {
        return false;
      }
    },
    { message: expected },
  );

const positiveInt = (what: string) =>
  z.coerce.number({ message: `expected ${what}` }).int(`expected ${what}`).positive(`expected ${what}`);

const envSchema = z.object({
  KAFKA_BROKERS: brokerList.default('127.0.0.1:9092'),
  KAFKA_CLIENT_ID: z.string().min(1).default('erp-insights'),
  KAFKA_SSL: bool.default('false'),
  /** PEM file of the CA that signed the brokers' certificates (a private cluster's, or the local SASL_SSL listener's). */
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
  KAFKA_SASL_MECHANISM: z
    .enum(['plain', 'scram-sha-256', 'scram-sha-512'], { message: 'expected plain, scram-sha-256 or scram-sha-512' })
    .optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'expected letters, digits, dots, dashes or underscores')
    .default('erp'),
  KAFKA_PARTITIONS: positiveInt('a positive whole number of partitions').default(3),
  /** Unset: min(3, the brokers the cluster has), see pipeline/adapters/topic-settings.ts. */
  KAFKA_REPLICATION_FACTOR: positiveInt('a positive whole number').optional(),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'expected a mongodb:// or mongodb+srv:// connection string')
    .default('mongodb://127.0.0.1:27017'),
  MONGODB_DB: z
    .string()
    .regex(/^[^/\\. "$*<>:|?]{1,63}$/, 'expected a MongoDB database name (no spaces, dots or slashes)')
    .default('erp'),
  DATA_DIR: z.string().min(1).default('data'),
  MODELS_DIR: z.string().min(1).default('models'),
  REPORTS_DIR: z.string().min(1).default('reports'),
  SERVICES_DIR: z.string().min(1).default('.cache/services'),
  /** Where the engine build is cached for every clone on the machine; default $XDG_CACHE_HOME/erp-insights. */
  ENGINE_CACHE_DIR: z.string().min(1).optional(),
  XDG_CACHE_HOME: z.string().min(1).optional(),
  HOME: z.string().min(1).optional(),
  /** Skip building the local MongoDB engine (for users with a MongoDB of their own). */
  ERP_SKIP_ENGINE: bool.default('false'),
  SERVICES_MODE: z.enum(['auto', 'local', 'docker'], { message: 'expected auto, local or docker' }).default('auto'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error'], { message: 'expected debug, info, warn or error' }).default('info'),
  /** Chrome or Chromium for PDFs, chart images and browser tests; default: Debian's chromium, else puppeteer's own. */
  CHROME_PATH: z.string().min(1).optional(),
  /**
   * The Python whose Jupyter runs the notebooks; default: the project's Jupyter environment (JupyterLab 4,
   * nbconvert 7) once scripts/setup.sh has made it, else Debian's Python.
   */
  JUPYTER_PYTHON: z.string().min(1).optional(),
  DASHBOARD_HOST: z.string().min(1).default('127.0.0.1'),
  DASHBOARD_PORT: z.coerce.number({ message: 'expected a port number' }).int().min(1).max(65535).default(3000),
  /** Memory for the dashboard's rendered historical views and exports (an LRU), in MB. */
  DASHBOARD_CACHE_MB: positiveInt('a cache size in whole MB, 1 or more').default(64),
  /** The fewest customers (or orders, with order-level training) a co-purchase relevance must rest on to be trusted. */
  RECO_MIN_CUSTOMERS: positiveInt('a whole number of customers, 1 or more').default(3),
  /**
   * The schedule file of report jobs: its data-triggered jobs run after `npm run pipeline` and `npm run warehouse`,
   * and the dashboard's /reports page lists its jobs. Unset: none.
   */
  SCHEDULE_FILE: z.string().min(1).optional(),
  /** The report job a notebook runs as (set by the scheduler and `render` for the kernel): its run history's scope. */
  ERP_REPORT_JOB: z.string().min(1).optional(),
  /** The SMTP server reports are mailed through: smtps:// for TLS, user and password in the URL for auth. */
  SMTP_URL: urlWith(['smtp:', 'smtps:'], 'expected smtp://host:port or smtps://user:password@host:port').default('smtp://127.0.0.1:1025'),
  SMTP_FROM: z
    .string()
    .regex(/^[^<>@\s]+@[^<>@\s]+$|<[^<>@\s]+@[^<>@\s]+>$/, 'expected an address, e.g. reports@example.com or ERP Insights <reports@example.com>')
    .default('ERP Insights <reports@erp-insights.local>'),
  /** The local Mailpit's web UI and API (where the demo's and the tests' mails are read). */
  MAILPIT_URL: urlWith(['http:', 'https:'], 'expected an http:// URL, e.g. http://127.0.0.1:8025').default('http://127.0.0.1:8025'),
  MAIL_ATTACH_LIMIT_MB: z.coerce
    .number({ message: 'expected a size in MB above 0, e.g. 10' })
    .positive('expected a size in MB above 0, e.g. 10')
    .default(10),
  /** Skip building and starting the local Mailpit (for users with an SMTP server of their own). */
  ERP_SKIP_MAILPIT: bool.default('false'),
  /** Signs report webhooks (HMAC-SHA256 in X-ERP-Signature); a secret: never logged, masked in errors. */
  WEBHOOK_SECRET: z
    .string()
    .min(16, 'expected a secret of at least 16 characters (e.g. the output of openssl rand -hex 32)')
    .regex(/^\S+$/, 'expected a secret without spaces (e.g. the output of openssl rand -hex 32)')
    .optional(),
  /** Where readers open report files (mail links, webhook payloads); default: this dashboard's /reports/files/. */
  PUBLIC_REPORTS_URL: urlWith(['http:', 'https:'], 'expected an http(s) URL, e.g. https://reports.example.com/files/').optional(),
});


export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  ssl: boolean;
  /** Absolute path of a PEM CA file to trust instead of the system's CAs; only with ssl. */
  sslCaFile?: string;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  topicPrefix: string;
  partitions: number;
  /** For topics the project creates; undefined: min(3, the brokers the cluster has). */
  replicationFactor?: number;
}

export interface Config {
  kafka: KafkaConfig;
  /**
   * uri: the effective URI. A loopback `mongodb://` URI without a user (the default one included) gets the local
   * engine's credentials from credentialsFile when it exists (see fillMongoCredentials). Never log it unmasked.
   */
  mongo: { uri: string; db: string; credentialsFile: string };
  paths: { root: string; data: string; models: string; reports: string; services: string; cache: string; engineCache: string; schedule: string | null };
  servicesMode: 'auto' | 'local' | 'docker';
  skipEngine: boolean;
  logLevel: LogLevel;
  chromePath?: string;
  /** JUPYTER_PYTHON, else the Jupyter environment's Python when it is ready (undefined: Debian's, see findPython). */
  jupyterPython?: string;
  /** The project's Jupyter environment: one per requirements/jupyter.txt (by its sha256), in the per-user cache. */
  jupyterVenv: string;
  /**
   * cacheMb: memory for rendered historical views and exports (see docs/dashboards.md); recoMinCustomers: below
   * this many customers behind it, a co-purchase relevance is flagged on the recommendations page.
   */
  dashboard: { host: string; port: number; cacheMb: number; recoMinCustomers: number };
  /** The report job a notebook runs as (ERP_REPORT_JOB, set for the kernel by the scheduler and `render`), or null. */
  reportJob: string | null;
  /**
   * smtpUrl may carry a password: log it only through maskUri. mailpitUrl: the local Mailpit's web UI and API, no
   * trailing slash. Attachments above attachLimitBytes are sent as a link instead.
   */
  mail: { smtpUrl: string; from: string; mailpitUrl: string; attachLimitBytes: number };
  skipMailpit: boolean;
  /**
   * webhookSecret: signs report webhooks, null when unset (never log it); publicReportsUrl: the base URL of report
   * files in mails and webhooks, ending in `/` (default: the dashboard's `/reports/files/`).
   */
  delivery: { webhookSecret: string | null; publicReportsUrl: string };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Project root: the folder holding package.json, found from this file (src/ or dist/). */
export const projectRoot = path.resolve(__dirname, '../..');

/** The pinned requirements (with hashes) of the project's Jupyter environment. */
export const jupyterRequirements = (root = projectRoot) => path.join(root, 'requirements', 'jupyter.txt');

/**
 * Where scripts/setup.sh makes the Jupyter environment: `<cache>/jupyter-venv-<first 16 hex of the requirements'
 * sha256>`, so a changed pin makes a new one and every clone with the same pins shares it.
 */
export function jupyterVenvDir(cacheDir: string, root = projectRoot): string {
  const file = jupyterRequirements(root);
  const text = fs.existsSync(file) ? fs.readFileSync(file) : Buffer.alloc(0);
  return path.join(cacheDir, `jupyter-venv-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`);
}

/** The environment's Python once set-up finished it (it writes `.erp-ready` last), else undefined. */
export const readyVenvPython = (venv: string): string | undefined => (fs.existsSync(path.join(venv, '.erp-ready')) ? path.join(venv, 'bin', 'python') : undefined);

/** Reads `.env` from the root; real environment variables win over it. */
export function readDotenv(root = projectRoot): Record<string, string> {
  const file = path.join(root, '.env');
  return fs.existsSync(file) ? parseDotenv(fs.readFileSync(file)) : {};
}

/**
 * The environment variables that make a child process (a CLI the benchmarks or tests start) reach the Kafka `k`
 * describes, set or explicitly cleared, so neither .env nor the parent's environment can point it elsewhere.
 */
export function kafkaEnv(k: KafkaConfig): Record<string, string> {
  return {
    KAFKA_BROKERS: k.brokers.join(','),
    KAFKA_CLIENT_ID: k.clientId,
    KAFKA_SSL: String(k.ssl),
    KAFKA_SSL_CA_FILE: k.sslCaFile ?? '',
    KAFKA_SASL_MECHANISM: k.sasl?.mechanism ?? '',
    KAFKA_SASL_USERNAME: k.sasl?.username ?? '',
    KAFKA_SASL_PASSWORD: k.sasl?.password ?? '',
    KAFKA_PARTITIONS: String(k.partitions),
    KAFKA_REPLICATION_FACTOR: k.replicationFactor === undefined ? '' : String(k.replicationFactor),
  };
}

/** Settings that may carry a password in their URL: an error message shows them masked. */
const SECRET_URLS = new Set(['SMTP_URL']);
/** Settings that are secrets themselves: an error message does not show them at all. */
const secretSettings = new Set(['WEBHOOK_SECRET']);

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

/** The dashboard's report files as a browser on this machine reaches them (a wildcard host is reached on loopback). */
function dashboardFilesUrl(host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}/reports/files/`;
}

/** Build a validated Config from an environment (process.env merged over .env by default). */
export function loadConfig(
  env: Record<string, string | undefined> = { ...readDotenv(), ...process.env },
  readCreds: (file: string) => MongoCredentials | undefined = readCredentials,
): Config {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = String(i.path[0]);
      const value = relevant[name] ?? '';
      const shown = secretSettings.has(name) ? '(hidden)' : JSON.stringify(SECRET_URLS.has(name) ? maskUri(value) : value);
      return `  ${name}=${shown}: ${i.message}`;
    });
    throw new ConfigError(`Invalid configuration (environment or .env):\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  let sasl: KafkaConfig['sasl'];
  if (e.KAFKA_SASL_MECHANISM) {
    if (!e.KAFKA_SASL_USERNAME || !e.KAFKA_SASL_PASSWORD) {
      throw new ConfigError(
        'Invalid configuration: KAFKA_SASL_MECHANISM is set, so KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required',
      );
    }
    sasl = { mechanism: e.KAFKA_SASL_MECHANISM, username: e.KAFKA_SASL_USERNAME, password: e.KAFKA_SASL_PASSWORD };
  }
  const abs = (p: string) => path.resolve(projectRoot, p);
  const sslCaFile = e.KAFKA_SSL_CA_FILE ? abs(e.KAFKA_SSL_CA_FILE) : undefined;
  if (sslCaFile && !e.KAFKA_SSL) {
    throw new ConfigError('Invalid configuration: KAFKA_SSL_CA_FILE is set but KAFKA_SSL is false: set KAFKA_SSL=true to connect over TLS, or unset KAFKA_SSL_CA_FILE');
  }
  if (sslCaFile && !fs.existsSync(sslCaFile)) {
    throw new ConfigError(`Invalid configuration: KAFKA_SSL_CA_FILE=${JSON.stringify(e.KAFKA_SSL_CA_FILE)}: no such file (expected the PEM certificate of the CA that signed the brokers' certificates)`);
  }
  const credentialsFile = credentialsPath(abs(e.SERVICES_DIR));
  let creds: MongoCredentials | undefined;
  try {
    creds = readCreds(credentialsFile);
  } catch (err) {
    throw new ConfigError(`Invalid configuration: ${(err as Error).message}`);
  }
  const engineCache = path.resolve(e.ENGINE_CACHE_DIR ?? path.join(e.XDG_CACHE_HOME ?? path.join(e.HOME ?? os.homedir(), '.cache'), 'erp-insights'));
  const venv = jupyterVenvDir(engineCache);
  return {
    kafka: {
      brokers: e.KAFKA_BROKERS,
      clientId: e.KAFKA_CLIENT_ID,
      ssl: e.KAFKA_SSL,
      sslCaFile,
      sasl,
      topicPrefix: e.KAFKA_TOPIC_PREFIX,
      partitions: e.KAFKA_PARTITIONS,
      replicationFactor: e.KAFKA_REPLICATION_FACTOR,
    },
    mongo: { uri: fillMongoCredentials(e.MONGODB_URI, creds), db: e.MONGODB_DB, credentialsFile },
    paths: {
      root: projectRoot,
      data: abs(e.DATA_DIR),
      models: abs(e.MODELS_DIR),
      reports: abs(e.REPORTS_DIR),
      services: abs(e.SERVICES_DIR),
      cache: abs('.cache'),
      engineCache,
      schedule: e.SCHEDULE_FILE ? abs(e.SCHEDULE_FILE) : null,
    },
    servicesMode: e.SERVICES_MODE,
    skipEngine: e.ERP_SKIP_ENGINE,
    logLevel: e.LOG_LEVEL,
    chromePath: e.CHROME_PATH,
    jupyterPython: e.JUPYTER_PYTHON ?? readyVenvPython(venv),
    jupyterVenv: venv,
    dashboard: { host: e.DASHBOARD_HOST, port: e.DASHBOARD_PORT, cacheMb: e.DASHBOARD_CACHE_MB, recoMinCustomers: e.RECO_MIN_CUSTOMERS },
    reportJob: e.ERP_REPORT_JOB ?? null,
    mail: {
      smtpUrl: e.SMTP_URL,
      from: e.SMTP_FROM,
      mailpitUrl: e.MAILPIT_URL.replace(/\/+$/, ''),
      attachLimitBytes: Math.round(e.MAIL_ATTACH_LIMIT_MB * 1024 * 1024),
    },
    skipMailpit: e.ERP_SKIP_MAILPIT,
    delivery: { webhookSecret: e.WEBHOOK_SECRET ?? null, publicReportsUrl: e.PUBLIC_REPORTS_URL ? withSlash(e.PUBLIC_REPORTS_URL) : dashboardFilesUrl(e.DASHBOARD_HOST, e.DASHBOARD_PORT) },
  };
}
