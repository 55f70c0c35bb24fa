/**
 * Report periods (pure): a month `YYYY-MM`, a quarter `YYYY-Qn`, a year `YYYY`, or an explicit `from`/`to` range,
 * each with the previous period of the same length and the same period a year before, for comparisons.
 */
export interface DateRange {
  from: string;
  to: string;
}

export type PeriodKind = 'month' | 'quarter' | 'year' | 'range';

export interface Period extends DateRange {
  kind: PeriodKind;
  /** Also the output folder name: `2017-12`, `2017-Q4`, `2017`, `2017-03-01_2017-05-15`. */
  id: string;
  label: string;
  previous: DateRange;
  lastYear: DateRange;
}

export class PeriodError extends Error {
  override name = 'PeriodError';
}

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
const monthEnd = (y: number, m: number) => iso(y, m + 1, 0);
/** The months' names, January first. */
export const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function isRealDay(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
}

function shiftYears(r: DateRange, years: number): DateRange {
  const shift = (d: string) => {
    const y = Number(d.slice(0, 4)) + years;
    const [m, day] = [Number(d.slice(5, 7)), Number(d.slice(8, 10))];
    return iso(y, m, Math.min(day, Number(monthEnd(y, m).slice(8, 10))));
  };
  return { from: shift(r.from), to: shift(r.to) };
}

function monthsPeriod(kind: PeriodKind, id: string, label: string, y: number, m: number, count: number): Period {
  const from = iso(y, m, 1);
  const endMonth = m + count - 1;
  const to = monthEnd(y + Math.floor((endMonth - 1) / 12), ((endMonth - 1) % 12) + 1);
  const prevStart = new Date(Date.UTC(y, m - 1 - count, 1));
  const pY = prevStart.getUTCFullYear();
  const pM = prevStart.getUTCMonth() + 1;
  const pEnd = pM + count - 1;
  const previous = { from: iso(pY, pM, 1), to: monthEnd(pY + Math.floor((pEnd - 1) / 12), ((pEnd - 1) % 12) + 1) };
  return { kind, id, label, from, to, previous, lastYear: shiftYears({ from, to }, -1) };
}

export function parsePeriod(text: string): Period {
  const s = text.trim();
  let m: RegExpMatchArray | null;
  if ((m = s.match(/^(\d{4})-(\d{2})$/))) {
    const [y, mo] = [Number(m[1]), Number(m[2])];
    if (mo < 1 || mo > 12) throw new PeriodError(`period "${text}": month ${m[2]} does not exist (expected YYYY-MM with 01-12)`);
    return monthsPeriod('month', s, `${monthNames[mo - 1]} ${y}`, y, mo, 1);
  }
  if ((m = s.match(/^(\d{4})-Q([1-4])$/i))) {
    const [y, q] = [Number(m[1]), Number(m[2])];
    return monthsPeriod('quarter', `${y}-Q${q}`, `Q${q} ${y}`, y, (q - 1) * 3 + 1, 3);
  }
  if ((m = s.match(/^(\d{4})$/))) return monthsPeriod('year', s, `Year ${s}`, Number(m[1]), 1, 12);
  throw new PeriodError(`period "${text}" is not YYYY-MM, YYYY-Qn or YYYY (or give --from and --to)`);
}

export function rangePeriod(from: string, to: string): Period {
  for (const [name, d] of [['--from', from], ['--to', to]] as const) {
    if (!isRealDay(d)) throw new PeriodError(`${name} "${d}" is not a real day (expected YYYY-MM-DD)`);
  }
  if (to < from) throw new PeriodError(`--to ${to} is before --from ${from}`);
  const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
  const prevTo = new Date(Date.parse(from) - 86_400_000).toISOString().slice(0, 10);
  const prevFrom = new Date(Date.parse(from) - days * 86_400_000).toISOString().slice(0, 10);
  return { kind: 'range', id: `${from}_${to}`, label: `${from} to ${to}`, from, to, previous: { from: prevFrom, to: prevTo }, lastYear: shiftYears({ from, to }, -1) };
}

/** The period a folder or a run record names by its id (`2017-12`, `2017-Q4`, `2017`, `2017-03-01_2017-05-15`); null for another text. */
export function periodOfId(id: string): Period | null {
  try {
    const range = /^(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})$/.exec(id);
    return range ? rangePeriod(range[1]!, range[2]!) : parsePeriod(id);
  } catch {
    return null;
  }
}

/** The default period and, in words, why it was picked (the CLIs and the scheduler print it). */
export interface PeriodChoice {
  period: Period | null;
  reason: string;
}

/** The newest order day, and the newest one before the current calendar month (both null without data). */
export interface SaleDays {
  newest: string | null;
  newestComplete: string | null;
}

const monthOf = (d: Date) => d.toISOString().slice(0, 7);

/**
 * The latest complete month that has sales: the month of the newest order day before the current calendar month
 * (`today`). Counting from the newest sale alone picks an empty month after a demo's live sales (dated today) on data
 * that ends years before, so the month is taken from the days that have sales.
 */
export function latestCompleteMonth(days: SaleDays, today: Date = new Date()): PeriodChoice {
  const current = monthOf(today);
  const incomplete = days.newest && days.newest.slice(0, 7) >= current ? `; ${days.newest.slice(0, 7)} is not complete yet` : '';
  if (!days.newestComplete) {
    return { period: null, reason: days.newest ? `no complete month has sales yet${incomplete} (give --period ${days.newest.slice(0, 7)} for it so far)` : 'the warehouse has no sales' };
  }
  const month = days.newestComplete.slice(0, 7);
  return { period: parsePeriod(month), reason: `latest complete month with sales: ${month}${incomplete}` };
}

/** The calendar month before `today`, whether or not it has sales (a schedule's "last month"). */
export function lastCalendarMonth(today: Date = new Date()): Period {
  return parsePeriod(monthOf(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1))));
}

export const inRange = (day: string, r: DateRange) => day >= r.from && day <= r.to;

/** The months (YYYY-MM) a range touches. */
export function monthsOf(r: DateRange): string[] {
  const out: string[] = [];
  let y = Number(r.from.slice(0, 4));
  let m = Number(r.from.slice(5, 7));
  const end = r.to.slice(0, 7);
  for (;;) {
    const k = `${y}-${pad(m)}`;
    out.push(k);
    if (k >= end) return out;
    m = m === 12 ? 1 : m + 1;
    if (m === 1) y++;
  }
}
