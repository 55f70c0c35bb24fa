/** CLI: the main job. Starts local services if none answer, then source → Kafka → lake → reconciliation. */
import path from 'node:path';
import { choiceOption, parseCli, runMain } from '../src/cli/args';
import { createContext, openMongo, prepareTopics, stopSignal } from '../src/cli/context';
import { createProgress } from '../src/cli/progress';
import { sourceOptions } from '../src/cli/source-options';
import { maskUri } from '../src/config/credentials';
import { scanSource, streamSales, type SourceScan } from '../src/pipeline/source/stream-load';
import { writeCsvOutStream } from '../src/pipeline/source/csv-out';
import { produceErpStream } from '../src/pipeline/stream/produce';
import { encodeSalesInWorker } from '../src/pipeline/stream/sales-worker';
import { startIngest } from '../src/pipeline/lake/ingest';
import { createSourceSummary, formatReconciliation, verifyLake, type SourceSummary } from '../src/pipeline/lake/verify';
import { dateFormats } from '../src/pipeline/source/dates';
import { ensureServices } from '../src/services';
import { buildWarehouse } from '../src/pipeline/warehouse/build';
import { formatBuild, formatStep } from '../src/pipeline/warehouse/format';
import { readCatalogue, readTrainingLines } from '../src/pipeline/reco/lake';
import { trainModel } from '../src/pipeline/reco/train';
import { modelFile, saveModel } from '../src/pipeline/reco/model';
import { evaluateModel, writeEvaluation } from '../src/pipeline/reco/evaluate';
import { formatEvaluation, formatModel } from '../src/pipeline/reco/format';
import { reportFormats } from '../src/reports/report';
import { chooseDefaultPeriod, renderConfiguredReport } from '../src/cli/report';
import { createStepRunner, describeFailure, StepFailed } from '../src/cli/steps';
import { boundHeapGrowth } from '../src/cli/memory';
import { noSalesNote } from '../src/reports/format';
import { recordedRun } from '../src/cli/recorded';
import { runDataJobsAfterBuild } from '../src/cli/schedule';
import { figuresOfKpis } from '../src/reports/runs/figures';

