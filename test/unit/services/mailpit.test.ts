import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { resetDataDirs } from '../../../src/services/local';
import {
  goInstallArgs,
  httpEndpoint,
  isMailpitBuilt,
  mailpitArgs,
  mailpitBuild,
  mailpitFiles,
  MAILPIT_VERSION,
  planMailpit,
  requireGo,
  smtpEndpoint,
} from '../../../src/services/mailpit';
import { MissingToolError } from '../../../src/services/run';

const noCreds = () => undefined;

describe('endpoints', () => {
  it('read host and port from SMTP_URL and MAILPIT_URL, with the standard ports when they name none', () => {
    expect(smtpEndpoint('smtp://u:p@127.0.0.1:2525')).toEqual({ host: '127.0.0.1', port: 2525 });
    expect(smtpEndpoint('smtp://mail.example.com')).toEqual({ host: 'mail.example.com', port: 25 });
    expect(smtpEndpoint('smtps://mail.example.com')).toEqual({ host: 'mail.example.com', port: 465 });
    expect(smtpEndpoint('smtp://[::1]:1025')).toEqual({ host: '::1', port: 1025 });
    expect(httpEndpoint('http://localhost')).toEqual({ host: 'localhost', port: 80 });
    expect(httpEndpoint('http://127.0.0.1:8025')).toEqual({ host: '127.0.0.1', port: 8025 });
  });
});

describe('planMailpit', () => {
  const mail = loadConfig({}, noCreds).mail;

  it('runs a local Mailpit on the ports of the default SMTP_URL and MAILPIT_URL', () => {
    expect(planMailpit(mail, false)).toEqual({ local: true, smtp: { host: '127.0.0.1', port: 1025 }, http: { host: '127.0.0.1', port: 8025 } });
    expect(planMailpit({ ...mail, smtpUrl: 'smtp://localhost:2525', mailpitUrl: 'http://localhost:9025' }, false)).toMatchObject({ local: true, smtp: { port: 2525 }, http: { port: 9025 } });
  });

  it('runs none when skipped, for an SMTP server elsewhere, for smtps:// (Mailpit here speaks plain SMTP) or a remote MAILPIT_URL, saying why', () => {
    expect(planMailpit(mail, true)).toEqual({ local: false, reason: 'ERP_SKIP_MAILPIT is set' });
    expect(planMailpit({ ...mail, smtpUrl: 'smtps://u:p@smtp.example.com' }, false)).toEqual({ local: false, reason: 'SMTP_URL names a server elsewhere (smtp.example.com)' });
    expect(planMailpit({ ...mail, smtpUrl: 'smtps://127.0.0.1:1465' }, false)).toMatchObject({ local: false, reason: expect.stringContaining('smtps://') });
    expect(planMailpit({ ...mail, mailpitUrl: 'http://mail.example.com:8025' }, false)).toMatchObject({ local: false, reason: expect.stringContaining('MAILPIT_URL') });
  });
});

describe('mailpitArgs', () => {
  const base = { smtp: { host: '127.0.0.1', port: 1025 }, http: { host: '127.0.0.1', port: 8025 }, database: '/srv/erp/mailpit/mailpit.db' };

  it('listens on loopback only, keeps its database in SERVICES_DIR and never dials out for a release check', () => {
    expect(mailpitArgs({ ...base, auth: false })).toEqual([
      '--smtp', '127.0.0.1:1025', '--listen', '127.0.0.1:8025', '--database', '/srv/erp/mailpit/mailpit.db', '--disable-version-check', '--smtp-disable-rdns',
    ]);
  });

  it('accepts any login over plain SMTP when SMTP_URL carries a user, and brackets an IPv6 address', () => {
    const args = mailpitArgs({ ...base, smtp: { host: '::1', port: 1025 }, auth: true });
    expect(args.slice(0, 2)).toEqual(['--smtp', '[::1]:1025']);
    expect(args.slice(-2)).toEqual(['--smtp-auth-accept-any', '--smtp-auth-allow-insecure']);
  });
});

describe('the Mailpit build', () => {
  it('is cached per user, keyed by its version, where ENGINE_CACHE_DIR or XDG_CACHE_HOME put the engine build', () => {
    const viaXdg = loadConfig({ XDG_CACHE_HOME: '/home/ana/.cache' }, noCreds);
    expect(mailpitBuild(viaXdg.paths.engineCache)).toEqual({
      dir: '/home/ana/.cache/erp-insights/mailpit-v1.33.1',
      bin: '/home/ana/.cache/erp-insights/mailpit-v1.33.1/mailpit',
      stamp: '/home/ana/.cache/erp-insights/mailpit-v1.33.1/build.json',
      version: MAILPIT_VERSION,
    });
    const viaEngineCache = loadConfig({ ENGINE_CACHE_DIR: '/var/cache/erp', XDG_CACHE_HOME: '/home/ana/.cache' }, noCreds);
    expect(mailpitBuild(viaEngineCache.paths.engineCache).bin).toBe('/var/cache/erp/mailpit-v1.33.1/mailpit');
    expect(mailpitBuild(loadConfig({ HOME: '/home/bo' }, noCreds).paths.engineCache).dir).toBe('/home/bo/.cache/erp-insights/mailpit-v1.33.1');
  });

  it('counts as built only with a stamp of the same version beside the binary', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailpit-cache-'));
    try {
      const b = mailpitBuild(dir);
      expect(isMailpitBuilt(b)).toBe(false);
      fs.mkdirSync(b.dir);
      fs.writeFileSync(b.bin, '');
      expect(isMailpitBuilt(b)).toBe(false); // an interrupted build: no stamp
      fs.writeFileSync(b.stamp, JSON.stringify({ version: 'v1.20.0' }));
      expect(isMailpitBuilt(b)).toBe(false);
      fs.writeFileSync(b.stamp, JSON.stringify({ version: MAILPIT_VERSION }));
      expect(isMailpitBuilt(b)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is a go install of the pinned module version with that version stamped in, as upstream releases are', () => {
    expect(goInstallArgs()).toEqual(['install', '-ldflags=-s -w -X github.com/axllent/mailpit/config.Version=v1.33.1', 'github.com/axllent/mailpit@v1.33.1']);
  });

  it('without Go fails saying how to install it and how to do without the local mail server', () => {
    const noGo = () => {
      throw new Error('spawnSync go ENOENT');
    };
    expect(() => requireGo(noGo)).toThrow(MissingToolError);
    expect(() => requireGo(noGo)).toThrow(/Go not found[\s\S]*go\.dev\/dl[\s\S]*ERP_SKIP_MAILPIT=1[\s\S]*SMTP_URL that is not loopback/);
    expect(requireGo(() => 'go version go1.26.8 linux/amd64\n')).toBe('go version go1.26.8 linux/amd64');
  });
});

describe("Mailpit's files", () => {
  it('live in SERVICES_DIR, and reset deletes its messages along with the other services’ data', () => {
    const f = mailpitFiles('/srv/erp');
    expect(f).toEqual({
      dataDir: '/srv/erp/mailpit',
      database: '/srv/erp/mailpit/mailpit.db',
      managed: { name: 'mailpit', pidFile: '/srv/erp/mailpit.pid', logFile: '/srv/erp/mailpit.log', marker: '/srv/erp/mailpit/mailpit.db' },
    });
    const dirs = resetDataDirs(loadConfig({ SERVICES_DIR: '/srv/erp' }, noCreds));
    expect(dirs).toContain('/srv/erp/mailpit');
    expect(dirs).toContain('/srv/erp/kafka/data');
  });
});
