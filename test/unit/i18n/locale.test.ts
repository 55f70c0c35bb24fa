import { LocaleError, negotiateLocale, parseLocale } from '../../../src/i18n';

describe('choosing a locale', () => {
  it('reads a flag or a schedule field, a regional tag as its language', () => {
    expect(parseLocale('es')).toBe('es');
    expect(parseLocale(' EN ')).toBe('en');
    expect(parseLocale('es-ES')).toBe('es');
    expect(parseLocale('es_MX')).toBe('es');
  });

  it('refuses another locale, naming the value and the accepted ones', () => {
    expect(() => parseLocale('fr', '--locale')).toThrow(new LocaleError('--locale "fr" is not a supported locale (expected en or es)'));
    expect(() => parseLocale('', 'locale')).toThrow('locale "" is not a supported locale (expected en or es)');
    expect(() => parseLocale(3)).toThrow(LocaleError);
    expect(() => parseLocale('español')).toThrow(LocaleError);
  });

  it('negotiates an Accept-Language header: the supported language weighed highest, English otherwise', () => {
    expect(negotiateLocale('es-ES,es;q=0.9,en;q=0.8')).toBe('es');
    expect(negotiateLocale('fr-FR,fr;q=0.9,en-US;q=0.8,es;q=0.7')).toBe('en');
    expect(negotiateLocale('en;q=0.5, es;q=0.6')).toBe('es');
    expect(negotiateLocale('de, fr')).toBe('en');
    expect(negotiateLocale('es;q=0')).toBe('en');
    expect(negotiateLocale(undefined)).toBe('en');
    expect(negotiateLocale('*')).toBe('en');
  });
});
