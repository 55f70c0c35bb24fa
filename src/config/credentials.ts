/**
 * The local services' logins: a user with a generated password each, kept in <SERVICES_DIR>/mongo-credentials.json
 * and kafka-credentials.json (mode 0600, outside the data dirs so `services reset` keeps them), and the rule that
 * puts the engine's into a loopback MONGODB_URI.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface MongoCredentials {
  user: string;
  password: string;
}
/** A local service's login (the engine's, the brokers' SCRAM user). */
export type LocalCredentials = MongoCredentials;

/** The gateway refuses users whose names start with documentdb, citus, pg or internal_role. */
export const LOCAL_MONGO_USER = 'erp_insights';
export const CREDENTIALS_FILE = 'mongo-credentials.json';

export const credentialsPath = (servicesDir: string) => path.join(servicesDir, CREDENTIALS_FILE);

/** The SCRAM-SHA-512 user of the local brokers' SASL_SSL listener. */
export const LOCAL_KAFKA_USER = 'erp_kafka';
export const kafkaCredentialsPath = (servicesDir: string) => path.join(servicesDir, 'kafka-credentials.json');

/** 32 random bytes, base64url: 43 URI-safe characters. */
export const generatePassword = (bytes: (n: number) => Buffer = randomBytes) => bytes(32).toString('base64url');

/** The credentials from the file, or undefined when there is none. Throws naming the file when it is unreadable or bad. */
export function readCredentials(file: string): MongoCredentials | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read the local credentials ${file}: ${(err as Error).message} (run as the user who ran setup, or delete it and run \`npm run services -- up\`)`);
  }
  const parsed = JSON.parse(text) as Partial<MongoCredentials>;
  if (typeof parsed.user !== 'string' || typeof parsed.password !== 'string' || !parsed.user || !parsed.password) {
    throw new Error(`${file} is not a credentials file ({"user", "password"}): delete it and run \`npm run services -- up\` to make a new one`);
  }
  return { user: parsed.user, password: parsed.password };
}

/** Reads the credentials, creating them for `user` (readable only by their owner) when missing. */
export function ensureCredentials(file: string, user = LOCAL_MONGO_USER): { creds: MongoCredentials; created: boolean } {
  const existing = readCredentials(file);
  if (existing) {
    if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
    return { creds: existing, created: false };
  }
  const creds = { user, password: generatePassword() };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ ...creds, createdAt: new Date().toISOString() }, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  return { creds, created: true };
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

/**
 * The rule: a `mongodb://` URI whose hosts are all loopback and which carries no user gets the local credentials,
 * plus `authMechanism=SCRAM-SHA-256` and `directConnection=true` unless it sets them. Anything else (a user in the
 * URI, a remote host, mongodb+srv://) is left exactly as given.
 */
export function fillMongoCredentials(uri: string, creds: MongoCredentials | undefined): string {
  const m = /^mongodb:\/\/([^/?]*)(\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!creds || !m || m[1]!.includes('@')) return uri;
  const hosts = m[1]!.split(',');
  if (!hosts.every((h) => LOOPBACK.test(h))) return uri;
  const params = new URLSearchParams((m[3] ?? '').slice(1));
  if (!params.has('authMechanism')) params.set('authMechanism', 'SCRAM-SHA-256');
  if (!params.has('directConnection') && hosts.length === 1) params.set('directConnection', 'true');
  const userinfo = `${encodeURIComponent(creds.user)}:${encodeURIComponent(creds.password)}`;
  return `mongodb://${userinfo}@${m[1]}${m[2] ?? '/'}?${params.toString()}`;
}

/** A URI fit for logs: the user and password become ***. */
export const maskUri = (uri: string) => uri.replace(/\/\/[^@/]*@/, '//***@');
