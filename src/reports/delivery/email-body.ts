/**
 * A report mail's bodies (pure): HTML that reads well in a mail client (tables and inline styles only: clients drop
 * `<style>` and classes; no script, no external resource, charts by `cid:`) and a plain-text alternative that says
 * the same. Sections: what changed, key figures, what happened, charts, files.
 */
import { formatsOf, translator, type Locale, type Translate } from '../../i18n';
import { change, esc, formatValue, type Change } from '../format';
import { periodDays, strongText } from '../html';
import { kpiLabel } from '../labels';
import { plainText, reportHeading, type ChartImage, type DeliveryContent } from './content';

/** A file of the run as the mail shows it: attached, or linked when not attached (not chosen, or too large). */
export interface MailFile {
  format: string;
  filename: string;
  size: number;
  attached: boolean;
  url: string;
  /** Why it is linked rather than attached, when it was chosen: "above the 10 MB attachment limit". */
  note: string | null;
}

export interface MailBodyInput {
  content: DeliveryContent;
  files: MailFile[];
  /** The content id of each chart image, in the order shown. */
  chartCids: string[];
}

// Single quotes: the stack goes inside style="…" attributes.
const font = "'DejaVu Sans',Helvetica,Arial,sans-serif";
const ink = '#1d2433';
const muted = '#5b6578';
const line = '#e3e7ee';
const accent = '#1f5fa8';
const tone: Record<Change['direction'], string> = { up: '#1e7d45', down: '#b4361f', flat: muted, none: muted };
const arrow: Record<Change['direction'], string> = { up: '▲', down: '▼', flat: '•', none: '•' };

const h2 = (text: string) => `<h2 style="margin:22px 0 8px;padding-bottom:4px;border-bottom:1px solid ${line};font:bold 16px/1.3 ${font};color:${ink}">${esc(text)}</h2>`;
const note = (html: string) => `<p style="margin:6px 0;color:${muted};font-size:13px">${html}</p>`;
const list = (items: string[]) => `<ul style="margin:0;padding-left:20px">${items.map((i) => `<li style="margin:4px 0">${i}</li>`).join('')}</ul>`;

/** A file size as a reader says it: 980 B, 14.2 KB, 12.5 MB (14,2 KB in Spanish). */
export function formatBytes(n: number, locale: Locale = 'en'): string {
  const tenths = (v: number) => (locale === 'en' ? v.toFixed(1) : formatsOf(locale).oneDecimal(v));
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${tenths(n / 1024)} KB`;
  return `${tenths(n / 1024 / 1024)} MB`;
}

/** A PNG's size in pixels, from its header (null when the bytes are not a PNG). */
export function pngSize(png: Buffer): { width: number; height: number } | null {
  if (png.length < 24 || png.readUInt32BE(0) !== 0x89504e47) return null;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Charts are drawn at twice their size: shown at half their pixels, at most the mail's width. */
const mailWidth = 608;
function imageBox(c: ChartImage): { width: number; height: number | null } {
  const px = pngSize(c.png);
  if (!px) return { width: mailWidth, height: null };
  const width = Math.min(mailWidth, Math.round(px.width / 2));
  return { width, height: Math.round((px.height * width) / px.width) };
}

/** "▼ −29.2 %" kept on one line; "+0 (from 0)" may break before its parenthesis, so the table fits a phone. */
const keepTogether = (text: string) => esc(text).replace(/ (%|pts)/g, '&nbsp;$1');
const cell = `padding:6px 6px;border-bottom:1px solid ${line}`;
const changeCell = (c: Change) => `<td style="${cell};text-align:right;font-size:13px;color:${tone[c.direction]}">${arrow[c.direction]}&nbsp;${keepTogether(c.text)}</td>`;

/** The mail's words and its readers' locale. */
const wordsOf = (c: DeliveryContent): { locale: Locale; tr: Translate } => ({ locale: c.locale ?? 'en', tr: translator(c.locale ?? 'en') });

function figuresTable(c: DeliveryContent): string {
  const { locale, tr } = wordsOf(c);
  if (!c.figures.length) return note(esc(tr('mail.noFigures')));
  const th = (text: string, right = true) => `<th style="padding:6px 6px;border-bottom:1px solid ${line};background:#f6f8fb;text-align:${right ? 'right' : 'left'};font-weight:bold;font-size:12px;color:${muted}">${esc(text)}</th>`;
  const rows = c.figures.map(
    (k) =>
      `<tr data-kpi="${esc(k.key)}"><td style="${cell}">${esc(kpiLabel(k, locale))}</td><td style="${cell};text-align:right;white-space:nowrap;font-weight:bold">${esc(formatValue(k.value, k.format, locale))}</td>${changeCell(change(k, k.previous, locale))}${changeCell(change(k, k.lastYear, locale))}</tr>`,
  );
  return `<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:collapse;width:100%;font-size:14px"><tr>${th(tr('mail.column.figure'), false)}${th(tr('mail.column.value'))}${th(tr('mail.column.vsPrevious'))}${th(tr('mail.column.vsLastYear'))}</tr>${rows.join('')}</table>`;
}

function chartsHtml(charts: ChartImage[], cids: string[]): string {
  return charts
    .map((ch, i) => {
      const box = imageBox(ch);
      const size = `width="${box.width}"${box.height === null ? '' : ` height="${box.height}"`}`;
      // The image carries its own title (Vega-Lite draws it); the alt text stands in where images are blocked.
      return `<img src="cid:${esc(cids[i])}" alt="${esc(ch.title)}" ${size} style="display:block;width:100%;max-width:${box.width}px;height:auto;border:0;margin:12px 0">`;
    })
    .join('');
}

