/**
 * Display helpers for the notebooks: `show.chart`, `show.table`, `show.kpis`, `show.markdown`. Each output looks the
 * same in Jupyter Notebook (trusted or not), in JupyterLab, and in the HTML and PDF of `npm run render`, and uses the
 * executive report's chart specs and styles.
 */
import type { TopLevelSpec } from 'vega-lite';
import { changesBundle, chartBundle, kpisBundle, markdownBundle, tableBundle } from './notebooks/bundle';
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
  /** The "what changed since the last report" lines (`changesSinceLastReport`), as a section of its own. */
  changes(lines: readonly string[]): void {
    displayBundle(changesBundle(lines));
  },
};
