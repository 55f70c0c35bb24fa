/** Vega-Lite spec → SVG text, server-side with vega 5 (no browser, no network). */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

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

export async function renderAll(specs: Record<string, TopLevelSpec>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) out[name] = await renderSvg(spec);
  return out;
}
