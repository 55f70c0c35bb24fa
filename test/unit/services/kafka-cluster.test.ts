import {
  bootstrapList,
  checkBootstrap,
  formatBrokerLine,
  kafkaHeap,
  kafkaNodes,
  kafkaProperties,
  leadersByNode,
  parseClusterMarker,
  resolveBrokerCount,
  underReplicated,
} from '../../../src/services/kafka-cluster';

const parse = (text: string) => Object.fromEntries(text.trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));
const one = kafkaNodes({ host: '127.0.0.1', port: 9092 }, 1);
const three = kafkaNodes({ host: '127.0.0.1', port: 19092 }, 3);

describe('kafkaNodes', () => {
  it('puts one broker on the configured port and its controller on the next', () => {
    expect(one).toEqual([{ id: 1, broker: { host: '127.0.0.1', port: 9092 }, controller: { host: '127.0.0.1', port: 9093 }, secure: { host: '127.0.0.1', port: 9094 } }]);
  });

  it('gives each of three nodes its own id, broker port and controller port, two ports apart, then their SASL_SSL ports', () => {
    expect(three.map((n) => [n.id, n.broker.port, n.controller.port, n.secure.port])).toEqual([
      [1, 19092, 19093, 19098],
      [2, 19094, 19095, 19099],
      [3, 19096, 19097, 19100],
    ]);
  });

  it('refuses a broker count outside 1 to 5, naming --brokers', () => {
    expect(() => kafkaNodes({ host: '127.0.0.1', port: 9092 }, 0)).toThrow(/--brokers expects a whole number from 1 to 5, got 0/);
    expect(() => kafkaNodes({ host: '127.0.0.1', port: 9092 }, 6)).toThrow(/got 6/);
  });

  it('refuses a base port that leaves no room for every node', () => {
    expect(() => kafkaNodes({ host: '127.0.0.1', port: 65530 }, 3)).toThrow(/KAFKA_BROKERS port 65530 leaves no room for 3 brokers \(ports up to 65538\)/);
  });
});

describe('checkBootstrap', () => {
  it('accepts the first broker alone or every broker', () => {
    expect(checkBootstrap([{ host: '127.0.0.1', port: 19092 }], three)).toBeUndefined();
    expect(checkBootstrap(three.map((n) => n.broker), three)).toBeUndefined();
  });

  it('names a listed endpoint that is not one of the brokers, and the KAFKA_BROKERS to set', () => {
    const msg = checkBootstrap([{ host: '127.0.0.1', port: 19092 }, { host: '127.0.0.1', port: 19093 }], three);
    expect(msg).toContain('KAFKA_BROKERS lists 127.0.0.1:19093');
    expect(msg).toContain(`set KAFKA_BROKERS=${bootstrapList(three)}`);
    expect(bootstrapList(three)).toBe('127.0.0.1:19092,127.0.0.1:19094,127.0.0.1:19096');
  });
});

