/** The dashboards' page shell: shared navigation, styles, the service banner. Everything served locally. */
import { locales, t, type MessageKey } from '../i18n';
import { esc } from '../reports/format';
import { endonyms, englishPage, withLang, type PageLang } from './lang';

export const pages = [
  { path: '/historical', title: 'dashboard.nav.historical', blurb: 'dashboard.home.historical' },
  { path: '/realtime', title: 'dashboard.nav.realtime', blurb: 'dashboard.home.realtime' },
  { path: '/recommendations', title: 'dashboard.nav.recommendations', blurb: 'dashboard.home.recommendations' },
] as const satisfies readonly { path: string; title: MessageKey; blurb: MessageKey }[];

/** Beside the dashboards: the report jobs and the history of every report run, with their files. */
export const reportsPage = { path: '/reports', title: 'dashboard.nav.reports' } as const satisfies { path: string; title: MessageKey };

/** Every page of the navigation bar. */
export const navPages = [...pages, reportsPage] as const;

export const css = `
:root{--ink:#1d2433;--muted:#5b6578;--line:#e3e7ee;--card:#f6f8fb;--accent:#1f5fa8;--up:#1e7d45;--down:#b4361f}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 "DejaVu Sans",Helvetica,Arial,sans-serif;color:var(--ink);background:#fff}
nav{background:#14213d;color:#fff;padding:0 16px;display:flex;gap:4px;align-items:center;flex-wrap:wrap}
nav a{color:#dfe6f3;text-decoration:none;padding:12px 10px;display:inline-block}nav a.active,nav a:hover{color:#fff;background:#22335a}
nav .brand{font-weight:bold;margin-right:12px;color:#fff}nav .langs{margin-left:auto}
main{max-width:1160px;margin:0 auto;padding:18px 16px 40px}
h1{font-size:22px;margin:4px 0 12px}h2{font-size:16px;margin:22px 0 8px}
.banner{background:#fff1e6;border:1px solid #f0c8a8;color:#7a3a12;padding:10px 14px;border-radius:6px;margin:0 0 14px}
.banner.ok{display:none}
form.filters{display:flex;gap:10px;flex-wrap:wrap;align-items:end;background:var(--card);border:1px solid var(--line);padding:10px;border-radius:8px}
form.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}
select,input,button{font:inherit;padding:5px 8px;border:1px solid #c7cedb;border-radius:5px;background:#fff}
button{background:var(--accent);color:#fff;border-color:var(--accent);cursor:pointer}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:10px;margin:12px 0}
.kpi{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:9px 12px;container-type:inline-size;min-width:0}
.kpi .label{font-size:11px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.kpi .value{font-size:20px;font-weight:bold;white-space:nowrap;line-height:1.35}
@supports (width:1cqi){.kpi .value{font-size:min(20px,calc(100cqi / var(--em,1)))}}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:14px}
figure{margin:0}figure svg{max-width:100%;height:auto}.vl-chart,.vega-embed{display:block;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:12.5px}th,td{padding:5px 7px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:var(--card)}td.num{text-align:right;white-space:nowrap}
.note{color:var(--muted);font-size:12.5px}.muted{color:var(--muted)}
.sale{border:1px solid var(--line);border-radius:8px;padding:10px 12px;margin:10px 0}
.sale h3{margin:0 0 6px;font-size:14px}
.pill{display:inline-block;background:#e8eef9;color:#1f3f73;border-radius:10px;padding:0 8px;font-size:12px;margin-left:6px}
.pill.warn{background:#fdebd3;color:#7a3a12;white-space:nowrap}tr.thin td.rel{color:var(--muted)}
.sale .when{margin:0 0 8px;color:var(--muted);font-size:12.5px}.sale .when strong{color:var(--ink)}
a:focus-visible,button:focus-visible,select:focus-visible,input:focus-visible{outline:3px solid #f0b429;outline-offset:2px}
.fresh{animation:flash 2s ease-out}@keyframes flash{from{background:#fff6cc}to{background:transparent}}
ul.links li{margin:8px 0}
.sub{color:var(--muted);font-size:11.5px;margin-top:2px}.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.status{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;white-space:nowrap;color:#fff;background:var(--s)}
.s-succeeded{--s:#1e7d45}.s-failed{--s:#b4361f}.s-timed_out{--s:#a34f00}.s-skipped{--s:#5b6578}.s-interrupted{--s:#7a3e9d}.s-running{--s:#1f5fa8}
ol.strip{list-style:none;display:flex;margin:0;padding:0;flex-wrap:nowrap}
ol.strip li,.strip-key{display:inline-block;width:12px;height:20px;border-radius:2px;background:var(--s);color:#fff;font-size:9px;line-height:20px;text-align:center;overflow:hidden}
ol.strip{gap:1px}table[data-table="jobs"] th[scope="row"]{background:none}.sub{font-weight:normal}
table[data-table="jobs"] td:nth-child(-n+3),table[data-table] time,table[data-table="runs"] td:nth-child(3),table[data-table="runs"] td:nth-child(8){white-space:nowrap}
table[data-table="runs"] th.num{text-align:right}
td.problem{color:#7a2412}td.problem,td.notes{min-width:200px;max-width:340px;overflow-wrap:anywhere}td .restated{color:#5a3d00}td .alert{color:#7a2412;font-weight:600}td.num .sub{white-space:normal}span.job{white-space:nowrap}td.problem pre,pre.error{white-space:pre-wrap;font-size:11.5px;margin:4px 0 0}
td.outputs{white-space:nowrap}summary{cursor:pointer}summary:focus-visible{outline:3px solid #f0b429;outline-offset:2px}
tr:target td{background:#fff6cc}
@media (max-width:640px){main{padding:12px 8px}}
`;

