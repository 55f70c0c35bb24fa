/**
 * The HTML of the display helpers (pure): key figures and tables in the executive report's look. Each output carries
 * a small stylesheet scoped to `.erp-out`, so it looks the same in Jupyter (which has none of the report's CSS) as
 * in the rendered report, and never restyles the rest of the Jupyter page.
 */
import type { Kpi, KpiFormat } from '../reports/data';
import { kpiCard } from '../reports/html';
import { esc, formatValue } from '../reports/format';
import { kpiLabel } from '../reports/labels';
import { fieldTitle, knownField } from '../reports/interactive-spec';
import { capitalise, intlTag, t, type Locale } from '../i18n';

export const widgetCss = `.erp-out{--ink:#1d2433;--muted:#5b6578;--line:#e3e7ee;--up:#1e7d45;--down:#b4361f;--card:#f6f8fb;font:13px/1.45 "DejaVu Sans",Helvetica,Arial,sans-serif;color:var(--ink);margin:4px 0 10px}
.erp-out .kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:10px}
.erp-out .kpi{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px;break-inside:avoid}
.erp-out .kpi .kpi-label{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.erp-out .kpi .value{font-size:20px;font-weight:bold;margin:2px 0 4px;white-space:nowrap}
.erp-out .kpi .cmp{font-size:12px;color:var(--muted);display:flex;flex-wrap:wrap;justify-content:space-between;gap:0 6px}
.erp-out .up{color:var(--up)} .erp-out .down{color:var(--down)} .erp-out .flat,.erp-out .none{color:var(--muted)}
.erp-out table{border-collapse:collapse;width:100%;font-size:12.5px;margin:6px 0 4px}
.erp-out th,.erp-out td{padding:5px 7px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
.erp-out th{background:var(--card);font-weight:600}
.erp-out td.num,.erp-out th.num{text-align:right;white-space:nowrap}
.erp-out .note{color:var(--muted);font-size:12px}`;

/** Marks the per-output stylesheet, which the report renderer drops (its page carries the same rules once). */
export const WIDGET_STYLE_ATTR = 'data-erp-style';

/** Marks the inline styles `inlineWidgetStyles` adds, which the report renderer drops (its page has the stylesheet). */
export const WIDGET_INLINE_ATTR = 'data-erp-inline';

const cssVars = new Map(Array.from(widgetCss.matchAll(/--([\w-]+):([^;}]+)/g), (m) => [m[1]!, m[2]!]));

/**
 * The rules of widgetCss as (last compound selector, declarations), variables resolved and double quotes made single
 * (they go into a style attribute). Every rule is scoped to `.erp-out`, so matching on the element alone is enough.
 */
const inlineRules = Array.from(widgetCss.matchAll(/([^{}]+)\{([^}]*)\}/g)).flatMap(([, selectors, body]) => {
  const decls = body!
    .split(';')
    .filter((d) => d.trim() && !d.trim().startsWith('--'))
    .map((d) => d.replace(/var\(--([\w-]+)\)/g, (_, v: string) => cssVars.get(v) ?? '').replace(/"/g, "'"))
    .join(';');
  return selectors!.split(',').map((sel) => {
    const last = sel.trim().split(/\s+/).pop()!;
    const [, tag = '', classes = ''] = /^([a-z]*)((?:\.[\w-]+)*)$/.exec(last) ?? [];
    return { tag, classes: classes.split('.').filter(Boolean), decls };
  });
});

/**
 * The same look as inline styles, for a viewer that drops `<style>` but keeps style attributes: JupyterLab's
 * sanitiser, on the HTML outputs of an untrusted notebook. Pure string work on the helpers' own markup.
 */
export function inlineWidgetStyles(html: string): string {
  return html.replace(/<([a-z][a-z0-9]*)((?:\s[^>]*)?)>/g, (whole, tag: string, attrs: string) => {
    const classes = /\sclass="([^"]*)"/.exec(attrs)?.[1]?.split(/\s+/) ?? [];
    const decls = inlineRules.filter((r) => (!r.tag || r.tag === tag) && r.classes.every((c) => classes.includes(c)) && (r.tag || r.classes.length)).map((r) => r.decls);
    return decls.length && tag !== 'style' ? `<${tag}${attrs} ${WIDGET_INLINE_ATTR} style="${decls.join(';')}">` : whole;
  });
}

export const wrapWidget = (kind: string, inner: string) => `<div class="erp-out" data-erp="${esc(kind)}"><style ${WIDGET_STYLE_ATTR}>${widgetCss}</style>${inner}</div>`;

