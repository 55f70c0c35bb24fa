/** CLI: benchmarks. Results go to stdout and, with --write, to a file of their own in docs/benchmarks/ with the machine and date. */
import fs from 'node:fs';
import path from 'node:path';
import { intOption, parseCli, runMain, UsageError } from '../src/cli/args';
import { loadConfig } from '../src/config';
import { maskUri } from '../src/config/credentials';
import { createLogger } from '../src/log';
import { ensureServices } from '../src/services';
import { loadErpData } from '../src/pipeline/source/load';
import { benchIngestOnClusters, describeReplicationCost, formatIngestRows, machineLine } from '../src/bench/ingest';
import { benchDatasets } from '../src/bench/datasets';
import { benchWarehouse, formatWarehouseRows } from '../src/bench/warehouse';
import { benchLatency, benchScoring, benchTraining } from '../src/bench/reco';
import { benchReport } from '../src/bench/report';
import { benchDashboard } from '../src/bench/dashboard';
import { benchRender } from '../src/bench/render';
import { benchBurst } from '../src/bench/burst';
import { onClusters, parseBrokerCounts } from '../src/bench/clusters';

const suites = ['ingest', 'warehouse', 'reco', 'report', 'dashboard', 'render', 'burst'] as const;

/** docs/benchmarks/<date>-<suite>.md, or -2, -3, … after the day's earlier runs of the suite. */
function runFile(dir: string, date: string, suite: string): string {
  fs.mkdirSync(dir, { recursive: true });
  for (let n = 1; ; n++) {
    const file = path.join(dir, `${date}-${suite}${n === 1 ? '' : `-${n}`}.md`);
    if (!fs.existsSync(file)) return file;
  }
}