function fileHtml(f: MailFile, tr: Translate, locale: Locale): string {
  const name = f.attached ? `<strong>${esc(f.filename)}</strong>` : `<a href="${esc(f.url)}" style="color:${accent}">${esc(f.filename)}</a>`;
  const how = f.attached ? tr('mail.file.attached') : (f.note ?? tr('mail.file.online'));
  return `${name} <span style="color:${muted}">(${esc(f.format.toUpperCase())}, ${esc(formatBytes(f.size, locale))}; ${esc(how)})</span>`;
}

/** The mail's HTML body: a complete document whose every style is inline. */
export function renderEmailHtml(m: MailBodyInput): string {
  const c = m.content;
  const { locale, tr } = wordsOf(c);
  const changed = c.whatChanged.length ? list(c.whatChanged.map(strongText)) : note(esc(tr('changes.firstRun')));
  const findings = c.findings.length ? list(c.findings.map((f) => strongText(f.text))) : note(esc(tr('report.findings.none')));
  const charts = c.charts.length ? `${h2(tr('mail.heading.charts'))}${chartsHtml(c.charts, m.chartCids)}` : '';
  const files = m.files.length ? `${h2(tr('mail.heading.files'))}${list(m.files.map((f) => fileHtml(f, tr, locale)))}` : '';
  const where = [c.branch?.name, c.period.label].filter(Boolean).join(' · ');
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(reportHeading(c))}</title></head>
<body style="margin:0;padding:0;background:#f3f5f8">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f5f8"><tr><td align="center" style="padding:20px 0">
<table role="presentation" width="640" cellpadding="0" cellspacing="0" style="width:100%;max-width:640px;background:#ffffff;border:1px solid ${line};border-collapse:separate">
<tr><td style="padding:18px 16px 12px;border-bottom:3px solid ${accent};font-family:${font};color:${ink}">
<h1 style="margin:0 0 4px;font:bold 22px/1.25 ${font};color:${ink}">${esc(c.title)}</h1>
<p style="margin:0;color:${muted};font-size:14px">${esc(where)} · ${esc(periodDays(c.period, locale))}</p>
</td></tr>
<tr><td style="padding:0 16px 18px;font:14px/1.45 ${font};color:${ink}">
<div id="what-changed">${h2(tr('mail.heading.whatChanged'))}${changed}</div>
<div id="key-figures">${h2(tr('report.kpis.heading'))}${figuresTable(c)}</div>
<div id="findings">${h2(tr('report.findings.heading'))}${findings}</div>
${charts}${files}
<p style="margin:24px 0 0;padding-top:10px;border-top:1px solid ${line};color:${muted};font-size:12px">${esc(tr('mail.footer', { job: c.job, date: formatsOf(locale).day(c.period.to) }))}</p>
</td></tr></table>
</td></tr></table>
</body></html>
`;
}

/** Figures as aligned plain-text rows: label, value, and the two comparisons. */
function figuresText(c: DeliveryContent): string[] {
  const { locale, tr } = wordsOf(c);
  if (!c.figures.length) return [tr('mail.noFigures')];
  const rows = c.figures.map((k) => [kpiLabel(k, locale), formatValue(k.value, k.format, locale), tr('mail.text.vsPrevious', { change: change(k, k.previous, locale).text }), tr('mail.text.vsLastYear', { change: change(k, k.lastYear, locale).text })]);
  const w0 = Math.max(...rows.map((r) => r[0]!.length));
  const w1 = Math.max(...rows.map((r) => r[1]!.length));
  return rows.map(([label, value, prev, ly]) => `${label!.padEnd(w0)}  ${value!.padStart(w1)}   ${prev}; ${ly}`);
}

const bullet = (s: string) => `- ${s}`;

/** The plain-text alternative: the same sections, charts named, files with their links. */
export function renderEmailText(m: MailBodyInput): string {
  const c = m.content;
  const { locale, tr } = wordsOf(c);
  const heading = (text: string) => ['', text.toLocaleUpperCase(), '-'.repeat(text.length)];
  const size = (f: MailFile) => formatBytes(f.size, locale);
  const files = m.files.map((f) => bullet(f.attached ? tr('mail.text.attached', { file: f.filename, size: size(f) }) : `${f.filename} (${size(f)}${f.note ? `, ${f.note}` : ''}): ${f.url}`));
  const where = [c.branch?.name, c.period.label].filter(Boolean).join(' · ');
  const out = [
    c.title,
    `${where} · ${periodDays(c.period, locale)}`,
    ...heading(tr('mail.heading.whatChanged')),
    ...(c.whatChanged.length ? c.whatChanged.map((s) => bullet(plainText(s))) : [tr('changes.firstRun')]),
    ...heading(tr('report.kpis.heading')),
    ...figuresText(c),
    ...heading(tr('report.findings.heading')),
    ...(c.findings.length ? c.findings.map((f) => bullet(plainText(f.text))) : [tr('report.findings.none')]),
    ...(c.charts.length ? [...heading(tr('mail.heading.charts')), tr('mail.text.charts', { charts: c.charts.map((ch) => ch.title).join(', ') })] : []),
    ...(files.length ? [...heading(tr('mail.heading.files')), ...files] : []),
    '',
    '-- ',
    tr('mail.footer.text', { job: c.job, date: formatsOf(locale).day(c.period.to) }),
  ];
  return `${out.join('\n')}\n`;
}
