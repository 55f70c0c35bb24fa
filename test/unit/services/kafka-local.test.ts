import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allKafkaManaged, clusterMarkerFile, existingBrokerCount, kafkaDataPaths, kafkaPorts, localKafkaAt, nodeFiles } from '../../../src/services/kafka-local';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-local-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const at = (port: number, requested?: number) => localKafkaAt({ dir, libs: '/libs', configured: [{ host: '127.0.0.1', port }], requested });
const writeMarker = (brokers: number, port = 19092) =>
  fs.writeFileSync(clusterMarkerFile(dir), JSON.stringify({ brokers, clusterId: 'id', base: { host: '127.0.0.1', port } }));
const formatSingle = () => {
  fs.mkdirSync(path.join(dir, 'kafka', 'data'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'kafka', 'data', 'meta.properties'), 'node.id=1\n');
};

describe('the local Kafka in SERVICES_DIR', () => {
  it('is one broker when nothing exists and nothing is asked', () => {
    expect(existingBrokerCount(dir)).toBeUndefined();
    expect(at(9092).nodes).toHaveLength(1);
  });

  it('keeps the names a single broker always had: kafka/, kafka.pid, kafka.log', () => {
    const f = nodeFiles(dir, 1, 1);
    expect([f.data, f.managed.pidFile, f.managed.logFile]).toEqual([path.join(dir, 'kafka', 'data'), path.join(dir, 'kafka.pid'), path.join(dir, 'kafka.log')]);
    expect(nodeFiles(dir, 3, 2).managed.pidFile).toBe(path.join(dir, 'kafka-2.pid'));
  });

  it('remembers a cluster from its marker: a later up without --brokers gets the same nodes, on the ports it was made with', () => {
    writeMarker(3, 19092);
    expect(existingBrokerCount(dir)).toBe(3);
    const k = at(19092);
    expect(k.nodes.map((n) => n.broker.port)).toEqual([19092, 19094, 19096]);
  });

  it('refuses another count than the existing cluster\'s, naming services reset', () => {
    writeMarker(3);
    expect(() => at(19092, 1)).toThrow(/created with 3 brokers, not 1: run `npm run services -- reset`/);
    fs.rmSync(clusterMarkerFile(dir));
    formatSingle();
    expect(existingBrokerCount(dir)).toBe(1);
    expect(() => at(9092, 3)).toThrow(/created with 1 broker, not 3/);
  });

  it('refuses a KAFKA_BROKERS outside the remembered cluster, with the value to set', () => {
    writeMarker(3, 19092);
    expect(() => at(29092)).toThrow(/KAFKA_BROKERS lists 127.0.0.1:29092.*set KAFKA_BROKERS=127.0.0.1:19092,127.0.0.1:19094,127.0.0.1:19096/);
  });

  it('stops and deletes every node a cluster has, and the single broker, whatever is asked now', () => {
    writeMarker(3);
    expect(allKafkaManaged(dir).map((m) => m.name)).toEqual(['kafka', 'kafka-1', 'kafka-2', 'kafka-3']);
    expect(kafkaDataPaths(dir)).toEqual([
      path.join(dir, 'kafka', 'data'),
      path.join(dir, 'kafka-1', 'data'),
      path.join(dir, 'kafka-2', 'data'),
      path.join(dir, 'kafka-3', 'data'),
      clusterMarkerFile(dir),
    ]);
  });

  it('reserves the SASL_SSL port of a node to be formatted, not of one formatted before the listener existed', () => {
    expect(kafkaPorts(at(9092)).map(([p]) => p)).toEqual([9092, 9093, 9094]);
    formatSingle();
    expect(kafkaPorts(at(9092)).map(([p]) => p)).toEqual([9092, 9093]);
  });
});
