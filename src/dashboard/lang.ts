/**
 * The reader's language on the dashboard pages: `?lang=es` (which wins) or the browser's Accept-Language header, English
 * when neither names a supported one. A language chosen in the query is kept by every link and form of the page.
 */
import { defaultLocale, LocaleError, negotiateLocale, parseLocale, t, type Locale, type MessageKey, type MessageValues } from '../i18n';
import { esc } from '../reports/format';
import { BadRequest } from './params';

export interface PageLang {
  locale: Locale;
  /** `lang=es` when the query chose the language, '' when the header (or the default) did: what links carry on. */
  query: string;
}

export const englishPage: PageLang = { locale: defaultLocale, query: '' };

/**
 * Pure: the page's language, and the query without `lang` (for the pages' own strict parameter checks). A `lang` that
 * is not a supported locale, or given twice, is a 400 like any other bad parameter.
 */
export function chooseLang(params: URLSearchParams, acceptLanguage: string | undefined): { lang: PageLang; params: URLSearchParams } {
  const asked = params.getAll('lang');
  if (asked.length > 1) throw new BadRequest('parameter "lang" given twice');
  const rest = new URLSearchParams(params);
  rest.delete('lang');
  if (!asked.length) return { lang: { locale: negotiateLocale(acceptLanguage), query: '' }, params: rest };
  try {
    const locale = parseLocale(asked[0], 'lang');
    return { lang: { locale, query: `lang=${locale}` }, params: rest };
  } catch (err) {
    if (err instanceof LocaleError) throw new BadRequest(err.message);
    throw err;
  }
}

/** What a cache keeps a page under: its locale, and whether its links carry `lang` (they differ in bytes). */
export const langKey = (lang: PageLang): string => lang.query || lang.locale;

/** Pure: `href` with the page's `lang` added when the query chose it (`/historical?year=2017&lang=es`). */
export function withLang(href: string, lang: PageLang): string {
  if (!lang.query) return href;
  const hash = href.indexOf('#');
  const [path, fragment] = hash < 0 ? [href, ''] : [href.slice(0, hash), href.slice(hash)];
  return `${path}${path.includes('?') ? '&' : '?'}${lang.query}${fragment}`;
}

/** A GET form's hidden field that keeps the language chosen in the query (empty when none was). */
export const langField = (lang: PageLang): string => (lang.query ? `<input type="hidden" name="lang" value="${esc(lang.locale)}">` : '');

/** Each language named in itself, as a language menu lists them: not translated. */
export const endonyms: Record<Locale, string> = { en: 'English', es: 'Español' };

/**
 * A message as HTML: its text escaped, with `html` values put in as they are (a `<code>` command, a link). The
 * catalogs hold text only, never markup; the markup stays here, in the code that builds the page.
 */
export function tHtml(locale: Locale, key: MessageKey, values: MessageValues, html: Record<string, string>): string {
  const names = Object.keys(html);
  const marked = t(locale, key, { ...values, ...Object.fromEntries(names.map((n, i) => [n, `\uE000${i}\uE001`])) });
  return esc(marked).replace(/\uE000(\d+)\uE001/g, (_, i: string) => html[names[Number(i)]!]!);
}

/** Pure: the language a `langKey` stands for (the live answers are shared under it). */
export function langOfKey(key: string): PageLang {
  if (key.startsWith('lang=')) return { locale: parseLocale(key.slice('lang='.length)), query: key };
  return { locale: parseLocale(key), query: '' };
}
