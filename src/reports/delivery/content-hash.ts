/**
 * What makes two deliveries "the same" (pure): a hash of what the reader gets: the job, period, branch, key figures,
 * findings, what changed, the channel and the recipients. Not the files' bytes: a PDF changes with its generation
 * time, so a rerun over the same data would otherwise mail the same report again.
 */
import { createHash } from 'node:crypto';
import type { DeliveryContent } from './content';

/** The channel as the hash sees it: its kind and what decides what the reader receives. */
export type ChannelIdentity = { kind: 'email'; attach: readonly string[] } | { kind: 'webhook'; url: string };

/** JSON with object keys sorted at every level, so that key order never changes a hash. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** The sha256 (hex) of the delivery's content; recipients count as a set (order and case do not matter). */
export function contentHash(c: DeliveryContent, channel: ChannelIdentity, recipients: readonly string[]): string {
  const reader = {
    job: c.job,
    title: c.title,
    period: c.period.id,
    branch: c.branch?.id ?? null,
    figures: c.figures.map((k) => ({ key: k.key, value: k.value, previous: k.previous, lastYear: k.lastYear })),
    findings: c.findings.map((f) => ({ id: f.id, text: f.text })),
    whatChanged: c.whatChanged,
    // English is the default and was never written: the hashes of deliveries made before locales stay the same.
    locale: c.locale === 'en' ? undefined : c.locale,
    channel: channel.kind === 'email' ? { kind: 'email', attach: [...channel.attach].sort() } : channel,
    recipients: [...new Set(recipients.map((r) => r.trim().toLowerCase()))].sort(),
  };
  return createHash('sha256').update(canonical(reader)).digest('hex');
}
