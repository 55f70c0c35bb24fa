import { formatsOf, periodLabel, t, utcMinuteIn, vegaLocale } from '../../../src/i18n';
import { change, formatValue, noSalesNote, standingText } from '../../../src/reports/format';
import { parsePeriod, rangePeriod } from '../../../src/reports/period';
import { restatementLine } from '../../../src/reports/runs/changes';
import { branchChart, trendChart, withLocale } from '../../../src/reports/charts';
import { renderSvg } from '../../../src/reports/render';
import type { TopLevelSpec } from 'vega-lite';

const nbsp = '\u00a0';
const svgTexts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

describe('Spanish (es-ES) number formats', () => {
  it('money stays in US dollars, written the Spanish way', () => {
    expect(formatValue(83829.32, 'money', 'es')).toBe(`83.829,32${nbsp}US$`);
    expect(formatValue(-1238.384, 'money', 'es')).toBe(`-1.238,38${nbsp}US$`);
    // Four-digit amounts are grouped too, as in the tables beside them and on the axes.
    expect(formatValue(1234.5, 'money', 'es')).toBe(`1.234,50${nbsp}US$`);
    expect(formatValue(83829.32, 'money', 'en')).toBe('$83,829.32');
  });

  it('percentages keep the house style (one decimal, a space before the sign), changes their sign', () => {
    expect(formatValue(0.314, 'percent', 'es')).toBe('31,4 %');
    expect(formatValue(16.895, 'percent', 'es')).toBe('1.689,5 %');
    expect(formatValue(1723, 'count', 'es')).toBe('1.723');
    expect(formatValue(4.25, 'days', 'es')).toBe('4,3');
    expect(formatValue(0.1234, 'ratio', 'es')).toBe('0,123');
    expect(change({ value: 110, format: 'money' }, 100, 'es').text).toBe('+10,0 %');
    expect(change({ value: 0.1, format: 'percent' }, 0.12, 'es').text).toBe('−2,0 p. p.');
    expect(change({ value: 6, format: 'count' }, 1, 'es').text).toBe('+5 (desde 1)');
    expect(change({ value: 5, format: 'money' }, 0, 'es').text).toBe('nuevo');
    expect(change({ value: 5, format: 'money' }, null, 'es').text).toBe('sin datos');
  });
});

describe('Spanish dates and periods', () => {
  it('names months and days as a Spanish reader writes them', () => {
    const es = formatsOf('es');
    expect(es.monthName(12)).toBe('diciembre');
    expect(es.monthShort(12)).toBe('dic');
    expect(es.day('2017-12-01')).toBe('1 dic 2017');
    expect(utcMinuteIn('es', '2026-11-30T12:39:10Z')).toBe('30 nov 2026 12:39 UTC');
    expect(formatsOf('en').day('2017-12-01')).toBe('2017-12-01');
  });

  it('labels each kind of period', () => {
    expect(periodLabel('es', parsePeriod('2017-12'))).toBe('diciembre de 2017');
    expect(periodLabel('en', parsePeriod('2017-12'))).toBe('December 2017');
    expect(periodLabel('es', parsePeriod('2017-Q4'))).toBe('4.º trimestre de 2017');
    expect(periodLabel('es', parsePeriod('2017'))).toBe('Año 2017');
    expect(periodLabel('es', rangePeriod('2017-11-15', '2017-12-15'))).toBe('del 15 nov 2017 al 15 dic 2017');
    for (const id of ['2017-12', '2017-Q4', '2017']) expect(periodLabel('en', parsePeriod(id))).toBe(parsePeriod(id).label);
  });

  it('says a period without sales, and a branch standing, in Spanish', () => {
    expect(noSalesNote({ from: '2017-12-01', to: '2017-12-31' }, 'es')).toBe('No hubo ventas entre el 1 dic 2017 y el 31 dic 2017.');
    expect(standingText({ name: 'West · Los Angeles' }, { rank: 2, of: 4, share: 0.3141 }, 'es')).toBe('West · Los Angeles ocupa el 2.º puesto de 4 sucursales, con el 31,4 % de las ventas.');
    expect(standingText({ name: 'West' }, { rank: 1, of: 1, share: null }, 'es')).toBe('West ocupa el 1.º puesto de 1 sucursal.');
  });
});

describe('plurals', () => {
  const dec = { id: '2017-12', label: 'December 2017' };
  const restated = (ordersChanged: number) => ({ period: dec, before: { revenue: 100, profit: 10, margin: 0.1, orders: 2 }, after: { revenue: 150, profit: 10, margin: 0.1, orders: 2 }, ordersChanged });

  it('one order, 71 orders, in both languages', () => {
    expect(restatementLine(restated(1), 'es')).toBe(`Revisión de diciembre de 2017: ventas 100,00${nbsp}US$ → 150,00${nbsp}US$ (+50,0 %); cambió 1 pedido.`);
    expect(restatementLine(restated(71), 'es')).toBe(`Revisión de diciembre de 2017: ventas 100,00${nbsp}US$ → 150,00${nbsp}US$ (+50,0 %); cambiaron 71 pedidos.`);
    expect(restatementLine(restated(1), 'en')).toBe('December 2017 revenue restated: $100.00 → $150.00 (+50.0 %); 1 order changed.');
    expect(restatementLine(restated(71), 'en')).toBe('December 2017 revenue restated: $100.00 → $150.00 (+50.0 %); 71 orders changed.');
  });

  it('branches in a standing follow the plural rules', () => {
    expect(t('es', 'report.standing', { branch: 'B', rank: '1.º', count: 1, share: 'none' })).toContain('1 sucursal.');
    expect(t('en', 'report.standing', { branch: 'B', rank: '1st', count: 2, share: 'none' })).toContain('2 branches.');
  });
});

describe("Vega's format locale", () => {
  it('is absent for English (Vega default), Spanish separators and month names for es', () => {
    expect(vegaLocale('en')).toBeNull();
    expect(vegaLocale('es')).toMatchObject({ number: { decimal: ',', thousands: '.', currency: ['', `${nbsp}US$`] } });
    expect(vegaLocale('es')!.time.shortMonths[11]).toBe('dic');
    const spec = trendChart([{ date: '2017-12-01', revenue: 1, profit: 1, revenue_avg: null }], 'day');
    expect(withLocale(spec, 'en')).toBe(spec);
  });

  it('an axis reads "dic" and "83.829" in Spanish', async () => {
    const trend = [
      { date: '2017-12-01', revenue: 83829.32, profit: 100, revenue_avg: null },
      { date: '2017-12-31', revenue: 1200.5, profit: -50, revenue_avg: null },
    ];
    const months = svgTexts(await renderSvg(withLocale(trendChart(trend, 'day'), 'es')));
    expect(months.some((s) => / dic$/.test(s))).toBe(true);
    const amounts: TopLevelSpec = {
      data: { values: [{ branch: 'West', revenue: 83829.32 }] },
      mark: 'bar',
      encoding: { y: { field: 'branch', type: 'nominal' }, x: { field: 'revenue', type: 'quantitative', axis: { values: [0, 83829], format: ',d' } } },
    };
    const axis = svgTexts(await renderSvg(withLocale(amounts, 'es')));
    expect(axis).toContain('83.829');
    expect(svgTexts(await renderSvg(amounts))).toContain('83,829');
    // The report's money axis puts the currency where Spanish puts it.
    expect(svgTexts(await renderSvg(withLocale(branchChart([{ branch: 'West', revenue: 83829.32, profit: 8000, margin: 0.1, orders: 3 }]), 'es')))).toContain(`80k${nbsp}US$`);
  });
});
