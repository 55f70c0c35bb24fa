/** CLI: the ERP simulator. Sends products, customers and sales to Kafka. */
import os from 'node:os';
import path from 'node:path';
import { choiceOption, intOption, parseCli, runMain, UsageError } from '../src/cli/args';
import { createContext, prepareTopics, stopSignal } from '../src/cli/context';
import { createProgress } from '../src/cli/progress';
import { sourceOptions } from '../src/cli/source-options';
import { formatReject } from '../src/pipeline/source/load';
import { scanSource, streamSales } from '../src/pipeline/source/stream-load';
import { dateFormats } from '../src/pipeline/source/dates';
import { ensureGenerated } from '../src/pipeline/source/generate-file';
import { produceErpStream } from '../src/pipeline/stream/produce';
import { createSaleSampler, followLiveSales } from '../src/pipeline/stream/follow';
import { encodeSalesInWorker } from '../src/pipeline/stream/sales-worker';
import type { SaleWithItems } from '../src/pipeline/core/entities';

runMain(async () => {
  const cli = parseCli({
    name: 'produce',
    summary: 'Stream the ERP entities to Kafka: products first, then customers, then sales with their lines.',
    options: {
      ...sourceOptions,
      generate: { type: 'string', arg: 'N', description: 'Instead of a file, generate N Superstore-shaped lines (seeded by --seed)' },
      seed: { type: 'string', arg: 'S', description: 'Seed for --generate', default: '42' },
      rate: { type: 'string', arg: 'N', description: 'Messages per second, to imitate a live ERP (default: full speed)' },
      follow: { type: 'boolean', description: 'After the data, keep emitting new sales stamped with the current time until stopped' },
      'follow-rate': { type: 'string', arg: 'N', description: 'Sales per second in --follow mode', default: '2' },
      'skip-initial': { type: 'boolean', description: 'With --follow: do not send the data set first, only live sales' },
      compression: { type: 'string', arg: 'gzip|none', description: 'Batch compression', default: 'gzip' },
    },
    examples: ['npm run produce', 'npm run produce -- --rate 20', 'npm run produce -- --generate 1000000 --seed 7', 'npm run produce -- --follow --skip-initial'],
  });
  if (!cli) return 0;
  const v = cli.values;
  const ctx = createContext('produce');
  const stop = stopSignal(ctx.log);
  const rate = intOption(v.rate, 'rate', 1);
  const compression = choiceOption(v.compression, 'compression', ['gzip', 'none'] as const);
  if (v.generate && v.input) throw new UsageError('give either --input or --generate, not both');

  let input = v.input as string | undefined;
  if (v.generate) {
    const lines = intOption(v.generate, 'generate', 1)!;
    const seed = intOption(v.seed, 'seed', 0)!;
    input = path.join(ctx.cfg.paths.data, 'generated', `superstore-${lines}-s${seed}.csv`);
    const p = createProgress('generate', lines);
    await ensureGenerated(input, { lines, seed }, { onRegenerate: (why) => ctx.log.warn(`generating again: ${why}`), onProgress: (n) => p.update(n) });
    p.stop();
  }
  // Two passes over the file: master data first, then the sales order by order, so memory follows the catalogue.
  const readBar = createProgress('rows read (pass 1 of 2)', undefined);
  const scan = await scanSource({ input, dateFormat: choiceOption(v['date-format'], 'date-format', dateFormats), strict: Boolean(v.strict), onProgress: (n) => readBar.update(n) });
  readBar.stop();
  if (scan.rejects.length) {
    ctx.log.warn(`${scan.rejectedLines.size} source rows rejected; they are not produced`, { first: formatReject(scan.rejects[0]!) });
  }
  await prepareTopics(ctx);
  // --follow imitates a sample of the data set's sales: kept by the worker that reads them, or read for it alone.
  const sample = { size: 2000, seed: intOption(v.seed, 'seed', 0)! };
  let templates: SaleWithItems[] = [];
  if (!v['skip-initial']) {
    const total = scan.products.length + scan.customers.length + scan.sales;
    const progress = createProgress('produce', total);
    const sales = encodeSalesInWorker(scan, v.follow ? { sample } : {});
    templates = sales.sample;
    const stats = await produceErpStream(
      ctx,
      { products: scan.products, customers: scan.customers, sales, salesCount: scan.sales },
      { rate, compression, signal: stop.signal, onProgress: (n) => progress.update(n) },
    );
    progress.stop();
    console.log(
      `Produced ${stats.products.toLocaleString('en-US')} products, ${stats.customers.toLocaleString('en-US')} customers, ` +
        `${stats.sales.toLocaleString('en-US')} sales (${stats.lines.toLocaleString('en-US')} lines) in ${stats.seconds.toFixed(1)} s ` +
        `= ${Math.round(stats.messages / Math.max(stats.seconds, 0.001)).toLocaleString('en-US')} messages/s, ` +
        `peak memory ${Math.round(process.resourceUsage().maxRSS / 1024).toLocaleString('en-US')} MB` +
        (stop.signal.aborted ? ' (stopped early)' : ''),
    );
  }
  if (v.follow && !stop.signal.aborted) {
    if (v['skip-initial']) {
      const sampler = createSaleSampler(sample.size, sample.seed);
      for await (const _ of sampler.tap(streamSales(scan))); // only the sample of sales to imitate
      templates = sampler.sample;
    }
    const perSecond = intOption(v['follow-rate'], 'follow-rate', 1)!;
    console.log(`Following: ${perSecond} new sale(s) per second on ${ctx.topics.sales}; Ctrl-C to stop`);
    const sent = await followLiveSales(ctx, templates, { perSecond, signal: stop.signal, runId: os.hostname().slice(0, 8) + process.pid });
    console.log(`Sent ${sent} live sales`);
  }
  return 0;
});
