/** Issue 31: the dashboard pages in the reader's language: `?lang=` wins, then Accept-Language, then English. */
import { chooseLang, langKey, langOfKey, tHtml, withLang } from '../../../src/dashboard/lang';
import { BadRequest } from '../../../src/dashboard/params';
import { page } from '../../../src/dashboard/layout';
import { recommendationsFragment } from '../../../src/dashboard/recommendations';
import { realtimeFragment } from '../../../src/dashboard/realtime';
import { reportsBody, type ReportsPageData } from '../../../src/dashboard/reports-page';
import { createViewCache } from '../../../src/dashboard/view-cache';
import { prepareBody } from '../../../src/dashboard/http';
import { topProductsTitle } from '../../../src/dashboard/historical';
import type { SaleRecommendations } from '../../../src/pipeline/reco/event';

const q = (s: string) => new URLSearchParams(s);

describe('the language of a dashboard page', () => {
  it('is the query\'s lang when there is one, whatever the browser asks for', () => {
    const { lang, params } = chooseLang(q('year=2017&lang=es'), 'en-US,en;q=0.9');
    expect(lang).toEqual({ locale: 'es', query: 'lang=es' });
    expect(params.toString()).toBe('year=2017');
    expect(chooseLang(q('lang=en'), 'es-ES,es;q=0.9').lang).toEqual({ locale: 'en', query: 'lang=en' });
    expect(chooseLang(q('lang=es-MX'), undefined).lang.locale).toBe('es');
  });

  it('is else the supported language the Accept-Language header weighs most', () => {
    expect(chooseLang(q(''), 'es-ES,es;q=0.9,en;q=0.8').lang).toEqual({ locale: 'es', query: '' });
    expect(chooseLang(q(''), 'fr-FR,fr;q=0.9,en;q=0.5,es;q=0.7').lang.locale).toBe('es');
    expect(chooseLang(q(''), 'fr-FR,es;q=0.3,en;q=0.6').lang.locale).toBe('en');
    expect(chooseLang(q(''), 'es;q=0').lang.locale).toBe('en');
  });

  it('is English when neither names a supported language', () => {
    expect(chooseLang(q(''), undefined).lang).toEqual({ locale: 'en', query: '' });
    expect(chooseLang(q(''), 'fr-FR,de;q=0.8').lang.locale).toBe('en');
    expect(chooseLang(q(''), '*').lang.locale).toBe('en');
  });

  it('is a 400 when the query names a language there is none of, or names two', () => {
    expect(() => chooseLang(q('lang=fr'), 'es')).toThrow(new BadRequest('lang "fr" is not a supported locale (expected en or es)'));
    expect(() => chooseLang(q('lang=es&lang=en'), undefined)).toThrow(BadRequest);
  });

  it('is kept by links only when the query chose it', () => {
    const es = { locale: 'es', query: 'lang=es' } as const;
    expect(withLang('/historical', es)).toBe('/historical?lang=es');
    expect(withLang('/historical/export.csv?year=2017', es)).toBe('/historical/export.csv?year=2017&lang=es');
    expect(withLang('/reports?job=a#runs', es)).toBe('/reports?job=a&lang=es#runs');
    expect(withLang('/historical', { locale: 'es', query: '' })).toBe('/historical');
  });

  it('keys a cached page apart from the other language, and from the same language chosen by the header', () => {
    const keys = [langKey({ locale: 'en', query: '' }), langKey({ locale: 'es', query: '' }), langKey({ locale: 'es', query: 'lang=es' })];
    expect(new Set(keys).size).toBe(3);
    for (const k of keys) expect(langKey(langOfKey(k))).toBe(k);
  });
});

