/** Small display helpers for the notebooks: an escaped HTML table from plain records. */
import { esc } from './reports/format';

/** Rows as an HTML table (first `limit` rows), numbers right-aligned and grouped, every value escaped. */
export function htmlTable(rows: readonly Record<string, unknown>[], limit = 20): string {
  if (!rows.length) return '<p><em>no rows</em></p>';
  const cols = Object.keys(rows[0]!);
  const cell = (v: unknown) =>
    typeof v === 'number'
      ? `<td style="text-align:right">${esc(Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 4 }))}</td>`
      : `<td>${esc(v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : v)}</td>`;
  const body = rows.slice(0, limit).map((r) => `<tr>${cols.map((c) => cell(r[c])).join('')}</tr>`).join('');
  const more = rows.length > limit ? `<p><em>${rows.length - limit} more rows</em></p>` : '';
  return `<table><thead><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>${more}`;
}
