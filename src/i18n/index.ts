/** The reader's language: locales, message catalogs (`t`), locale-aware formats and Vega's format locales. */
export { defaultLocale, intlTag, locales, LocaleError, negotiateLocale, parseLocale, type Locale } from './locale';
export { catalogs, t, translator, type MessageKey, type MessageValues, type Translate } from './catalog';
export { capitalise, formatsOf, periodLabel, utcMinuteIn, type Formats, type PeriodLike } from './formats';
export { vegaLocale, type VegaLocale } from './vega';
