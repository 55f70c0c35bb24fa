/**
 * Vega's number and time format locales (d3-format and d3-time-format definitions) for a report's locale, for a
 * Vega-Lite spec's `config.locale`: an axis then reads "dic" and "83.829", a money label "83.829 US$".
 */
import { formatsOf } from './formats';
import { intlTag, type Locale } from './locale';

export interface VegaNumberLocale {
  decimal: string;
  thousands: string;
  grouping: number[];
  currency: [string, string];
}

export interface VegaTimeLocale {
  dateTime: string;
  date: string;
  time: string;
  periods: [string, string];
  days: string[];
  shortDays: string[];
  months: string[];
  shortMonths: string[];
}

export interface VegaLocale {
  number: VegaNumberLocale;
  time: VegaTimeLocale;
}

/** The weekdays' names from `Intl`, Sunday first (d3's order); 2000-01-02 was a Sunday. */
function weekdays(locale: Locale, weekday: 'long' | 'short'): string[] {
  const f = new Intl.DateTimeFormat(intlTag[locale], { weekday, timeZone: 'UTC' });
  return Array.from({ length: 7 }, (_, i) => f.format(new Date(Date.UTC(2000, 0, 2 + i))).replace(/\.$/, ''));
}

const months = (locale: Locale, pick: (m: number) => string) => Array.from({ length: 12 }, (_, i) => pick(i + 1));

/**
 * The Vega locale of `locale`, or null for English: Vega's own default is en-US, and a spec without `config.locale`
 * stays exactly as it was. The currency is the data's, US dollars, placed as the locale places it (`83.829 US$`).
 */
export function vegaLocale(locale: Locale): VegaLocale | null {
  if (locale === 'en') return null;
  const f = formatsOf(locale);
  return {
    number: { decimal: ',', thousands: '.', grouping: [3], currency: ['', '\u00a0US$'] },
    time: {
      dateTime: '%A, %e de %B de %Y, %X',
      date: '%d/%m/%Y',
      time: '%H:%M:%S',
      periods: ['AM', 'PM'],
      days: weekdays(locale, 'long'),
      shortDays: weekdays(locale, 'short'),
      months: months(locale, f.monthName),
      shortMonths: months(locale, f.monthShort),
    },
  };
}
