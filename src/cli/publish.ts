/**
 * After a run: its outputs delivered through the job's channels (once per content), and its alerts sent (a rule that
 * fired, a run that did not publish, a delivery that failed), each incident once. Both are recorded on the run.
 */
import type { Db } from 'mongodb';
import type { Kpi, ReportData } from '../reports/data';
import { emailChartsIn, renderChartImages } from '../reports/delivery/charts';
import type { DeliveryContent } from '../reports/delivery/content';
import { deliverRun } from '../reports/delivery/deliver';
import { createSmtpMailer, sendWithRetries, type Mailer } from '../reports/delivery/email';
import { routeRecipients } from '../reports/delivery/routing';
import { mongoDeliveryStore, recordDeliveries } from '../reports/delivery/store';
import { postWebhook, retryDelaysMs } from '../reports/delivery/webhook';
import { esc, reportTitle } from '../reports/format';
import { periodLabel, t, type Locale } from '../i18n';
import { rankFindings } from '../reports/ranked-findings';
import { alertSubject, deliveryFailureAlert, evaluateAlerts, failureAlert, type FiredAlert } from '../reports/runs/alerts';
import { runsCollection, type HeadlineFigures, type ReportRun } from '../reports/runs/record';
import { jobLocale, type JobSpec } from '../reports/schedule';
import type { PipelineContext } from './context';

/** What a run's readers get, but its files (known once it is recorded). */
export type ContentDraft = Omit<DeliveryContent, 'outputs' | 'runId'>;

/**
 * An executive report as its readers get it: key figures, findings, what changed, two charts inline (`images`: those
 * the report already drew to PNG, reused).
 */
export function executiveDraft(job: string, data: ReportData, charts: Record<string, string>, images: Record<string, Buffer> = {}, locale: Locale = 'en'): ContentDraft {
  const p = data.period;
  return {
    job,
    title: t(locale, 'report.title'),
    period: { id: p.id, label: periodLabel(locale, p), from: p.from, to: p.to },
    branch: data.branch,
    figures: data.kpis,
    findings: rankFindings(data, undefined, locale),
    whatChanged: data.whatChanged ?? [],
    charts: renderChartImages(charts, emailChartsIn(locale), images),
    ...(locale === 'en' ? {} : { locale }),
  };
}

/** A notebook report as its readers get it: its headline figures and what changed (no findings or charts inline). */
export function notebookDraft(job: string, title: string, period: ContentDraft['period'], branch: ContentDraft['branch'], figures: HeadlineFigures, whatChanged: string[], locale: Locale = 'en'): ContentDraft {
  const kpi = (key: keyof HeadlineFigures, label: string, format: Kpi['format']): Kpi => ({ key, label, format, value: figures[key], previous: null, lastYear: null });
  const figs = [kpi('revenue', 'Revenue', 'money'), kpi('profit', 'Profit', 'money'), kpi('margin', 'Margin', 'percent'), kpi('orders', 'Orders', 'count')];
  return { job, title, period, branch, figures: figs, findings: [], whatChanged, charts: [], ...(locale === 'en' ? {} : { locale }) };
}

export interface PublishOptions {
  ctx: PipelineContext;
  db: Db;
  job: JobSpec;
  /** Deliver again what was delivered before. */
  resend?: boolean;
  /** One SMTP connection for a whole burst. */
  mailer?: Mailer;
}

/** The previous succeeded run of the same job and branch, before `run`: the base of the alerts' changes. */
async function previousFigures(db: Db, run: ReportRun): Promise<HeadlineFigures | null> {
  const prev = await db.collection<ReportRun>(runsCollection).find({ job: run.job, branch: run.branch ?? null, status: 'succeeded', _id: { $ne: run._id }, started_at: { $lt: run.started_at } }).sort({ started_at: -1 }).limit(1).toArray();
  return prev[0]?.figures ?? null;
}

