import { explainMongoFailure, explainMongoUri, parseMongoUri } from '../../../../src/pipeline/adapters/mongo-uri';

const atlas = 'mongodb+srv://analyst:s3cret@cluster0.ab1cd.mongodb.net/?retryWrites=true&w=majority&appName=erp';
const localTls = 'mongodb://erp_insights:pw@127.0.0.1:27018/?tls=true&tlsCAFile=/s/mongo-tls/ca.crt&authMechanism=SCRAM-SHA-256';
const masked = 'mongodb://***@127.0.0.1:27018/';

describe('parseMongoUri', () => {
  it('reads a mongodb+srv URI: one DNS name, TLS on by default, the user without the password', () => {
    const u = parseMongoUri(atlas);
    expect(u).toMatchObject({ srv: true, hosts: ['cluster0.ab1cd.mongodb.net'], user: 'analyst', tls: true, tlsCAFile: undefined });
    expect(JSON.stringify(u)).not.toContain('s3cret');
    expect(parseMongoUri('mongodb+srv://cluster0.example.net/?tls=false').tls).toBe(false);
  });

  it('reads TLS and its CA file from a mongodb URI, ssl being the old name of tls', () => {
    expect(parseMongoUri(localTls)).toMatchObject({ srv: false, hosts: ['127.0.0.1:27018'], tls: true, tlsCAFile: '/s/mongo-tls/ca.crt' });
    expect(parseMongoUri('mongodb://h1:27017,h2:27017/?ssl=true').tls).toBe(true);
    expect(parseMongoUri('mongodb://127.0.0.1:27017').tls).toBe(false);
  });

  it('refuses a mongodb+srv URI with a port or several hosts, naming MONGODB_URI', () => {
    expect(() => parseMongoUri('mongodb+srv://cluster0.example.net:27017/')).toThrow(/MONGODB_URI: a mongodb\+srv:\/\/ URI names one host without a port/);
    expect(() => parseMongoUri('mongodb+srv://a.example.net,b.example.net/')).toThrow(/one host/);
  });
});

describe('explainMongoUri', () => {
  it('explains where a mongodb+srv URI finds its servers and that TLS is on', () => {
    const lines = explainMongoUri(atlas);
    expect(lines[0]).toContain('DNS SRV record _mongodb._tcp.cluster0.ab1cd.mongodb.net');
    expect(lines[1]).toContain('TLS is on unless the URI says tls=false');
    expect(lines).toContain('login: user analyst');
    expect(lines).toContain('TLS: on, trusting the system CAs (set tlsCAFile=<ca.pem> for a private CA)');
  });

  it('names the CA file a TLS mongodb URI trusts', () => {
    expect(explainMongoUri(localTls)).toEqual(['servers: 127.0.0.1:27018', 'login: user erp_insights (SCRAM-SHA-256)', 'TLS: on, trusting the CA in /s/mongo-tls/ca.crt']);
  });
});

describe('explainMongoFailure', () => {
  const opts = { masked, localCa: '/s/mongo-tls/ca.crt' };

  it('names tlsCAFile for an untrusted certificate, and the local CA', () => {
    const msg = explainMongoFailure('self-signed certificate in certificate chain', 'mongodb://u:p@127.0.0.1:27018/?tls=true', opts)!;
    expect(msg).toContain('is not trusted (self-signed certificate; no tlsCAFile');
    expect(msg).toContain('add tlsCAFile=<the CA\'s PEM file> to MONGODB_URI (the local engine\'s: /s/mongo-tls/ca.crt)');
    expect(msg).not.toContain('u:p');
  });

  it('names tls=true for a plaintext client cut off by a TLS port', () => {
    expect(explainMongoFailure('connection 1 to 127.0.0.1:27018 closed', 'mongodb://u:p@127.0.0.1:27018/', opts)).toContain('add tls=true and tlsCAFile=');
  });

  it('says a TLS client met a plaintext port', () => {
    expect(explainMongoFailure('Client network socket disconnected before secure TLS connection was established', localTls, opts)).toContain('MONGODB_URI asks for TLS but MongoDB at mongodb://***@127.0.0.1:27018/ does not answer TLS on that port');
  });

  it('explains a missing SRV record', () => {
    expect(explainMongoFailure('querySrv ENOTFOUND _mongodb._tcp.cluster0.ab1cd.mongodb.net', atlas, opts)).toMatch(/looks up the DNS SRV record _mongodb._tcp.cluster0.ab1cd.mongodb.net, and that failed \(querySrv ENOTFOUND/);
  });

  it('leaves a server that is down unexplained: it may come back', () => {
    expect(explainMongoFailure('connect ECONNREFUSED 127.0.0.1:27017', 'mongodb://127.0.0.1:27017', opts)).toBeUndefined();
  });
});
