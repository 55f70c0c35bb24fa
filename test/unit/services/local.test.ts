import { resolveMode } from '../../../src/services/docker';
import { majorVersion } from '../../../src/services/install';
import { controllerPort, kafkaProperties } from '../../../src/services/kafka-local';
import { localDataDirs } from '../../../src/services/local';
import { loadConfig } from '../../../src/config';

const parse = (text: string) => Object.fromEntries(text.trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));

describe('kafkaProperties', () => {
  it('describes one KRaft node on the configured loopback endpoint, controller on the next port', () => {
    const p = parse(kafkaProperties({ host: '127.0.0.1', port: 9092 }, '/data/kafka'));
    expect(p['process.roles']).toBe('broker,controller');
    expect(p['controller.quorum.voters']).toBe('1@127.0.0.1:9093');
    expect(p.listeners).toBe('PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093');
    expect(p['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:9092');
    expect(p['log.dirs']).toBe('/data/kafka');
    expect(p['group.initial.rebalance.delay.ms']).toBe('0');
  });

  it('sets replication 1 for every internal topic (else consumers never find a group coordinator)', () => {
    const p = parse(kafkaProperties({ host: 'localhost', port: 19092 }, '/d'));
    for (const key of [
      'offsets.topic.replication.factor',
      'transaction.state.log.replication.factor',
      'transaction.state.log.min.isr',
      'share.coordinator.state.topic.replication.factor',
      'share.coordinator.state.topic.min.isr',
    ]) {
      expect(p[key]).toBe('1');
    }
    expect(p['controller.quorum.voters']).toBe('1@localhost:19093');
  });

  it("sizes the log cleaner's heap buffer for a small heap: 16 MB, not the default 128 MB", () => {
    const p = parse(kafkaProperties({ host: '127.0.0.1', port: 9092 }, '/d'));
    expect(Number(p['log.cleaner.dedupe.buffer.size'])).toBe(16 * 1024 * 1024);
  });

  it('brackets IPv6 loopback', () => {
    expect(controllerPort({ host: '::1', port: 9092 })).toBe(9093);
    expect(parse(kafkaProperties({ host: '::1', port: 9092 }, '/d')).listeners).toBe('PLAINTEXT://[::1]:9092,CONTROLLER://[::1]:9093');
  });
});

describe('resolveMode', () => {
  it('keeps an explicit mode and picks docker in auto mode only when an engine answers', () => {
    const never = () => {
      throw new Error('should not ask docker');
    };
    expect(resolveMode('local', never)).toBe('local');
    expect(resolveMode('docker', never)).toBe('docker');
    expect(resolveMode('auto', () => true)).toBe('docker');
    expect(resolveMode('auto', () => false)).toBe('local');
  });
});

describe('majorVersion', () => {
  it('reads the versions java, mvn and go print', () => {
    expect(majorVersion('openjdk version "17.0.15" 2025-04-15', /version "(\d+)/)).toBe(17);
    expect(majorVersion('java version "1.8.0_392"', /version "(\d+)/)).toBe(1);
    expect(majorVersion('Apache Maven 3.8.7', /Apache Maven (\d+)/)).toBe(3);
    expect(majorVersion('go version go1.26.8 linux/amd64', /go1\.(\d+)/)).toBe(26);
    expect(majorVersion('nothing here', /go1\.(\d+)/)).toBeUndefined();
  });
});

describe('localDataDirs', () => {
  it("names only the services' data under SERVICES_DIR: Kafka's log directory and the engine's cluster, not logs, credentials or certificates", () => {
    const cfg = loadConfig({ SERVICES_DIR: '/srv/erp-services' }, () => undefined);
    expect(localDataDirs(cfg)).toEqual([
      '/srv/erp-services/kafka/data',
      '/srv/erp-services/documentdb/pgdata',
      '/srv/erp-services/documentdb/pgdata.engine.json',
      '/srv/erp-services/ferretdb', // left by FerretDB before the engine replaced it
    ]);
  });
});