runMain(async () => {
  const cli = parseCli({
    name: 'pipeline',
    summary: 'Run the whole pipeline on the bundled Superstore (or --input): validate and normalise, produce to Kafka, ingest into the MongoDB lake, reconcile, build the warehouse marts, train and evaluate the recommender, render the executive report (HTML, PDF, Excel).',
    options: {
      ...sourceOptions,
      'no-services': { type: 'boolean', description: 'Do not start local services; fail if none answer' },
      schedule: { type: 'string', arg: 'FILE', description: "At the end, run this schedule's data-triggered report jobs that the new data made due (default SCHEDULE_FILE)" },
      'no-reports': { type: 'boolean', description: 'Do not run the data-triggered report jobs' },
    },
    examples: ['npm run pipeline', 'npm run pipeline -- --input my-export.csv --date-format dmy', 'npm run pipeline -- --schedule docs/examples/schedule.json'],
  });
  if (!cli) return 0;
  const v = cli.values;
  const ctx = createContext('pipeline');
  const { cfg, log } = ctx;
  const stop = stopSignal(log);
  const steps = createStepRunner(8);
  const input = v.input as string | undefined;
  const inputArg = input ? ` -- --input ${JSON.stringify(input)}` : '';
  // What each finished step leaves behind, for the message after a later one fails.
  const kept: string[] = [];
  const t0 = Date.now();
  try {
    await steps.run(1, 'Services', 'npm run services -- up', async () => {
      if (!v['no-services']) await ensureServices(cfg, log);
      console.log(`  Kafka ${cfg.kafka.brokers.join(',')} · MongoDB ${maskUri(cfg.mongo.uri)} (db ${cfg.mongo.db})`);
    });

    // The source is read in passes (stream-load): the catalogue and counts first, then the sales batch by batch, once
    // for csv_out and the reconciliation summary, once for Kafka. Memory follows the catalogue, not the lines.
    const { files, ...source } = await steps.run(2, 'Source → ERP entities', `npm run process-superstore${inputArg}`, async () => {
      const readBar = createProgress('  rows read', undefined);
      const scan = await scanSource({ input, dateFormat: choiceOption(v['date-format'], 'date-format', dateFormats), strict: Boolean(v.strict), onProgress: (n) => readBar.update(n) });
      readBar.stop();
      const summary = createSourceSummary(scan);
      const writeBar = createProgress('  csv_out sales', scan.sales);
      let written = 0;
      const files = await writeCsvOutStream(path.join(cfg.paths.data, 'csv_out'), { ...scan, sales: streamSales(scan) }, (batch) => {
        summary.add(batch);
        writeBar.update((written += batch.length));
      });
      writeBar.stop();
      console.log(`  ${scan.rowsRead.toLocaleString('en-US')} rows → ${scan.products.length.toLocaleString('en-US')} products, ${scan.customers.length.toLocaleString('en-US')} customers, ` +
        `${scan.sales.toLocaleString('en-US')} sales, ${scan.lines.toLocaleString('en-US')} lines; ${scan.rejectedLines.size} rejected (${files.rejects})`);
      kept.push(`CSV extracts in ${path.dirname(files.products)}`);
      return { scan: scan as SourceScan | undefined, input: scan.input, files, summary: summary.finish() as SourceSummary | undefined };
    });

    await steps.run(3, 'Produce to Kafka', `npm run produce${inputArg}`, async () => {
      const scan = source.scan;
      if (!scan) throw new Error('the source scan of step 2 is gone');
      await prepareTopics(ctx);
      const bar = createProgress('  produce', scan.products.length + scan.customers.length + scan.sales);
      const produced = await produceErpStream(
        ctx,
        { products: scan.products, customers: scan.customers, sales: encodeSalesInWorker(scan), salesCount: scan.sales },
        { signal: stop.signal, onProgress: (n) => bar.update(n) },
      );
      bar.stop();
      console.log(`  ${produced.messages.toLocaleString('en-US')} messages in ${produced.seconds.toFixed(1)} s`);
      kept.push('the messages on Kafka');
      // The catalogue and the order index (hundreds of megabytes at a million lines): the later steps read the lake.
      source.scan = undefined;
    });
    if (stop.signal.aborted) return 130;

    // From here on every step reads far more than it keeps (Kafka batches, the lake, training): keep the heap near
    // its live data (src/cli/memory.ts). Not before: it would slow the producer by a third.
    boundHeapGrowth();
    const mongo = await openMongo(ctx);
    try {
      await steps.run(4, 'Ingest into the lake', 'npm run ingest -- --until-idle', async () => {
        const handle = await startIngest({ kafka: ctx.kafka, db: mongo.db, topics: ctx.topics, log }, {
          untilIdle: true,
          idleMs: 2000,
          onStats: (s, lag) => log.debug('ingest', { messages: s.messages, lag }),
        });
        stop.signal.addEventListener('abort', () => void handle.stop());
        const s = await handle.done;
        console.log(`  ${s.messages.toLocaleString('en-US')} messages consumed, ${s.documents.toLocaleString('en-US')} documents written, ${s.unchanged.toLocaleString('en-US')} already there, ${s.deadLetters} dead-lettered`);
        kept.push(`the lake in ${cfg.mongo.db}`);
      });

      const reconciled = await steps.run(5, 'Reconcile source and lake', `npm run verify${inputArg}`, async () => {
        if (!source.summary) throw new Error('the source summary of step 2 is gone');
        const { result: r } = await verifyLake({ kafka: ctx.kafka, db: mongo.db, dlqTopic: ctx.topics.dlq }, source.summary);
        // Half a million sale IDs and their sums: let them go before the warehouse and the training need the room.
        source.summary = undefined;
        console.log(formatReconciliation(r).replace(/^/gm, '  '));
        return r.ok;
      });
      if (!reconciled) return 1;

      await steps.run(6, 'Warehouse marts and statistics', 'npm run warehouse', async () => {
        const built = await buildWarehouse(mongo.db, { log, onStep: (s) => console.log(`  ${formatStep(s)}`) });
        console.log(`  ${formatBuild(built)}`);
        kept.push('the warehouse marts');
      });

      await steps.run(7, 'Recommendation model: train and evaluate', 'npm run train && npm run reco:evaluate', async () => {
        const lines = await readTrainingLines(mongo.db);
        const catalogue = await readCatalogue(mongo.db);
        // In a function of its own, so the model (hundreds of megabytes at a million lines) is garbage once written,
        // before the evaluation trains another.
        const train = () => {
          const model = trainModel(lines, catalogue);
          saveModel(modelFile(cfg.paths.models), model);
          return formatModel(model);
        };
        console.log(`  ${train()}\n  written to ${modelFile(cfg.paths.models)}`);
        kept.push(`the model in ${modelFile(cfg.paths.models)}`);
        const evaluation = evaluateModel(lines, catalogue, '2017-01-01');
        if (evaluation.cases) {
          writeEvaluation(cfg.paths.models, evaluation);
          console.log(formatEvaluation(evaluation).replace(/^/gm, '  '));
        } else console.log('  no orders on or after 2017-01-01 with two items or more: evaluation skipped (run `npm run reco:evaluate -- --cut YYYY-MM-DD`)');
      });

      // The month is picked before the step, so that its rerun command can name it; failing to pick it is the step's
      // failure all the same.
      const picked = await chooseDefaultPeriod(mongo.db).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
      const rerunReport = `npm run report${!(picked instanceof Error) && picked.period ? ` -- --period ${picked.period.id}` : ''}`;
      await steps.run(8, 'Executive report', rerunReport, async () => {
        if (picked instanceof Error) throw picked;
        const choice = picked;
        console.log(`  ${choice.reason}`);
        if (!choice.period) throw new Error(`no month to report (${choice.reason})`);
        const period = choice.period;
        const report = await recordedRun(
          ctx,
          mongo.db,
          { job: 'pipeline', kind: 'executive', parameters: { period: period.id, formats: reportFormats }, period },
          (signal) => renderConfiguredReport(ctx, mongo.db, period, reportFormats, { source: source.input, signal, onStep: (name, s) => log.debug('report step', { name, seconds: s }) }),
          (res) => ({ files: res.files as Record<string, string>, period: period.id, figures: figuresOfKpis(res.data.kpis), steps: res.seconds }),
        );
        console.log(`  ${choice.period.label}${report.data.empty ? ` (${noSalesNote(choice.period)})` : ''}:`);
        for (const file of Object.values(report.files)) console.log(`    ${file}`);
        console.log(`    ${path.join(cfg.paths.reports, 'index.html')} (every report)`);
        if (!v['no-reports']) await runDataJobsAfterBuild(ctx, mongo.db, v.schedule ? String(v.schedule) : cfg.paths.schedule, (line) => console.log(line));
      });
    } finally {
      await mongo.close();
    }
    console.log(`\nDone in ${((Date.now() - t0) / 1000).toFixed(1)} s. CSV extracts in ${path.dirname(files.products)}`);
    return 0;
  } catch (err) {
    if (!(err instanceof StepFailed)) throw err;
    process.stderr.write(`\n✖ ${describeFailure(err, kept.join(', ') || 'nothing yet')}\n`);
    if (process.env.DEBUG && err.cause.stack) process.stderr.write(`${err.cause.stack}\n`);
    return 1;
  }
});
