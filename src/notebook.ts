/**
 * Display helpers for the notebooks: `show.chart`, `show.table`, `show.kpis`, `show.markdown`. Each output looks the
 * same in Jupyter Notebook (trusted or not), in JupyterLab, and in the HTML and PDF of `npm run render`, and uses the
 * executive report's chart specs and styles.
 */
import type { TopLevelSpec } from 'vega-lite';
import { esc } from './reports/format';
import { chartBundle, kpisBundle, markdownBundle, tableBundle } from './notebooks/bundle';
import { displayBundle } from './notebooks/tslab';
import type { Column, Figure } from './notebooks/widgets';

export type { Column, Figure } from './notebooks/widgets';

export const show = {
  /** A Vega-Lite chart (e.g. `charts.trendChart(…)`): one output with the spec, a PNG and a text line. */
  async chart(spec: TopLevelSpec): Promise<void> {
    displayBundle(await chartBundle(spec));
  },
  /** Records as a table; `columns` picks, orders and formats them (`{ key, label, format: 'money' }`). */
  table(rows: readonly object[], columns?: readonly Column[], opts?: { limit?: number; caption?: string }): void {
    displayBundle(tableBundle(rows, columns, opts));
  },
  /** Key figures as cards, with their comparisons when given (`{ label, value, format, previous, lastYear }`). */
  kpis(figures: readonly Figure[]): void {
    displayBundle(kpisBundle(figures));
  },
  /** Markdown computed from the data ("West sold 12.4 % more than last year"). */
  markdown(text: string): void {
    displayBundle(markdownBundle(text));
  },
};

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
