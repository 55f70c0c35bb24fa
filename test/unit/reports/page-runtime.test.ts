import { createHash } from 'node:crypto';
import { renderHtml } from '../../../src/reports/html';
import { reportCharts } from '../../../src/reports/charts';
import { describeReportCharts } from '../../../src/reports/chart-descriptions';
import { drawCharts } from '../../../src/reports/render';
import { pageRuntime, staticCsp } from '../../../src/reports/page-runtime';
import { fixtureReport } from './fixture';

const inlineScripts = (html: string) => [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
const cspOf = (html: string) => /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('the interactive report page', () => {
  let interactive: string;
  let printed: string;
  beforeAll(async () => {
    const d = fixtureReport();
    const charts = await drawCharts(describeReportCharts(d, reportCharts(d)), { interactive: true });
    interactive = renderHtml(d, { charts, interactive: true });
    printed = renderHtml(d, { charts });
  });

  it('allows exactly its inline scripts, by hash: no unsafe-inline, no unsafe-eval, no source to fetch from', () => {
    const csp = cspOf(interactive);
    const scripts = inlineScripts(interactive);
    expect(scripts).toHaveLength(4);
    expect(csp).toBe(`default-src 'none'; script-src ${scripts.map(sha256).join(' ')}; style-src 'unsafe-inline'; img-src data:; font-src data:`);
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|https?:/);
    expect(pageRuntime().hashes).toEqual(scripts.map(sha256));
  });

  it('inlines Vega, its interpreter and vega-tooltip, but not Vega-Lite: the specs come compiled to Vega', () => {
    const specs = [...interactive.matchAll(/<script type="application\/json" class="vega-spec">([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]!) as { $schema: string; signals?: unknown[] });
    expect(specs).toHaveLength(9);
    for (const spec of specs) expect(spec.$schema).toBe('https://vega.github.io/schema/vega/v5.json');
    // (Booleans, not toContain: a failure would print the whole page.)
    expect(['expressionInterpreter', 'vegaTooltip', 'vegaLite'].map((name) => interactive.includes(name))).toEqual([true, true, false]);
  });

  it('stays one file well under 1 MB', () => {
    expect(Buffer.byteLength(interactive)).toBeLessThan(1_000_000);
    expect(pageRuntime().bytes).toBeLessThan(600_000);
  });

  it('the page for print and --static holds no script and forbids every one', () => {
    expect(printed).not.toMatch(/<script/i);
    expect(cspOf(printed)).toBe(staticCsp);
    // Both pages show the same charts, tables and words: the interactive one only adds its specs and scripts.
    const strip = (html: string) => html.replace(/\s*<script[\s\S]*?<\/script>/g, '').replace(/<meta http-equiv="Content-Security-Policy"[^>]+>/, '');
    expect(strip(interactive) === strip(printed)).toBe(true);
  });
});
