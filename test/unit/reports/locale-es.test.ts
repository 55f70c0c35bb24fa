import path from 'node:path';
import ExcelJS from 'exceljs';
import { t } from '../../../src/i18n';
import { parseLocaleFlag } from '../../../src/cli/report';
import { UsageError } from '../../../src/cli/args';
import { renderHtml } from '../../../src/reports/html';
import { renderExcel } from '../../../src/reports/excel';
import { rankFindings } from '../../../src/reports/ranked-findings';
import { reportCharts } from '../../../src/reports/charts';
import { parseSchedule, jobLocale } from '../../../src/reports/schedule';
import { composeEmail, emailSubject } from '../../../src/reports/delivery/compose-email';
import { webhookPayload } from '../../../src/reports/delivery/webhook';
import { evaluateAlerts, failureAlert } from '../../../src/reports/runs/alerts';
import { expectGolden } from '../../support/golden';
import { excelText } from '../../support/excel-text';
import { deliveryContent, MB } from './delivery/fixture';
import { fixtureReport } from './fixture';

const nbsp = '\u00a0';

describe('choosing the locale of a report', () => {
  it('--locale takes en or es; another value is a usage error naming it and the accepted ones', () => {
    expect(parseLocaleFlag(undefined)).toBe('en');
    expect(parseLocaleFlag('es')).toBe('es');
    expect(() => parseLocaleFlag('fr')).toThrow(new UsageError('--locale "fr" is not a supported locale (expected en or es)'));
  });

  it('a schedule job takes "locale", refuses another, and reads as English without one', () => {
    const jobs = (locale: unknown) => JSON.stringify({ jobs: [{ name: 'exec', report: 'executive', cron: '0 6 * * 1', ...(locale === undefined ? {} : { locale }) }] });
    expect(jobLocale(parseSchedule(jobs('es'), 'f', { machineZone: 'UTC' }).jobs[0]!)).toBe('es');
    expect(jobLocale(parseSchedule(jobs(undefined), 'f', { machineZone: 'UTC' }).jobs[0]!)).toBe('en');
    expect(() => parseSchedule(jobs('fr'), 'schedule.json', { machineZone: 'UTC' })).toThrow('jobs[0] (job "exec").locale: "fr" is not a supported locale (expected "en" or "es")');
  });
});

describe('the report in Spanish', () => {
  const d = fixtureReport();

  it('the HTML is Spanish from its language to its footer; data names stay as they are', () => {
    const html = renderHtml(d, { charts: {}, locale: 'es' });
    expect(html).toContain('<html lang="es">');
    for (const words of ['Informe ejecutivo de ventas', 'Qué ha pasado', 'Cifras clave', 'Ventas', 'Subcategoría', 'Fuente', `83.829,32${nbsp}US$`, 'Periodo: diciembre de 2017']) expect(html).toContain(words);
    for (const english of ['What happened', 'Key figures', 'Revenue', 'Sub-category', 'vs prev']) expect(html).not.toContain(english);
    expect(html).toContain(d.topProducts[0]!.name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'));
  });

  it('findings are Spanish sentences with Spanish numbers', () => {
    const texts = rankFindings(d, undefined, 'es').map((f) => f.text);
    expect(texts[0]).toMatch(/^Las ventas bajaron un \*\*29,2 %\*\*, hasta 83\.829,32.US\$/);
    expect(rankFindings(d, undefined, 'es').map((f) => f.id)).toEqual(rankFindings(d).map((f) => f.id));
  });

  it('the charts carry the Spanish format locale, titles and legend; the English ones none', () => {
    const es = reportCharts(d, 'es');
    expect((es.trend as { config: { locale?: unknown } }).config.locale).toBeDefined();
    expect((es.trend as { title: string }).title).toBe('Ventas y beneficio por día, con media móvil de 7 días');
    expect(JSON.stringify(es.trend)).toContain("datum.label === 'revenue' ? 'ventas'");
    expect((reportCharts(d).trend as { config: { locale?: unknown } }).config.locale).toBeUndefined();
  });

  it('the workbook names sheets and headers in Spanish; cells stay numbers, shown with the currency after them', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await renderExcel(d, {}, { locale: 'es', appendix: true })).buffer as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Resumen', 'Diario', 'Sucursales', 'Categorías', 'Mejores productos', 'Peores productos', 'Segmentos', 'Descuentos', 'Envíos', 'RFM', 'Compras conjuntas', 'Evaluación', 'Gráficos', 'Diccionario de datos']);
    const s = wb.getWorksheet('Resumen')!;
    let revenue: ExcelJS.Row | undefined;
    let margin: ExcelJS.Row | undefined;
    s.eachRow((row) => {
      if (row.getCell(1).value === 'Ventas') revenue = row;
      if (row.getCell(1).value === 'Margen') margin = row;
    });
    expect(revenue!.getCell(2).value).toBe(83829.32);
    // The code is invariant (Excel shows the reader's own separators); en-US shows it as 83,829.32 US$.
    expect(excelText(83829.32, String(revenue!.getCell(2).numFmt))).toBe('83,829.32 US$');
    expect(excelText(Number(margin!.getCell(4).value), String(margin!.getCell(4).numFmt))).toBe('+1.9 p. p.');
    expect(wb.getWorksheet('Diario')!.getRow(1).values).toEqual([undefined, 'Fecha', 'Ventas', 'Beneficio', 'Media móvil de ventas']);
  });
});

