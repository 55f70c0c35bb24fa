/**
 * What a notebook parameter accepts (pure), declared at the end of its comment in the parameters cell
 * (`const branch: string = 'BR-WEST'; // the branch to review; accepts: branch`), and the check of a run's values
 * against it before the kernel starts. Choices that depend on the data (branch IDs, the data's dates) are asked of
 * `ParamFacts`, which the caller reads from the warehouse (facts.ts), so a wrong value fails in Node, at once, with
 * what would have been right.
 */
import { parsePeriod, PeriodError, type DateRange } from '../reports/period';
import { ParameterError, type ParamDecl, type ParamValue } from './params';
import { locales } from '../i18n';

/** What the checks may ask of the data; each is read only when a declared choice needs it. */
export interface ParamFacts {
  /** The warehouse's branches, by ID. */
  branches(): Promise<{ id: string; name: string }[]>;
  /** The warehouse's product categories. */
  categories(): Promise<string[]>;
  /** The first and last day with sales; null when the warehouse has none. */
  saleDays(): Promise<DateRange | null>;
  /** True when the path (from the notebook's folder) is an existing file. */
  fileExists(file: string): boolean;
}

/** One choice of an `accepts:` list. */
export type Choice =
  | { kind: 'literal'; value: string | number | boolean }
  | { kind: 'branch' | 'category' | 'period' | 'year' | 'day' | 'file' | 'text' | 'locale' }
  | { kind: 'integer' | 'number'; min: number | null; max: number | null }
  | { kind: 'list'; items: string[] };

/** The accepted formats of a period, as `render` and `report` spell them. */
export const PERIOD_FORMATS = 'YYYY-MM, YYYY-Qn or YYYY';

export const ACCEPTS_VOCABULARY = ["'text'", '"text"', 'a number', 'true', 'false', 'branch', 'category', 'period', 'year', 'day', 'file', 'text', 'locale', 'integer', 'number', 'integer 1..200', 'integer >= 0', 'list of a, b, c'];

const NUM = String.raw`-?\d+(?:\.\d+)?`;
const RANGE = new RegExp(`^(integer|number)(?:\\s+(?:(${NUM})\\.\\.(${NUM})?|>=\\s*(${NUM})|<=\\s*(${NUM})))?$`);

function parseChoice(text: string): Choice | null {
  const t = text.trim();
  const quoted = /^'([^']*)'$/.exec(t) ?? /^"([^"]*)"$/.exec(t);
  if (quoted) return { kind: 'literal', value: quoted[1]! };
  if (new RegExp(`^${NUM}$`).test(t)) return { kind: 'literal', value: Number(t) };
  if (t === 'true' || t === 'false') return { kind: 'literal', value: t === 'true' };
  if (['branch', 'category', 'period', 'year', 'day', 'file', 'text', 'locale'].includes(t)) return { kind: t as 'branch' };
  const range = RANGE.exec(t);
  if (range) {
    const n = (s: string | undefined) => (s === undefined ? null : Number(s));
    return { kind: range[1] as 'integer', min: n(range[2] ?? range[4]), max: n(range[3] ?? range[5]) };
  }
  const list = /^list of\s+(.+)$/.exec(t);
  if (list) {
    const items = list[1]!.split(',').map((s) => s.trim());
    if (items.every((s) => /^[\w.-]+$/.test(s))) return { kind: 'list', items };
  }
  return null;
}

/** The choices a parameter's comment declares after `accepts:` (separated by `|`); null when it declares none. */
export function acceptsOf(decl: Pick<ParamDecl, 'name' | 'comment'>): Choice[] | null {
  const m = /\baccepts:\s*(.*)$/.exec(decl.comment ?? '');
  if (!m) return null;
  return m[1]!.split('|').map((part) => {
    const c = parseChoice(part);
    if (!c) throw new ParameterError(`parameters cell: "${decl.name}" accepts "${part.trim()}", which is not one of ${ACCEPTS_VOCABULARY.join(', ')} (separate choices with |)`);
    return c;
  });
}