describe('a dashboard page in Spanish', () => {
  const es = { locale: 'es', query: 'lang=es' } as const;

  it('says so in <html lang>, names its navigation in Spanish, keeps lang in its links and offers English', () => {
    const html = page({ title: 'Histórico', path: '/historical', query: '?year=2017', lang: es, body: '' });
    expect(html).toContain('<html lang="es">');
    expect(html).toContain('<a href="/historical?lang=es" aria-current="page" class="active">Histórico</a>');
    expect(html).toContain('<a href="/recommendations?lang=es">Recomendaciones</a>');
    expect(html).toContain('<a href="/historical?year=2017&amp;lang=en" hreflang="en" lang="en">English</a>');
  });

  it('writes a message as HTML with its markup kept out of the catalog and its text escaped', () => {
    expect(tHtml('es', 'dashboard.realtime.updated', {}, { time: '<span data-clock>10:00:00 UTC</span>' })).toBe('Actualizado a las <span data-clock>10:00:00 UTC</span>, la zona horaria de las ventas · se actualiza cada 5 s.');
  });

  it('names the top products chart in Spanish, branch and category as the data has them', () => {
    expect(topProductsTitle({ year: 2017, month: 12, branch: 'BR-WEST', category: 'Technology' }, 'West · Los Angeles', 'es')).toBe('Productos con más beneficio, 2017 (todo el año) · West · Los Angeles · Technology');
    expect(topProductsTitle({ year: null, month: null, branch: null, category: null }, null, 'es')).toBe('Productos con más beneficio, todos los años · todas las sucursales');
  });

  it('the recommendations: Spanish labels and plurals, Spanish number formats, data names as they are', async () => {
    const sale: SaleRecommendations = {
      sale_id: 'S1', customer_id: 'C1', customer_name: 'Ann', branch_id: 'BR-WEST', branch_name: 'West', payment_method: 'card', order_date: '2017-12-30', order_time: '10:15', sale_produced_at: null,
      totals: { lines: 1, units: 1, total: 1234.5, profit: 2 },
      items: [{ product_id: 'Q', name: 'Bought thing', category: 'Furniture', sub_category: 'Chairs', quantity: 1, unit_price: 1234.5, discount: 0, subtotal: 1234.5 }],
      recommendations: [
        { product_id: 'P1', name: 'Product 1', category: 'Furniture', sub_category: 'Chairs', unit_price: 10, relevance: 45.6, confidence: 33.3, rank: 1, fallback: false, because_product_id: 'Q', reason: 'why' },
        { product_id: 'P2', name: 'Product 2', category: 'Furniture', sub_category: 'Chairs', unit_price: 10, relevance: 20, confidence: 66.7, rank: 2, fallback: false, because_product_id: 'Q', reason: 'why' },
      ],
      model: { trained_at: '2026-01-01T00:00:00Z', level: 'customer', format_version: 1 },
      recommended_at: '2026-03-01T10:00:00Z',
    };
    const feed = { items: () => [sale], error: () => null, stop: async () => undefined };
    const { html } = await recommendationsFragment({ db: null, feed, draw: async (name) => `<figure data-chart="${name}"></figure>`, minCustomers: 3, zone: 'UTC', locale: 'es' });
    expect(html).toContain('<h2>Ventas procesadas más recientemente</h2>');
    expect(html).toContain('Fecha del pedido <strong data-order-date>30 dic 2017</strong> 10:15 · procesada el 1 mar 2026 10:00 UTC');
    expect(html).toMatch(/<td class="num rel">45,6 %<\/td>.*<td>1 cliente<span class="pill warn"[^>]*>demasiado pocos para fiarse<\/span><\/td>/);
    expect(html).toMatch(/<td>4 clientes<\/td>/);
    expect(html).toContain('1.234,50\u00a0US$');
    expect(html).toMatch(/data-kpi="thin"><div class="label">Con &lt; 3 clientes<\/div><div class="value">1 de 2</);
    expect(html).toContain('<td>Bought thing</td><td>Furniture / Chairs</td>');
  });

  it('the real-time page: the day in Spanish, its figures and the arrivals table in Spanish', async () => {
    const health = async () => ({ lag: 1234, consumedPerSecond: null, deadLetters: null });
    const { html } = await realtimeFragment({ db: null, feed: null, health, draw: async () => '', zone: 'UTC', locale: 'es' }, '2017-12-30');
    expect(html).toContain('<div class="label">Ventas del 30 dic 2017</div><div class="value">0</div>');
    expect(html).toContain('<div class="label">Retraso del consumidor</div><div class="value">1.234</div>');
    expect(html).toContain('<div class="label">Cola de errores</div><div class="value">desconocido</div>');
    expect(html).toContain('No hay ventas el 30 dic 2017.');
    expect(html).toContain('Esperando ventas: arranca un productor');
  });

  it('the Reports page: headings, statuses and durations in Spanish; job names and errors as written', () => {
    const started = new Date('2026-03-01T07:00:00Z');
    const d: ReportsPageData = {
      schedule: { file: '/srv/schedule.json', jobs: [{ name: 'west-monthly', what: 'notebook x', cron: '0 7 1 * *', tz: 'UTC' }], problem: null },
      recent: new Map([['west-monthly', []]]),
      runs: [{ _id: 'r1', job: 'west-monthly', trigger: 'cron', status: 'failed', attempt: 1, started_at: started, ended_at: new Date(started.getTime() + 4200), heartbeat_at: started, error: 'cell 7 raised' } as never],
      filter: { job: null, status: null },
      knownJobs: ['west-monthly'],
      now: started,
      zone: 'UTC',
      lang: { locale: 'es', query: '' },
    };
    const html = reportsBody(d);
    expect(html).toContain('<h1>Informes</h1><h2>Tareas</h2>');
    expect(html).toContain('<th>Próxima ejecución</th>');
    expect(html).toContain('aún sin ejecuciones');
    expect(html).toContain('<td>programada</td>');
    expect(html).toContain('fallida</span>');
    expect(html).toContain('<td class="num">4,2 s</td>');
    expect(html).toContain('cell 7 raised');
  });
});

describe('the view cache', () => {
  it('keeps a view per language: the Spanish page is never served to an English reader', async () => {
    const cache = createViewCache(1024 * 1024);
    const f = { year: 2017, month: null, branch: null, category: null };
    const en = await cache.get('b1', 'page|en', f, () => prepareBody('text/html', '<p>Revenue</p>'));
    const es = await cache.get('b1', 'page|lang=es', f, () => prepareBody('text/html', '<p>Ventas</p>'));
    expect([en.raw.toString(), es.raw.toString()]).toEqual(['<p>Revenue</p>', '<p>Ventas</p>']);
    expect((await cache.get('b1', 'page|en', f, () => prepareBody('text/html', 'again'))).raw.toString()).toBe('<p>Revenue</p>');
  });
});
