/** The data every benchmark runs on: the Superstore, then a generated file of `lines` lines (seed 42), checked first. */
import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../log';
import { createProgress } from '../cli/progress';
import { ensureGenerated } from '../pipeline/source/generate-file';

/** [file (undefined: the bundled Superstore), label] pairs. */
export async function benchDatasets(cfg: Config, lines: number, log: Logger): Promise<[string | undefined, string][]> {
  const runs: [string | undefined, string][] = [[undefined, 'Superstore']];
  if (lines <= 0) return runs;
  const file = path.join(cfg.paths.data, 'generated', `superstore-${lines}-s42.csv`);
  // A file cut short by a killed run, or made with other parameters, is told by its manifest and made again: figures
  // measured on half a file must never be reported as a million lines.
  const p = createProgress('generate', lines);
  await ensureGenerated(file, { lines, seed: 42 }, { onRegenerate: (why) => log.warn(`generating again: ${why}`), onProgress: (n) => p.update(n) });
  p.stop();
  runs.push([file, `generated ${lines.toLocaleString('en-US')} lines (seed 42)`]);
  return runs;
}
