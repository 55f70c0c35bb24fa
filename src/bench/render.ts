/**
 * Notebook report benchmark: `05-executive-report` rendered to HTML and PDF as `npm run render` does, kernel start
 * included, three runs each; the kernel start, the cells' execution and the rendering are timed apart. Once as
 * shipped (the notebook also writes the executive report's three files) and once with `formats` empty.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../log';
import { connectMongo } from '../pipeline/adapters/mongo';
import { defaultSuperstorePath } from '../pipeline/source/superstore';
import { loadLineage, saleDays } from '../reports/data';
import { latestCompleteMonth } from '../reports/period';
import { renderNotebookReport } from '../notebooks/render';
import type { ParamValue } from '../notebooks/params';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchRender(cfg: Config, log: Logger, runs = 3): Promise<string> {
  const mongo = await connectMongo(cfg.mongo);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'render-bench-'));
  const file = path.join(cfg.paths.root, 'notebooks', '05-executive-report.ipynb');
  try {
    const { period, reason } = latestCompleteMonth(await saleDays(mongo.db));
    if (!period) throw new Error(`no month to report in ${cfg.mongo.db}: ${reason} (run \`npm run pipeline\` first)`);
    const rows = ['| notebook run | period | total s (median of ' + runs + ') | kernel start s | cells s | HTML s | PDF s |', '|---|---|---|---|---|---|---|'];
    for (const [label, values] of [
      ['05 as shipped (also writes executive.{html,pdf,xlsx})', { period: period.id }],
      ['05 with formats= (the notebook report only)', { period: period.id, formats: '' }],
    ] as [string, Record<string, ParamValue>][]) {
      const t: Record<string, number[]> = { total: [], kernel: [], execute: [], html: [], pdf: [] };
      for (let i = 0; i < runs; i++) {
        const start = Date.now();
        // As the CLI: Chromium starts while the kernel runs (so its start is inside the total, not a step of its own).
        const r = await renderNotebookReport({
          file,
          values,
          formats: ['html', 'pdf'],
          code: 'hide',
          reportsDir: path.join(dir, 'reports'),
          timeoutSec: 600,
          env: { REPORTS_DIR: path.join(dir, 'executive') },
          lineage: () => loadLineage({ db: mongo.db, modelsDir: cfg.paths.models, dataDir: cfg.paths.data, source: defaultSuperstorePath() }),
          chromePath: cfg.chromePath,
        });
        t.total!.push((Date.now() - start) / 1000);
        for (const k of ['kernel', 'execute', 'html', 'pdf']) t[k]!.push(r.seconds[k] ?? 0);
        log.info('render', { run: label, seconds: t.total!.at(-1) });
      }
      const m = (k: string) => median(t[k]!).toFixed(2);
      rows.push(`| ${label} | ${period.id} | ${m('total')} | ${m('kernel')} | ${m('execute')} | ${m('html')} | ${m('pdf')} |`);
    }
    return rows.join('\n');
  } finally {
    await mongo.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
