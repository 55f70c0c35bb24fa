/**
 * Numbers and dates as a reader of each locale writes them, through `Intl`: money (always US dollars, the data's
 * currency: `$83,829.32`, `83.829,32 US$`), counts, percentages in the house style (`31.4 %`, `31,4 %`), points,
 * days, ratios, days and months, and period labels ("December 2017", "diciembre de 2017").
 */
import { t } from './catalog';
import { intlTag, type Locale } from './locale';

export interface Formats {
  locale: Locale;
  money: (v: number) => string;
  /** Whole numbers, with thousands separators. */
  count: (v: number) => string;
  /** One decimal, with thousands separators (`1,689.5`, `1.689,5`). */
  oneDecimal: (v: number) => string;
  /** Two decimals: a change under one per cent (`0.12`). */
  hundredths: (v: number) => string;
  /** Three decimals: a score that is not a share (NDCG, a similarity). */
  ratio: (v: number) => string;
  /** A share as a percentage in the house style: one decimal, a space before the sign (`31.4 %`, `31,4 %`). */
  percent: (share: number) => string;
  /** A difference of percentages, in points (`2.0 pts`, `2,0 p. p.`), unsigned. */
  points: (pts: number) => string;
  /** A day (`YYYY-MM-DD`) as the reader writes it: ISO in English (as every report has it), `15 nov 2017` in Spanish. */
  day: (iso: string) => string;
  /** A month's name, 1 = January (`December`, `diciembre`). */
  monthName: (month: number) => string;
  /** A month's short name for an axis (`Dec`, `dic`). */
  monthShort: (month: number) => string;
  /** A month of a year (`YYYY-MM` → `December 2017`, `diciembre de 2017`). */
  monthOfYear: (yyyyMm: string) => string;
}

const utcDate = (iso: string) => new Date(`${iso.length === 7 ? `${iso}-01` : iso.slice(0, 10)}T00:00:00Z`);

function buildFormats(locale: Locale): Formats {
  const tag = intlTag[locale];
  // Spanish leaves four-digit numbers ungrouped by default (1234,50); tables and chart axes group every amount alike.
  const grouping = { useGrouping: 'always' } as unknown as Intl.NumberFormatOptions;
  const money = new Intl.NumberFormat(tag, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2, ...grouping });
  const count = new Intl.NumberFormat(tag, { maximumFractionDigits: 0, ...grouping });
  const tenths = new Intl.NumberFormat(tag, { minimumFractionDigits: 1, maximumFractionDigits: 1, ...grouping });
  const hundredths = new Intl.NumberFormat(tag, { minimumFractionDigits: 2, maximumFractionDigits: 2, ...grouping });
  const thousandths = new Intl.NumberFormat(tag, { minimumFractionDigits: 3, maximumFractionDigits: 3, ...grouping });
  const dayFormat = new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  const monthLong = new Intl.DateTimeFormat(tag, { month: 'long', timeZone: 'UTC' });
  const monthShort = new Intl.DateTimeFormat(tag, { month: 'short', timeZone: 'UTC' });
  const monthYear = new Intl.DateTimeFormat(tag, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const ofMonth = (m: number) => new Date(Date.UTC(2000, m - 1, 1));
  return {
    locale,
    money: (v) => money.format(v),
    count: (v) => count.format(v),
    oneDecimal: (v) => tenths.format(v),
    hundredths: (v) => hundredths.format(v),
    ratio: (v) => thousandths.format(v),
    percent: (share) => `${tenths.format(share * 100)} %`,
    points: (pts) => t(locale, 'format.points', { value: tenths.format(pts) }),
    day: (iso) => (locale === 'en' ? iso : dayFormat.format(utcDate(iso)).replace(/\.$/, '')),
    monthName: (m) => monthLong.format(ofMonth(m)),
    monthShort: (m) => monthShort.format(ofMonth(m)).replace(/\.$/, ''),
    monthOfYear: (yyyyMm) => monthYear.format(utcDate(yyyyMm)),
  };
}

const cache = new Map<Locale, Formats>();

/** The formatters of a locale (built once). */
export function formatsOf(locale: Locale): Formats {
  let f = cache.get(locale);
  if (!f) cache.set(locale, (f = buildFormats(locale)));
  return f;
}

/** A report period as `src/reports/period.ts` describes it: kind, id and days. */
export interface PeriodLike {
  kind: 'month' | 'quarter' | 'year' | 'range';
  id: string;
  from: string;
  to: string;
}

/** A period's name in the reader's words: `December 2017` / `diciembre de 2017`, `Q4 2017`, `Year 2017`, a range. */
export function periodLabel(locale: Locale, p: PeriodLike): string {
  const f = formatsOf(locale);
  if (p.kind === 'month') return f.monthOfYear(p.id);
  if (p.kind === 'quarter') return t(locale, 'period.quarter', { quarter: p.id.slice(-1), year: p.id.slice(0, 4) });
  if (p.kind === 'year') return t(locale, 'period.year', { year: p.id });
  return t(locale, 'period.range', { from: f.day(p.from), to: f.day(p.to) });
}

/** A time to the minute, in UTC: `2026-11-30 12:39 UTC` in English, `30 nov 2026 12:39 UTC` in Spanish. */
export function utcMinuteIn(locale: Locale, time: string | Date): string {
  const iso = typeof time === 'string' ? time : time.toISOString();
  return `${formatsOf(locale).day(iso.slice(0, 10))} ${iso.slice(11, 16)} UTC`;
}

/** The first letter in capitals: a Spanish month starts a title ("Diciembre de 2017"). */
export const capitalise = (s: string) => (s ? `${s[0]!.toLocaleUpperCase()}${s.slice(1)}` : s);
