/**
 * The message catalogs, one per locale (`locales/en.json`, `locales/es.json`: flat keys namespaced by area, values
 * in ICU MessageFormat with plurals and selects), and `t`, which formats one message for a locale.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import en from './locales/en.json';
import es from './locales/es.json';
import { intlTag, type Locale } from './locale';

/** Every message's key: the English catalog's keys. A key is written whole in the code, so a test can find it. */
export type MessageKey = keyof typeof en;

/** Spanish must hold every English key: a missing one fails the type check as well as the catalog test. */
export const catalogs: Record<Locale, Record<MessageKey, string>> = { en, es };

export type MessageValues = Record<string, string | number>;

const compiled = new Map<string, IntlMessageFormat>();

/**
 * One message in `locale`, its placeholders filled. Numbers given as values are formatted by ICU in that locale
 * (`{count, plural, one {# pedido} other {# pedidos}}`); amounts are passed already formatted (`formats.ts`).
 * Tags are not interpreted (`<` is text): messages carry markdown's `**bold**`, never HTML.
 */
export function t(locale: Locale, key: MessageKey, values?: MessageValues): string {
  const id = `${locale}\u0000${key}`;
  let message = compiled.get(id);
  if (!message) {
    message = new IntlMessageFormat(catalogs[locale][key], intlTag[locale], undefined, { ignoreTag: true });
    compiled.set(id, message);
  }
  return String(message.format(values));
}

/** `t` bound to one locale, for a renderer that says many things: `const tr = translator('es'); tr('report.title')`. */
export type Translate = (key: MessageKey, values?: MessageValues) => string;
export const translator = (locale: Locale): Translate => (key, values) => t(locale, key, values);
