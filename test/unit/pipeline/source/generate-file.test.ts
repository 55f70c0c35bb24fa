import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkGenerated, ensureGenerated, sidecarOf, writeGeneratedCsv } from '../../../../src/pipeline/source/generate-file';

describe('generated files are checked, not assumed', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gen-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const opts = { lines: 300, seed: 7 };

  it('a complete file carries a manifest with its parameters, lines and size, and passes the check', async () => {
    const file = path.join(dir, 'g.csv');
    expect(await writeGeneratedCsv(file, opts)).toBe(300);
    const m = JSON.parse(fs.readFileSync(sidecarOf(file), 'utf8'));
    expect(m).toMatchObject({ options: opts, lines: 300, bytes: fs.statSync(file).size });
    expect(checkGenerated(file, opts)).toBeUndefined();
    expect(fs.readdirSync(dir).sort()).toEqual(['g.csv', 'g.csv.manifest.json']);
  });

  it('a truncated file, one without a manifest, or one made with other parameters is refused, saying which', async () => {
    const file = path.join(dir, 'g.csv');
    await writeGeneratedCsv(file, opts);
    expect(checkGenerated(file, { lines: 300, seed: 8 })).toMatch(/was generated with .*"seed":7.*not .*"seed":8/);
    fs.truncateSync(file, 1000);
    expect(checkGenerated(file, opts)).toMatch(/has 1,000 bytes, its manifest says .* cut short/);
    fs.rmSync(sidecarOf(file));
    expect(checkGenerated(file, opts)).toMatch(/has no manifest/);
  });

  it('options left to their defaults match the same options given explicitly, either way round', async () => {
    const file = path.join(dir, 'g.csv');
    // The CLI writes every option (`years: 4` by default); a caller may name only lines and seed.
    await writeGeneratedCsv(file, { ...opts, years: 4, startYear: 2014 });
    expect(checkGenerated(file, opts)).toBeUndefined();
    await writeGeneratedCsv(file, opts);
    expect(checkGenerated(file, { ...opts, years: 4, products: 1862 })).toBeUndefined();
    expect(checkGenerated(file, { ...opts, years: 3 })).toMatch(/"years":4.*not .*"years":3/);
  });

  it('a truncated file is generated again, identical to an uninterrupted one', async () => {
    const file = path.join(dir, 'g.csv');
    await writeGeneratedCsv(file, opts);
    const whole = fs.readFileSync(file);
    fs.truncateSync(file, 500);
    const reasons: string[] = [];
    expect(await ensureGenerated(file, opts, { onRegenerate: (r) => reasons.push(r) })).toBe(true);
    expect(reasons).toEqual([expect.stringMatching(/cut short/)]);
    expect(fs.readFileSync(file).equals(whole)).toBe(true);
    expect(await ensureGenerated(file, opts)).toBe(false);
  });
});