const quote = (v: string | number | boolean) => (typeof v === 'string' ? `'${v}'` : String(v));
const orList = (xs: readonly string[]) => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`);
const withinData = (r: DateRange | null) => (r ? `within the data, which runs from ${r.from} to ${r.to}` : 'within the data, but the warehouse has no sales yet (run `npm run pipeline` first)');
const overlaps = (a: DateRange, b: DateRange) => a.from <= b.to && a.to >= b.from;

function rangeText(c: { kind: 'integer' | 'number'; min: number | null; max: number | null }): string {
  const what = c.kind === 'integer' ? 'a whole number' : 'a number';
  if (c.min !== null && c.max !== null) return `${what} from ${c.min} to ${c.max}`;
  if (c.min !== null) return `${what} of at least ${c.min}`;
  return c.max !== null ? `${what} of at most ${c.max}` : what;
}

/** What a choice accepts, in words, with the data's branch IDs or dates where it depends on them. */
export async function describeChoice(c: Choice, f: ParamFacts): Promise<string> {
  switch (c.kind) {
    case 'literal':
      return quote(c.value);
    case 'branch': {
      const ids = (await f.branches()).map((b) => b.id);
      return ids.length ? `a branch ID of the warehouse: ${orList(ids)}` : 'a branch ID of the warehouse, which has none yet (run `npm run pipeline` first)';
    }
    case 'category': {
      const cats = await f.categories();
      return cats.length ? `a category of the warehouse: ${orList(cats)}` : 'a category of the warehouse, which has none yet (run `npm run pipeline` first)';
    }
    case 'period':
      return `a period as ${PERIOD_FORMATS} ${withinData(await f.saleDays())}`;
    case 'year': {
      const r = await f.saleDays();
      return r ? `a year from ${r.from.slice(0, 4)} to ${r.to.slice(0, 4)} (the data runs from ${r.from} to ${r.to})` : `a year ${withinData(r)}`;
    }
    case 'day':
      return `a day as YYYY-MM-DD ${withinData(await f.saleDays())}`;
    case 'file':
      return "a path to an existing file (from the notebook's folder)";
    case 'text':
      return 'any text';
    case 'locale':
      return `a language of the outputs: ${orList([...locales])}`;
    case 'integer':
    case 'number':
      return rangeText(c);
    case 'list':
      return `a comma-separated list of ${c.items.join(', ')}`;
  }
}

/** Accepted: true; refused: false, or why when the value has the choice's shape but is not in the data. */
type Verdict = true | false | string;

function checkShape(c: Choice, v: ParamValue): Verdict {
  switch (c.kind) {
    case 'literal':
      return v === c.value;
    case 'text':
      return typeof v === 'string';
    case 'locale':
      return typeof v === 'string' && (locales as readonly string[]).includes(v);
    case 'integer':
    case 'number':
      if (typeof v !== 'number' || (c.kind === 'integer' && !Number.isInteger(v))) return false;
      return (c.min === null || v >= c.min) && (c.max === null || v <= c.max);
    case 'list': {
      if (typeof v !== 'string') return false;
      const parts = v.split(',').map((s) => s.trim());
      const bad = parts.filter((p) => !c.items.includes(p));
      if (bad.length) return bad.every(Boolean) ? `${orList(bad.map((b) => `"${b}"`))} ${bad.length > 1 ? 'are' : 'is'} not one of ${c.items.join(', ')}` : false;
      return new Set(parts).size === parts.length || `a format is repeated`;
    }
    default:
      return true;
  }
}

/** `YYYY-MM-DD` of a day of the calendar (not 2017-02-30, not 2017-13-01). */
const isRealDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

/** The range of a period, a year or a day value; null when the value has none of those shapes. */
function dateRangeOf(c: Choice, v: ParamValue): { range: DateRange; label: string } | null {
  if (c.kind === 'year' && (typeof v === 'number' || typeof v === 'string') && /^\d{4}$/.test(String(v))) return { range: { from: `${v}-01-01`, to: `${v}-12-31` }, label: String(v) };
  if (c.kind === 'day' && typeof v === 'string' && isRealDay(v)) return { range: { from: v, to: v }, label: v };
  if (c.kind === 'period' && typeof v === 'string') {
    try {
      const p = parsePeriod(v);
      return { range: p, label: p.label };
    } catch (err) {
      if (err instanceof PeriodError) return null;
      throw err;
    }
  }
  return null;
}

async function checkChoice(c: Choice, v: ParamValue, f: ParamFacts): Promise<Verdict> {
  switch (c.kind) {
    case 'branch':
      if (typeof v !== 'string') return false;
      return (await f.branches()).some((b) => b.id === v);
    case 'category':
      if (typeof v !== 'string') return false;
      return (await f.categories()).includes(v);
    case 'file':
      return typeof v === 'string' && v !== '' && (f.fileExists(v) || `no file ${v}`);
    case 'period':
    case 'year':
    case 'day': {
      const d = dateRangeOf(c, v);
      if (!d) return false;
      const data = await f.saleDays();
      return (data !== null && overlaps(d.range, data)) || `${d.label} is outside the data`;
    }
    default:
      return checkShape(c, v);
  }
}

/** How a value is named in messages: as given (`-p branch=BR-NORTH`), or as the notebook's default. */
const valueLabel = (name: string, v: ParamValue, given: boolean) => (given ? `-p ${name}=${typeof v === 'string' ? v : JSON.stringify(v)}` : `${name} = ${typeof v === 'string' ? quote(v) : JSON.stringify(v)} (the notebook's default)`);

/**
 * Every parameter's value for this run (given, or its default) against what its comment says it accepts; a value no
 * choice accepts is a ParameterError listing, for each such parameter, why and what would be accepted.
 */
export async function checkAccepted(decls: readonly ParamDecl[], values: Readonly<Record<string, ParamValue>>, facts: ParamFacts): Promise<void> {
  const problems: string[] = [];
  for (const d of decls) {
    const choices = acceptsOf(d);
    if (!choices) continue;
    const given = d.name in values;
    const v = given ? values[d.name]! : d.default;
    const verdicts: Verdict[] = [];
    for (const c of choices) verdicts.push(await checkChoice(c, v, facts));
    if (verdicts.includes(true)) continue;
    const why = verdicts.find((x): x is string => typeof x === 'string');
    const expected = await Promise.all(choices.map((c) => describeChoice(c, facts)));
    problems.push(`${valueLabel(d.name, v, given)}: ${why ? `${why}; ` : ''}expected ${expected.join(', or ')}`);
  }
  if (problems.length) throw new ParameterError(problems.join('\n'));
}
