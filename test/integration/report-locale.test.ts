/**
 * The December 2017 executive report in Spanish, on the real engine and the Superstore: the PDF as pdftotext reads
 * it (Spanish numbers, month names, headings, page footer), the HTML's language, and the workbook's sheets, texts
 * and number formats, its cells still typed numbers.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser } from 'puppeteer';
import { generateReport, type ReportResult } from '../../src/reports/report';
import { parsePeriod } from '../../src/reports/period';
import { launchBrowser } from '../../src/reports/browser';
import { defaultSuperstorePath } from '../../src/pipeline/source/superstore';
import { createTestEnv, type TestEnv } from './helpers';
import { writeSuperstoreLake } from './superstore-lake';

describe('the December 2017 report in Spanish', () => {
  let env: TestEnv;
  let browser: Browser;
  let es: ReportResult;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-es-'));

  beforeAll(async () => {
    env = await createTestEnv('reportes');
    await writeSuperstoreLake(env.mongo.db);
    browser = await launchBrowser(env.cfg.chromePath);
    const inputs = { db: env.mongo.db, period: parsePeriod('2017-12'), modelsDir: path.join(dir, 'models'), dataDir: path.join(dir, 'data'), source: defaultSuperstorePath(), deadLetters: 0, browser };
    es = await generateReport({ ...inputs, formats: ['html', 'pdf', 'xlsx'], reportsDir: path.join(dir, 'es'), locale: 'es' });
  });
  afterAll(async () => {
    await browser?.close();
    await env?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('pdftotext shows 83.829,32 and diciembre, Spanish headings and a Spanish page footer', () => {
    const text = execFileSync('pdftotext', ['-layout', es.files.pdf!, '-'], { encoding: 'utf8' });
    expect(text).toContain('83.829,32');
    expect(text).toContain('US$');
    expect(text).toContain('Periodo: diciembre de 2017 · del 1 dic 2017 al 31 dic 2017');
    expect(text).toContain('Diciembre de 2017 · del 1 dic 2017 al 31 dic 2017');
    for (const heading of ['Informe ejecutivo de ventas', 'Qué ha pasado', 'Cifras clave', 'Tendencia', 'Sucursales y clientes', 'Categorías']) expect(text).toContain(heading);
    expect(text).toMatch(/Página 1 de \d+/);
    // Nothing of the English report's words is left; branch and product names are data and stay as they are.
    for (const english of ['What happened', 'Key figures', 'Revenue', 'Page 1 of', 'December']) expect(text).not.toContain(english);
    expect(text).toContain('West · Los Angeles');
  });

  it("the HTML says it is Spanish, and its charts' axes read Spanish months and amounts", () => {
    const html = fs.readFileSync(es.files.html!, 'utf8');
    expect(html).toContain('<html lang="es">');
    expect(html).toMatch(/>\d{2} dic</);
    expect(html).toMatch(/>\d+k\sUS\$</);
  });

  it('the workbook names its sheets and headers in Spanish, with typed numbers in Spanish currency formats', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(es.files.xlsx!);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Resumen', 'Diario', 'Sucursales', 'Categorías', 'Mejores productos', 'Peores productos', 'Segmentos', 'Descuentos', 'Envíos', 'RFM', 'Gráficos', 'Diccionario de datos']);
    const summary = wb.getWorksheet('Resumen')!;
    let revenue: ExcelJS.Row | undefined;
    summary.eachRow((row) => void (row.getCell(1).value === 'Ventas' ? (revenue = row) : undefined));
    expect(revenue!.getCell(2).value).toBe(83829.32);
    expect(revenue!.getCell(2).numFmt).toBe('#,##0.00" US$";[Red]-#,##0.00" US$"');
    expect(wb.getWorksheet('Diario')!.getRow(1).values).toEqual([undefined, 'Fecha', 'Ventas', 'Beneficio', 'Media móvil de ventas']);
    expect(wb.getWorksheet('Diario')!.getRow(2).getCell(1).numFmt).toBe('dd/mm/yyyy');
  });
});
