import { loadConfig } from '../../../src/config';
import { scratchConfig } from '../../../src/services/scratch-kafka';
import { kafkaNodes } from '../../../src/services/kafka-cluster';

describe('scratchConfig', () => {
  const managed = loadConfig(
    { KAFKA_BROKERS: 'b1.example.net:9093', KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_REPLICATION_FACTOR: '1', SERVICES_DIR: '/srv/erp' },
    () => undefined,
  );

  it("points at the scratch cluster's plaintext listeners, with the replication its size gives", () => {
    const cluster = { nodes: kafkaNodes({ host: '127.0.0.1', port: 39092 }, 3), dir: '/tmp/x', libs: '/tmp/libs' };
    const c = scratchConfig(managed, { brokers: '127.0.0.1:39092,127.0.0.1:39094,127.0.0.1:39096', cluster });
    expect(c.kafka).toMatchObject({ brokers: ['127.0.0.1:39092', '127.0.0.1:39094', '127.0.0.1:39096'], ssl: false, sasl: undefined, sslCaFile: undefined, replicationFactor: 3 });
    expect(c.mongo).toBe(managed.mongo);
  });
});
