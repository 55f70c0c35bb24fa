/** Report benchmark: each format of one period, then all three together, each including the browser start. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../log';
import { connectMongo } from '../pipeline/adapters/mongo';
import { defaultSuperstorePath } from '../pipeline/source/superstore';
import { generateReport, type ReportFormat } from '../reports/report';
import { saleDays } from '../reports/data';
import { latestCompleteMonth } from '../reports/period';

export async function benchReport(cfg: Config, log: Logger): Promise<string> {
  const mongo = await connectMongo(cfg.mongo);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-bench-'));
  try {
    const { period, reason } = latestCompleteMonth(await saleDays(mongo.db));
    if (!period) throw new Error(`no month to report in ${cfg.mongo.db}: ${reason} (run \`npm run pipeline\` first)`);
    const rows = ['| formats | period | total s | of which data s | browser start s | steps |', '|---|---|---|---|---|---|'];
    for (const formats of [['html'], ['pdf'], ['xlsx'], ['html', 'pdf', 'xlsx']] as ReportFormat[][]) {
      const t = Date.now();
      const r = await generateReport({ db: mongo.db, period, formats, reportsDir: dir, modelsDir: cfg.paths.models, dataDir: cfg.paths.data, source: defaultSuperstorePath(), chromePath: cfg.chromePath });
      const total = (Date.now() - t) / 1000;
      log.info('report', { formats: formats.join(','), seconds: total });
      const steps = Object.entries(r.seconds).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ');
      rows.push(`| ${formats.join(' + ')} | ${period.id} | ${total.toFixed(1)} | ${(r.seconds.data ?? 0).toFixed(1)} | ${(r.seconds.browser ?? 0).toFixed(1)} | ${steps} |`);
    }
    return rows.join('\n');
  } finally {
    await mongo.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
