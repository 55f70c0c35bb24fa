import ExcelJS from 'exceljs';
import { renderExcel } from '../../../src/reports/excel';
import { emptyReport, fixtureReport, formulaName } from './fixture';

describe('report workbook', () => {
  let wb: ExcelJS.Workbook;
  beforeAll(async () => {
    wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await renderExcel(fixtureReport(), {})).buffer as never);
  });

  it('has a summary, one sheet per table, charts and a data dictionary', () => {
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'Daily', 'Branches', 'Categories', 'Top products', 'Bottom products', 'Segments', 'Discounts', 'Shipping', 'RFM', 'Co-purchases', 'Evaluation', 'Charts', 'Data dictionary']);
  });

  it('writes KPIs as numbers with formats, and colours change up and down', () => {
    const s = wb.getWorksheet('Summary')!;
    const row = s.getRow(5);
    expect(row.getCell(1).value).toBe('Revenue');
    expect(row.getCell(2).value).toBe(83829.32);
    expect(row.getCell(2).numFmt).toContain('$');
    expect(row.getCell(4).value).toBeCloseTo(83829.32 / 118447.83 - 1, 10);
    expect(row.getCell(4).font.color?.argb).toBe('FFB4361F');
    expect(s.getRow(6).getCell(4).font.color?.argb).toBe('FF1E7D45');
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
    expect(empty.worksheets.map((w) => w.name)).toEqual(['Summary', 'Daily', 'Branches', 'Categories', 'Top products', 'Bottom products', 'Segments', 'Discounts', 'Shipping', 'RFM', 'Co-purchases', 'Evaluation', 'Charts', 'Data dictionary']);
    const note = 'No sales between 2013-06-01 and 2013-06-30.';
    expect(String(empty.getWorksheet('Summary')!.getCell('A3').value)).toContain(note);
    expect(empty.getWorksheet('Summary')!.getCell('B5').value).toBe(0);
    for (const sheet of ['Daily', 'Branches', 'Categories', 'Top products', 'Bottom products', 'Segments', 'Discounts', 'Shipping']) {
      expect([sheet, empty.getWorksheet(sheet)!.getCell('A2').value]).toEqual([sheet, note]);
    }
    expect(empty.getWorksheet('Charts')!.getCell('A1').value).toBe(note);
    // All-time sheets keep their rows.
    expect(empty.getWorksheet('RFM')!.getCell('A2').value).toBe('Champions');
  });
});
