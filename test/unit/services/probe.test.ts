import net from 'node:net';
import {
  ServiceTimeoutError,
  formatEndpoint,
  isLoopback,
  isPortOpen,
  kafkaEndpoint,
  mongoEndpoint,
  parseHostPort,
  randomClusterId,
  waitFor,
} from '../../../src/services/probe';

describe('parseHostPort', () => {
  it('parses host:port, IPv6 in brackets and a default port', () => {
    expect(parseHostPort('127.0.0.1:9092')).toEqual({ host: '127.0.0.1', port: 9092 });
    expect(parseHostPort(' localhost:27018 ')).toEqual({ host: 'localhost', port: 27018 });
    expect(parseHostPort('[::1]:9092')).toEqual({ host: '::1', port: 9092 });
    expect(parseHostPort('db.example.net', 27017)).toEqual({ host: 'db.example.net', port: 27017 });
  });

  it('rejects what is not host:port', () => {
    expect(() => parseHostPort('localhost')).toThrow(/expected host:port/);
    expect(() => parseHostPort('host:99999')).toThrow(/expected host:port/);
    expect(() => parseHostPort('')).toThrow(/expected host:port/);
  });
});

describe('mongoEndpoint', () => {
  it('takes the first host of a mongodb:// URI, default port 27017, ignoring credentials and options', () => {
    expect(mongoEndpoint('mongodb://127.0.0.1:27017')).toEqual({ host: '127.0.0.1', port: 27017 });
    expect(mongoEndpoint('mongodb://localhost/erp?retryWrites=false')).toEqual({ host: 'localhost', port: 27017 });
    expect(mongoEndpoint('mongodb://u:p%40ss@h1:1,h2:2/db')).toEqual({ host: 'h1', port: 1 });
    expect(mongoEndpoint('mongodb://[::1]:27019')).toEqual({ host: '::1', port: 27019 });
  });

  it('has no endpoint for mongodb+srv:// (DNS-discovered, always remote)', () => {
    expect(mongoEndpoint('mongodb+srv://user:pw@cluster0.example.net/erp')).toBeUndefined();
  });
});

describe('kafkaEndpoint / isLoopback / formatEndpoint', () => {
  it('uses the first broker', () => {
    expect(kafkaEndpoint(['127.0.0.1:9094', 'other:9092'])).toEqual({ host: '127.0.0.1', port: 9094 });
    expect(() => kafkaEndpoint([])).toThrow(/KAFKA_BROKERS/);
  });

  it('knows loopback hosts', () => {
    for (const h of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '::1', '[::1]']) expect(isLoopback(h)).toBe(true);
    for (const h of ['10.0.0.5', 'kafka', 'broker.example.net', '0.0.0.0', '128.0.0.1']) expect(isLoopback(h)).toBe(false);
  });

  it('brackets IPv6 hosts', () => {
    expect(formatEndpoint({ host: '::1', port: 9092 })).toBe('[::1]:9092');
    expect(formatEndpoint({ host: '127.0.0.1', port: 9092 })).toBe('127.0.0.1:9092');
  });
});

describe('isPortOpen', () => {
  it('is true for a listening port and false once it is closed', async () => {
    const server = net.createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as net.AddressInfo;
    expect(await isPortOpen('127.0.0.1', port)).toBe(true);
    await new Promise((r) => server.close(r));
    expect(await isPortOpen('127.0.0.1', port, 500)).toBe(false);
  });
});

describe('waitFor', () => {
  it('returns once the check passes, tolerating errors before', async () => {
    let calls = 0;
    const check = async () => {
      calls++;
      if (calls === 1) throw new Error('connection refused');
      return calls >= 3;
    };
    await expect(waitFor(check, { what: 'thing', timeoutMs: 5000, intervalMs: 5 })).resolves.toBeGreaterThanOrEqual(0);
    expect(calls).toBe(3);
  });

  it('times out naming what it waited for, the last error and the log file', async () => {
    const check = async (): Promise<boolean> => {
      throw new Error('ECONNREFUSED');
    };
    const wait = waitFor(check, { what: 'Kafka on 127.0.0.1:9092', timeoutMs: 30, intervalMs: 5, logFile: '/tmp/kafka.log' });
    await expect(wait).rejects.toThrow(ServiceTimeoutError);
    await expect(wait).rejects.toThrow(/Kafka on 127\.0\.0\.1:9092 not ready after .*ECONNREFUSED.*see \/tmp\/kafka\.log/);
  });

  it('stops early when abortIf gives a reason', async () => {
    const wait = waitFor(async () => false, { what: 'ferretdb', timeoutMs: 60000, intervalMs: 5, abortIf: () => 'the process exited', logFile: 'f.log' });
    await expect(wait).rejects.toThrow('ferretdb did not become ready: the process exited; see f.log');
  });
});

describe('randomClusterId', () => {
  it('is 22 base64url characters and never starts with a dash', () => {
    const dashFirst = Buffer.from([0xf8, ...Array<number>(15).fill(0)]); // base64url "-A..."
    const fine = Buffer.alloc(16, 7);
    const queue = [dashFirst, fine];
    const id = randomClusterId(() => queue.shift()!);
    expect(dashFirst.toString('base64url').startsWith('-')).toBe(true);
    expect(id).toBe(fine.toString('base64url'));
    expect(randomClusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});
