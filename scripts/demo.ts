/**
 * CLI: one command for teaching. Starts the services if needed, loads the Superstore the first time, then runs the
 * producer in follow mode at a watchable rate, the lake consumer, the recommender, a warehouse refresh every minute
 * and the dashboards, and prints the URLs; with --lab, JupyterLab on the notebooks too. Ctrl-C stops everything it
 * started.
 */
import os from 'node:os';
import fs from 'node:fs';
import { intOption, parseCli, runMain } from '../src/cli/args';
import { createContext, openMongo, prepareTopics, stopSignal } from '../src/cli/context';
import { servicesDown, servicesStatus, ensureServices } from '../src/services';
import { loadErpData } from '../src/pipeline/source/load';
import { produceErpData } from '../src/pipeline/stream/produce';
import { startIngest } from '../src/pipeline/lake/ingest';
import { followLiveSales } from '../src/pipeline/stream/follow';
import { salesWithItems } from '../src/pipeline/source/live';
import { collections } from '../src/pipeline/adapters/mongo';
import { buildWarehouse } from '../src/pipeline/warehouse/build';
import { readCatalogue, readTrainingLines } from '../src/pipeline/reco/lake';
import { trainModel } from '../src/pipeline/reco/train';
import { modelFile, saveModel } from '../src/pipeline/reco/model';
import { startRecommender } from '../src/pipeline/reco/service';
import { startDashboard } from '../src/dashboard/server';
import { pages } from '../src/dashboard/layout';
import { ensureKernel, ensureSelfLink } from '../src/tooling/jupyter';
import { notebooksDir, startJupyterLab } from '../src/tooling/jupyterlab';

runMain(async () => {
  const cli = parseCli({
    name: 'demo',
    summary: 'Live demo: services, a producer emitting new sales, the lake consumer, the recommender and the dashboards, all in one process. Ctrl-C stops everything it started.',
    options: {
      rate: { type: 'string', arg: 'N', description: 'New sales per second', default: '1' },
      port: { type: 'string', arg: 'N', description: 'Dashboard port (default: DASHBOARD_PORT or 3000)' },
      lab: { type: 'boolean', description: 'Also open JupyterLab on the notebooks (loopback, with a token) once the pipeline has run' },
      'lab-port': { type: 'string', arg: 'N', description: 'Port for JupyterLab with --lab', default: '8888' },
    },
    examples: ['npm run demo', 'npm run demo -- --rate 5 --port 8080', 'npm run demo -- --lab   # and JupyterLab on notebooks/'],
  });
  if (!cli) return 0;
  const ctx = createContext('demo');
  const { cfg, log } = ctx;
  const stop = stopSignal(log);
  const rate = intOption(cli.values.rate, 'rate', 1)!;
  const before = await servicesStatus(cfg, log);
  const startedServices = !before.services.every((s) => s.reachable);
  await ensureServices(cfg, log);
  await prepareTopics(ctx);
  const mongo = await openMongo(ctx);
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const { data } = await loadErpData();
    const ingest = await startIngest({ kafka: ctx.kafka, db: mongo.db, topics: ctx.topics, log: log.child('ingest') });
    cleanups.push(() => ingest.stop());
    if (!(await mongo.db.collection(collections.salesItems).findOne({}, { projection: { _id: 1 } }))) {
      console.log('The lake is empty: loading the Superstore first (once, about a minute) …');
      await produceErpData(ctx, data);
      while (ingest.stats.lines < data.salesItems.length && !stop.signal.aborted) await new Promise((r) => setTimeout(r, 1000));
    }
    await buildWarehouse(mongo.db, { log });
    const file = modelFile(cfg.paths.models);
    if (!fs.existsSync(file)) {
      console.log('Training the recommendation model …');
      saveModel(file, trainModel(await readTrainingLines(mongo.db), await readCatalogue(mongo.db)));
    }
    const reco = await startRecommender({ kafka: ctx.kafka, db: mongo.db, topics: ctx.topics, log: log.child('recommend'), modelPath: file });
    cleanups.push(() => reco.stop());
    const dash = await startDashboard({ cfg, log: log.child('dashboard'), port: intOption(cli.values.port, 'port', 1) });
    cleanups.push(() => dash.close());
    const refresh = setInterval(() => void buildWarehouse(mongo.db, { log }).catch((e) => log.warn('warehouse refresh failed', { error: (e as Error).message })), 60_000);
    cleanups.push(async () => clearInterval(refresh));
    const lab = cli.values.lab ? await openLab(cfg.paths.root, intOption(cli.values['lab-port'], 'lab-port', 1)!) : null;
    if (lab) cleanups.push(() => lab.close());
    console.log(`\nDemo running: ${rate} new sale(s) per second.`);
    for (const p of pages) console.log(`  ${p.title.padEnd(16)} ${dash.url}${p.path}`);
    if (lab) console.log(`  ${'JupyterLab'.padEnd(16)} ${lab.url('01-explore-superstore.ipynb')}`);
    console.log('Ctrl-C to stop everything.\n');
    const sent = await followLiveSales(ctx, salesWithItems(data), { perSecond: rate, signal: stop.signal, runId: os.hostname().slice(0, 8) + process.pid });
    console.log(`Stopping: ${sent} live sales sent`);
    return 0;
  } finally {
    for (const c of cleanups.reverse()) await c().catch((e) => log.warn('stop failed', { error: (e as Error).message }));
    await mongo.close();
    if (startedServices) await servicesDown(cfg, log);
  }
});

/** JupyterLab on notebooks/ with this checkout's kernel, its log kept out of the demo's output. */
async function openLab(root: string, port: number) {
  ensureSelfLink(root);
  await ensureKernel(root);
  return startJupyterLab({ root: notebooksDir(root), port, browser: true, log: () => undefined });
}
