/** CLI: render the executive report for a period as HTML, PDF and/or Excel. */
import { parseCli, runMain, UsageError } from '../src/cli/args';
import { createContext, openMongo } from '../src/cli/context';
import { checkBranch, chooseDefaultPeriod, parseFormats, parseLocaleFlag, renderConfiguredReport } from '../src/cli/report';
import { parsePeriod, rangePeriod } from '../src/reports/period';
import { noSalesNote } from '../src/reports/format';
import { recordedRun } from '../src/cli/recorded';
import { figuresOfKpis } from '../src/reports/runs/figures';

runMain(async () => {
  const cli = parseCli({
    name: 'report',
    summary: 'Render the executive report (findings, key figures, trend, branches, categories, products, segments, discounts, shipping, RFM) from the warehouse.',
    options: {
      period: { type: 'string', arg: 'P', description: 'YYYY-MM, YYYY-Qn or YYYY (default: the latest complete month that has sales)' },
      from: { type: 'string', arg: 'YYYY-MM-DD', description: 'Start of a custom period (with --to)' },
      to: { type: 'string', arg: 'YYYY-MM-DD', description: 'End of a custom period (with --from)' },
      format: { type: 'string', arg: 'LIST', description: 'Comma-separated: html, pdf, xlsx', default: 'html,pdf,xlsx' },
      appendix: { type: 'boolean', description: "Add the analyst appendix: the recommendation model's co-purchased pairs and offline evaluation" },
      branch: { type: 'string', arg: 'ID', description: 'One branch\'s report (e.g. BR-WEST): every figure is that branch\'s, written to reports/<period>/<ID>/' },
      locale: { type: 'string', arg: 'LANG', description: "The readers' language: en (English, US formats) or es (Spanish: 83.829,32 US$, diciembre de 2017); default en" },
    },
    examples: ['npm run report', 'npm run report -- --period 2017-12 --format html,pdf,xlsx', 'npm run report -- --period 2017-Q4', 'npm run report -- --from 2017-11-15 --to 2017-12-15 --format html', 'npm run report -- --period 2017-12 --appendix', 'npm run report -- --period 2017-12 --branch BR-WEST', 'npm run report -- --period 2017-12 --locale es'],
  });
  if (!cli) return 0;
  const v = cli.values;
  const formats = parseFormats(v.format);
  const locale = parseLocaleFlag(v.locale);
  if ((v.from || v.to) && v.period) throw new UsageError('give either --period or --from/--to, not both');
  if (Boolean(v.from) !== Boolean(v.to)) throw new UsageError('--from and --to go together');
  const ctx = createContext('report');
  const mongo = await openMongo(ctx);
  try {
    let period = v.period ? parsePeriod(String(v.period)) : v.from ? rangePeriod(String(v.from), String(v.to)) : null;
    if (!period) {
      const choice = await chooseDefaultPeriod(mongo.db);
      if (!choice.period) throw new UsageError(`no default period in ${ctx.cfg.mongo.db}: ${choice.reason}. Run \`npm run pipeline\` first, or give --period`);
      console.log(choice.reason);
      period = choice.period;
    }
    const branch = v.branch ? await checkBranch(mongo.db, String(v.branch)) : null;
    console.log(`Report for ${period.label} (${period.from} to ${period.to})${branch ? `, branch ${branch.id} (${branch.name})` : ''}: ${formats.join(', ')}${locale === 'en' ? '' : `, in ${locale}`}`);
    const chosen = period;
    const r = await recordedRun(
      ctx,
      mongo.db,
      { job: 'report', kind: 'executive', parameters: { period: chosen.id, formats, appendix: Boolean(v.appendix), locale, ...(branch ? { branch: branch.id } : {}) }, period: chosen },
      (signal) => renderConfiguredReport(ctx, mongo.db, chosen, formats, { appendix: Boolean(v.appendix), branch: branch?.id, locale, signal, onStep: (step, s) => console.log(`  ${step.padEnd(8)} ${s.toFixed(2)} s`) }),
      (res) => ({ files: res.files as Record<string, string>, period: chosen.id, figures: figuresOfKpis(res.data.kpis), steps: res.seconds }),
    );
    if (r.data.empty) console.log(`  note: ${noSalesNote(period)} The report is written with zero key figures and says so.`);
    for (const [f, file] of Object.entries(r.files)) console.log(`  ${f.padEnd(5)} ${file}`);
    return 0;
  } finally {
    await mongo.close();
  }
});
