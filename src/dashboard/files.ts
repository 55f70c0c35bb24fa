/**
 * Report files served by the dashboard (`/reports/files/<path>`), only from the reports folder: the request target is
 * checked as the client sent it, before any decoding or URL normalisation could turn `%2e%2e` into `..`, and the file
 * found is resolved through its symlinks and must still lie in the reports folder. Anything else is "not found".
 */
import fs from 'node:fs';
import path from 'node:path';
import { pageRuntime, scriptCsp, staticCsp } from '../reports/page-runtime';

export const filesPrefix = '/reports/files/';

/**
 * Pure: the path segments a request target names under `/reports/files/`, or null when it must be refused. Refused:
 * `..` or `.` segments (also percent-encoded), an encoded `/` or `\`, a backslash, an empty segment (`//etc`, a
 * trailing `/`), a NUL or control character, a drive letter (`C:`), and hidden names (`.schedule-state.json`, the
 * `.x.tmp-…` files of a write in progress: never an output).
 */
export function reportFileSegments(target: string): string[] | null {
  const raw = target.split(/[?#]/, 1)[0] ?? '';
  if (!raw.startsWith(filesPrefix)) return null;
  const rest = raw.slice(filesPrefix.length);
  // Checked on the encoded text: once decoded, an encoded separator could no longer be told from a real one.
  if (!rest || rest.includes('\\') || /%(2f|5c|00)/i.test(rest)) return null;
  const segments: string[] = [];
  for (const part of rest.split('/')) {
    let seg: string;
    try {
      seg = decodeURIComponent(part);
    } catch {
      return null;
    }
    if (!seg || seg.startsWith('.') || /[/\\:\p{Cc}]/u.test(seg)) return null;
    segments.push(seg);
  }
  return segments;
}

/** Pure: the URL of an output recorded with its path relative to the reports folder (`2017-12/executive.pdf`). */
export function reportFileUrl(relative: string): string {
  return filesPrefix + relative.split('/').map(encodeURIComponent).join('/');
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.pdf': 'application/pdf',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.ipynb': 'application/x-ipynb+json',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

/** What a browser shows in place (a report page, a PDF, an image); everything else is downloaded. */
const shownInline = new Set(['.html', '.pdf', '.svg', '.png', '.txt']);

export interface ReportFile {
  /** The resolved path (symlinks followed), inside the reports folder. */
  file: string;
  name: string;
  type: string;
  inline: boolean;
  body: Buffer;
}

/**
 * The file `segments` name under `root`, read whole (outputs are a few MB at most), or null when there is none: not
 * there, not a regular file, or outside `root` once its symlinks are followed (a link to /etc/passwd, a linked folder).
 */
export async function readReportFile(root: string, segments: readonly string[]): Promise<ReportFile | null> {
  let realRoot: string;
  let real: string;
  try {
    realRoot = await fs.promises.realpath(root);
    real = await fs.promises.realpath(path.join(realRoot, ...segments));
  } catch {
    return null;
  }
  if (!real.startsWith(realRoot + path.sep)) return null;
  // Opened by its resolved path, and checked on the descriptor: what is read is what was checked.
  const handle = await fs.promises.open(real, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0)).catch(() => null);
  if (!handle) return null;
  try {
    if (!(await handle.stat()).isFile()) return null;
    const body = await handle.readFile();
    const ext = path.extname(real).toLowerCase();
    return { file: real, name: path.basename(real), type: contentTypes[ext] ?? 'application/octet-stream', inline: shownInline.has(ext), body };
  } finally {
    await handle.close();
  }
}

/** `Content-Disposition` for a file: its name kept ASCII-safe, with the exact one in `filename*`. */
export function contentDisposition(f: Pick<ReportFile, 'name' | 'inline'>): string {
  const ascii = f.name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${f.inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(f.name)}`;
}

/**
 * Report files are documents, not pages of the dashboard: sandboxed (an origin of their own), they fetch nothing, and
 * an SVG runs nothing. An HTML report may run the report pages' own runtime, allowed by its scripts' hashes (the
 * same as the page's own policy): its charts are drawn in the page; any other script it holds does not run.
 */
const documentCsp = `${staticCsp}; sandbox`;
const htmlCsp = () => `${scriptCsp(pageRuntime().hashes)}; sandbox allow-scripts`;

/** The headers every answer with a file carries: no sniffing, and the documents' own policy for HTML and SVG. */
export function fileHeaders(f: Pick<ReportFile, 'type'>): Record<string, string> {
  const csp = f.type.startsWith('text/html') ? htmlCsp() : f.type.startsWith('image/svg') ? documentCsp : null;
  return { 'x-content-type-options': 'nosniff', ...(csp ? { 'content-security-policy': csp } : {}) };
}
