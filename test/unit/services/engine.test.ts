import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { fillMongoCredentials, generatePassword, maskUri, ensureCredentials, readCredentials } from '../../../src/config/credentials';
import { BUILD_RECIPE, engineSourcesHash } from '../../../src/services/engine-build';
import { MAX_SOCKET_DIR, engineDir, engineFiles, renderGatewayConfig, renderPostgresConf, tlsEndpoint } from '../../../src/services/engine-config';
import { filesToInstall } from '../../../src/services/engine-install';
import { checkDataDir } from '../../../src/services/engine-local';

const creds = { user: 'erp_insights', password: 'p4ss-w0rd_x' };
const parseConf = (text: string) =>
  Object.fromEntries(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/ = (.*)/s).slice(0, 2)));

describe('renderPostgresConf', () => {
  const conf = parseConf(renderPostgresConf('/srv/s/documentdb/run'));

  it('listens on no TCP address, only the private socket directory (owner only)', () => {
    expect(conf.listen_addresses).toBe("''");
    expect(conf.unix_socket_directories).toBe("'/srv/s/documentdb/run'");
    expect(conf.unix_socket_permissions).toBe('0700');
  });

  it('preloads pg_cron and DocumentDB, with pg_cron on background workers (its TCP connections would fail)', () => {
    expect(conf.shared_preload_libraries).toBe("'pg_cron, pg_documentdb_core, pg_documentdb'");
    expect(conf['cron.use_background_workers']).toBe('on');
    expect(conf['cron.database_name']).toBe("'postgres'");
    expect(conf['documentdb.localhost_connection_string']).toBe("'host=/srv/s/documentdb/run port=9712'");
  });

  it("doubles quotes in a path so the file stays valid", () => {
    expect(parseConf(renderPostgresConf("/tmp/o'brien/run")).unix_socket_directories).toBe("'/tmp/o''brien/run'");
  });
});

describe('renderGatewayConfig', () => {
  const opts = { listenPort: 27117, socketDir: '/s/run', cert: '/t/server.crt', key: '/t/server.key', ca: '/t/ca.crt' };

  it('binds loopback, reaches PostgreSQL through the socket directory, and always names a certificate', () => {
    const c = JSON.parse(renderGatewayConfig({ ...opts, tls: false }));
    expect(c).toMatchObject({ UseLocalHost: true, GatewayListenPort: 27117, EnforceSslTcp: false, PostgresHostName: '/s/run', PostgresPort: 9712, PostgresSystemUser: 'postgres', PostgresDatabase: 'postgres' });
    expect(c.CertificateOptions).toEqual({ CertType: 'PemFile', FilePath: '/t/server.crt', KeyFilePath: '/t/server.key', CaPath: '/t/ca.crt' });
    expect(c.BlockedRolePrefixes).toEqual(['documentdb', 'citus', 'pg', 'internal_role']);
  });

  it('enforces TLS on the TLS listener, which is the next port', () => {
    expect(JSON.parse(renderGatewayConfig({ ...opts, tls: true })).EnforceSslTcp).toBe(true);
    expect(tlsEndpoint({ host: '127.0.0.1', port: 27017 })).toEqual({ host: '127.0.0.1', port: 27018 });
  });
});

