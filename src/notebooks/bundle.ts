/**
 * MIME bundles of the display helpers. A chart is one bundle: its Vega-Lite spec (JupyterLab draws it, interactive,
 * and `npm run render` turns it into inline SVG), a PNG (shown even by an untrusted Jupyter Notebook, which strips
 * SVG from HTML outputs) and a text line. Key figures and tables carry their look twice: a stylesheet, and the same
 * rules inline, which JupyterLab keeps in an untrusted notebook (its sanitiser drops `<style>`, not style attributes).
 */
import type { TopLevelSpec } from 'vega-lite';
import { svgToPng } from '../reports/png';
import { renderSvg } from '../reports/render';
import type { MimeBundle } from './ipynb';
import { renderMarkdown } from './markdown';
import { inlineWidgetStyles, kpisHtml, tableHtml, tableText, type Column, type Figure } from './widgets';
import { formatValue } from '../reports/format';

export const VEGA_LITE_MIME = 'application/vnd.vegalite.v5+json';

const titleOf = (spec: TopLevelSpec): string => {
  const t = (spec as { title?: unknown }).title;
  return typeof t === 'string' ? t : t && typeof t === 'object' && 'text' in t ? String((t as { text: unknown }).text) : 'chart';
};

export async function chartBundle(spec: TopLevelSpec): Promise<MimeBundle> {
  const svg = await renderSvg(spec);
  return { [VEGA_LITE_MIME]: spec as object, 'image/png': svgToPng(svg, titleOf(spec)).toString('base64'), 'text/plain': `<chart: ${titleOf(spec)}>` };
}

export function tableBundle(rows: readonly object[], columns?: readonly Column[], opts?: { limit?: number; caption?: string }): MimeBundle {
  return { 'text/html': inlineWidgetStyles(tableHtml(rows, columns, opts)), 'text/plain': tableText(rows) };
}

export function kpisBundle(figures: readonly Figure[]): MimeBundle {
  return { 'text/html': inlineWidgetStyles(kpisHtml(figures)), 'text/plain': figures.map((f) => `${f.label}: ${formatValue(f.value, f.format ?? 'count')}`).join('\n') };
}

/** Money in text ("$2,504 to $22,638") is not math: MathJax (JupyterLab's, Jupyter Notebook's) leaves these alone. */
const NO_MATH = 'mathjax_ignore tex2jax_ignore';

export function markdownBundle(text: string): MimeBundle {
  return { 'text/markdown': text, 'text/html': `<div class="${NO_MATH}">${renderMarkdown(text)}</div>`, 'text/plain': text };
}

/**
 * "What changed since the last report" (run history): a section with the id `what-changed`, like the executive
 * report's, and the same lines as markdown for viewers that drop HTML.
 */
export function changesBundle(lines: readonly string[]): MimeBundle {
  // One line stays one paragraph (a branch review is one page); several are a list.
  const md = lines.length === 1 ? `**What changed since the last report:** ${lines[0]}` : `**What changed since the last report**\n\n${lines.map((l) => `- ${l}`).join('\n')}`;
  return { 'text/markdown': md, 'text/html': `<section id="what-changed" class="changes">${renderMarkdown(md)}</section>`, 'text/plain': md };
}
