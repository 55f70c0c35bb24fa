import { resolveMode } from '../../../src/services/docker';
import { majorVersion } from '../../../src/services/install';
import { localDataDirs } from '../../../src/services/local';
import { loadConfig } from '../../../src/config';

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
      '/srv/erp-services/kafka-cluster.json', // a multi-broker cluster's marker (its nodes' data when it exists)
      '/srv/erp-services/documentdb/pgdata',
      '/srv/erp-services/documentdb/pgdata.engine.json',
      '/srv/erp-services/ferretdb', // left by FerretDB before the engine replaced it
    ]);
  });
});
