/**
 * What makes a report page's charts interactive in one self-contained file, with no network and no `eval`: Vega's
 * runtime, its CSP-safe expression interpreter and vega-tooltip, inlined from node_modules, and a boot script that
 * draws each figure's compiled Vega spec over its server-rendered SVG. The page's Content-Security-Policy allows
 * exactly these scripts, by their SHA-256 hashes; a script that any output of a page holds runs nothing.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A file of an installed package, found from its entry point: vega-embed's `exports` hide its package.json, and
 * vega-lite ships a second package.json in build/.
 */
export function packageFile(pkg: string, file: string): string {
  const entry = require.resolve(pkg);
  let dir = path.dirname(entry);
  while (!(path.basename(dir) === pkg && path.basename(path.dirname(dir)) === 'node_modules')) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of package ${pkg} above ${entry}: run npm install`);
    dir = up;
  }
  return path.join(dir, file);
}

/**
 * Draws every `figure[data-chart]` that holds a compiled spec (`script.vega-spec`). Vega parses its expressions to
 * an AST, run by vega-interpreter: nothing is compiled with `new Function`. The server-rendered SVG stays in the
 * page: it is what prints (see the print rules), and it stays on screen for good if a chart fails to draw.
 */
export const bootScript = `(() => {
  const vega = window.vega;
  if (!vega || !vega.expressionInterpreter) return;
  const tooltip = window.vegaTooltip ? new window.vegaTooltip.Handler({ theme: 'light' }).call : undefined;
  const stayStatic = (fig, e) => {
    fig.dataset.interactive = 'failed';
    console.error('chart ' + fig.dataset.chart + ' stays static: ' + (e && e.message));
  };
  for (const fig of document.querySelectorAll('figure[data-chart]')) {
    const source = fig.querySelector(':scope > script.vega-spec');
    if (!source) continue;
    const holder = document.createElement('div');
    holder.className = 'vega-chart';
    try {
      const runtime = vega.parse(JSON.parse(source.textContent), undefined, { ast: true });
      const view = new vega.View(runtime, { renderer: 'svg', container: holder, hover: true, expr: vega.expressionInterpreter });
      if (tooltip) view.tooltip(tooltip);
      view.runAsync().then(() => {
        fig.insertBefore(holder, fig.firstChild);
        fig.classList.add('interactive');
      }, (e) => stayStatic(fig, e));
    } catch (e) {
      stayStatic(fig, e);
    }
  }
})();
`;

/** In load order: vega-interpreter adds `vega.expressionInterpreter` to the global vega, vega-tooltip reads vega-util from it. */
const vendor = [
  ['vega', 'build/vega.min.js'],
  ['vega-interpreter', 'build/vega-interpreter.min.js'],
  ['vega-tooltip', 'build/vega-tooltip.min.js'],
] as const;

export interface PageRuntime {
  /** The `<script>` elements, for the end of the body. */
  scripts: string;
  /** The Content-Security-Policy of a page that runs them and nothing else. */
  csp: string;
  /** Each script's CSP source (`'sha256-…'`), in load order: the dashboard serves report files with these. */
  hashes: string[];
  bytes: number;
}

/** The policy of a page without script: nothing is fetched, nothing runs. */
export const staticCsp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:";

/** The policy of a page that runs the scripts of `hashes` (CSP sources) and nothing else. */
export const scriptCsp = (hashes: readonly string[]) => `default-src 'none'; script-src ${hashes.join(' ')}; style-src 'unsafe-inline'; img-src data:; font-src data:`;

let loaded: PageRuntime | undefined;

/** The runtime, read from node_modules once per process (about 530 KB). */
export function pageRuntime(): PageRuntime {
  if (loaded) return loaded;
  const sources = [...vendor.map(([pkg, file]) => fs.readFileSync(packageFile(pkg, file), 'utf8')), bootScript];
  for (const [i, text] of sources.entries()) {
    // Inside a <script> element these would end it early; the hash is of the text as written, so it is not rewritten.
    if (/<\/script|<!--/i.test(text)) throw new Error(`${vendor[i]?.[0] ?? 'the boot script'}: the script holds "</script" or "<!--" and cannot be inlined`);
  }
  const hashes = sources.map((text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`);
  loaded = { scripts: sources.map((text) => `<script>${text}</script>`).join('\n'), csp: scriptCsp(hashes), hashes, bytes: sources.reduce((n, s) => n + Buffer.byteLength(s), 0) };
  return loaded;
}
