/**
 * Crash-safe outputs, with real processes: each command is killed (SIGKILL) at a random moment while it writes, then
 * run again. No file under a final name may be partial (PDFs open with pdfinfo, workbooks with exceljs, CSVs have
 * their full line count), the next run must succeed, and its outputs must equal an uninterrupted run's.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { readManifest } from '../../src/io/atomic';
import { loadErpData } from '../../src/pipeline/source/load';
import { salesWithItems } from '../../src/pipeline/source/live';
import { writeLake } from '../../src/pipeline/lake/write';
import { buildWarehouse } from '../../src/pipeline/warehouse/build';
import { checkGenerated, writeGeneratedCsv } from '../../src/pipeline/source/generate-file';
import { benchDatasets } from '../../src/bench/datasets';
import { silentLogger } from '../../src/log';
import { createTestEnv, type TestEnv } from './helpers';
import { runCli as runScript } from '../support/cli';

/** Runs a CLI in one node process (so SIGKILL reaches the writer itself); kills it after `killAfterMs` if given. */
const runCli = (script: string, args: string[], env: Record<string, string>, killAfterMs?: number) => runScript(script, env, args, { killAfterMs });

const randomBetween = (lo: number, hi: number) => Math.round(lo + Math.random() * (hi - lo));
const visible = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => !n.startsWith('.')).sort() : []);

