/**
 * The dashboards' static assets, all served from this process: the page script, the style sheet, and Vega, Vega-Lite,
 * the CSP-safe expression interpreter and vega-embed from node_modules (no CDN). Each is served under a URL holding a
 * hash of its content, so it can be cached as immutable: a new version gets a new URL.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { css } from './layout';
import { packageFile } from '../reports/page-runtime';

/** The page script: makes the charts interactive, and refreshes a page's live section from its JSON endpoint. */
export const appJs = `(() => {
  // vega-embed with the AST interpreter: Vega never compiles an expression with new Function, so the page works
  // under a Content-Security-Policy without 'unsafe-eval'. The server-rendered SVG stays until the chart is ready,
  // and stays for good if anything fails.
  const views = [];
  async function embedCharts(root) {
    const vega = window.vega;
    if (!window.vegaEmbed || !vega || !vega.expressionInterpreter) return;
    for (const fig of root.querySelectorAll('figure[data-chart]')) {
      const source = fig.querySelector('script.vl-spec');
      if (!source || fig.dataset.interactive) continue;
      try {
        const holder = document.createElement('div');
        holder.className = 'vl-chart';
        const result = await window.vegaEmbed(holder, JSON.parse(source.textContent), { renderer: 'svg', actions: false, ast: true, expr: vega.expressionInterpreter, tooltip: { theme: 'light' } });
        const first = fig.querySelector(':scope > svg');
        if (first) first.replaceWith(holder);
        else fig.prepend(holder);
        fig.dataset.interactive = 'true';
        views.push({ root, view: result.view });
      } catch (e) {
        fig.dataset.interactive = 'failed';
        console.error('chart ' + fig.dataset.chart + ' stays static: ' + e.message);
      }
    }
  }
  function releaseCharts(root) {
    for (let i = views.length - 1; i >= 0; i--) {
      if (views[i].root !== root) continue;
      views[i].view.finalize();
      views.splice(i, 1);
    }
  }
  embedCharts(document);

  const live = document.getElementById('live');
  if (!live) return;
  const api = live.dataset.api;
  const every = Number(live.dataset.refresh || 0) * 1000;
  const banner = document.getElementById('banner');
  let busy = false;
  async function refresh() {
    if (busy) return;
    busy = true;
    try {
      const r = await fetch(api + location.search, { headers: { accept: 'application/json' } });
      const body = await r.json();
      if (!r.ok) throw new Error(body.error || r.statusText);
      releaseCharts(live);
      live.innerHTML = body.html;
      embedCharts(live);
      banner.innerHTML = (body.problems || []).map((p) => p.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c])).join('<br>');
      banner.className = 'banner' + ((body.problems || []).length ? '' : ' ok');
    } catch (e) {
      // The words are the server's, in the page's language (data-offline); only the error is filled in here.
      banner.textContent = (live.dataset.offline || '{error}').replace('{error}', e.message);
      banner.className = 'banner';
    } finally {
      busy = false;
    }
  }
  const button = document.getElementById('refresh');
  if (button) button.addEventListener('click', refresh);
  if (every) setInterval(refresh, every);
})();
`;

export const styleCss = css;

export interface StaticAsset {
  /** The hashed URL pages link to. */
  url: string;
  type: string;
  body: Buffer;
}

/** In load order: vega-interpreter adds `vega.expressionInterpreter` to the global vega; vega-embed needs both. */
const vendor = [
  ['vega', 'vega', 'build/vega.min.js'],
  ['vega-lite', 'vega-lite', 'build/vega-lite.min.js'],
  ['vega-interpreter', 'vega-interpreter', 'build/vega-interpreter.min.js'],
  ['vega-embed', 'vega-embed', 'build/vega-embed.min.js'],
] as const;

export interface Assets {
  /** By URL, hashed (immutable) and plain (revalidated, for old pages and hand-typed URLs). */
  byUrl: Map<string, StaticAsset>;
  /** Scripts a page with charts loads, in order. */
  chartScripts: string[];
  style: string;
}

export function loadAssets(): Assets {
  const byUrl = new Map<string, StaticAsset>();
  const add = (name: string, ext: 'js' | 'css', body: Buffer) => {
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
    const type = ext === 'js' ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8';
    const asset = { url: `/assets/${name}.${hash}.${ext}`, type, body };
    byUrl.set(asset.url, asset);
    byUrl.set(`/assets/${name}.${ext}`, asset);
    return asset.url;
  };
  const scripts = vendor.map(([name, pkg, file]) => add(name, 'js', fs.readFileSync(packageFile(pkg, file))));
  scripts.push(add('app', 'js', Buffer.from(appJs)));
  return { byUrl, chartScripts: scripts, style: add('style', 'css', Buffer.from(styleCss)) };
}