export function banner(problems: readonly string[]): string {
  return `<div id="banner" class="banner${problems.length ? '' : ' ok'}" role="status">${problems.map((p) => esc(p)).join('<br>')}</div>`;
}

export interface PageOptions {
  title: string;
  path: string;
  body: string;
  problems?: readonly string[];
  /** Script URLs, in order; deferred, so the server-rendered charts paint first. */
  scripts?: readonly string[];
  /** The style sheet's URL (hashed, so it can be cached for good). */
  style?: string;
  /** The reader's language (English when absent). */
  lang?: PageLang;
  /** The page's own query, without `lang` (`?year=2017`): the language links keep it. */
  query?: string;
}

/** Links to the page in the other languages, each named in its own (`Español`), its filters kept. */
function languageLinks(path: string, query: string, lang: PageLang): string {
  const links = locales
    .filter((l) => l !== lang.locale)
    .map((l) => `<a href="${esc(`${path}${query ? `${query}&` : '?'}lang=${l}`)}" hreflang="${l}" lang="${l}">${esc(endonyms[l])}</a>`);
  return `<span class="langs" aria-label="${esc(t(lang.locale, 'dashboard.nav.language'))}">${links.join('')}</span>`;
}

export function page(opts: PageOptions): string {
  const lang = opts.lang ?? englishPage;
  const link = (path: string, title: string) => `<a href="${esc(withLang(path, lang))}"${path === opts.path ? ' aria-current="page" class="active"' : ''}>${esc(title)}</a>`;
  const nav = [`<span class="brand">ERP Insights</span>`, link('/', t(lang.locale, 'dashboard.nav.home')), ...navPages.map((p) => link(p.path, t(lang.locale, p.title))), languageLinks(opts.path, opts.query ?? '', lang)].join('');
  const scripts = (opts.scripts ?? []).map((s) => `<script defer src="${esc(s)}"></script>`).join('');
  return `<!doctype html><html lang="${lang.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(opts.title)} · ERP Insights</title><link rel="stylesheet" href="${esc(opts.style ?? '/assets/style.css')}">${scripts}</head>
<body><nav>${nav}</nav><main>${banner(opts.problems ?? [])}${opts.body}</main></body></html>`;
}

/**
 * Advance widths in em of DejaVu Sans Bold (the widest face of the page's font stack: Helvetica and Arial are
 * narrower), by kind of character. Digits and `$` are tabular (0.696 em).
 */
function advanceEm(c: string): number {
  if (/[0-9$#]/.test(c)) return 0.7;
  if (/[.,:;'!|]/.test(c)) return 0.38;
  if (c === ' ') return 0.35;
  if (/[%mwMW@]/.test(c)) return 1.05;
  if (/[A-Z]/.test(c)) return 0.8;
  if (/[a-z]/.test(c)) return 0.72;
  return 0.75;
}

/** Pure: how wide `text` is in em, at most (with a 4 % margin), in the card's bold face. */
export function textWidthEm(text: string): number {
  const em = [...text].reduce((w, c) => w + advanceEm(c), 0) * 1.04;
  return Math.max(1, Math.ceil(em * 100) / 100);
}

/**
 * A key figure card; `key` lets tests and scripts find it. The value never wraps and never overflows its card: its
 * font shrinks (from 20 px) to the card's width divided by the text's width in em (`--em`, a CSS container query
 * unit), so "$2,297,200.86" fits a narrow card whole instead of being clipped.
 */
export function kpi(key: string, label: string, value: string): string {
  return `<div class="kpi" style="--em:${textWidthEm(value)}" data-kpi="${esc(key)}"><div class="label">${esc(label)}</div><div class="value">${esc(value)}</div></div>`;
}
