import ExcelJS from 'exceljs';
import { renderExcel } from '../../../src/reports/excel';
import { emptyReport, fixtureReport, formulaName } from './fixture';
import { excelText } from '../../support/excel-text';
import { change, formatValue } from '../../../src/reports/format';

/** The Summary row whose first cell is `label`. */
function rowOf(ws: ExcelJS.Worksheet, label: string): ExcelJS.Row {
  for (let n = 1; n <= ws.rowCount; n++) if (ws.getRow(n).getCell(1).value === label) return ws.getRow(n);
  throw new Error(`no row ${label}`);
}

/** What Excel shows in a cell: its number in its format, or its text. */
const shown = (cell: ExcelJS.Cell) => (typeof cell.value === 'number' ? excelText(cell.value, cell.numFmt) : String(cell.value ?? ''));

describe('report workbook', () => {
  let wb: ExcelJS.Workbook;
  beforeAll(async () => {
    wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await renderExcel(fixtureReport(), {})).buffer as never);
  });

  it('has a summary, one sheet per table, charts and a data dictionary; the model sheets only in the analyst appendix', async () => {
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'Daily', 'Branches', 'Categories', 'Top products', 'Bottom products', 'Segments', 'Discounts', 'Shipping', 'RFM', 'Charts', 'Data dictionary']);
    const withAppendix = new ExcelJS.Workbook();
    await withAppendix.xlsx.load((await renderExcel(fixtureReport(), {}, { appendix: true })).buffer as never);
    expect(withAppendix.worksheets.map((w) => w.name)).toEqual(['Summary', 'Daily', 'Branches', 'Categories', 'Top products', 'Bottom products', 'Segments', 'Discounts', 'Shipping', 'RFM', 'Co-purchases', 'Evaluation', 'Charts', 'Data dictionary']);
    const ndcg = withAppendix.getWorksheet('Evaluation')!.getRow(2).getCell(4);
    expect(shown(ndcg)).toBe('0.003');
  });

  it('opens with the findings, then writes KPIs as numbers with formats, and colours change up and down', () => {
    const s = wb.getWorksheet('Summary')!;
    expect(s.getCell('A4').value).toBe('What happened');
    expect(String(s.getCell('A5').value)).toMatch(/^• Revenue fell 29\.2 %/);
    const row = rowOf(s, 'Revenue');
    expect(row.getCell(2).value).toBe(83829.32);
    expect(row.getCell(2).numFmt).toContain('$');
    expect(row.getCell(4).value).toBeCloseTo(83829.32 / 118447.83 - 1, 10);
    expect(row.getCell(4).font.color?.argb).toBe('FFB4361F');
    expect(rowOf(s, 'Margin').getCell(4).font.color?.argb).toBe('FF1E7D45');
  });

  it('shows every key figure and change as the PDF does: margins in points, small counts as differences', () => {
    const s = wb.getWorksheet('Summary')!;
    for (const k of fixtureReport().kpis) {
      const row = rowOf(s, k.label);
      expect([k.key, shown(row.getCell(2)), shown(row.getCell(4)), shown(row.getCell(6))]).toEqual([k.key, formatValue(k.value, k.format), change(k, k.previous).text, change(k, k.lastYear).text]);
    }
    expect(shown(rowOf(s, 'Margin').getCell(4))).toBe('+1.9 pts');
    expect(rowOf(s, 'Margin').getCell(4).value).toBeCloseTo(1.89, 10);
  });

  it('writes lead times with one decimal and right-aligns number headers', () => {
    const ship = wb.getWorksheet('Shipping')!;
    expect(shown(ship.getRow(2).getCell(4))).toBe('5.1');
    expect(ship.getRow(1).getCell(2).alignment?.horizontal).toBe('right');
    expect(ship.getRow(1).getCell(1).alignment?.horizontal).toBeUndefined();
  });

  it('keeps dates as dates, a frozen header and an autofilter', () => {
    const d = wb.getWorksheet('Daily')!;
    expect(d.getRow(2).getCell(1).value).toEqual(new Date('2017-12-01T00:00:00Z'));
    expect(d.getRow(2).getCell(1).numFmt).toBe('yyyy-mm-dd');
    expect(d.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(d.autoFilter).toBeTruthy();
    expect(d.getColumn(1).width).toBeGreaterThanOrEqual(10);
  });

  it('never turns text from the data into a formula', () => {
    const cell = wb.getWorksheet('Top products')!.getRow(2).getCell(2);
    expect(cell.value).toBe(formulaName);
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.formula).toBeUndefined();
  });

  it('documents every table column in the data dictionary', () => {
    const dd = wb.getWorksheet('Data dictionary')!;
    const rows = dd.getSheetValues().slice(2).map((r) => (r as unknown[]).slice(1, 3).join('|'));
    expect(rows).toContain('Top products|Product');
    expect(rows).toContain('Daily|Revenue moving average');
  });

  it('a period without sales has every sheet, zero key figures and the note in place of each table', async () => {
    const empty = new ExcelJS.Workbook();
    await empty.xlsx.load((await renderExcel(emptyReport(), {})).buffer as never);
    expect(empty.worksheets.map((w) => w.name)).toEqual(['Summary', 'Daily', 'Branches', 'Categories', 'Top products', 'Bottom products', 'Segments', 'Discounts', 'Shipping', 'RFM', 'Charts', 'Data dictionary']);
    const note = 'No sales between 2013-06-01 and 2013-06-30.';
    expect(String(empty.getWorksheet('Summary')!.getCell('A3').value)).toContain(note);
    expect(rowOf(empty.getWorksheet('Summary')!, 'Revenue').getCell(2).value).toBe(0);
    for (const sheet of ['Daily', 'Branches', 'Categories', 'Top products', 'Bottom products', 'Segments', 'Discounts', 'Shipping']) {
      expect([sheet, empty.getWorksheet(sheet)!.getCell('A2').value]).toEqual([sheet, note]);
    }
    expect(empty.getWorksheet('Charts')!.getCell('A1').value).toBe(note);
    // Customers who ordered before the period keep their segments.
    expect(empty.getWorksheet('RFM')!.getCell('A2').value).toBe('Champions');
  });
});