describe('the mail, the webhook and the alerts in Spanish', () => {
  const d = fixtureReport();
  const golden = (name: string) => path.join(__dirname, 'delivery', 'golden', name);
  const opts = { attach: ['pdf', 'xlsx'] as const, attachLimitBytes: MB, reportsDir: '/srv/reports', publicReportsUrl: 'https://reports.example.com/files/' };
  const content = () =>
    deliveryContent({
      locale: 'es',
      title: t('es', 'report.title'),
      period: { id: d.period.id, label: 'diciembre de 2017', from: d.period.from, to: d.period.to },
      findings: rankFindings(d, undefined, 'es'),
      whatChanged: [`En comparación con el informe anterior (noviembre de 2017): ventas 118.447,83${nbsp}US$ → 83.829,32${nbsp}US$ (−29,2 %).`],
      charts: deliveryContent().charts.map((c) => ({ ...c, title: t('es', 'mail.chart.trend') })),
    });

  it('its HTML and text bodies match their golden files', () => {
    expectGolden(golden('executive-west-2017-12.es.html'), composeEmail(content(), opts).html);
    expectGolden(golden('executive-west-2017-12.es.txt'), composeEmail(content(), opts).text);
  });

  it('the subject, and a file above the limit, say it in Spanish', () => {
    expect(emailSubject(content())).toBe('Informe ejecutivo de ventas · West · Los Angeles · diciembre de 2017');
    expect(composeEmail(content(), opts).text).toContain('supera el límite de 1 MB para adjuntos');
  });

  it('the webhook says its locale and words its labels and changes in it', () => {
    const p = webhookPayload(content(), 'https://reports.example.com/files/');
    expect(p.locale).toBe('es');
    expect(p.figures[0]).toMatchObject({ key: 'revenue', label: 'Ventas', vs_previous: '−29,2 %' });
    expect(webhookPayload(deliveryContent(), 'https://x/').locale).toBeUndefined();
  });

  it('alerts name the figure and the threshold in Spanish', () => {
    const subject = { job: 'exec', title: 'Informe ejecutivo de ventas · noviembre de 2016', period: '2016-11', branch: null, figures: { revenue: 1, profit: 1, margin: 0.051, orders: 1 }, previous: null, locale: 'es' as const };
    expect(evaluateAlerts([{ kpi: 'margin', below: 0.1 }], subject)[0]!.text).toBe('Informe ejecutivo de ventas · noviembre de 2016: margen 5,1 %, por debajo de 10,0 %.');
    expect(failureAlert({ job: 'exec', title: 'X', period: null, branch: null, status: 'timed_out', why: 'tardó', locale: 'es' }).text).toBe('X: la ejecución superó su tiempo límite: tardó');
  });
});
