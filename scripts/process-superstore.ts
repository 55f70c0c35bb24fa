/** CLI: Superstore CSV → data/csv_out/{products,customers,sales,sales_items,rejects}.csv */
import path from 'node:path';
import { loadConfig } from '../src/config';
import { parseCli, choiceOption, runMain } from '../src/cli/args';
import { formatReject } from '../src/pipeline/source/load';
import { scanSource, streamSales } from '../src/pipeline/source/stream-load';
import { writeCsvOutStream } from '../src/pipeline/source/csv-out';
import { dateFormats } from '../src/pipeline/source/dates';
import { fromUnits } from '../src/pipeline/core/money';
import { sourceOptions } from '../src/cli/source-options';

runMain(async () => {
  const cli = parseCli({
    name: 'process-superstore',
    summary: 'Read the Superstore (or any CSV with its columns), validate every row, normalise it into ERP entities and write data/csv_out/.',
    options: {
      ...sourceOptions,
      out: { type: 'string', arg: 'DIR', description: 'Output folder (default: <DATA_DIR>/csv_out)' },
    },
    examples: ['npm run process-superstore', 'npm run process-superstore -- --input my.csv --date-format dmy --strict'],
  });
  if (!cli) return 0;
  const cfg = loadConfig();
  const { values } = cli;
  const dateFormat = choiceOption(values['date-format'], 'date-format', dateFormats);
  const out = values.out ? path.resolve(String(values.out)) : path.join(cfg.paths.data, 'csv_out');
  // Two passes over the file (stream-load): the catalogue, rejects and totals, then the sales batch by batch.
  const scan = await scanSource({ input: values.input as string | undefined, dateFormat, strict: Boolean(values.strict) });
  const files = await writeCsvOutStream(out, { ...scan, sales: streamSales(scan) });
  const money = (e4: number) => fromUnits(e4).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const summary = [
    `Read ${scan.rowsRead.toLocaleString('en-US')} rows from ${scan.input}`,
    `  products     ${scan.products.length.toLocaleString('en-US').padStart(10)}  → ${files.products}`,
    `  customers    ${scan.customers.length.toLocaleString('en-US').padStart(10)}  → ${files.customers}`,
    `  sales        ${scan.sales.toLocaleString('en-US').padStart(10)}  → ${files.sales}`,
    `  sales_items  ${scan.lines.toLocaleString('en-US').padStart(10)}  → ${files.sales_items}`,
    `  revenue ${money(scan.revenueE4)}  profit ${money(scan.profitE4)}`,
    `  rejected     ${scan.rejectedLines.size.toLocaleString('en-US').padStart(10)}  rows (${scan.rejects.length} problems) → ${files.rejects}`,
  ];
  console.log(summary.join('\n'));
  for (const r of scan.rejects.slice(0, 10)) console.log(`    ${formatReject(r)}`);
  if (scan.rejects.length > 10) console.log(`    … and ${scan.rejects.length - 10} more in ${files.rejects}`);
  return 0;
});
