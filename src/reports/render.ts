/** Vega-Lite spec → SVG text, server-side with vega 5 (no browser, no network); and → Vega, for a page's runtime. */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Locale } from '../i18n';
import { withDescription, type DrawnChart } from './figures';
import { interactiveSpec, stableIds } from './interactive-spec';

/** Compiler warnings are collected, not printed: a spec test asserts there are none. */
export function compileSpec(spec: TopLevelSpec, warnings: string[] = []): vega.Spec {
  const collect = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
  const logger = { level: () => logger, error: collect, warn: collect, info: () => logger, debug: () => logger } as never;
  return compile(spec, { logger }).spec;
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compileSpec(spec)), { renderer: 'none', loader: vega.loader({ mode: 'file' }), logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Each chart drawn for a page: its SVG, with ids named after the chart (so that they never meet the ids Vega gives
 * in the browser, or another chart's), and with `interactive` its interactive spec compiled to Vega, so that the page
 * needs Vega's runtime only, not Vega-Lite's compiler. `prefix` makes the ids unique on the page. A chart without a
 * description is given one (`withDescription`).
 */
export async function drawCharts(specs: Record<string, TopLevelSpec>, o: { interactive: boolean; prefix?: string; locale?: Locale }): Promise<Record<string, DrawnChart>> {
  const out: Record<string, DrawnChart> = {};
  for (const [name, given] of Object.entries(specs)) {
    const spec = withDescription(given, o.locale);
    out[name] = { spec, svg: stableIds(await renderSvg(spec), `${o.prefix ?? 'chart'}-${name.replace(/[^\w-]/g, '-')}`) };
  }
  return o.interactive ? withInteractiveSpecs(out, o.locale) : out;
}

/** The charts drawn, each with its interactive spec compiled to Vega (tooltips titled in `locale`): for an interactive page. */
export function withInteractiveSpecs(charts: Record<string, DrawnChart>, locale?: Locale): Record<string, DrawnChart> {
  return Object.fromEntries(Object.entries(charts).map(([name, c]) => [name, { ...c, vega: compileSpec(interactiveSpec(c.spec, locale)) }]));
}
