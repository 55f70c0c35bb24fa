/**
 * Golden files for rendered output (a mail body, an HTML fragment, a spec). A changed output never overwrites its
 * golden file: it is written beside it as `<file>.actual` and the test fails with the first difference. Accepting it
 * is deliberate: `UPDATE_GOLDEN=1 npx jest <test file>` rewrites the golden file and says what it replaced; never
 * when `CI` is set.
 */
import fs from 'node:fs';
import path from 'node:path';

const shown = (file: string) => path.relative(process.cwd(), file) || file;

/** The first line that differs, 1-based, with both versions of it; null when the texts are equal. */
export function firstDifference(expected: string, actual: string): { line: number; expected: string | null; actual: string | null } | null {
  if (expected === actual) return null;
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; ; i++) {
    if (a[i] !== b[i]) return { line: i + 1, expected: a[i] ?? null, actual: b[i] ?? null };
  }
}

/** How many lines differ, position by position (a summary for the message, not a diff). */
const changedLines = (expected: string, actual: string) => {
  const a = expected.split('\n');
  const b = actual.split('\n');
  let n = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) n++;
  return n;
};

const clip = (s: string | null) => (s === null ? '(no line)' : s.length > 300 ? `${s.slice(0, 300)}…` : s);

export interface GoldenEnv {
  UPDATE_GOLDEN?: string;
  CI?: string;
}

/**
 * Compares `actual` with the golden `file`. Equal: passes (and removes a stale `.actual`). Different or missing: writes
 * `.actual` and throws, unless UPDATE_GOLDEN=1 outside CI, which rewrites the golden file and reports it on `report`.
 */
export function expectGolden(file: string, actual: string, env: GoldenEnv = process.env, report: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): void {
  const actualFile = `${file}.actual`;
  const expected = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
  if (expected === actual) {
    fs.rmSync(actualFile, { force: true });
    return;
  }
  if (env.UPDATE_GOLDEN === '1' && !env.CI) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
    fs.rmSync(actualFile, { force: true });
    report(expected === null ? `golden: created ${shown(file)}` : `golden: replaced ${shown(file)}: ${changedLines(expected, actual)} line(s) changed, the first at line ${firstDifference(expected, actual)!.line}`);
    return;
  }
  fs.writeFileSync(actualFile, actual);
  const why = env.UPDATE_GOLDEN === '1' ? ' (UPDATE_GOLDEN is ignored on CI)' : '';
  if (expected === null) throw new Error(`golden file ${shown(file)} does not exist; the output is in ${shown(actualFile)}. Check it, then accept it with UPDATE_GOLDEN=1 npx jest <test file>${why}`);
  const d = firstDifference(expected, actual)!;
  throw new Error(
    `${shown(file)} differs from the output at line ${d.line} (${changedLines(expected, actual)} line(s) changed); the output is in ${shown(actualFile)}.\n` +
      `  golden: ${clip(d.expected)}\n  output: ${clip(d.actual)}\n` +
      `Compare them; if the change is intended, accept it with UPDATE_GOLDEN=1 npx jest <test file>${why}.`,
  );
}