describe('fillMongoCredentials', () => {
  it('puts the local user into the default URI with SCRAM-SHA-256 and a direct connection', () => {
    expect(fillMongoCredentials('mongodb://127.0.0.1:27017', creds)).toBe(
      'mongodb://erp_insights:p4ss-w0rd_x@127.0.0.1:27017/?authMechanism=SCRAM-SHA-256&directConnection=true',
    );
  });

  it('fills a loopback URI on another port and keeps its path and options', () => {
    expect(fillMongoCredentials('mongodb://localhost:27117/erp?tls=true&authMechanism=SCRAM-SHA-1', creds)).toBe(
      'mongodb://erp_insights:p4ss-w0rd_x@localhost:27117/erp?tls=true&authMechanism=SCRAM-SHA-1&directConnection=true',
    );
    expect(fillMongoCredentials('mongodb://[::1]:27117', creds)).toMatch(/^mongodb:\/\/erp_insights:p4ss-w0rd_x@\[::1\]:27117\/\?/);
  });

  it('leaves a URI with a user, a remote host, a mixed host list or mongodb+srv exactly as given', () => {
    for (const uri of [
      'mongodb://me:secret@127.0.0.1:27017',
      'mongodb://db.example.net:27017',
      'mongodb://127.0.0.1:27017,db.example.net:27017/?replicaSet=rs',
      'mongodb+srv://cluster0.example.net',
      'mongodb://127.0.0.1.example.net',
    ]) {
      expect(fillMongoCredentials(uri, creds)).toBe(uri);
    }
  });

  it('changes nothing when there are no local credentials', () => {
    expect(fillMongoCredentials('mongodb://127.0.0.1:27017', undefined)).toBe('mongodb://127.0.0.1:27017');
  });

  it('escapes characters a URI cannot carry as they are', () => {
    expect(fillMongoCredentials('mongodb://127.0.0.1', { user: 'a@b', password: 'p/w:x' })).toMatch(/^mongodb:\/\/a%40b:p%2Fw%3Ax@127\.0\.0\.1\//);
  });

  it('masks the user and password for logs', () => {
    expect(maskUri(fillMongoCredentials('mongodb://127.0.0.1:27017', creds))).toBe('mongodb://***@127.0.0.1:27017/?authMechanism=SCRAM-SHA-256&directConnection=true');
  });
});

describe('credentials file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erp-creds-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is created once, readable only by its owner, with a long random password, and then reused', () => {
    const file = path.join(dir, 'sub', 'mongo-credentials.json');
    const first = ensureCredentials(file);
    expect(first.created).toBe(true);
    expect(first.creds.user).toBe('erp_insights');
    expect(first.creds.password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(ensureCredentials(file)).toEqual({ creds: first.creds, created: false });
    expect(readCredentials(file)).toEqual(first.creds);
  });

  it('generates a different password each time', () => {
    expect(generatePassword()).not.toBe(generatePassword());
  });

  it('names the file when it is not a credentials file', () => {
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, '{"user": 1}');
    expect(() => readCredentials(file)).toThrow(/bad\.json is not a credentials file/);
  });
});

describe('loadConfig with local credentials', () => {
  const reader = (file: string) => (file === '/srv/erp/mongo-credentials.json' ? creds : undefined);

  it('uses them when MONGODB_URI is not set', () => {
    const c = loadConfig({ SERVICES_DIR: '/srv/erp' }, reader);
    expect(c.mongo.uri).toBe('mongodb://erp_insights:p4ss-w0rd_x@127.0.0.1:27017/?authMechanism=SCRAM-SHA-256&directConnection=true');
    expect(c.mongo.credentialsFile).toBe('/srv/erp/mongo-credentials.json');
  });

  it('fills a loopback MONGODB_URI on another port, and leaves a remote one alone', () => {
    expect(loadConfig({ SERVICES_DIR: '/srv/erp', MONGODB_URI: 'mongodb://127.0.0.1:27117' }, reader).mongo.uri).toMatch(/^mongodb:\/\/erp_insights:p4ss-w0rd_x@127\.0\.0\.1:27117\//);
    expect(loadConfig({ SERVICES_DIR: '/srv/erp', MONGODB_URI: 'mongodb+srv://u:p@c.example.net' }, reader).mongo.uri).toBe('mongodb+srv://u:p@c.example.net');
  });

  it('reports an unreadable credentials file as a configuration error', () => {
    const broken = () => {
      throw new Error('cannot read the local MongoDB credentials /srv/erp/mongo-credentials.json: EACCES');
    };
    expect(() => loadConfig({ SERVICES_DIR: '/srv/erp' }, broken)).toThrow(/Invalid configuration: cannot read the local MongoDB credentials/);
  });

  it('keeps the engine build in the per-user cache unless ENGINE_CACHE_DIR says otherwise', () => {
    expect(loadConfig({ HOME: '/home/ana' }, reader).paths.engineCache).toBe('/home/ana/.cache/erp-insights');
    expect(loadConfig({ HOME: '/home/ana', XDG_CACHE_HOME: '/xdg' }, reader).paths.engineCache).toBe('/xdg/erp-insights');
    expect(loadConfig({ ENGINE_CACHE_DIR: '/ci/cache' }, reader).paths.engineCache).toBe('/ci/cache');
  });
});

describe('engineSourcesHash', () => {
  const a = [{ name: 'x.tar.gz', bytes: Buffer.from('one') }, { name: 'y.tar.gz', bytes: Buffer.from('two') }];

  it('is stable for the same archives and recipe', () => {
    expect(engineSourcesHash(a)).toBe(engineSourcesHash(a.map((x) => ({ ...x, bytes: Buffer.from(x.bytes) }))));
    expect(engineSourcesHash(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with any byte, any name, or the build recipe', () => {
    const base = engineSourcesHash(a);
    expect(engineSourcesHash([a[0]!, { name: 'y.tar.gz', bytes: Buffer.from('twO') }])).not.toBe(base);
    expect(engineSourcesHash([a[0]!, { name: 'z.tar.gz', bytes: Buffer.from('two') }])).not.toBe(base);
    expect(engineSourcesHash(a, `${BUILD_RECIPE};changed`)).not.toBe(base);
  });
});

describe('filesToInstall', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'erp-install-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('lists staged files missing or different in the live directory, and nothing once they match', () => {
    const live = path.join(root, 'live', 'lib');
    const stage = path.join(root, 'stage');
    fs.mkdirSync(path.join(stage, live, 'sub'), { recursive: true });
    fs.mkdirSync(live, { recursive: true });
    fs.writeFileSync(path.join(stage, live, 'a.so'), 'new');
    fs.writeFileSync(path.join(stage, live, 'sub', 'b.sql'), 'b');
    fs.writeFileSync(path.join(live, 'a.so'), 'old'); // e.g. Debian's pg_cron over ours
    expect(filesToInstall(stage, [live]).map((f) => path.relative(live, f.to)).sort()).toEqual(['a.so', path.join('sub', 'b.sql')]);
    fs.writeFileSync(path.join(live, 'a.so'), 'new');
    fs.mkdirSync(path.join(live, 'sub'));
    fs.writeFileSync(path.join(live, 'sub', 'b.sql'), 'b');
    expect(filesToInstall(stage, [live])).toEqual([]);
  });
});

