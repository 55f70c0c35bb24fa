/** The parts of the Jupyter notebook format (nbformat 4) this project reads and writes, and small pure accessors. */
import fs from 'node:fs';

export type MimeBundle = Record<string, string | string[] | object>;

export type Output =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: string | string[] }
  | { output_type: 'display_data'; data: MimeBundle; metadata?: Record<string, unknown> }
  | { output_type: 'execute_result'; data: MimeBundle; metadata?: Record<string, unknown>; execution_count?: number | null }
  | { output_type: 'error'; ename: string; evalue: string; traceback?: string[] };

export interface Cell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: string | string[];
  metadata: { tags?: string[]; [key: string]: unknown };
  outputs?: Output[];
  execution_count?: number | null;
  id?: string;
}

export interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

export class NotebookError extends Error {
  override name = 'NotebookError';
}

/** A multi-line field (source, stream text, a MIME value) as one string. */
export const joinText = (v: string | string[] | undefined): string => (Array.isArray(v) ? v.join('') : (v ?? ''));

export const cellSource = (c: Cell): string => joinText(c.source);

export const cellTags = (c: Cell): string[] => (Array.isArray(c.metadata?.tags) ? c.metadata.tags : []);

/** The first line of a cell that says something (not blank, not a comment), for error messages. */
export function firstLine(c: Cell): string {
  const lines = cellSource(c).split('\n').map((l) => l.trim());
  return lines.find((l) => l && !l.startsWith('//')) ?? lines.find(Boolean) ?? '';
}

export function parseNotebook(text: string, file: string): Notebook {
  let nb: Notebook;
  try {
    nb = JSON.parse(text) as Notebook;
  } catch (err) {
    throw new NotebookError(`${file} is not a notebook: ${(err as Error).message}`);
  }
  if (!Array.isArray(nb?.cells) || typeof nb.nbformat !== 'number') throw new NotebookError(`${file} is not a Jupyter notebook (no cells or nbformat)`);
  if (nb.nbformat < 4) throw new NotebookError(`${file} is nbformat ${nb.nbformat}; expected 4 (open and save it in Jupyter to upgrade)`);
  return nb;
}

export function readNotebook(file: string): Notebook {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new NotebookError(`cannot read notebook ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseNotebook(text, file);
}

export const serializeNotebook = (nb: Notebook): string => `${JSON.stringify(nb, null, 1)}\n`;
