/**
 * A text written in every locale by its author rather than kept in the catalogs: a notebook's own words
 * (`{ en: 'Every branch in {year}', es: 'Todas las sucursales en {year}' }`), ICU MessageFormat like the catalogs'
 * (plurals, selects), formatted for one locale. The type asks for every locale, so none can be forgotten.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import type { MessageValues } from './catalog';
import { intlTag, type Locale } from './locale';

export type Messages = Readonly<Record<Locale, string>>;

const compiled = new Map<string, IntlMessageFormat>();

/** `messages` in `locale`, its placeholders filled (numbers formatted by ICU in that locale, tags left as text). */
export function formatMessages(locale: Locale, messages: Messages, values?: MessageValues): string {
  const text = messages[locale];
  const id = `${locale}\u0000${text}`;
  let message = compiled.get(id);
  if (!message) {
    message = new IntlMessageFormat(text, intlTag[locale], undefined, { ignoreTag: true });
    // Each text is the notebook's own: a few hundred at most in a kernel's life.
    if (compiled.size > 2000) compiled.clear();
    compiled.set(id, message);
  }
  return String(message.format(values));
}