describe('crash-safe outputs', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crash-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('generate killed at a random moment leaves no partial file, and the next run equals an uninterrupted one', async () => {
    const opts = { lines: 150_000, seed: 3 };
    const reference = path.join(tmp, 'reference.csv');
    await writeGeneratedCsv(reference, opts);
    const out = path.join(tmp, 'gen', 'g.csv');
    const killed = await runCli('generate.ts', ['--lines', '150000', '--seed', '3', '--out', out], {}, randomBetween(300, 1500));
    // Whatever the moment: either nothing under the final name, or a whole file with its manifest.
    if (fs.existsSync(out) && killed.signal) expect(checkGenerated(out, opts) === undefined || !fs.existsSync(`${out}.manifest.json`)).toBe(true);
    if (fs.existsSync(`${out}.manifest.json`)) expect(checkGenerated(out, opts)).toBeUndefined();
    const again = await runCli('generate.ts', ['--lines', '150000', '--seed', '3', '--out', out], {});
    expect([again.code, again.output]).toEqual([0, expect.stringContaining('Wrote 150,000 lines')]);
    expect(fs.readFileSync(out).equals(fs.readFileSync(reference))).toBe(true);
    // The killed run's temporary file was removed by the next run.
    expect(fs.readdirSync(path.dirname(out)).sort()).toEqual(['g.csv', 'g.csv.manifest.json']);
  }, 120000);

  it('process-superstore killed at a random moment leaves whole extracts or none; the next run equals an uninterrupted one', async () => {
    const input = path.join(tmp, 'source-80k.csv');
    await writeGeneratedCsv(input, { lines: 80_000, seed: 5 });
    const reference = path.join(tmp, 'csv-reference');
    const out = path.join(tmp, 'csv-out');
    expect((await runCli('process-superstore.ts', ['--input', input, '--out', reference], {})).code).toBe(0);
    const killed = await runCli('process-superstore.ts', ['--input', input, '--out', out], {}, randomBetween(500, 4000));
    expect(killed.code === 0 || killed.signal === 'SIGKILL').toBe(true);
    // Never a partial extract under a final name: none yet, or the five whole ones with their manifest.
    const names = visible(out);
    if (names.length) {
      expect(names).toEqual(['customers.csv', 'manifest.json', 'products.csv', 'rejects.csv', 'sales.csv', 'sales_items.csv']);
      for (const n of names.filter((x) => x.endsWith('.csv'))) expect(fs.readFileSync(path.join(out, n)).equals(fs.readFileSync(path.join(reference, n)))).toBe(true);
    }
    expect((await runCli('process-superstore.ts', ['--input', input, '--out', out], {})).code).toBe(0);
    expect(visible(out)).toEqual(visible(reference));
    for (const n of visible(out).filter((x) => x.endsWith('.csv'))) expect([n, fs.readFileSync(path.join(out, n)).equals(fs.readFileSync(path.join(reference, n)))]).toEqual([n, true]);
    expect(readManifest(out)!.files.map((f) => f.name).sort()).toEqual(['customers.csv', 'products.csv', 'rejects.csv', 'sales.csv', 'sales_items.csv']);
    expect(fs.readdirSync(out).filter((n) => n.includes('.tmp-'))).toEqual([]);
  }, 180000);

  it('a truncated generated file is detected by the bench and generated again', async () => {
    const dataDir = path.join(tmp, 'bench-data');
    const cfg = { paths: { data: dataDir } } as never;
    const [, [file]] = (await benchDatasets(cfg, 2000, silentLogger)) as [unknown, [string, string]];
    const whole = fs.readFileSync(file);
    fs.truncateSync(file, Math.floor(whole.length / 2));
    const warnings: string[] = [];
    await benchDatasets(cfg, 2000, { ...silentLogger, warn: (m: string) => warnings.push(m) } as never);
    expect(warnings).toEqual([expect.stringMatching(/generating again: .* cut short/)]);
    expect(fs.readFileSync(file).equals(whole)).toBe(true);
  }, 60000);

  describe('with a warehouse', () => {
    let env: TestEnv;
    let cliEnv: Record<string, string>;
    beforeAll(async () => {
      env = await createTestEnv('crash');
      const { data } = await loadErpData();
      await writeLake(env.mongo.db, { products: data.products, customers: data.customers, sales: [] });
      const sales = salesWithItems(data).filter((s) => s.order_date >= '2017-01-01');
      for (let i = 0; i < sales.length; i += 1000) await writeLake(env.mongo.db, { products: [], customers: [], sales: sales.slice(i, i + 1000) });
      await buildWarehouse(env.mongo.db, { full: true });
      cliEnv = { ...env.env, REPORTS_DIR: path.join(tmp, 'reports'), MODELS_DIR: path.join(tmp, 'models'), DATA_DIR: path.join(tmp, 'data') };
    }, 120000);
    afterAll(async () => env?.cleanup());

    /** Every report file under a final name opens; the manifest, when there, vouches for each. */
    async function expectWholeReport(dir: string): Promise<void> {
      for (const name of visible(dir)) {
        const file = path.join(dir, name);
        if (name.endsWith('.pdf')) expect(execFileSync('pdfinfo', [file], { encoding: 'utf8' })).toMatch(/Pages:\s+\d+/);
        if (name.endsWith('.xlsx')) await new ExcelJS.Workbook().xlsx.readFile(file);
        if (name.endsWith('.html')) expect(fs.readFileSync(file, 'utf8').trimEnd().endsWith('</html>')).toBe(true);
      }
      const manifest = readManifest(dir);
      if (fs.existsSync(path.join(dir, 'manifest.json'))) expect(manifest).toBeDefined();
    }
    /** The report with what changes from run to run (the generation time) masked. */
    const stable = (html: string) => html.replace(/generated \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/g, 'generated …');

    it('report (three formats) killed at a random moment: every file whole, the next run complete and equal', async () => {
      const dir = path.join(tmp, 'reports', '2017-11');
      const args = ['--period', '2017-11'];
      const first = await runCli('report.ts', args, cliEnv);
      expect(first.code).toBe(0);
      const html = stable(fs.readFileSync(path.join(dir, 'executive.html'), 'utf8'));
      const killed = await runCli('report.ts', args, cliEnv, randomBetween(1500, 5000));
      expect(killed.code === 0 || killed.signal === 'SIGKILL').toBe(true);
      await expectWholeReport(dir);
      const again = await runCli('report.ts', args, cliEnv);
      expect([again.code, again.output]).toEqual([0, expect.stringContaining('executive.pdf')]);
      await expectWholeReport(dir);
      expect(readManifest(dir)!.files.map((f) => f.name)).toEqual(['executive.html', 'executive.pdf', 'executive.xlsx']);
      expect(visible(dir)).toEqual(['executive.html', 'executive.pdf', 'executive.xlsx', 'manifest.json']);
      expect(fs.readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
      expect(stable(fs.readFileSync(path.join(dir, 'executive.html'), 'utf8'))).toBe(html);
      expect(fs.readFileSync(path.join(tmp, 'reports', 'index.html'), 'utf8')).toContain('2017-11/executive.pdf');
    }, 180000);

    it('two reports for the same period started together both finish, one after the other, with whole files', async () => {
      const args = ['--period', '2017-10', '--format', 'html,pdf'];
      const [a, b] = await Promise.all([runCli('report.ts', args, cliEnv), runCli('report.ts', args, cliEnv)]);
      expect([a.code, b.code]).toEqual([0, 0]);
      const dir = path.join(tmp, 'reports', '2017-10');
      await expectWholeReport(dir);
      expect(readManifest(dir)!.files.map((f) => f.name)).toEqual(['executive.html', 'executive.pdf']);
    }, 180000);

    it('train killed at a random moment leaves the old model or none, never half of one; the next run is complete', async () => {
      const file = path.join(tmp, 'models', 'item_sim.json');
      const killed = await runCli('train.ts', [], cliEnv, randomBetween(500, 3000));
      expect(killed.code === 0 || killed.signal === 'SIGKILL').toBe(true);
      if (fs.existsSync(file)) JSON.parse(fs.readFileSync(file, 'utf8'));
      const again = await runCli('train.ts', [], cliEnv);
      expect(again.code).toBe(0);
      const model = JSON.parse(fs.readFileSync(file, 'utf8'));
      const reference = await runCli('train.ts', [], cliEnv);
      expect(reference.code).toBe(0);
      const { trained_at: _a, ...content } = model;
      const { trained_at: _b, ...referenceContent } = JSON.parse(fs.readFileSync(file, 'utf8'));
      expect(content).toEqual(referenceContent);
      expect(fs.readdirSync(path.dirname(file)).filter((n) => n.includes('.tmp-'))).toEqual([]);
    }, 180000);
  });
});
