import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expectGolden, firstDifference } from '../../support/golden';

describe('golden files', () => {
  let dir: string;
  let file: string;
  const reports: string[] = [];
  const report = (l: string) => void reports.push(l);
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-'));
    file = path.join(dir, 'mail.html');
    reports.length = 0;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('an equal output passes and removes a stale .actual', () => {
    fs.writeFileSync(file, 'a\nb\n');
    fs.writeFileSync(`${file}.actual`, 'old');
    expect(() => expectGolden(file, 'a\nb\n', {}, report)).not.toThrow();
    expect(fs.existsSync(`${file}.actual`)).toBe(false);
  });

  it('a changed output fails, is written beside the golden file as .actual and never overwrites it', () => {
    fs.writeFileSync(file, 'a\nb\nc\n');
    expect(() => expectGolden(file, 'a\nB\nc\n', {}, report)).toThrow(/mail\.html differs from the output at line 2 \(1 line\(s\) changed\).*\n {2}golden: b\n {2}output: B\n.*UPDATE_GOLDEN=1/);
    expect(fs.readFileSync(file, 'utf8')).toBe('a\nb\nc\n');
    expect(fs.readFileSync(`${file}.actual`, 'utf8')).toBe('a\nB\nc\n');
  });

  it('a missing golden file fails with the output written as .actual', () => {
    expect(() => expectGolden(file, 'x', {}, report)).toThrow(/does not exist/);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readFileSync(`${file}.actual`, 'utf8')).toBe('x');
  });

  it('UPDATE_GOLDEN=1 accepts the output and says what it replaced', () => {
    fs.writeFileSync(file, 'a\nb\n');
    fs.writeFileSync(`${file}.actual`, 'a\nB\n');
    expectGolden(file, 'a\nB\n', { UPDATE_GOLDEN: '1' }, report);
    expect(fs.readFileSync(file, 'utf8')).toBe('a\nB\n');
    expect(fs.existsSync(`${file}.actual`)).toBe(false);
    expect(reports).toEqual([expect.stringMatching(/^golden: replaced .*mail\.html: 1 line\(s\) changed, the first at line 2$/)]);
  });

  it('UPDATE_GOLDEN=1 is ignored on CI: the test still fails and the golden file stays', () => {
    fs.writeFileSync(file, 'a\n');
    expect(() => expectGolden(file, 'b\n', { UPDATE_GOLDEN: '1', CI: 'true' }, report)).toThrow(/ignored on CI/);
    expect(fs.readFileSync(file, 'utf8')).toBe('a\n');
    expect(reports).toEqual([]);
  });

  it('the first difference names the line, including a line only one side has', () => {
    expect(firstDifference('a\nb', 'a\nb')).toBeNull();
    expect(firstDifference('a\nb', 'a\nb\nc')).toEqual({ line: 3, expected: null, actual: 'c' });
  });
});
