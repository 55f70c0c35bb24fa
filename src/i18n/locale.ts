/**
 * The locales a reader can ask for (`en`, the default, and `es`), and how a reader's choice is read: a flag or a
 * schedule field (`parseLocale`, strict), or a browser's Accept-Language header (`negotiateLocale`, forgiving).
 */

export type Locale = 'en' | 'es';
export const locales: readonly Locale[] = ['en', 'es'];
export const defaultLocale: Locale = 'en';

/**
 * The BCP 47 tag `Intl` formats each locale with. The data is in US dollars whatever the reader's language, so the
 * currency is USD in both; only its symbol, position and separators follow the locale (`83.829,32 US$`).
 */
export const intlTag: Record<Locale, string> = { en: 'en-US', es: 'es-ES' };

export class LocaleError extends Error {
  override name = 'LocaleError';
}

const isLocale = (s: string): s is Locale => (locales as readonly string[]).includes(s);

/** The language of a tag: `es-ES`, `es_MX`, `ES` → `es`. */
const language = (tag: string) => tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';

/**
 * A locale as given on a command line or in a schedule (`es`, `en`; a regional tag such as `es-ES` is read as its
 * language). `what` names the input in the error: `--locale "fr" is not a supported locale (expected en or es)`.
 */
export function parseLocale(input: unknown, what = 'locale'): Locale {
  const lang = typeof input === 'string' ? language(input) : '';
  if (typeof input === 'string' && /^[a-z]{2,3}([-_][a-z0-9]{2,8})*$/i.test(input.trim()) && isLocale(lang)) return lang;
  throw new LocaleError(`${what} ${JSON.stringify(input)} is not a supported locale (expected ${locales.join(' or ')})`);
}

/**
 * The best supported locale for an Accept-Language header (`es-ES,es;q=0.9,en;q=0.8` → `es`): the supported language
 * with the highest weight, the first listed on a tie; the default when the header names none of them (or is absent).
 */
export function negotiateLocale(header: string | null | undefined): Locale {
  let best: { locale: Locale; q: number } | null = null;
  for (const part of (header ?? '').split(',')) {
    const [tag = '', ...params] = part.split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    const lang = language(tag);
    if (!isLocale(lang) || !(q > 0)) continue;
    if (!best || q > best.q) best = { locale: lang, q };
  }
  return best?.locale ?? defaultLocale;
}
