import { kafkaEnv, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('defaults to the local services', () => {
    const c = loadConfig({ SERVICES_DIR: '/srv/erp' }, () => undefined);
    expect(c.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(c.mongo).toEqual({ uri: 'mongodb://127.0.0.1:27017', db: 'erp', credentialsFile: '/srv/erp/mongo-credentials.json' });
    expect(c.kafka.partitions).toBe(3);
  });

  it('accepts a cluster with SASL/SSL and MongoDB Atlas', () => {
    const c = loadConfig({
      KAFKA_BROKERS: 'b1.example.net:9093, b2.example.net:9093',
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
      MONGODB_URI: 'mongodb+srv://u:p@cluster0.example.net/?retryWrites=true',
    });
    expect(c.kafka.brokers).toEqual(['b1.example.net:9093', 'b2.example.net:9093']);
    expect(c.kafka.ssl).toBe(true);
    expect(c.kafka.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'u', password: 'p' });
  });

  it('takes a private CA for TLS to the brokers, as an absolute path, and leaves replication to the cluster size unless set', () => {
    const c = loadConfig({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: __filename }, () => undefined);
    expect(c.kafka.sslCaFile).toBe(__filename);
    expect(c.kafka.replicationFactor).toBeUndefined();
    expect(loadConfig({ KAFKA_REPLICATION_FACTOR: '2' }, () => undefined).kafka.replicationFactor).toBe(2);
  });

  it('refuses a CA file without KAFKA_SSL, or one that does not exist, naming KAFKA_SSL_CA_FILE', () => {
    expect(() => loadConfig({ KAFKA_SSL_CA_FILE: __filename }, () => undefined)).toThrow(/KAFKA_SSL_CA_FILE is set but KAFKA_SSL is false: set KAFKA_SSL=true/);
    expect(() => loadConfig({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/nowhere/ca.crt' }, () => undefined)).toThrow(/KAFKA_SSL_CA_FILE="\/nowhere\/ca.crt": no such file/);
  });

  it('fails fast naming each bad variable and what it expects', () => {
    expect(() => loadConfig({ KAFKA_BROKERS: 'localhost', KAFKA_PARTITIONS: 'three', MONGODB_URI: 'postgres://x' })).toThrow(
      /KAFKA_BROKERS="localhost": expected host:port[\s\S]*KAFKA_PARTITIONS="three": expected a positive whole number of partitions[\s\S]*MONGODB_URI="postgres:\/\/x": expected a mongodb:\/\/ or mongodb\+srv:\/\//,
    );
  });

  it('requires SASL credentials when a mechanism is set', () => {
    expect(() => loadConfig({ KAFKA_SASL_MECHANISM: 'plain' })).toThrow(/KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required/);
  });

  it('sizes the dashboard view cache in whole MB, 64 by default', () => {
    expect(loadConfig({}, () => undefined).dashboard.cacheMb).toBe(64);
    expect(loadConfig({ DASHBOARD_CACHE_MB: '8' }, () => undefined).dashboard.cacheMb).toBe(8);
    for (const bad of ['0', '-1', '0.5', 'lots']) {
      expect(() => loadConfig({ DASHBOARD_CACHE_MB: bad }, () => undefined)).toThrow(`DASHBOARD_CACHE_MB=${JSON.stringify(bad)}: expected a cache size in whole MB, 1 or more`);
    }
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ MONGODB_DB: '' }).mongo.db).toBe('erp');
  });
});

describe('kafkaEnv', () => {
  it('gives a child process the same Kafka settings, clearing what is unset', () => {
    const c = loadConfig({ KAFKA_BROKERS: 'a:1,b:2', KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_PARTITIONS: '6' }, () => undefined);
    const env = kafkaEnv(c.kafka);
    expect(env).toMatchObject({ KAFKA_BROKERS: 'a:1,b:2', KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '', KAFKA_REPLICATION_FACTOR: '' });
    expect(loadConfig(env, () => undefined).kafka).toEqual(c.kafka);
    const plain = loadConfig({ ...env, ...kafkaEnv(loadConfig({}, () => undefined).kafka) }, () => undefined).kafka;
    expect(plain).toMatchObject({ ssl: false, sasl: undefined, partitions: 3 });
  });
});
