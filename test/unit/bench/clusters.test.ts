import { clusterLabel, parseBrokerCounts } from '../../../src/bench/clusters';
import { describeReplicationCost, type IngestBenchResult } from '../../../src/bench/ingest';
import { durabilityFor } from '../../../src/pipeline/adapters/topic-settings';

describe('parseBrokerCounts', () => {
  it('takes broker counts separated by commas, in order, each once', () => {
    expect(parseBrokerCounts('1,3')).toEqual([1, 3]);
    expect(parseBrokerCounts(' 3 , 1 ,3')).toEqual([3, 1]);
    expect(parseBrokerCounts('3')).toEqual([3]);
  });

  it.each(['', '0', '1,,3', 'three', '6', '1.5', '-1'])('refuses %j, naming the accepted range', (v) => {
    expect(() => parseBrokerCounts(v)).toThrow(/--brokers expects broker counts from 1 to 5 separated by commas \(e\.g\. 1,3\)/);
  });
});

describe('clusterLabel', () => {
  it('states brokers, replication, min.insync.replicas and acks, and whether the run started the cluster', () => {
    expect(clusterLabel(1, durabilityFor(1), false)).toBe('1 broker, RF 1, min ISR 1, acks=all');
    expect(clusterLabel(3, durabilityFor(3), true)).toBe('3 brokers, RF 3, min ISR 2, acks=all (scratch cluster)');
  });
});

describe('describeReplicationCost', () => {
  const row = (dataset: string, kafka: string, e2e: number, lines: number, producer: number, alone: number): IngestBenchResult => ({
    dataset,
    kafka,
    lines: 1000,
    messages: 600,
    documents: 1600,
    loadSeconds: 0,
    producerPerSecond: producer,
    endToEndSeconds: e2e,
    endToEndLinesPerSecond: lines,
    endToEndDocsPerSecond: 0,
    directSeconds: 0,
    directDocsPerSecond: 1,
    bareDocsPerSecond: 1,
    peakRssMb: 0,
    producerAlone: { perSecond: alone, peakRssMb: 0, cappedPeakRssMb: 0 },
  });

  it('compares each cluster with the first one a data set ran on', () => {
    const rows = [row('generated', '1 broker', 10, 10000, 20000, 16000), row('generated', '3 brokers', 15, 6667, 12000, 8000)];
    expect(describeReplicationCost(rows)).toEqual([
      'generated, 3 brokers against 1 broker: end-to-end 10.0 s → 15.0 s (+50 % time; 10,000 → 6,667 lines/s), producer 20,000 → 12,000 msg/s (−40 %), `npm run produce` alone 16,000 → 8,000 msg/s (−50 %).',
    ]);
  });

  it('says nothing when every data set ran on one cluster', () => {
    expect(describeReplicationCost([row('Superstore', '1 broker', 1, 1, 1, 1), row('generated', '1 broker', 1, 1, 1, 1)])).toEqual([]);
  });
});
