/**
 * A report mail composed (pure): content in, `{ subject, html, text, attachments }` out. The chosen files are attached
 * by path (read when sent); one above the size limit is linked instead; charts travel as inline images (`cid:`).
 */
import path from 'node:path';
import { t } from '../../i18n';
import type { RunOutput } from '../runs/record';
import { outputUrl, reportHeading, type DeliveryContent } from './content';
import { formatBytes, renderEmailHtml, renderEmailText, type MailFile } from './email-body';

export type AttachFormat = 'pdf' | 'xlsx' | 'html';

/** What nodemailer needs of an attachment: a file by path, or bytes (an inline image, with its content id). */
export interface MailAttachment {
  filename: string;
  contentType: string;
  path?: string;
  content?: Buffer;
  cid?: string;
}

export interface ComposedEmail {
  subject: string;
  html: string;
  text: string;
  attachments: MailAttachment[];
}

export interface ComposeOptions {
  /** The formats to attach (the e-mail channel's `attach`). */
  attach: readonly AttachFormat[];
  /** A chosen file larger than this is linked instead of attached (MAIL_ATTACH_LIMIT_MB). */
  attachLimitBytes: number;
  /** The absolute reports folder the outputs' paths are relative to. */
  reportsDir: string;
  /** Where the reports folder is served (PUBLIC_REPORTS_URL): links to files point there. */
  publicReportsUrl: string;
}

const contentTypes: Record<string, string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  html: 'text/html',
  ipynb: 'application/x-ipynb+json',
};

/** The subject: the report, the branch and the period ("Executive sales report · West · Los Angeles · December 2017"). */
export const emailSubject = (c: DeliveryContent) => reportHeading(c);

/**
 * A file's name in a reader's mailbox: every month's report is `executive.pdf` on disk, so the period and the branch
 * are added (`executive-2017-12-BR-WEST.pdf`) unless the folder already names them.
 */
export function attachmentName(o: RunOutput, c: Pick<DeliveryContent, 'period' | 'branch'>): string {
  const base = path.posix.basename(o.path);
  const ext = path.posix.extname(base);
  const stem = base.slice(0, base.length - ext.length);
  const tags = [c.period.id, c.branch?.id].filter((t): t is string => Boolean(t) && !stem.includes(t!));
  return [stem, ...tags].join('-') + ext;
}

/** Every output as the mail shows it: the chosen ones within the limit attached, the rest linked. */
export function planFiles(c: DeliveryContent, o: ComposeOptions): MailFile[] {
  const locale = c.locale ?? 'en';
  const limitText = formatBytes(o.attachLimitBytes, locale).replace(/[.,]0 /, ' ');
  return c.outputs.map((out) => {
    const chosen = (o.attach as readonly string[]).includes(out.format);
    const attached = chosen && out.size <= o.attachLimitBytes;
    const note = chosen && !attached ? t(locale, 'mail.file.tooLarge', { limit: limitText }) : null;
    return { format: out.format, filename: attachmentName(out, c), size: out.size, attached, url: outputUrl(o.publicReportsUrl, out.path), note };
  });
}

/** The content id of a chart image: unique within the mail, stable for a golden file. */
export const chartCid = (name: string) => `chart-${name.replace(/[^\w-]/g, '_')}@erp-insights`;

export function composeEmail(c: DeliveryContent, o: ComposeOptions): ComposedEmail {
  const files = planFiles(c, o);
  const chartCids = c.charts.map((ch) => chartCid(ch.name));
  const body = { content: c, files, chartCids };
  const attachments: MailAttachment[] = [
    ...c.outputs.flatMap((out, i) => (files[i]!.attached ? [{ filename: files[i]!.filename, contentType: contentTypes[out.format] ?? 'application/octet-stream', path: path.join(o.reportsDir, ...out.path.split('/')) }] : [])),
    ...c.charts.map((ch, i) => ({ filename: `${ch.name}.png`, contentType: 'image/png', content: ch.png, cid: chartCids[i]! })),
  ];
  return { subject: emailSubject(c), html: renderEmailHtml(body), text: renderEmailText(body), attachments };
}
