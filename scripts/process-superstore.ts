/** CLI: Superstore CSV → data/csv_out/{products,customers,sales,sales_items,rejects}.csv */
import path from 'node:path';
import { loadConfig } from '../src/config';
import { parseCli, choiceOption, runMain } from '../src/cli/args';
import { loadErpData, formatReject } from '../src/pipeline/load';
import { writeCsvOut } from '../src/pipeline/csvout';
import { dateFormats } from '../src/pipeline/source/dates';
import { sumMoney } from '../src/pipeline/money';
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
  const result = await loadErpData({ input: values.input as string | undefined, dateFormat, strict: Boolean(values.strict) });
  const files = writeCsvOut(out, result.data, result.rejects);
  const d = result.data;
  const summary = [
    `Read ${result.rowsRead.toLocaleString('en-US')} rows from ${result.input}`,
    `  products     ${d.products.length.toLocaleString('en-US').padStart(10)}  → ${files.products}`,
    `  customers    ${d.customers.length.toLocaleString('en-US').padStart(10)}  → ${files.customers}`,
    `  sales        ${d.sales.length.toLocaleString('en-US').padStart(10)}  → ${files.sales}`,
    `  sales_items  ${d.salesItems.length.toLocaleString('en-US').padStart(10)}  → ${files.sales_items}`,
    `  revenue ${sumMoney(d.salesItems.map((i) => i.line_total)).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}` +
      `  profit ${sumMoney(d.salesItems.map((i) => i.profit)).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`,
    `  rejected     ${result.rejectedLines.toLocaleString('en-US').padStart(10)}  rows (${result.rejects.length} problems) → ${files.rejects}`,
  ];
  console.log(summary.join('\n'));
  for (const r of result.rejects.slice(0, 10)) console.log(`    ${formatReject(r)}`);
  if (result.rejects.length > 10) console.log(`    … and ${result.rejects.length - 10} more in ${files.rejects}`);
  return 0;
});
