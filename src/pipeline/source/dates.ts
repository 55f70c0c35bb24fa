/**
 * Dates are read in one declared format and never guessed: "03/04/2016" means nothing until the
 * caller says day-first or month-first. Output is always ISO `YYYY-MM-DD`.
 */
export type DateFormat = 'iso' | 'dmy' | 'mdy';

export const dateFormats: readonly DateFormat[] = ['iso', 'dmy', 'mdy'];

const describe: Record<DateFormat, string> = { iso: 'YYYY-MM-DD', dmy: 'DD/MM/YYYY', mdy: 'MM/DD/YYYY' };

export type DateResult = { ok: true; iso: string } | { ok: false; reason: string };

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : monthDays[month - 1]!;
}

export function parseDate(text: string, format: DateFormat): DateResult {
  const value = text.trim();
  let y: number, m: number, d: number;
  if (format === 'iso') {
    const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
    if (!match) return { ok: false, reason: notADate(value, format) };
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else {
    const match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value);
    if (!match) return { ok: false, reason: notADate(value, format) };
    const a = Number(match[1]);
    const b = Number(match[2]);
    [d, m] = format === 'dmy' ? [a, b] : [b, a];
    y = Number(match[3]);
  }
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) {
    return { ok: false, reason: `"${value}" is not a real date (read as ${describe[format]})` };
  }
  return { ok: true, iso: `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}

function notADate(value: string, format: DateFormat): string {
  const hint = format === 'iso' && /\d{1,2}[/.]\d{1,2}[/.]\d{4}/.test(value) ? ' (use --date-format dmy or mdy)' : '';
  return `"${value}" is not a date in ${describe[format]}${hint}`;
}
