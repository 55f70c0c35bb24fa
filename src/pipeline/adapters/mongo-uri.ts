/**
 * A MongoDB connection string read the way the driver reads it, explained for a person (what `mongodb+srv://`
 * implies, which TLS settings apply), and connection failures no retry can cure turned into one sentence naming
 * what to change in MONGODB_URI. Pure: no DNS, no sockets.
 */

export interface MongoUriInfo {
  srv: boolean;
  /** host[:port] as written; for SRV the one name whose DNS records list the real hosts. */
  hosts: string[];
  user?: string;
  tls: boolean;
  tlsCAFile?: string;
  options: Record<string, string>;
}

export class MongoUriError extends Error {
  override name = 'MongoUriError';
}

/** Parses the parts that matter for connecting. The password is never kept. */
export function parseMongoUri(uri: string): MongoUriInfo {
  const m = /^mongodb(\+srv)?:\/\/(?:([^:@/]*)(?::[^@/]*)?@)?([^/?]+)(?:\/[^?]*)?(?:\?(.*))?$/.exec(uri);
  if (!m) throw new MongoUriError('MONGODB_URI is not a mongodb:// or mongodb+srv:// connection string (expected mongodb://host:port/?options)');
  const srv = Boolean(m[1]);
  const hosts = m[3]!.split(',');
  const options = Object.fromEntries(new URLSearchParams(m[4] ?? ''));
  if (srv && (hosts.length !== 1 || /:\d+$/.test(hosts[0]!))) {
    throw new MongoUriError(`MONGODB_URI: a mongodb+srv:// URI names one host without a port (the DNS name whose SRV records list the servers), got ${JSON.stringify(m[3])}`);
  }
  // Case-insensitive options, as the driver takes them; `ssl` is the old name of `tls`.
  const opt = (name: string) => Object.entries(options).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  const tlsOption = opt('tls') ?? opt('ssl');
  return {
    srv,
    hosts,
    user: m[2] ? decodeURIComponent(m[2]) : undefined,
    // mongodb+srv:// turns TLS on unless the URI turns it off.
    tls: tlsOption !== undefined ? tlsOption === 'true' : srv,
    tlsCAFile: opt('tlsCAFile'),
    options,
  };
}

/** What the driver will do with this URI, one line each (for `services status` and the docs). */
export function explainMongoUri(uri: string): string[] {
  const u = parseMongoUri(uri);
  const lines: string[] = [];
  if (u.srv) {
    const host = u.hosts[0]!;
    lines.push(`mongodb+srv: the servers come from the DNS SRV record _mongodb._tcp.${host}, and options (replicaSet, authSource) from its TXT record`);
    lines.push('mongodb+srv: TLS is on unless the URI says tls=false; the port is never written in the URI');
  } else {
    lines.push(`servers: ${u.hosts.join(', ')}`);
  }
  lines.push(u.user ? `login: user ${u.user}${u.options.authMechanism ? ` (${u.options.authMechanism})` : ''}` : 'login: none in the URI');
  lines.push(u.tls ? `TLS: on, trusting ${u.tlsCAFile ? `the CA in ${u.tlsCAFile}` : 'the system CAs (set tlsCAFile=<ca.pem> for a private CA)'}` : 'TLS: off');
  return lines;
}

const UNTRUSTED = /self[- ]signed certificate|unable to (get local issuer|verify the first) certificate|certificate has expired|does not match certificate's altnames|SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE/i;
const NOT_TLS = /wrong version number|packet length too long|before secure TLS connection was established|EPROTO/i;
const CLOSED = /connection .*closed|socket hang up|ECONNRESET/i;

/**
 * One sentence naming what to change in MONGODB_URI, or undefined when the failure is not about the settings (a
 * server that is down may come back). `masked`: the URI as it may be shown; `localCa`: the local engine's CA file.
 */
export function explainMongoFailure(message: string, uri: string, opts: { masked: string; localCa?: string }): string | undefined {
  let u: MongoUriInfo;
  try {
    u = parseMongoUri(uri);
  } catch (err) {
    return (err as Error).message;
  }
  const where = `MongoDB at ${opts.masked}`;
  const ca = opts.localCa ? ` (the local engine's: ${opts.localCa})` : '';
  if (u.srv && /querySrv|ENOTFOUND|ENODATA|querytxt/i.test(message)) {
    return `MONGODB_URI is a mongodb+srv:// URI, so the driver looks up the DNS SRV record _mongodb._tcp.${u.hosts[0]}, and that failed (${message.split('\n')[0]}): check the cluster's host name (Atlas: Connect → Drivers), or use a mongodb://host1,host2/?tls=true URI`;
  }
  if (UNTRUSTED.test(message)) {
    const now = u.tlsCAFile ? `tlsCAFile=${u.tlsCAFile} did not sign it` : 'no tlsCAFile, so only the system CAs are trusted';
    return `the TLS certificate of ${where} is not trusted (${UNTRUSTED.exec(message)![0]}; ${now}): add tlsCAFile=<the CA's PEM file> to MONGODB_URI${ca}`;
  }
  if (u.tls && NOT_TLS.test(message)) {
    return `MONGODB_URI asks for TLS but ${where} does not answer TLS on that port: remove tls=true, or use the server's TLS port (the local engine's: its plaintext port + 1)`;
  }
  if (!u.tls && CLOSED.test(message) && !/ECONNREFUSED/.test(message)) {
    return `${where} closed the connection without answering, as a TLS port does with a plaintext client: add tls=true and tlsCAFile=<the CA's PEM file> to MONGODB_URI${ca}, or use the server's plaintext port`;
  }
  return undefined;
}
