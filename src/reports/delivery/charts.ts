/**
 * Charts for a mail: the report's SVG charts as PNG (`svgToPng`, twice their size), because mail clients show neither
 * inline SVG nor scripts; those the workbook already drew are reused.
 */
import { svgsToPngs } from '../png';
import { t, type Locale } from '../../i18n';
import type { ChartImage } from './content';

/** The executive report's charts a mail shows, with their alt text (in the readers' language): the trend and the categories. */
export const emailChartsIn = (locale: Locale): Record<string, string> => ({ trend: t(locale, 'mail.chart.trend'), categories: t(locale, 'mail.chart.categories') });
export const emailCharts: Record<string, string> = emailChartsIn('en');

/**
 * The charts of `svgs` named in `pick` (those missing are left out), as PNG images in that order: taken from `drawn`
 * (the same charts already drawn for the workbook) when there, the others drawn now.
 */
export function renderChartImages(svgs: Record<string, string>, pick: Record<string, string> = emailCharts, drawn: Record<string, Buffer> = {}): ChartImage[] {
  const wanted = Object.keys(pick).filter((name) => svgs[name]);
  const missing = Object.fromEntries(wanted.filter((name) => !drawn[name]).map((name) => [name, svgs[name]!]));
  const pngs = { ...drawn, ...svgsToPngs(missing) };
  return wanted.map((name) => ({ name, title: pick[name]!, png: pngs[name]! }));
}
