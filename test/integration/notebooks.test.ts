/**
 * Every notebook runs top to bottom with the tslab kernel against the real services, in order (02 loads the lake
 * the others read), in its own database and topics. Any cell error fails the test. Executed copies are kept in
 * test-artifacts/notebooks/.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/config';
import { ensureKernel, ensureSelfLink, executeNotebook, listNotebooks } from '../../src/tooling/jupyter';
import { createTestEnv, type TestEnv } from './helpers';

const notebooks = listNotebooks(path.join(projectRoot, 'notebooks'));

describe('notebooks run headless', () => {
  let env: TestEnv;
  let extra: Record<string, string>;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-'));
  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(projectRoot, 'node_modules/typescript/bin/tsc'), '-p', path.join(projectRoot, 'tsconfig.build.json')]);
    ensureSelfLink(projectRoot);
    await ensureKernel(projectRoot);
    env = await createTestEnv('nb');
    extra = { ...env.env, MODELS_DIR: path.join(scratch, 'models'), REPORTS_DIR: path.join(scratch, 'reports'), DATA_DIR: path.join(scratch, 'data'), LOG_LEVEL: 'warn' };
  }, 300_000);
  afterAll(() => env?.cleanup());

  it('has the six notebooks, each with a parameters cell, committed without outputs', () => {
    expect(notebooks.map((f) => path.basename(f))).toEqual(['01-explore-superstore.ipynb', '02-run-pipeline.ipynb', '03-warehouse-analysis.ipynb', '04-recommendations.ipynb', '05-executive-report.ipynb', '06-branch-review.ipynb']);
    for (const f of notebooks) {
      const nb = JSON.parse(fs.readFileSync(f, 'utf8')) as { cells: { cell_type: string; outputs?: unknown[]; metadata: { tags?: string[] } }[]; metadata: { kernelspec: { name: string } } };
      expect(nb.metadata.kernelspec.name).toBe('tslab');
      expect(nb.cells.filter((c) => c.metadata.tags?.includes('parameters'))).toHaveLength(1);
      expect(nb.cells.filter((c) => c.cell_type === 'code' && c.outputs?.length)).toEqual([]);
    }
  });

  it.each(notebooks.map((f) => [path.basename(f), f]))('%s runs without a cell error', async (_name, file) => {
    const r = await executeNotebook(file, path.join(projectRoot, 'test-artifacts', 'notebooks'), { env: extra, timeoutSec: 600 });
    const out = JSON.parse(fs.readFileSync(r.output, 'utf8')) as { cells: { outputs?: { output_type: string }[] }[] };
    expect(out.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === 'error')).toEqual([]);
    if (path.basename(file).startsWith('05')) expect(fs.existsSync(path.join(scratch, 'reports', '2017-12', 'executive.pdf'))).toBe(true);
  }, 900_000);
});
