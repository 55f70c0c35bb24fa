/**
 * Display helpers for the notebooks: `show.chart`, `show.table`, `show.kpis`, `show.markdown`. Each output looks the
 * same in Jupyter Notebook (trusted or not), in JupyterLab, and in the HTML and PDF of `npm run render`, and uses the
 * executive report's chart specs and styles. `showIn(locale)` gives the same helpers in the reader's language (the
 * shipped notebooks take it from their `locale` parameter), with `show.t` for the notebook's own words.
 */
import type { TopLevelSpec } from 'vega-lite';
import { changesBundle, chartBundle, kpisBundle, markdownBundle, tableBundle } from './notebooks/bundle';
import { displayBundle } from './notebooks/tslab';
import type { Column, Figure } from './notebooks/widgets';
import { notebookLocale } from './notebooks/in-locale';
import { withLocale } from './reports/charts';
import type { Kpi } from './reports/data';
import { formatValue, type NumberFormat } from './reports/format';
import { capitalise, formatMessages, formatsOf, periodLabel, t, type Locale, type MessageKey, type MessageValues, type Messages, type PeriodLike } from './i18n';

export type { Column, Figure } from './notebooks/widgets';
export { chartsIn, findingsIn } from './notebooks/in-locale';
export type { Messages } from './i18n';

export interface Show {
  /** The language of the outputs. */
  readonly locale: Locale;
  /** A Vega-Lite chart (e.g. `charts.trendChart(…)`): one output with the spec, a PNG and a text line. */
  chart(spec: TopLevelSpec): Promise<void>;
  /** Records as a table; `columns` picks, orders and formats them (`{ key, label, format: 'money' }`). */
  table(rows: readonly object[], columns?: readonly Column[], opts?: { limit?: number; caption?: string }): void;
  /** Key figures as cards, with their comparisons when given (`{ label, value, format, previous, lastYear }`). */
  kpis(figures: readonly (Figure | Kpi)[]): void;
  /** Markdown computed from the data ("West sold 12.4 % more than last year"). */
  markdown(text: string): void;
  /** The "what changed since the last report" lines (`changesSinceLastReport`), as a section of its own. */
  changes(lines: readonly string[]): void;
  /**
   * Words in the reader's language: the notebook's own, written in every language (`{ en: 'Every branch in {year}',
   * es: 'Todas las sucursales en {year}' }`, ICU messages with plurals), or a message of the catalogs by its key.
   */
  t(message: Messages | MessageKey, values?: MessageValues): string;
  /** A number as the reader writes it (`$83,829.32`, `83.829,32 US$`; `31.4 %`, `31,4 %`). */
  format(value: number | null, format: NumberFormat): string;
  /** A day (`YYYY-MM-DD`) as the reader writes it: as it is in English, "30 dic 2017" in Spanish. */
  day(iso: string): string;
  /** A period's name ("December 2017", "diciembre de 2017"; capitalised: "Diciembre de 2017"). */
  period(p: PeriodLike, opts?: { capitalised?: boolean }): string;
}

/** The display helpers in `locale` (`en`, `es`): labels, number formats and the charts' axes and tooltips follow it. */
export function showIn(locale: string | Locale): Show {
  const l = notebookLocale(locale);
  return {
    locale: l,
    async chart(spec) {
      displayBundle(await chartBundle(withLocale(spec, l)));
    },
    table(rows, columns, opts) {
      displayBundle(tableBundle(rows, columns, opts, l));
    },
    kpis(figures) {
      displayBundle(kpisBundle(figures, l));
    },
    markdown(text) {
      displayBundle(markdownBundle(text));
    },
    changes(lines) {
      displayBundle(changesBundle(lines, l));
    },
    t: (message, values) => (typeof message === 'string' ? t(l, message, values) : formatMessages(l, message, values)),
    format: (value, format) => formatValue(value, format, l),
    day: (iso) => formatsOf(l).day(iso),
    period: (p, opts) => (opts?.capitalised ? capitalise(periodLabel(l, p)) : periodLabel(l, p)),
  };
}

/** The display helpers in English (`showIn('en')`). */
export const show: Show = showIn('en');
