import { reportCharts } from '../../../src/reports/charts';
import { describeReportCharts } from '../../../src/reports/chart-descriptions';
import { emptyReport, fixtureReport } from './fixture';

const d = fixtureReport();
const described = (locale: 'en' | 'es') => Object.fromEntries(Object.entries(describeReportCharts(d, reportCharts(d), locale)).map(([name, spec]) => [name, spec.description]));

describe('chart descriptions', () => {
  it('say what each chart of the report shows, with its extremes', () => {
    const en = described('en');
    expect(Object.keys(en)).toEqual(['trend', 'branches', 'segments', 'categories', 'top_products', 'bottom_products', 'discount', 'shipping', 'rfm']);
    expect(en.trend).toBe('Line chart of revenue and profit by day, with the 7-day moving average of revenue, from 2017-12-01 to 2017-12-31. Revenue was highest on 2017-12-02 ($250.25) and lowest on 2017-12-01 ($100.00). Profit was negative on 1 day.');
    expect(en.shipping).toBe('Bar chart of orders by ship mode, each bar labelled with the average lead time: Standard Class: 136 orders, 5.1 days.');
    expect(en.rfm).toBe('Bar chart of customers by RFM segment as of 2017-12-31, 1 segment. The largest is Champions, with 85 customers (10.7 %).');
  });

  it('tell a loss in words, not only in red', () => {
    const en = described('en');
    expect(en.discount).toBe('Bar chart of margin by discount band, each bar labelled with its margin: 0%: 25.0 %; 51-80%: -140.0 % (a loss).');
    expect(en.bottom_products).toContain('1 made a loss: its bar is red, left of zero.');
    expect(en.top_products).toContain('None made a loss.');
  });

  it('are written in the reader’s language, with its number and date formats', () => {
    const es = described('es');
    // Intl puts a no-break space before the currency.
    expect(es.trend!.replace(/\u00a0/g, ' ')).toBe('Gráfico de líneas de ventas y beneficio por día, con la media móvil de 7 días de las ventas, del 1 dic 2017 al 31 dic 2017. Las ventas fueron máximas el 2 dic 2017 (250,25 US$) y mínimas el 1 dic 2017 (100,00 US$). El beneficio fue negativo 1 día.');
    expect(es.discount!.replace(/\u00a0/g, ' ')).toContain('51-80%: -140,0 % (pérdidas)');
  });

  it('leave a chart without rows as it is: its "no data" message is what it shows', () => {
    const e = emptyReport();
    expect(Object.values(describeReportCharts(e, reportCharts(e))).map((s) => s.description)).toEqual([expect.stringContaining('Bar chart of customers by RFM segment')]);
    const none = { ...e, rfm: [] };
    expect(describeReportCharts(none, reportCharts(none)).rfm!.description).toBeUndefined();
  });
});
