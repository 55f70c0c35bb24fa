/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week) evaluated in an IANA time zone by croner,
 * and instants written back in a zone as ISO 8601 with their offset. Pure, apart from `machineZone()`.
 * DST rules (croner's, Vixie cron's): see `nextRuns`.
 */
import { Cron } from 'croner';

export class CronError extends Error {
  override name = 'CronError';
}

/** A cron expression and the zone whose wall clock it reads. */
export interface CronSpec {
  cron: string;
  tz: string;
}

const monthNames = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const dayNames = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const fields = [
  { name: 'minute', min: 0, max: 59, names: [] as string[], first: 0 },
  { name: 'hour', min: 0, max: 23, names: [], first: 0 },
  { name: 'day of month', min: 1, max: 31, names: [], first: 1 },
  { name: 'month', min: 1, max: 12, names: monthNames, first: 1 },
  { name: 'day of week', min: 0, max: 7, names: dayNames, first: 0 },
] as const;

type Field = (typeof fields)[number];

const valueOf = (text: string, f: Field): number => {
  const i = (f.names as readonly string[]).indexOf(text.toUpperCase());
  return i >= 0 ? i + f.first : /^\d+$/.test(text) ? Number(text) : NaN;
};

/**
 * Checks one field against the syntax this project has always accepted: numbers (and JAN-DEC, SUN-SAT), `*`, lists,
 * ranges and steps; and in the day of week, `MON#1` (the first Monday of the month: reports go out on "the first
 * working Monday"). croner would also take L, W and ?, which a schedule file should not depend on; and its own range
 * messages are off by one (`0 0 32 * *` says "day: 31"), so the messages come from here.
 */
function checkField(text: string, f: Field, expr: string): void {
  for (const part of text.split(',')) {
    const nth = f.name === 'day of week' ? /^([A-Za-z]{3}|[0-7])#([1-5])$/.exec(part) : null;
    if (nth) {
      if (Number.isNaN(valueOf(nth[1]!, f))) throw new CronError(`cron "${expr}": ${f.name} "${part}" is not a day of the week`);
      continue;
    }
    const m = part.match(/^(\*|([A-Za-z]{3}|\d+)(?:-([A-Za-z]{3}|\d+))?)(?:\/(\d+))?$/);
    const lo = m?.[2] !== undefined ? valueOf(m[2], f) : f.min;
    const hi = m?.[3] !== undefined ? valueOf(m[3], f) : lo;
    if (!m || Number.isNaN(lo) || Number.isNaN(hi)) throw new CronError(`cron "${expr}": ${f.name} "${part}" is not a number, range, list or step`);
    if (lo < f.min || hi > f.max || lo > hi || (m[4] !== undefined && Number(m[4]) < 1)) throw new CronError(`cron "${expr}": ${f.name} "${part}" is outside ${f.min}-${f.max}`);
  }
}

const croner = (expr: string, tz: string) =>
  // fixedTimeRule "no-wildcard": `30 2,14 * * *` is a fixed-time job too (Vixie cron's rule), so it also runs once on
  // both DST days; sloppyRanges keeps `5/15` (from 5, every 15) working as it did before croner.
  new Cron(expr, { timezone: tz, mode: '5-part', fixedTimeRule: 'no-wildcard', sloppyRanges: true, domAndDow: false });

/** Validates an expression; returns it with its whitespace normalised. Errors name the expression and the field. */
export function parseCron(expr: string): string {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) throw new CronError(`cron "${expr}" needs 5 fields (minute hour day-of-month month day-of-week), e.g. "0 7 1 * *"`);
  parts.forEach((p, i) => checkField(p, fields[i]!, expr));
  const text = parts.join(' ');
  let c: Cron;
  try {
    c = croner(text, 'UTC');
  } catch (err) {
    throw new CronError(`cron "${expr}": ${(err as Error).message.replace(/^CronPattern: /, '')}`);
  }
  // Any date a pattern can match comes back within 28 years (leap days on a weekday); `0 0 30 2 *` never does.
  if (!c.nextRun(new Date('2000-01-01T00:00:00Z'))) throw new CronError(`cron "${expr}" never matches a date (day of month and month never meet)`);
  return text;
}

/** Whether `tz` is an IANA zone name this runtime knows (`Europe/Madrid`, `UTC`). */
export function isTimeZone(tz: string): boolean {
  if (!tz.trim()) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The zone this machine's clock is set to (TZ, or the system's), as an IANA name; UTC if the runtime cannot tell. */
export function machineZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * The next `n` times strictly after `from` at which the expression matches the wall clock of `spec.tz`. On DST days
 * (croner 11, fixed-time jobs: no `*` or step in the minute and hour fields): a time the spring-forward gap skips runs
 * once, at the first valid time after the gap (02:30 in Madrid on 2027-03-28 runs at 03:00 CEST); a time that happens
 * twice on the fall-back day runs once, at its first occurrence (02:30 CEST, not 02:30 CET). Jobs with `*` or a step
 * in those fields (`*\/30 * * * *`) run on both passes through the repeated hour and skip the gap, as in Vixie cron.
 */
export function nextRuns(spec: CronSpec, from: Date, n: number): Date[] {
  if (!isTimeZone(spec.tz)) throw new CronError(`time zone "${spec.tz}" is not an IANA zone name (e.g. "Europe/Madrid", "UTC")`);
  const c = croner(parseCron(spec.cron), spec.tz);
  const out: Date[] = [];
  let after = from;
  while (out.length < n) {
    const d = c.nextRun(after);
    if (!d) break;
    out.push(d);
    after = d;
  }
  return out;
}

/** The first time strictly after `from` at which the expression matches in `spec.tz`. */
export function nextRun(spec: CronSpec, from: Date): Date {
  const [d] = nextRuns(spec, from, 1);
  if (!d) throw new CronError(`cron "${spec.cron}" never matches after ${from.toISOString()}`);
  return d;
}

const wallClock = (d: Date, tz: string) => {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(d);
  const get = (t: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === t)!.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
};

const pad = (v: number, w = 2) => String(v).padStart(w, '0');

/** `d` on the wall clock of `tz`, ISO 8601 with the offset and seconds: `2027-03-28T09:00:00+02:00` (UTC is `+00:00`). */
export function formatInZone(d: Date, tz: string): string {
  const w = wallClock(d, tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const offsetMin = Math.round((asUtc - Math.floor(d.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
