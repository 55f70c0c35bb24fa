/**
 * A private CA and a server certificate for localhost/127.0.0.1/::1 signed by it, made once with openssl and kept by
 * `reset`: the MongoDB gateway's TLS listener and the Kafka brokers' SASL_SSL listener each have a set. Clients
 * trust ca.crt; the keys are readable only by their owner.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log';

export interface TlsFiles {
  tlsDir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
}

export class CertificateError extends Error {
  override name = 'CertificateError';
}

/** The files of a set in `dir`. */
export const tlsFilesIn = (dir: string): TlsFiles => ({
  tlsDir: dir,
  caCert: path.join(dir, 'ca.crt'),
  serverCert: path.join(dir, 'server.crt'),
  serverKey: path.join(dir, 'server.key'),
});

function openssl(args: string[], cwd: string): void {
  const res = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (res.error || res.status !== 0) throw new CertificateError(`openssl ${args[0]} failed: ${res.error?.message ?? res.stderr.trim()} (apt-get install openssl)`);
}

/** Makes the CA and the server certificate unless all three files exist. `what` names the user, for the log. */
export function ensureCertificates(f: TlsFiles, log: Logger, what = 'the gateway'): void {
  if ([f.caCert, f.serverCert, f.serverKey].every((p) => fs.existsSync(p))) return;
  fs.mkdirSync(path.dirname(f.tlsDir), { recursive: true });
  fs.mkdirSync(f.tlsDir, { recursive: true, mode: 0o700 });
  const ext = path.join(f.tlsDir, 'server.ext');
  fs.writeFileSync(ext, 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650',
    '-subj', '/CN=erp-insights local CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], f.tlsDir);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], f.tlsDir);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '825', '-extfile', 'server.ext'], f.tlsDir);
  for (const name of ['ca.key', 'server.key']) fs.chmodSync(path.join(f.tlsDir, name), 0o600);
  for (const name of ['server.csr', 'server.ext', 'ca.srl']) fs.rmSync(path.join(f.tlsDir, name), { force: true });
  log.info(`made a local CA and a server certificate for ${what}`, { dir: f.tlsDir });
}
