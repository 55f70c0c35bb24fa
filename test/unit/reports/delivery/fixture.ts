/** A fixed delivery content (the December 2017 fixture report of West · Los Angeles) and fakes for delivery tests. */
import type { DeliveryContent } from '../../../../src/reports/delivery/content';
import type { Delivery } from '../../../../src/reports/runs/record';
import { rankFindings } from '../../../../src/reports/ranked-findings';
import { fixtureReport } from '../fixture';

/** The first bytes of a PNG of `width`×`height` px: enough for the mail to size its image. */
export function pngHeader(width: number, height: number): Buffer {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'ascii');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  return b;
}

export const MB = 1024 * 1024;

export function deliveryContent(over: Partial<DeliveryContent> = {}): DeliveryContent {
  const d = fixtureReport();
  const sha = (c: string) => c.repeat(64);
  return {
    job: 'monthly-executive',
    runId: 'monthly-executive-20180101T070000-abc123',
    title: 'Executive sales report',
    period: { id: d.period.id, label: d.period.label, from: d.period.from, to: d.period.to },
    branch: { id: 'BR-WEST', name: 'West · Los Angeles' },
    figures: d.kpis,
    findings: rankFindings(d),
    whatChanged: ['Revenue fell **29.2 %** to $83,829.32 since the last report (from $118,447.83).', 'November 2017 revenue restated: **$118,447.83 → $118,547.83** (+0.08 %), 1 order changed.'],
    outputs: [
      { format: 'html', path: '2017-12/BR-WEST/executive.html', size: 412_331, sha256: sha('a') },
      { format: 'pdf', path: '2017-12/BR-WEST/executive.pdf', size: 1_234_567, sha256: sha('b') },
      { format: 'xlsx', path: '2017-12/BR-WEST/executive.xlsx', size: 48_213, sha256: sha('c') },
    ],
    charts: [{ name: 'trend', title: 'Revenue and profit over the period', png: pngHeader(1440, 460) }],
    ...over,
  };
}

type Past = Delivery & { job: string };

/** A store of past deliveries in memory, as `report_runs` would answer (a `DeliveryStore`). */
export function memoryStore(past: Past[] = []): { past: Past[]; findDelivered(job: string, channel: Delivery['channel'], target: string, hash: string): Promise<Delivery | null> } {
  return {
    past,
    async findDelivered(job, channel, target, hash) {
      return past.find((d) => d.job === job && d.channel === channel && d.target === target && d.content_hash === hash && d.status === 'sent') ?? null;
    },
  };
}