/** The alerts of a run that are new incidents (not already alerted by an earlier run of the job). */
async function newAlerts(db: Db, run: ReportRun, job: JobSpec, title: string): Promise<FiredAlert[]> {
  const subject = { job: run.job, title, period: run.period ?? '', branch: run.branch ?? null, locale: jobLocale(job) };
  const fired: FiredAlert[] = [];
  if (run.status === 'succeeded' && run.figures && job.alerts.length) fired.push(...evaluateAlerts(job.alerts, { ...subject, figures: run.figures, previous: await previousFigures(db, run) }));
  if (run.status !== 'succeeded') fired.push(failureAlert({ ...subject, status: run.status, why: (run.reason ?? run.error ?? '').split('\n')[0]! }));
  for (const d of run.deliveries ?? []) if (d.status === 'failed') fired.push(deliveryFailureAlert({ ...subject, target: d.target, why: d.error ?? '' }));
  const seen = new Set((await db.collection<ReportRun>(runsCollection).find({ job: run.job, 'alerts.key': { $in: fired.map((f) => f.key) } }, { projection: { alerts: 1 } }).toArray()).flatMap((r) => (r.alerts ?? []).map((a) => a.key)));
  return fired.filter((f) => !seen.has(f.key));
}

/** Sends one alert through the job's channels: a short mail to each e-mail channel's readers, a JSON POST to each webhook. */
async function sendAlert(o: PublishOptions, run: ReportRun, alert: FiredAlert, mailer: Mailer): Promise<string[]> {
  const cfg = o.ctx.cfg;
  const link = run.outputs[0] ? `${cfg.delivery.publicReportsUrl}${run.outputs[0].path}` : cfg.delivery.publicReportsUrl;
  const problems: string[] = [];
  for (const ch of o.job.deliver) {
    if ('email' in ch) {
      const to = routeRecipients(ch.email.to, o.job.recipients, o.job.burst ? (run.branch ?? null) : null);
      if (!to.length) continue;
      const text = `${alert.text}\n\n${link}\n`;
      const sent = await sendWithRetries(mailer, { to, subject: alertSubject(alert, jobLocale(o.job)), text, html: `<p style="font-family:Helvetica,Arial,sans-serif">${esc(alert.text)}</p><p><a href="${esc(link)}">${esc(link)}</a></p>`, attachments: [] }, { delaysMs: retryDelaysMs, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
      if (!sent.ok) problems.push(`mail: ${sent.error}`);
    } else {
      const r = await postWebhook(ch.webhook.url, JSON.stringify({ type: 'alert', job: run.job, run: run._id, period: run.period, branch: run.branch ?? null, status: run.status, alert: alert.text, link }), { secret: cfg.delivery.webhookSecret });
      if (!r.ok) problems.push(`webhook: ${r.error}`);
    }
  }
  return problems;
}


/** Delivers a run's outputs and sends its new alerts; records both on the run. Never throws for a channel's failure. */
export async function publishRun(o: PublishOptions, run: ReportRun, draft: ContentDraft | null): Promise<void> {
  if (!o.job.deliver.length) return;
  const { cfg, log } = o.ctx;
  const mailer = o.mailer ?? createSmtpMailer(cfg.mail);
  try {
    if (run.status === 'succeeded' && draft) {
      const ds = await deliverRun({ ...draft, outputs: run.outputs, runId: run._id }, o.job, { store: mongoDeliveryStore(o.db), mail: cfg.mail, mailer, webhookSecret: cfg.delivery.webhookSecret, publicReportsUrl: cfg.delivery.publicReportsUrl, reportsDir: cfg.paths.reports, resend: o.resend, log });
      await recordDeliveries(o.db, run._id, ds);
      run.deliveries = ds;
    }
    const title = draft ? [reportTitle(draft.title, draft.branch), draft.period.label].join(' · ') : run.job;
    for (const alert of await newAlerts(o.db, run, o.job, title)) {
      const problems = await sendAlert(o, run, alert, mailer);
      log[problems.length ? 'error' : 'warn'](`alert: ${alert.text}`, problems.length ? { failed: problems.join('; ') } : {});
      await o.db.collection<ReportRun>(runsCollection).updateOne({ _id: run._id }, { $push: { alerts: { key: alert.key, text: alert.text, at: new Date() } } });
      (run.alerts ??= []).push({ key: alert.key, text: alert.text, at: new Date() });
    }
  } finally {
    if (!o.mailer) mailer.close();
  }
}
