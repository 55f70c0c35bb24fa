/**
 * Charts for a mail: the report's SVG charts drawn to PNG by Chromium (`svgToPng`, twice their size), because mail
 * clients show neither inline SVG nor scripts; those the workbook already drew are reused. The browser is the
 * caller's (one shared across a burst).
 */
import type { Browser } from 'puppeteer';
import { svgsToPngs, type PageOptions } from '../pdf';
import { t, type Locale } from '../../i18n';
import type { ChartImage } from './content';

/** The executive report's charts a mail shows, with their alt text (in the readers' language): the trend and the categories. */
export const emailChartsIn = (locale: Locale): Record<string, string> => ({ trend: t(locale, 'mail.chart.trend'), categories: t(locale, 'mail.chart.categories') });
export const emailCharts: Record<string, string> = emailChartsIn('en');

/**
 * The charts of `svgs` named in `pick` (those missing are left out), as PNG images in that order: taken from `drawn`
 * (the same charts already drawn by `svgToPng`, for the workbook) when there, the others drawn in one page.
 */
export async function renderChartImages(browser: Browser, svgs: Record<string, string>, pick: Record<string, string> = emailCharts, o: PageOptions = {}, drawn: Record<string, Buffer> = {}): Promise<ChartImage[]> {
  const wanted = Object.keys(pick).filter((name) => svgs[name]);
  const missing = Object.fromEntries(wanted.filter((name) => !drawn[name]).map((name) => [name, svgs[name]!]));
  const pngs = { ...drawn, ...(Object.keys(missing).length ? await svgsToPngs(browser, missing, o) : {}) };
  return wanted.map((name) => ({ name, title: pick[name]!, png: pngs[name]! }));
}
