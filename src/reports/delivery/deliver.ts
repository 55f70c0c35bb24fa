/**
 * Delivering a finished run's report through its job's channels, once: each channel's content hash is looked up among
 * the job's past deliveries, and one already sent is skipped unless `resend`. Every channel gives a record (sent,
 * failed or skipped); nothing here throws for a failed delivery, and the report's files are never touched.
 */
import type { Logger } from '../../log';
import { silentLogger } from '../../log';
import type { DeliveryChannelSpec } from '../schedule';
import type { Delivery } from '../runs/record';
import { composeEmail } from './compose-email';
import { contentHash, type ChannelIdentity } from './content-hash';
import type { DeliveryContent } from './content';
import { createSmtpMailer, sendWithRetries, type MailSettings, type Mailer } from './email';
import { routeRecipients } from './routing';
import type { DeliveryStore } from './store';
import { maskUrl, postWebhook, retryDelaysMs, webhookPayload } from './webhook';

/** The job's delivery fields, as the schedule file has them (`JobSpec` fits). */
export interface DeliveryJob {
  deliver: DeliveryChannelSpec[];
  recipients: Record<string, string[]>;
  burst?: 'branch';
}

export interface DeliverOptions {
  store: DeliveryStore;
  mail: MailSettings;
  /** One SMTP transport shared by a burst; default: one opened for this call and closed after it. */
  mailer?: Mailer;
  /** WEBHOOK_SECRET: webhooks are signed when set. */
  webhookSecret: string | null;
  /** PUBLIC_REPORTS_URL: where links to the files point. */
  publicReportsUrl: string;
  /** The absolute reports folder the outputs' paths are relative to. */
  reportsDir: string;
  /** Deliver even what was delivered before (`--resend`). */
  resend?: boolean;
  log?: Logger;
  now?: () => Date;
  /** Waits between attempts (1 s, then 4 s); a test passes one that returns at once. */
  sleep?: (ms: number) => Promise<void>;
  delaysMs?: readonly number[];
  fetch?: typeof fetch;
}

/** One channel ready to go: what it is, where it goes, and its content hash. */
interface Planned {
  spec: DeliveryChannelSpec;
  channel: Delivery['channel'];
  target: string;
  recipients: string[];
  hash: string;
}

function planChannel(c: DeliveryContent, job: DeliveryJob, spec: DeliveryChannelSpec): Planned {
  if ('email' in spec) {
    const branchId = job.burst === 'branch' ? (c.branch?.id ?? null) : null;
    const recipients = routeRecipients(spec.email.to, job.recipients, branchId);
    const identity: ChannelIdentity = { kind: 'email', attach: spec.email.attach };
    return { spec, channel: 'email', target: recipients.join(', '), recipients, hash: contentHash(c, identity, recipients) };
  }
  return { spec, channel: 'webhook', target: maskUrl(spec.webhook.url), recipients: [], hash: contentHash(c, { kind: 'webhook', url: spec.webhook.url }, []) };
}

type Outcome = Pick<Delivery, 'status' | 'message_id' | 'error' | 'attempts'>;

async function sendEmail(c: DeliveryContent, p: Planned, mailer: () => Mailer, o: DeliverOptions, wait: Required<Pick<DeliverOptions, 'sleep' | 'delaysMs'>>): Promise<Outcome> {
  if (!('email' in p.spec)) throw new Error('not an e-mail channel');
  if (!p.recipients.length) {
    const where = c.branch ? `recipients["${c.branch.id}"] or recipients["*"]` : 'recipients["*"]';
    return { status: 'failed', message_id: null, attempts: 0, error: `no recipients: the e-mail channel has no "to" and the job has none in ${where}` };
  }
  const mail = composeEmail(c, { attach: p.spec.email.attach, attachLimitBytes: o.mail.attachLimitBytes, reportsDir: o.reportsDir, publicReportsUrl: o.publicReportsUrl });
  const r = await sendWithRetries(mailer(), { ...mail, to: p.recipients }, wait);
  return { status: r.ok ? 'sent' : 'failed', message_id: r.messageId, attempts: r.attempts, error: r.error };
}

async function sendWebhook(c: DeliveryContent, p: Planned, o: DeliverOptions, wait: Required<Pick<DeliverOptions, 'sleep' | 'delaysMs'>>): Promise<Outcome> {
  if (!('webhook' in p.spec)) throw new Error('not a webhook channel');
  const body = JSON.stringify(webhookPayload(c, o.publicReportsUrl));
  const r = await postWebhook(p.spec.webhook.url, body, { secret: o.webhookSecret, delaysMs: wait.delaysMs, sleep: wait.sleep, fetch: o.fetch });
  return { status: r.ok ? 'sent' : 'failed', message_id: null, attempts: r.attempts, error: r.error };
}

/** The caller's mailer, or one opened on first use (no SMTP connection for a job without e-mail) and closed after. */
function sharedMailer(o: DeliverOptions): { get: () => Mailer; close: () => void } {
  let own: Mailer | null = null;
  return {
    get: () => o.mailer ?? (own ??= createSmtpMailer(o.mail)),
    close: () => own?.close(),
  };
}

/** Whether this content already went through this channel, or why that cannot be told. */
async function deliveredBefore(c: DeliveryContent, p: Planned, store: DeliveryStore): Promise<{ before: Delivery | null; error: string | null }> {
  try {
    return { before: await store.findDelivered(c.job, p.channel, p.target, p.hash), error: null };
  } catch (err) {
    return { before: null, error: `cannot tell whether it was delivered before (the run history did not answer): ${(err as Error).message}` };
  }
}

/**
 * Delivers `c` through each of the job's channels, in order, and returns one record per channel. A channel whose
 * content hash was delivered before is `skipped` (unless `resend`); a failure is `failed` with its reason.
 */
export async function deliverRun(c: DeliveryContent, job: DeliveryJob, o: DeliverOptions): Promise<Delivery[]> {
  const log = o.log ?? silentLogger;
  const now = o.now ?? (() => new Date());
  const wait = { sleep: o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))), delaysMs: o.delaysMs ?? retryDelaysMs };
  const mailer = sharedMailer(o);
  const out: Delivery[] = [];
  try {
    for (const spec of job.deliver) {
      const p = planChannel(c, job, spec);
      const base = { channel: p.channel, target: p.target, recipients: p.recipients, content_hash: p.hash };
      const check = o.resend ? { before: null, error: null } : await deliveredBefore(c, p, o.store);
      let outcome: Outcome;
      if (check.error) outcome = { status: 'failed', message_id: null, attempts: 0, error: check.error };
      else if (check.before) outcome = { status: 'skipped', message_id: check.before.message_id, attempts: 0, error: null };
      else outcome = p.channel === 'email' ? await sendEmail(c, p, mailer.get, o, wait) : await sendWebhook(c, p, o, wait);
      const d: Delivery = { ...base, ...outcome, at: now() };
      out.push(d);
      const fields = { job: c.job, target: p.target, attempts: d.attempts, ...(d.error ? { error: d.error } : {}) };
      if (d.status === 'failed') log.error(`${p.channel} delivery failed`, fields);
      else log.info(d.status === 'skipped' ? `${p.channel}: already delivered, skipped` : `${p.channel} delivered`, fields);
    }
  } finally {
    mailer.close();
  }
  return out;
}
