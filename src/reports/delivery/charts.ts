/**
 * Charts for a mail: the report's SVG charts drawn to PNG by Chromium (`svgToPng`, twice their size), because mail
 * clients show neither inline SVG nor scripts. The browser is the caller's (one shared across a burst).
 */
import type { Browser } from 'puppeteer';
import { svgToPng, type PageOptions } from '../pdf';
import type { ChartImage } from './content';

/** The executive report's charts a mail shows, with their alt text: the trend and the categories. */
export const emailCharts: Record<string, string> = { trend: 'Revenue and profit over the period', categories: 'Revenue and profit by sub-category' };

/** The charts of `svgs` named in `pick` (those missing are left out), as PNG images in that order. */
export async function renderChartImages(browser: Browser, svgs: Record<string, string>, pick: Record<string, string> = emailCharts, o: PageOptions = {}): Promise<ChartImage[]> {
  const out: ChartImage[] = [];
  for (const [name, title] of Object.entries(pick)) {
    const svg = svgs[name];
    if (svg) out.push({ name, title, png: await svgToPng(browser, svg, name, o) });
  }
  return out;
}