/** A key figure: a value with, when known, the previous period's and last year's for comparison. */
export interface Figure {
  label: string;
  value: number | null;
  format?: KpiFormat;
  previous?: number | null;
  lastYear?: number | null;
}

/**
 * Key figures as cards, in `locale`: a report's figure (a `Kpi`, with its key) is named as the report names it
 * ("Ventas"); a notebook's own figure keeps the label it was given (in the notebook's words).
 */
export function kpisHtml(figures: readonly (Figure | Kpi)[], locale: Locale = 'en'): string {
  const cards = figures.map((f, i) => {
    const k: Kpi = { key: 'key' in f ? f.key : `kpi-${i}`, label: 'key' in f ? kpiLabel(f, locale) : f.label, value: f.value, format: f.format ?? 'count', previous: f.previous ?? null, lastYear: f.lastYear ?? null };
    if (k.previous === null && k.lastYear === null) {
      return `<div class="kpi" data-kpi="${esc(k.key)}"><div class="kpi-label">${esc(k.label)}</div><div class="value">${esc(formatValue(k.value, k.format, locale))}</div></div>`;
    }
    return kpiCard(k, locale);
  });
  return wrapWidget('kpis', `<div class="kpis">${cards.join('')}</div>`);
}

/** A column of `show.table`: a key, or a key with a header and a number format. */
export type Column = string | { key: string; label?: string; format?: KpiFormat };

/**
 * The header of a column given without a label: a field the reports know is named as they name it, in `locale`
 * (`revenue` → "Revenue", "Ventas"; `sub_category` → "Sub-category", "Subcategoría"); any other keeps its key.
 */
export const columnTitle = (key: string, locale: Locale = 'en') => (knownField(key) ? capitalise(fieldTitle(key, locale)) : key);

// Grouped whatever the size (Spanish leaves 1234 ungrouped by default), as the report's formats do.
const plainFormats = new Map<Locale, Intl.NumberFormat>();
const plain = (locale: Locale) => {
  let f = plainFormats.get(locale);
  if (!f) plainFormats.set(locale, (f = new Intl.NumberFormat(intlTag[locale], { maximumFractionDigits: 2, useGrouping: 'always' } as unknown as Intl.NumberFormatOptions)));
  return f;
};

/** Records as a table, headed and formatted in `locale` (the values that are text, names of the data, as they are). */
export function tableHtml(records: readonly object[], columns?: readonly Column[], opts: { limit?: number; caption?: string } = {}, locale: Locale = 'en'): string {
  const rows = records as readonly Record<string, unknown>[];
  const limit = opts.limit ?? 50;
  if (!rows.length) return wrapWidget('table', `<p class="note">${esc(t(locale, 'notebook.table.noRows'))}</p>`);
  const cols = (columns ?? Object.keys(rows[0]!)).map((c) => (typeof c === 'string' ? { key: c, label: columnTitle(c, locale) } : { key: c.key, label: c.label ?? columnTitle(c.key, locale), format: c.format }));
  const isNum = cols.map((c) => rows.every((r) => r[c.key] === null || r[c.key] === undefined || typeof r[c.key] === 'number'));
  const cell = (v: unknown, i: number) => {
    const c = cols[i]!;
    const text = typeof v === 'number' || (v === null && isNum[i]) ? (c.format ? formatValue(v as number | null, c.format, locale) : v === null ? '–' : plain(locale).format(v as number)) : v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return `<td${isNum[i] ? ' class="num"' : ''}>${esc(text)}</td>`;
  };
  const head = cols.map((c, i) => `<th${isNum[i] ? ' class="num"' : ''}>${esc(c.label)}</th>`).join('');
  const body = rows.slice(0, limit).map((r) => `<tr>${cols.map((c, i) => cell(r[c.key], i)).join('')}</tr>`).join('');
  const more = rows.length > limit ? `<p class="note">${esc(t(locale, 'notebook.table.more', { count: rows.length - limit }))}</p>` : '';
  return wrapWidget('table', `<table>${opts.caption ? `<caption class="note">${esc(opts.caption)}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${more}`);
}

/** The plain-text form of a table (Jupyter's fallback and the notebook's diff-friendly view). */
export function tableText(records: readonly object[], limit = 10): string {
  const rows = records as readonly Record<string, unknown>[];
  if (!rows.length) return '(no rows)';
  const cols = Object.keys(rows[0]!);
  return [cols.join('\t'), ...rows.slice(0, limit).map((r) => cols.map((c) => String(r[c] ?? '')).join('\t')), ...(rows.length > limit ? [`… ${rows.length - limit} more rows`] : [])].join('\n');
}
