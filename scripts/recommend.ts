/** CLI: the real-time recommendation service. Runs until Ctrl-C. */
import { parseCli, runMain } from '../src/cli/args';
import { createContext, openMongo, prepareTopics, stopSignal } from '../src/cli/context';
import { modelFile } from '../src/pipeline/reco/model';
import { startRecommender } from '../src/pipeline/reco/service';
import { formatModel } from '../src/pipeline/reco/format';

runMain(async () => {
  const cli = parseCli({
    name: 'recommend',
    summary: 'Real-time recommendations: consume each sale, publish up to 5 enriched recommendations to Kafka and MongoDB. Reloads the model when `npm run train` writes a new one.',
    options: { group: { type: 'string', arg: 'ID', description: 'Consumer group (default: <prefix>.recommender)' } },
    examples: ['npm run recommend', 'npm run produce -- --follow --skip-initial   # in another terminal'],
  });
  if (!cli) return 0;
  const ctx = createContext('recommend');
  const stop = stopSignal(ctx.log);
  await prepareTopics(ctx);
  const mongo = await openMongo(ctx);
  try {
    const file = modelFile(ctx.cfg.paths.models);
    const handle = await startRecommender({ kafka: ctx.kafka, db: mongo.db, topics: ctx.topics, log: ctx.log, modelPath: file }, { groupId: cli.values.group as string | undefined });
    console.log(`Model: ${formatModel(handle.model())}`);
    console.log(`Consuming ${ctx.topics.sales} → ${ctx.topics.recommendations} and ${ctx.cfg.mongo.db}.recommendations; Ctrl-C to stop`);
    let last = 0;
    const timer = setInterval(() => {
      const s = handle.stats;
      if (s.sales + s.deadLetters === last) return;
      last = s.sales + s.deadLetters;
      ctx.log.info('recommender', { sales: s.sales, published: s.published, alreadyStored: s.alreadyStored, deadLetters: s.deadLetters, pendingStores: s.pendingStores, modelLoads: s.modelLoads });
    }, 5000);
    stop.signal.addEventListener('abort', () => void handle.stop());
    const s = await handle.done;
    clearInterval(timer);
    console.log(`Stopped: ${s.sales} sales, ${s.published} recommendations published, ${s.deadLetters} dead-lettered`);
    return 0;
  } finally {
    await mongo.close();
  }
});
