import fs from 'node:fs';
import path from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { catalogs, locales, type Locale } from '../../../src/i18n';

type Element = { type: number; value?: unknown; options?: Record<string, { value: Element[] }> };

/**
 * The placeholders of an ICU message that put a value in the text (arguments, numbers, dates, plurals), nested ones
 * included. A `select` only chooses words, and a language may need one another does not (Spanish agrees its verb
 * with "las ventas" / "el beneficio"), so selects are left out here.
 */
function placeholders(elements: Element[], out = new Set<string>()): Set<string> {
  for (const el of elements) {
    // 1-4 and 6: argument, number, date, time, plural (0 is literal text, 5 a select, 7 the plural's #, 8 a tag).
    if (el.type >= 1 && el.type <= 6 && el.type !== 5 && typeof el.value === 'string') out.add(el.value);
    for (const option of Object.values(el.options ?? {})) placeholders(option.value, out);
  }
  return out;
}

const placeholdersOf = (locale: Locale, key: string) => [...placeholders(new IntlMessageFormat(catalogs[locale][key as keyof (typeof catalogs)['en']], locale).getAst() as Element[])].sort();

/** Every .ts file under `dir`. */
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

const keys = Object.keys(catalogs.en);
const namespaces = [...new Set(keys.map((k) => k.split('.')[0]!))];
const src = path.join(__dirname, '../../../src');
/** Quoted strings in the code that look like message keys: a catalog namespace, a dot, more name. */
const usedKeys = new Set(
  sourceFiles(src).flatMap((file) => [...fs.readFileSync(file, 'utf8').matchAll(/'([a-z][A-Za-z]*\.[A-Za-z0-9_.]*[A-Za-z0-9])'/g)].map((m) => m[1]!).filter((k) => namespaces.includes(k.split('.')[0]!))),
);

describe('message catalogs', () => {
  it('every locale has the same keys', () => {
    for (const locale of locales) expect(Object.keys(catalogs[locale]).sort()).toEqual([...keys].sort());
  });

  it('every message parses, with the same placeholders in every locale', () => {
    for (const key of keys) {
      const en = placeholdersOf('en', key);
      for (const locale of locales) expect({ key, placeholders: placeholdersOf(locale, key) }).toEqual({ key, placeholders: en });
    }
  });

  it('no message is empty or left untranslated by mistake', () => {
    for (const key of keys) expect({ key, es: catalogs.es[key as keyof typeof catalogs.es].trim().length > 0 }).toEqual({ key, es: true });
  });

  it('every key in the code is in the catalogs', () => {
    expect([...usedKeys].filter((k) => !keys.includes(k))).toEqual([]);
  });

  it('every key in the catalogs is used in the code (written whole, so it can be found)', () => {
    expect(keys.filter((k) => !usedKeys.has(k))).toEqual([]);
  });
});
