import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { countCsvRecords, csvOutColumns, spreadsheetSafe, writeCsvOutStream } from '../../../../src/pipeline/source/csv-out';
import { writeCsvOut } from '../../../support/csv-out';
import { loadErpData } from '../../../../src/pipeline/source/load';
import { scanSource, streamSales } from '../../../../src/pipeline/source/stream-load';
import type { SaleWithItems } from '../../../../src/pipeline/core/entities';
import type { ErpData } from '../../../../src/pipeline/core/entities';

describe('spreadsheetSafe', () => {
  it('prefixes a text that a spreadsheet would run as a formula with a quote', () => {
    expect(spreadsheetSafe('=HYPERLINK("http://x","y")')).toBe(`'=HYPERLINK("http://x","y")`);
    expect(spreadsheetSafe('+1+cmd')).toBe("'+1+cmd");
    expect(spreadsheetSafe('-2+3')).toBe("'-2+3");
    expect(spreadsheetSafe('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(spreadsheetSafe('\t=1')).toBe("'\t=1");
    expect(spreadsheetSafe('\r=1')).toBe("'\r=1");
  });

  it('leaves numbers, signed numeric text and ordinary text as they are', () => {
    expect(spreadsheetSafe(-12.5)).toBe(-12.5);
    expect(spreadsheetSafe('-12.5')).toBe('-12.5');
    expect(spreadsheetSafe('+3')).toBe('+3');
    expect(spreadsheetSafe('1e-3')).toBe('1e-3');
    expect(spreadsheetSafe('Avery 486')).toBe('Avery 486');
    expect(spreadsheetSafe('a=b')).toBe('a=b');
    expect(spreadsheetSafe('')).toBe('');
    expect(spreadsheetSafe(null)).toBeNull();
  });
});

describe('writeCsvOut', () => {
  const empty: ErpData = { products: [], customers: [], sales: [], salesItems: [] };

  it('writes a bad value from the source into rejects.csv defused, and counts records, not lines', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csvout-'));
    try {
      const rejects = [
        { line: 7, column: 'Quantity', value: '=1+1', reason: 'not a whole number' },
        { line: 9, column: 'Product Name', value: 'two\nlines', reason: 'example' },
        { line: 11, column: 'Quantity', value: '-3', reason: 'must be positive' },
      ];
      const files = writeCsvOut(dir, empty, rejects);
      const rows = parse(fs.readFileSync(files.rejects, 'utf8'), { columns: true }) as Record<string, string>[];
      expect(rows.map((r) => r.value)).toEqual(["'=1+1", 'two\nlines', '-3']);
      expect(countCsvRecords(files.rejects)).toBe(3);
      expect(countCsvRecords(path.join(dir, 'missing.csv'))).toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('writeCsvOutStream', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csvout-stream-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const sameFiles = (a: Record<string, string>, b: Record<string, string>) => {
    for (const name of Object.keys(csvOutColumns)) expect(fs.readFileSync(a[name]!, 'utf8')).toBe(fs.readFileSync(b[name]!, 'utf8'));
  };

  it.each([
    ['the real Superstore', undefined, undefined, true],
    ['a file with broken rows', path.join(__dirname, '../../../fixtures/superstore-broken.csv'), 'dmy' as const, false],
  ])('writes %s byte for byte as writeCsvOut does, batch by batch, and shows each batch once', async (_name, input, dateFormat, several) => {
    const whole = await loadErpData({ input, dateFormat });
    const wholeFiles = writeCsvOut(path.join(dir, 'whole'), whole.data, whole.rejects);
    const scan = await scanSource({ input, dateFormat });
    const seen: SaleWithItems[] = [];
    let batches = 0;
    const files = await writeCsvOutStream(path.join(dir, 'stream'), { ...scan, sales: streamSales(scan, 100) }, (b) => {
      batches++;
      seen.push(...b);
    });
    sameFiles(files, wholeFiles);
    expect(seen.map((s) => s.sale_id)).toEqual(whole.data.sales.map((s) => s.sale_id));
    expect(batches > 1).toBe(several);
    expect(countCsvRecords(files.sales_items)).toBe(whole.data.salesItems.length);
  });

  it('passes on an error of the sales stream, and writes the header rows alone when there is nothing', async () => {
    async function* failing(): AsyncGenerator<SaleWithItems[]> {
      yield [];
      throw new Error('disk gone');
    }
    async function* none(): AsyncGenerator<SaleWithItems[]> {}
    const source = { products: [], customers: [], rejects: [] };
    await expect(writeCsvOutStream(dir, { ...source, sales: failing() })).rejects.toThrow('disk gone');
    const files = await writeCsvOutStream(dir, { ...source, sales: none() });
    expect(fs.readFileSync(files.rejects, 'utf8')).toBe('line,column,value,reason\n');
    expect(countCsvRecords(files.sales)).toBe(0);
  });
});