describe('kafkaProperties', () => {
  it('describes one KRaft node on the configured loopback endpoint, controller on the next port', () => {
    const p = parse(kafkaProperties(one[0]!, one, '/data/kafka'));
    expect(p['process.roles']).toBe('broker,controller');
    expect(p['node.id']).toBe('1');
    expect(p['controller.quorum.voters']).toBe('1@127.0.0.1:9093');
    expect(p.listeners).toBe('PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093');
    expect(p['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:9092');
    expect(p['log.dirs']).toBe('/data/kafka');
    expect(p['group.initial.rebalance.delay.ms']).toBe('0');
  });

  it('sets replication 1 for every internal topic of one node (else consumers never find a group coordinator)', () => {
    const p = parse(kafkaProperties(one[0]!, one, '/d'));
    for (const key of [
      'default.replication.factor',
      'min.insync.replicas',
      'offsets.topic.replication.factor',
      'transaction.state.log.replication.factor',
      'transaction.state.log.min.isr',
      'share.coordinator.state.topic.replication.factor',
      'share.coordinator.state.topic.min.isr',
    ]) {
      expect(p[key]).toBe('1');
    }
  });

  it('makes every node of three a controller voter, with its own id, listeners and log directory', () => {
    const props = three.map((n) => parse(kafkaProperties(n, three, `/d/kafka-${n.id}/data`)));
    const voters = '1@127.0.0.1:19093,2@127.0.0.1:19095,3@127.0.0.1:19097';
    expect(props.map((p) => p['controller.quorum.voters'])).toEqual([voters, voters, voters]);
    expect(props.map((p) => p['node.id'])).toEqual(['1', '2', '3']);
    expect(props[1]!.listeners).toBe('PLAINTEXT://127.0.0.1:19094,CONTROLLER://127.0.0.1:19095');
    expect(props[1]!['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:19094');
    expect(props[2]!['log.dirs']).toBe('/d/kafka-3/data');
  });

  it('replicates internal topics three times with min.insync.replicas 2 on three nodes, and never elects an out-of-sync leader', () => {
    const p = parse(kafkaProperties(three[0]!, three, '/d'));
    expect(p['default.replication.factor']).toBe('3');
    expect(p['offsets.topic.replication.factor']).toBe('3');
    expect(p['transaction.state.log.replication.factor']).toBe('3');
    expect(p['min.insync.replicas']).toBe('2');
    expect(p['transaction.state.log.min.isr']).toBe('2');
    expect(p['unclean.leader.election.enable']).toBe('false');
  });

  it('gives each of several brokers fewer request threads and a smaller heap than a single broker', () => {
    expect(parse(kafkaProperties(three[0]!, three, '/d'))['num.io.threads']).toBe('4');
    expect(parse(kafkaProperties(one[0]!, one, '/d'))['num.io.threads']).toBeUndefined();
    expect(kafkaHeap(1)).toEqual(['-Xms256m', '-Xmx512m']);
    expect(kafkaHeap(3)).toEqual(['-Xms128m', '-Xmx384m']);
  });

  it('opens no SASL_SSL listener unless asked', () => {
    const p = parse(kafkaProperties(one[0]!, one, '/d'));
    expect(p.listeners).not.toContain('SASL_SSL');
    expect(p['sasl.enabled.mechanisms']).toBeUndefined();
  });

  it('adds a SASL_SSL listener with SCRAM-SHA-512 logins and a PEM key store, brokers still talking plaintext among themselves', () => {
    const p = parse(kafkaProperties(three[1]!, three, '/d', { keystore: '/s/kafka-tls/server.pem' }));
    expect(p.listeners).toBe('PLAINTEXT://127.0.0.1:19094,CONTROLLER://127.0.0.1:19095,SASL_SSL://127.0.0.1:19099');
    expect(p['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:19094,SASL_SSL://127.0.0.1:19099');
    expect(p['listener.security.protocol.map']).toBe('PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL');
    expect(p['inter.broker.listener.name']).toBe('PLAINTEXT');
    expect(p['sasl.enabled.mechanisms']).toBe('SCRAM-SHA-512');
    expect(p['listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config']).toBe('org.apache.kafka.common.security.scram.ScramLoginModule required;');
    expect(p['listener.name.sasl_ssl.ssl.keystore.type']).toBe('PEM');
    expect(p['listener.name.sasl_ssl.ssl.keystore.location']).toBe('/s/kafka-tls/server.pem');
  });

  it("sizes the log cleaner's heap buffer for a small heap: 16 MB, not the default 128 MB", () => {
    expect(Number(parse(kafkaProperties(one[0]!, one, '/d'))['log.cleaner.dedupe.buffer.size'])).toBe(16 * 1024 * 1024);
  });

  it('brackets IPv6 loopback', () => {
    const v6 = kafkaNodes({ host: '::1', port: 9092 }, 1);
    const p = parse(kafkaProperties(v6[0]!, v6, '/d'));
    expect(p.listeners).toBe('PLAINTEXT://[::1]:9092,CONTROLLER://[::1]:9093');
    expect(p['controller.quorum.voters']).toBe('1@[::1]:9093');
  });
});

describe('resolveBrokerCount', () => {
  it('takes the count asked for, else the existing cluster\'s, else one', () => {
    expect(resolveBrokerCount(3, undefined)).toBe(3);
    expect(resolveBrokerCount(undefined, 3)).toBe(3);
    expect(resolveBrokerCount(3, 3)).toBe(3);
    expect(resolveBrokerCount(undefined, undefined)).toBe(1);
  });

  it('refuses a count other than the existing cluster\'s, naming services reset', () => {
    expect(() => resolveBrokerCount(1, 3)).toThrow(/created with 3 brokers, not 1: run `npm run services -- reset`.*up --brokers 1/);
    expect(() => resolveBrokerCount(3, 1)).toThrow(/created with 1 broker, not 3/);
  });
});

describe('parseClusterMarker', () => {
  it('reads what up writes', () => {
    const m = { brokers: 3, clusterId: 'abc', base: { host: '127.0.0.1', port: 19092 } };
    expect(parseClusterMarker(JSON.stringify(m), '/s/kafka-cluster.json')).toEqual(m);
  });

  it('names the file and services reset for anything else', () => {
    expect(() => parseClusterMarker('{"brokers": "three"}', '/s/kafka-cluster.json')).toThrow(/\/s\/kafka-cluster.json is not a Kafka cluster marker.*services -- reset/);
    expect(() => parseClusterMarker('not json', '/s/m.json')).toThrow(/\/s\/m.json/);
  });
});

describe('leadersByNode', () => {
  const meta = [
    { name: '__consumer_offsets', partitions: [{ partitionId: 0, leader: 1, isr: [1, 2, 3], replicas: [1, 2, 3] }] },
    { name: 'erp.sales', partitions: [
      { partitionId: 2, leader: 1, isr: [1, 2], replicas: [1, 2, 3] },
      { partitionId: 0, leader: 2, isr: [2, 3, 1], replicas: [2, 3, 1] },
      { partitionId: 1, leader: 1, isr: [1, 3, 2], replicas: [1, 3, 2] },
    ] },
    { name: 'erp.dlq', partitions: [{ partitionId: 0, leader: -1, isr: [], replicas: [3] }] },
  ];

  it('lists each node\'s partitions in order, leaving out internal topics and leaderless partitions', () => {
    const m = leadersByNode(meta);
    expect(m.get(1)).toEqual(['erp.sales/1', 'erp.sales/2']);
    expect(m.get(2)).toEqual(['erp.sales/0']);
    expect(m.has(3)).toBe(false);
  });

  it('finds partitions with fewer in-sync replicas than replicas', () => {
    expect(underReplicated(meta)).toEqual(['erp.sales/2', 'erp.dlq/0']);
  });
});

describe('formatBrokerLine', () => {
  it('shows the broker, its process and the first partitions it leads, then a count', () => {
    const leads = ['t/0', 't/1', 't/2', 't/3'];
    expect(formatBrokerLine(three[1]!, 'pid 42', leads, 2)).toBe('broker 2  127.0.0.1:19094  pid 42  leads 4 partitions: t/0, t/1 … (+2)');
    expect(formatBrokerLine(three[0]!, 'pid 7', [])).toBe('broker 1  127.0.0.1:19092  pid 7  leads no partition');
    expect(formatBrokerLine(three[2]!, 'DIED (pid 9)', undefined)).toContain('leaders unknown');
  });
});
