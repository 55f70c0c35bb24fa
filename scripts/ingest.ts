/** CLI: the lake consumer. Kafka → MongoDB, until stopped or (with --until-idle) until caught up. */
import { intOption, parseCli, runMain } from '../src/cli/args';
import { createContext, openMongo, prepareTopics, stopSignal } from '../src/cli/context';
import { startIngest } from '../src/pipeline/lake/ingest';

runMain(async () => {
  const cli = parseCli({
    name: 'ingest',
    summary: 'Consume the ERP topics into the MongoDB lake (idempotent upserts, dead letters for bad messages, commit after write).',
    options: {
      'until-idle': { type: 'boolean', description: 'Stop once caught up (no lag and nothing new for --idle-ms)' },
      'idle-ms': { type: 'string', arg: 'MS', description: 'Quiet time that counts as idle', default: '3000' },
      concurrency: { type: 'string', arg: 'N', description: 'Partitions this process writes in parallel', default: '3' },
      json: { type: 'boolean', description: 'At the end, print the counts and times as one JSON line instead of a sentence (for scripts)' },
      group: { type: 'string', arg: 'ID', description: 'Consumer group; run several processes with one group to share the partitions (default: <KAFKA_TOPIC_PREFIX>.lake)' },
    },
    examples: ['npm run ingest -- --until-idle', 'npm run ingest   # runs until Ctrl-C'],
  });
  if (!cli) return 0;
  const v = cli.values;
  const ctx = createContext('ingest');
  const stop = stopSignal(ctx.log);
  await prepareTopics(ctx);
  const mongo = await openMongo(ctx);
  let lastLog = 0;
  let lastMessages = 0;
  const handle = await startIngest(
    { kafka: ctx.kafka, db: mongo.db, topics: ctx.topics, log: ctx.log },
    {
      groupId: v.group as string | undefined,
      untilIdle: Boolean(v['until-idle']),
      idleMs: intOption(v['idle-ms'], 'idle-ms', 0),
      concurrency: intOption(v.concurrency, 'concurrency', 1),
      onStats: (s, lag) => {
        const now = Date.now();
        if (now - lastLog < 5000 && lag !== 0) return;
        const rate = lastLog ? Math.round(((s.messages - lastMessages) * 1000) / (now - lastLog)) : 0;
        if (s.messages !== lastMessages || lag) ctx.log.info('progress', { messages: s.messages, lines: s.lines, deadLetters: s.deadLetters, lag, perSecond: rate });
        lastLog = now;
        lastMessages = s.messages;
      },
    },
  );
  stop.signal.addEventListener('abort', () => void handle.stop());
  try {
    const s = await handle.done;
    const secs = (Date.now() - s.startedAt) / 1000;
    if (v.json) {
      const { startedAt, lastMessageAt, ...counts } = s;
      console.log(JSON.stringify({ ...counts, db: ctx.cfg.mongo.db, startedAt: new Date(startedAt).toISOString(), lastMessageAt: new Date(lastMessageAt).toISOString(), seconds: secs }));
      return 0;
    }
    console.log(
      `Ingested ${s.messages.toLocaleString('en-US')} messages (${s.lines.toLocaleString('en-US')} sale lines, ` +
        `${s.documents.toLocaleString('en-US')} documents written, ${s.unchanged.toLocaleString('en-US')} already there) into ${ctx.cfg.mongo.db}; ${s.deadLetters} dead-lettered to ${ctx.topics.dlq}; ${secs.toFixed(1)} s`,
    );
  } finally {
    await mongo.close();
  }
  return 0;
});
