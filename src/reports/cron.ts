/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week), evaluated in UTC: numbers, `*`, lists,
 * ranges and steps (`*\/15`, `1-5`, `0,30`). Day-of-month and day-of-week combine like Vixie cron: when both are
 * restricted, either may match. Pure.
 */
export class CronError extends Error {
  override name = 'CronError';
}

export interface Cron {
  minute: Set<number>;
  hour: Set<number>;
  dayOfMonth: Set<number>;
  month: Set<number>;
  dayOfWeek: Set<number>;
  domRestricted: boolean;
  dowRestricted: boolean;
}

const fields = [
  ['minute', 0, 59],
  ['hour', 0, 23],
  ['day of month', 1, 31],
  ['month', 1, 12],
  ['day of week', 0, 7],
] as const;

function parseField(text: string, [name, min, max]: (typeof fields)[number], expr: string): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = part.match(/^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/);
    if (!m) throw new CronError(`cron "${expr}": ${name} "${part}" is not a number, range, list or step`);
    const lo = m[1] === '*' ? min : Number(m[2]);
    const hi = m[1] === '*' ? max : m[3] !== undefined ? Number(m[3]) : m[4] ? max : lo;
    const step = m[4] ? Number(m[4]) : 1;
    if (lo < min || hi > max || lo > hi || step < 1) throw new CronError(`cron "${expr}": ${name} "${part}" is outside ${min}-${max}`);
    for (let v = lo; v <= hi; v += step) out.add(name === 'day of week' && v === 7 ? 0 : v);
  }
  return out;
}

export function parseCron(expr: string): Cron {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) throw new CronError(`cron "${expr}" needs 5 fields (minute hour day-of-month month day-of-week), e.g. "0 7 1 * *"`);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = parts.map((p, i) => parseField(p, fields[i]!, expr)) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  return { minute, hour, dayOfMonth, month, dayOfWeek, domRestricted: parts[2] !== '*', dowRestricted: parts[4] !== '*' };
}

function dayMatches(c: Cron, d: Date): boolean {
  const dom = c.dayOfMonth.has(d.getUTCDate());
  const dow = c.dayOfWeek.has(d.getUTCDay());
  if (c.domRestricted && c.dowRestricted) return dom || dow;
  return dom && dow;
}

/** The first minute strictly after `after` that the expression matches (within 5 years). */
export function nextRun(c: Cron, after: Date): Date {
  const t = new Date(after.getTime());
  t.setUTCSeconds(0, 0);
  t.setUTCMinutes(t.getUTCMinutes() + 1);
  const limit = after.getTime() + 5 * 366 * 86_400_000;
  while (t.getTime() < limit) {
    if (!c.month.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0);
    } else if (!dayMatches(c, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0);
    } else if (!c.hour.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0);
    } else if (!c.minute.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1);
    } else return t;
  }
  throw new CronError('cron expression never matches within 5 years');
}
