/**
 * The dashboards' charts: each is served as server-rendered SVG (the first paint, and what a client without
 * JavaScript sees) plus its interactive spec (src/reports/interactive-spec.ts), which the page's script hands to
 * vega-embed; drawn figures are cached by spec.
 */
import { createHash } from 'node:crypto';
import { ByteLru, type LruStats } from './lru';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from '../reports/render';
import { interactiveSpec, scriptJson, stableIds } from '../reports/interactive-spec';
import { withLocale } from '../reports/charts';
import type { Locale } from '../i18n';

export { interactiveSpec, scriptJson, stableIds };

/** Draws a chart for a page (see `chartFigure`); the pages take one so that a server chooses its cache. */
export type DrawChart = (name: string, spec: TopLevelSpec, locale?: Locale) => Promise<string>;

/**
 * `draw` for a page in `locale`: each spec with Vega's number and time formats of the locale (`config.locale`, which
 * the server's SVG and the browser's vega-embed both follow: "dic", "83.829 US$") and tooltips named in it.
 */
export const drawIn =
  (draw: DrawChart, locale: Locale): ((name: string, spec: TopLevelSpec) => Promise<string>) =>
  (name, spec) =>
    draw(name, withLocale(spec, locale), locale);

/**
 * A chart for a page, drawn now: the report's SVG (first paint, no JavaScript needed) and the interactive spec beside
 * it, in a JSON script element (data, not code: the CSP's script-src does not apply to it).
 */
export async function chartFigure(name: string, spec: TopLevelSpec, locale: Locale = 'en'): Promise<string> {
  return `<figure data-chart="${name}">${stableIds(await renderSvg(spec), `chart-${name}`)}<script type="application/json" class="vl-spec">${scriptJson(interactiveSpec(spec, locale))}</script></figure>`;
}

export interface FigureCache {
  draw: DrawChart;
  stats(): LruStats;
}

/**
 * Figures by their spec, one cache per server: a chart depends only on its spec (data inlined, ids made stable), and
 * many views share charts (the statistics are the same for every filter, and a new build often leaves a chart's data
 * as it was), so a cold view draws only the charts no other view has drawn. Bounded in bytes (a string's UTF-16
 * size); `maxBytes` 0 keeps nothing, so every chart is drawn (an uncached render, to compare with a cached one).
 */
export function createFigureCache(maxBytes: number): FigureCache {
  const figures = maxBytes > 0 ? new ByteLru<string>(maxBytes, (s) => s.length * 2) : null;
  let drawn = 0;
  return {
    draw: async (name, spec, locale = 'en') => {
      const key = createHash('sha256').update(name).update('\0').update(locale).update('\0').update(JSON.stringify(spec)).digest('base64url');
      const known = figures?.get(key);
      if (known !== undefined) return known;
      drawn++;
      const figure = await chartFigure(name, spec, locale);
      figures?.set(key, figure);
      return figure;
    },
    stats: () => figures?.stats() ?? { entries: 0, bytes: 0, maxBytes: 0, hits: 0, misses: drawn, evictions: 0, invalidated: 0, tooLarge: 0 },
  };
}
