/** CLI: benchmarks. Results go to stdout and, with --write, into BENCHMARKS.md with the machine and date. */
import fs from 'node:fs';
import path from 'node:path';
import { intOption, parseCli, runMain, UsageError } from '../src/cli/args';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/log';
import { ensureServices } from '../src/services';
import { writeGeneratedCsv } from '../src/pipeline/source/generate-file';
import { benchIngest, formatIngestRows, machineLine } from '../src/bench/ingest';
import { benchWarehouse, formatWarehouseRows } from '../src/bench/warehouse';
import { createProgress } from '../src/cli/progress';

const suites = ['ingest', 'warehouse'] as const;

runMain(async () => {
  const cli = parseCli({
    name: 'bench',
    summary: `Measure speed on this machine. Suites: ${suites.join(', ')}.`,
    usage: 'npm run bench -- <suite> [options]',
    positionals: true,
    options: {
      lines: { type: 'string', arg: 'N', description: 'Generated lines for the large run (0 = Superstore only)', default: '1000000' },
      write: { type: 'boolean', description: 'Record the results in BENCHMARKS.md' },
    },
    examples: ['npm run bench -- ingest --write', 'npm run bench -- ingest --lines 100000', 'npm run bench -- warehouse --lines 100000 --write'],
  });
  if (!cli) return 0;
  const suite = cli.positionals[0] ?? 'ingest';
  if (!(suites as readonly string[]).includes(suite)) throw new UsageError(`unknown suite "${suite}" (have: ${suites.join(', ')})`);
  const cfg = loadConfig();
  const log = createLogger(cfg.logLevel, 'bench');
  await ensureServices(cfg, log);
  const lines = intOption(cli.values.lines, 'lines', 0)!;

  const runs: [string | undefined, string][] = [[undefined, 'Superstore']];
  if (lines > 0) {
    const file = path.join(cfg.paths.data, 'generated', `superstore-${lines}-s42.csv`);
    if (!fs.existsSync(file)) {
      const p = createProgress('generate', lines);
      await writeGeneratedCsv(file, { lines, seed: 42 }, (n) => p.update(n));
      p.stop();
    }
    runs.push([file, `generated ${lines.toLocaleString('en-US')} lines (seed 42)`]);
  }
  let table: string;
  if (suite === 'ingest') {
    const rows = [];
    for (const [file, label] of runs) rows.push(await benchIngest(cfg, file, label, log));
    table = formatIngestRows(rows);
  } else {
    const rows = [];
    for (const [file, label] of runs) rows.push(await benchWarehouse(cfg, file, label, log));
    table = formatWarehouseRows(rows);
  }
  console.log(table);
  if (cli.values.write) {
    const file = path.join(cfg.paths.root, 'BENCHMARKS.md');
    const section = `\n### ${suite} · ${new Date().toISOString().slice(0, 10)} · ${machineLine()}\nKafka ${cfg.kafka.brokers.join(',')} (${cfg.kafka.partitions} partitions), MongoDB-wire ${cfg.mongo.uri.replace(/\/\/[^@/]*@/, '//***@')}\n\n${table}\n`;
    fs.appendFileSync(file, section);
    console.log(`recorded in ${file}`);
  }
  return 0;
});