runMain(async () => {
  const cli = parseCli({
    name: 'bench',
    summary: `Measure speed on this machine. Suites: ${suites.join(', ')}.`,
    usage: 'npm run bench -- <suite> [options]',
    positionals: true,
    options: {
      lines: { type: 'string', arg: 'N', description: 'Generated lines for the large run (0 = Superstore only)', default: '1000000' },
      'warm-up': { type: 'string', arg: 'S', description: 'reco: seconds of sales at the measured rate before the latency is measured', default: '120' },
      duration: { type: 'string', arg: 'S', description: 'dashboard: seconds of load per page and connection count', default: '30' },
      brokers: { type: 'string', arg: 'N[,N]', description: 'ingest, reco: run on Kafka clusters of these sizes, e.g. 1,3 (the configured cluster when its size matches, else a scratch cluster on free loopback ports, started and removed by the run; topics get RF min(3, N), acks=all); default: the configured cluster' },
      write: { type: 'boolean', description: 'Record the run in docs/benchmarks/<date>-<suite>.md (then update its rows in BENCHMARKS.md)' },
    },
    examples: ['npm run bench -- ingest --write', 'npm run bench -- ingest --brokers 1,3 --lines 1000000', 'npm run bench -- reco --brokers 3', 'npm run bench -- ingest --lines 100000', 'npm run bench -- warehouse --lines 100000 --write', 'npm run bench -- reco --write', 'npm run bench -- dashboard --duration 10', 'npm run bench -- render', 'npm run bench -- burst --write'],
  });
  if (!cli) return 0;
  const suite = cli.positionals[0] ?? 'ingest';
  if (!(suites as readonly string[]).includes(suite)) throw new UsageError(`unknown suite "${suite}" (have: ${suites.join(', ')})`);
  if (cli.values.brokers !== undefined && suite !== 'ingest' && suite !== 'reco') throw new UsageError('--brokers is for the ingest and reco suites');
  let brokerCounts: number[] | undefined;
  try {
    brokerCounts = typeof cli.values.brokers === 'string' ? parseBrokerCounts(cli.values.brokers) : undefined;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const cfg = loadConfig();
  const log = createLogger(cfg.logLevel, 'bench');
  await ensureServices(cfg, log);
  const lines = intOption(cli.values.lines, 'lines', 0)!;
  const notes: string[] = [];

  const runs = await benchDatasets(cfg, suite === 'report' || suite === 'dashboard' || suite === 'render' || suite === 'burst' ? 0 : lines, log);
  let table: string;
  if (suite === 'ingest') {
    const rows = await benchIngestOnClusters(cfg, runs, brokerCounts, log);
    table = formatIngestRows(rows);
    notes.push(...describeReplicationCost(rows).map((l) => `- Replication: ${l}`));
  } else if (suite === 'warehouse') {
    const rows = [];
    for (const [file, label] of runs) rows.push(await benchWarehouse(cfg, file, label, log));
    table = formatWarehouseRows(rows);
  } else if (suite === 'report') {
    table = await benchReport(cfg, log);
  } else if (suite === 'render') {
    table = await benchRender(cfg, log);
  } else if (suite === 'burst') {
    table = await benchBurst(cfg, log);
  } else if (suite === 'dashboard') {
    table = await benchDashboard(cfg, log, { durationSeconds: intOption(cli.values.duration, 'duration', 1)!, connections: [10, 50] });
  } else {
    const f = (x: number, d = 1) => x.toFixed(d);
    const lines = ['| measure | data | result | target |', '|---|---|---|---|'];
    // Latency first, while this process (the load generator and the reader) is fresh: after training on a million
    // lines its heap is large, and its garbage collections would be counted as the service's latency.
    const superstore = (await loadErpData()).data;
    const latency = await onClusters(cfg, brokerCounts, log, async (c, kafka) => ({ kafka, l: await benchLatency(c, superstore, log, 500, 20, intOption(cli.values['warm-up'], 'warm-up', 0)!) }));
    for (const [file, label] of runs) {
      const t = await benchTraining(file, label, log, file ? 1 : 7);
      lines.push(`| training (${file ? 'one run' : 'median of 7 warm runs; first run in brackets'}) | ${label}: ${t.lines.toLocaleString('en-US')} lines, ${t.products.toLocaleString('en-US')} products | ${file ? `${f(t.firstMs / 1000, 2)} s` : `${f(t.medianMs)} ms (${f(t.firstMs)} ms)`} | ${file ? '< 10 s at 1,000,000 lines' : '< 200 ms'} |`);
    }
    const s = benchScoring(superstore);
    lines.push(`| scoring one sale | Superstore, all ${s.sales.toLocaleString('en-US')} sales | p50 ${f(s.p50Ms, 3)} ms, p99 ${f(s.p99Ms, 3)} ms | < 1 ms |`);
    for (const { kafka, l } of latency) {
      const on = kafka ? `, Kafka: ${kafka}` : '';
      lines.push(`| sale produced → recommendation on the topic, steady state${on} | ${l.sales.toLocaleString('en-US')} live sales at ${l.rate}/s after ${l.warmUpSeconds} s at that rate, ${l.received.toLocaleString('en-US')} received | p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms, max ${l.maxMs} ms | p99 < 100 ms at 500/s |`);
      lines.push(`| the same, p99 of each stage | produced → scored (way in, fetch, scoring); scored → record made; record → read (produce, broker, reader's fetch) | ${l.stageP99Ms.scored} ms; ${l.stageP99Ms.sent} ms; ${l.stageP99Ms.read} ms | — |`);
      lines.push(`| the same, the first ${l.coldSeconds} s from a cold start (not counted above) | ${l.coldSales.toLocaleString('en-US')} live sales | p99 ${l.coldP99Ms} ms | — |`);
      if (l.warmUpWindowsP99Ms.length > 1) lines.push(`| the same, p99 of each ${l.windowSeconds} s of the warm-up (not counted above) | ${l.warmUpSeconds} s at ${l.rate}/s | ${l.warmUpWindowsP99Ms.join(', ')} ms | — |`);
    }
    table = lines.join('\n');
  }
  if (notes.length) table = `${table}\n\n${notes.join('\n')}`;
  console.log(table);
  if (cli.values.write) {
    const date = new Date().toISOString().slice(0, 10);
    const file = runFile(path.join(cfg.paths.root, 'docs', 'benchmarks'), date, suite);
    const kafkaLine = brokerCounts ? `Kafka clusters of ${brokerCounts.join(' and ')} broker(s) (${cfg.kafka.partitions} partitions; see the table)` : `Kafka ${cfg.kafka.brokers.join(',')} (${cfg.kafka.partitions} partitions)`;
    fs.writeFileSync(file, `# ${suite} · ${date} · ${machineLine()}\n${kafkaLine}, MongoDB-wire ${maskUri(cfg.mongo.uri)}\n\n${table}\n`, { flag: 'wx' });
    console.log(`recorded in ${path.relative(cfg.paths.root, file)}: update the ${suite} rows of BENCHMARKS.md (figure, date, machine, link) if they are the latest`);
  }
  return 0;
});
