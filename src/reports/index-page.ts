/**
 * `reports/index.html`: every report produced, with links to each format: the executive reports newest period first
 * (the company's, then each branch's from `<period>/<branch-id>/`), then the notebook reports (`npm run render`) by notebook and parameters. Only what a manifest vouches for.
 */
import fs from 'node:fs';
import path from 'node:path';
import { esc, utcMinute } from './format';
import { readManifest, writeFileAtomic } from '../io/atomic';

export interface ListedReport {
  /** The period. */
  id: string;
  /** A branch report's branch ID (its folder under the period's), null for the company's report. */
  branch: string | null;
  formats: string[];
  modified: Date;
}

const subdirs = (dir: string) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
        .map((e) => e.name)
    : [];

/** The executive report a folder's manifest vouches for, if any: never a leftover of a killed run. */
function listedIn(dir: string, id: string, branch: string | null): ListedReport[] {
  const manifest = readManifest(dir);
  const names = new Set(manifest?.files.map((f) => f.name));
  const formats = ['html', 'pdf', 'xlsx'].filter((f) => names.has(`executive.${f}`));
  return formats.length ? [{ id, branch, formats, modified: new Date(manifest?.written_at ?? 0) }] : [];
}

export function listReports(reportsDir: string): ListedReport[] {
  if (!fs.existsSync(reportsDir)) return [];
  return fs
    .readdirSync(reportsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== NOTEBOOKS_DIR)
    .flatMap((e) => {
      const dir = path.join(reportsDir, e.name);
      return [...listedIn(dir, e.name, null), ...subdirs(dir).sort().flatMap((b) => listedIn(path.join(dir, b), e.name, b))];
    })
    .sort((a, b) => b.id.localeCompare(a.id) || (a.branch ?? '').localeCompare(b.branch ?? ''));
}

/** Where `npm run render` writes, under the reports folder. */
export const NOTEBOOKS_DIR = 'notebooks';

export interface ListedNotebookReport {
  notebook: string;
  slug: string;
  /** File names in the folder, HTML first. */
  files: string[];
  modified: Date;
}

export function listNotebookReports(reportsDir: string): ListedNotebookReport[] {
  const root = path.join(reportsDir, NOTEBOOKS_DIR);
  const order = ['.html', '.pdf', '.ipynb'];
  const rank = (f: string) => order.findIndex((x) => f.endsWith(x));
  return subdirs(root)
    .sort()
    .flatMap((notebook) =>
      subdirs(path.join(root, notebook)).flatMap((slug) => {
        const manifest = readManifest(path.join(root, notebook, slug));
        if (!manifest?.files.length) return [];
        return [{ notebook, slug, files: manifest.files.map((f) => f.name).sort((a, b) => rank(a) - rank(b)), modified: new Date(manifest.written_at) }];
      }),
    )
    .sort((a, b) => a.notebook.localeCompare(b.notebook) || b.modified.getTime() - a.modified.getTime());
}

function notebookTable(reports: readonly ListedNotebookReport[]): string {
  if (!reports.length) return '<p>No notebook reports yet: <code>npm run render -- notebooks/06-branch-review.ipynb</code>.</p>';
  const href = (r: ListedNotebookReport, f: string) => [NOTEBOOKS_DIR, r.notebook, r.slug, f].map(encodeURIComponent).join('/');
  const rows = reports
    .map((r) => `<tr><td>${esc(r.notebook)}</td><td>${esc(r.slug)}</td><td>${r.files.map((f) => `<a href="${esc(href(r, f))}">${esc(path.extname(f).slice(1).toUpperCase())}</a>`).join(' · ')}</td><td>${esc(utcMinute(r.modified))}</td></tr>`)
    .join('\n');
  return `<table><thead><tr><th>Notebook</th><th>Parameters</th><th>Files</th><th>Produced</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function renderIndex(reports: readonly ListedReport[], notebooks: readonly ListedNotebookReport[] = []): string {
  const folder = (r: ListedReport) => [r.id, ...(r.branch ? [r.branch] : [])].map(encodeURIComponent).join('/');
  const rows = reports
    .map((r) => `<tr><td>${esc(r.id)}</td><td>${esc(r.branch ?? 'all branches')}</td><td>${r.formats.map((f) => `<a href="${esc(folder(r))}/executive.${f}">${f.toUpperCase()}</a>`).join(' · ')}</td><td>${esc(utcMinute(r.modified))}</td></tr>`)
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Reports</title>
<style>body{font:14px/1.5 "DejaVu Sans",Helvetica,Arial,sans-serif;max-width:760px;margin:24px auto;padding:0 14px;color:#1d2433}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e3e7ee}th{background:#f6f8fb}a{color:#1f5fa8}</style></head>
<body><h1>Executive reports</h1>${reports.length ? `<table><thead><tr><th>Period</th><th>Branch</th><th>Files</th><th>Produced</th></tr></thead><tbody>${rows}</tbody></table>` : '<p>No reports yet: run <code>npm run report</code>.</p>'}
<h2>Notebook reports</h2>${notebookTable(notebooks)}</body></html>
`;
}

export function writeReportIndex(reportsDir: string): string {
  fs.mkdirSync(reportsDir, { recursive: true });
  const file = path.join(reportsDir, 'index.html');
  writeFileAtomic(file, renderIndex(listReports(reportsDir), listNotebookReports(reportsDir)));
  return file;
}
