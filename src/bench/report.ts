/**
 * Report benchmark: each format of one period, then all three together, each including the browser start; the
 * median of three runs each. The HTML is timed and sized both ways: interactive (the default, Vega's runtime inlined)
 * and `--static`.
 */
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const cases: { formats: ReportFormat[]; static?: boolean }[] = [{ formats: ['html'] }, { formats: ['html'], static: true }, { formats: ['pdf'] }, { formats: ['xlsx'] }, { formats: ['html', 'pdf', 'xlsx'] }, { formats: ['html', 'pdf', 'xlsx'], static: true }];

export async function benchReport(cfg: Config, log: Logger, runs = 3): Promise<string> {
  const mongo = await connectMongo(cfg.mongo);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-bench-'));
  try {
    const { period, reason } = latestCompleteMonth(await saleDays(mongo.db));
    if (!period) throw new Error(`no month to report in ${cfg.mongo.db}: ${reason} (run \`npm run pipeline\` first)`);
    const rows = [`| formats | period | total s (median of ${runs}) | of which data s | browser start s | HTML KB | steps (the median run) |`, '|---|---|---|---|---|---|---|'];
    for (const c of cases) {
      const label = `${c.formats.join(' + ')}${c.static ? ' (--static)' : c.formats.includes('html') ? ' (interactive)' : ''}`;
      const measured: { total: number; seconds: Record<string, number>; htmlBytes: number | null }[] = [];
      for (let i = 0; i < runs; i++) {
        const t = Date.now();
        const r = await generateReport({ db: mongo.db, period, formats: c.formats, static: c.static, reportsDir: dir, modelsDir: cfg.paths.models, dataDir: cfg.paths.data, source: defaultSuperstorePath(), chromePath: cfg.chromePath });
        measured.push({ total: (Date.now() - t) / 1000, seconds: r.seconds, htmlBytes: r.files.html ? fs.statSync(r.files.html).size : null });
        log.info('report', { formats: label, seconds: measured.at(-1)!.total });
      }
      const total = median(measured.map((m) => m.total));
      const typical = measured.find((m) => m.total === total)!;
      const steps = Object.entries(typical.seconds).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ');
      const kb = typical.htmlBytes === null ? '' : (typical.htmlBytes / 1024).toFixed(0);
      rows.push(`| ${label} | ${period.id} | ${total.toFixed(2)} | ${(typical.seconds.data ?? 0).toFixed(2)} | ${(typical.seconds.browser ?? 0).toFixed(2)} | ${kb} | ${steps} |`);
    }
    return rows.join('\n');
  } finally {
    await mongo.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
