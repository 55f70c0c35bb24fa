/**
 * The webhook channel: the report as JSON (title, period, branch, key figures, what changed, findings, links to the
 * outputs), POSTed with its HMAC signature when a secret is set, and retried with backoff on a network error or a 5xx
 * (the receiver may come back); a 4xx is the request's fault, so it is not retried.
 */
import { change } from '../format';
import { kpiLabel } from '../labels';
import { outputUrl, plainText, reportHeading, type DeliveryContent } from './content';
import { signatureHeader, signBody } from './sign';

export interface WebhookPayload {
  event: 'report';
  /** Present when the texts are not in English (`es`). */
  locale?: string;
  job: string;
  run_id: string | null;
  title: string;
  /** "Executive sales report · West · Los Angeles · December 2017". */
  heading: string;
  period: { id: string; label: string; from: string; to: string };
  branch: { id: string; name: string } | null;
  figures: { key: string; label: string; format: string; value: number | null; previous: number | null; last_year: number | null; vs_previous: string; vs_last_year: string }[];
  /** Plain sentences; empty for a job's first run. */
  what_changed: string[];
  findings: { id: string; kind: string; text: string }[];
  outputs: { format: string; url: string; size: number; sha256: string }[];
}

export function webhookPayload(c: DeliveryContent, publicReportsUrl: string): WebhookPayload {
  const locale = c.locale ?? 'en';
  return {
    event: 'report',
    // The language of every text in the payload (labels, changes, findings); the numbers are plain JSON numbers.
    ...(locale === 'en' ? {} : { locale }),
    job: c.job,
    run_id: c.runId ?? null,
    title: c.title,
    heading: reportHeading(c),
    period: { id: c.period.id, label: c.period.label, from: c.period.from, to: c.period.to },
    branch: c.branch ? { id: c.branch.id, name: c.branch.name } : null,
    figures: c.figures.map((k) => ({ key: k.key, label: kpiLabel(k, locale), format: k.format, value: k.value, previous: k.previous, last_year: k.lastYear, vs_previous: change(k, k.previous, locale).text, vs_last_year: change(k, k.lastYear, locale).text })),
    what_changed: c.whatChanged.map(plainText),
    findings: c.findings.map((f) => ({ id: f.id, kind: f.kind, text: plainText(f.text) })),
    outputs: c.outputs.map((o) => ({ format: o.format, url: outputUrl(publicReportsUrl, o.path), size: o.size, sha256: o.sha256 })),
  };
}

export interface WebhookOptions {
  /** WEBHOOK_SECRET: when set, the body is signed in `X-ERP-Signature`. */
  secret: string | null;
  /** The waits before the second, third … attempt: 1 s then 4 s (three attempts in all). */
  delaysMs?: readonly number[];
  /** Each attempt's deadline. */
  timeoutMs?: number;
  /** Waits between attempts; a test passes one that records and returns at once. */
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

export interface WebhookResult {
  ok: boolean;
  attempts: number;
  /** The last HTTP status; null when no response came (a network error or a timeout). */
  status: number | null;
  error: string | null;
}

/** The waits before a second and a third attempt, for either channel: a receiver restarting has time to come back. */
export const retryDelaysMs: readonly number[] = [1000, 4000];

/** The URL as a record or a log shows it: without a user, password or query (which may hold a token). */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?***' : ''}`;
  } catch {
    return '(not a URL)';
  }
}

/** A fetch failure in words: undici's "fetch failed" hides the reason (ECONNREFUSED …) in its cause. */
function networkError(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'no answer in time';
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message}: ${cause}` : e.message;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** POSTs `body` (JSON text) to `url`; resolves to the outcome, never throws. */
export async function postWebhook(url: string, body: string, o: WebhookOptions): Promise<WebhookResult> {
  const delays = o.delaysMs ?? retryDelaysMs;
  const sleep = o.sleep ?? defaultSleep;
  const send = o.fetch ?? fetch;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'erp-insights-reports' };
  if (o.secret) headers[signatureHeader] = signBody(body, o.secret);
  let last: WebhookResult = { ok: false, attempts: 0, status: null, error: 'not sent' };
  for (let attempt = 1; attempt <= delays.length + 1; attempt++) {
    if (attempt > 1) await sleep(delays[attempt - 2]!);
    try {
      const res = await send(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(o.timeoutMs ?? 10_000), redirect: 'error' });
      const answer = (await res.text().catch(() => '')).trim().slice(0, 200);
      if (res.ok) return { ok: true, attempts: attempt, status: res.status, error: null };
      last = { ok: false, attempts: attempt, status: res.status, error: `${maskUrl(url)} answered HTTP ${res.status}${answer ? `: ${answer}` : ''}` };
      if (res.status < 500) return last;
    } catch (err) {
      last = { ok: false, attempts: attempt, status: null, error: `${maskUrl(url)}: ${networkError(err)}` };
    }
  }
  return last;
}