describe('checkDataDir', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erp-pgdata-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const files = () => engineFiles(loadConfig({ SERVICES_DIR: dir }, () => undefined), () => true);

  it('starts an empty or missing data dir from scratch and reuses one it made', () => {
    const f = files();
    expect(checkDataDir(f)).toBe('empty');
    fs.mkdirSync(f.pgdata, { recursive: true });
    fs.writeFileSync(path.join(f.pgdata, 'PG_VERSION'), '15\n');
    fs.writeFileSync(f.marker, '{}');
    expect(checkDataDir(f)).toBe('ours');
  });

  it('refuses, touching nothing, a data dir of another PostgreSQL version, another engine, or not PostgreSQL at all', () => {
    const f = files();
    fs.mkdirSync(f.pgdata, { recursive: true });
    fs.writeFileSync(path.join(f.pgdata, 'junk'), 'x');
    expect(() => checkDataDir(f)).toThrow(/is not a PostgreSQL data directory: .*reset/);
    fs.writeFileSync(path.join(f.pgdata, 'PG_VERSION'), '16\n');
    expect(() => checkDataDir(f)).toThrow(/made by PostgreSQL 16, this engine runs PostgreSQL 15/);
    fs.writeFileSync(path.join(f.pgdata, 'PG_VERSION'), '15\n');
    expect(() => checkDataDir(f)).toThrow(/did not make/);
    expect(fs.readdirSync(f.pgdata).sort()).toEqual(['PG_VERSION', 'junk']);
  });

  it('keeps the socket path within the unix socket limit', () => {
    expect(MAX_SOCKET_DIR).toBeLessThan(108 - '.s.PGSQL.9712'.length);
  });
});

describe('where the cluster lives', () => {
  it('under SERVICES_DIR when PostgreSQL can reach it', () => {
    expect(engineDir('/srv/clone/.cache/services', () => true)).toBe('/srv/clone/.cache/services/documentdb');
  });

  it("in PostgreSQL's home, one directory per SERVICES_DIR, when a directory above it is closed to others", () => {
    const a = engineDir('/root/clone/.cache/services', () => false);
    expect(a).toMatch(/^\/var\/lib\/postgresql\/erp-insights\/[0-9a-f]{12}$/);
    expect(engineDir('/root/clone/.cache/services', () => false)).toBe(a);
    expect(engineDir('/root/other/.cache/services', () => false)).not.toBe(a);
  });
});
