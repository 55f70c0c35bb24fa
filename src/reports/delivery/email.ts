/**
 * The e-mail channel's adapter (the only importer of nodemailer): SMTP from a URL (`smtp://user:pass@host:port`,
 * `smtps://` for TLS), a composed mail sent with retries while the server did not take it, and errors that never show
 * the password.
 */
import nodemailer from 'nodemailer';
import { maskUri } from '../../config/credentials';
import type { ComposedEmail } from './compose-email';

/** The mail settings delivery needs (`cfg.mail`): the server, the sender and the attachment size limit. */
export interface MailSettings {
  /** `smtp://host:port` or `smtps://user:password@host:port`; may hold a password: never log it (`maskSmtpUrl`). */
  smtpUrl: string;
  /** `reports@example.com` or `ERP Insights <reports@example.com>`. */
  from: string;
  /** A chosen file above this is linked instead of attached. */
  attachLimitBytes: number;
}

export interface OutgoingMail extends ComposedEmail {
  to: string[];
}

export interface SentMail {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

/** A mail the server did not take; `retriable` when it never got it or refused it for now (SMTP 4xx). */
export class MailError extends Error {
  override name = 'MailError';
  constructor(
    message: string,
    readonly retriable: boolean,
  ) {
    super(message);
  }
}

export interface Mailer {
  send(m: OutgoingMail): Promise<SentMail>;
  close(): void;
}

/** The URL as a log or an error shows it: `smtps://***@mail.example.com:465`. */
export const maskSmtpUrl = maskUri;

/** `text` with the URL's password (as written and decoded) and any `//user:pass@` replaced by `***`. */
export function scrubSecret(text: string, smtpUrl: string): string {
  let out = text.split(smtpUrl).join(maskSmtpUrl(smtpUrl));
  const m = /^[a-z]+:\/\/[^:@/]*:([^@/]*)@/i.exec(smtpUrl);
  if (m?.[1]) {
    let decoded = m[1];
    try {
      decoded = decodeURIComponent(m[1]);
    } catch {
      // a malformed escape: the password is as written
    }
    for (const secret of new Set([m[1], decoded])) out = out.split(secret).join('***');
  }
  return out.replace(/\/\/[^@/\s]*:[^@/\s]*@/g, '//***@');
}

/** nodemailer's error fields that tell whether the server took the message. */
type SmtpFailure = Error & { code?: string; command?: string; responseCode?: number };

/**
 * Retrying is safe only when the server did not accept the message: no connection (or lost before DATA was sent), or
 * a temporary refusal (SMTP 4xx). A timeout after DATA might have delivered it: not retried.
 */
function isRetriable(e: SmtpFailure): boolean {
  if (e.responseCode !== undefined) return e.responseCode >= 400 && e.responseCode < 500;
  return e.code === 'ECONNECTION' || e.command === 'CONN' || (e.code === 'ESOCKET' && e.command !== 'DATA');
}

export function createSmtpMailer(s: MailSettings, o: { timeoutMs?: number } = {}): Mailer {
  const timeout = o.timeoutMs ?? 15_000;
  // TLS (smtps://) and the login come from the URL; the timeouts keep a dead server from holding the run.
  const transport = nodemailer.createTransport({ url: s.smtpUrl, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout * 2 });
  return {
    async send(m) {
      try {
        const info = await transport.sendMail({ from: s.from, to: m.to, subject: m.subject, html: m.html, text: m.text, attachments: m.attachments });
        const list = (xs: unknown[] | undefined) => (xs ?? []).map((x) => (typeof x === 'string' ? x : ((x as { address?: string }).address ?? String(x))));
        return { messageId: info.messageId, accepted: list(info.accepted), rejected: list(info.rejected) };
      } catch (err) {
        const e = err as SmtpFailure;
        const where = maskSmtpUrl(s.smtpUrl);
        throw new MailError(scrubSecret(`${where}: ${e.message ?? String(err)}${e.code ? ` (${e.code})` : ''}`, s.smtpUrl), isRetriable(e));
      }
    },
    close: () => transport.close(),
  };
}

export interface SendOutcome {
  ok: boolean;
  attempts: number;
  messageId: string | null;
  error: string | null;
}

/** Sends with up to `delaysMs.length` retries (1 s, then 4 s) while the failure is retriable; never throws. */
export async function sendWithRetries(mailer: Mailer, m: OutgoingMail, o: { delaysMs: readonly number[]; sleep: (ms: number) => Promise<void> }): Promise<SendOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      const sent = await mailer.send(m);
      const error = sent.rejected.length ? `the server refused ${sent.rejected.join(', ')}` : null;
      return { ok: true, attempts: attempt, messageId: sent.messageId, error };
    } catch (err) {
      const retriable = err instanceof MailError && err.retriable;
      if (!retriable || attempt > o.delaysMs.length) return { ok: false, attempts: attempt, messageId: null, error: (err as Error).message };
      await o.sleep(o.delaysMs[attempt - 1]!);
    }
  }
}
