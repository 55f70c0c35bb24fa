/**
 * The real-time dashboard: sales per hour for a day (coloured by branch), the latest sales as they arrive, and the
 * health of the ingest (throughput, consumer lag, dead letters).
 */
import type { Db } from 'mongodb';
import type { Kafka } from 'kafkajs';
import { daySales } from '../pipeline/lake/slices';
import { countMessages, fetchLag, type TopicNames } from '../pipeline/adapters/kafka';
import { salesPerHourChart } from '../reports/charts';
import { esc, formatValue } from '../reports/format';
import type { Feed, LiveSale } from './feeds';
import { kpi } from './layout';
import type { DrawChart } from './interactive';
import { clockTime } from './clock';
import { marts } from '../pipeline/warehouse/build';
import type { DailyDoc } from '../pipeline/warehouse/daily';
import { collections } from '../pipeline/adapters/mongo';

export interface IngestHealth {
  lag: number | null;
  consumedPerSecond: number | null;
  deadLetters: number | null;
}

/** Lag, throughput (from committed offsets between two calls) and dead letters, cached for two seconds. */
export function createHealthProbe(kafka: Kafka, topics: TopicNames) {
  let last: { at: number; value: IngestHealth } | null = null;
  let prev: { at: number; committed: number } | null = null;
  return async (): Promise<IngestHealth> => {
    if (last && Date.now() - last.at < 2000) return last.value;
    const entity = [topics.products, topics.customers, topics.sales];
    const [lag, dlq, committed] = await Promise.all([
      fetchLag(kafka, topics.lakeGroup, entity).then((l) => l.total).catch(() => null),
      countMessages(kafka, topics.dlq).catch(() => null),
      committedTotal(kafka, topics.lakeGroup, entity).catch(() => null),
    ]);
    let rate: number | null = null;
    const now = Date.now();
    if (committed !== null) {
      if (prev && now > prev.at) rate = Math.max(0, ((committed - prev.committed) * 1000) / (now - prev.at));
      prev = { at: now, committed };
    }
    last = { at: now, value: { lag, consumedPerSecond: rate, deadLetters: dlq } };
    return last.value;
  };
}

async function committedTotal(kafka: Kafka, group: string, topics: string[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchOffsets({ groupId: group, topics });
    return offsets.flatMap((t) => t.partitions).reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

interface HourRow {
  hour: number;
  branch: string;
  sales: number;
}

/** Pure: sales per hour and branch. */
export function perHour(sales: readonly { order_time: string; branch_name: string }[]): HourRow[] {
  const m = new Map<string, HourRow>();
  for (const s of sales) {
    const hour = Number(s.order_time.slice(0, 2));
    const k = `${hour}|${s.branch_name}`;
    const r = m.get(k) ?? { hour, branch: s.branch_name, sales: 0 };
    r.sales++;
    m.set(k, r);
  }
  return [...m.values()].sort((a, b) => a.hour - b.hour || a.branch.localeCompare(b.branch));
}

type DaySale = { sale_id: string; order_time: string; branch_name: string };

/**
 * The latest day before `before` with sales. The daily mart's newest day bounds the lake read from below, so the
 * lake is read (order_date index) only over the days ingested since the last build, never sorted whole.
 */
export async function latestSalesDay(db: Db, before: string): Promise<string | null> {
  const [built] = await db.collection<DailyDoc>(marts.daily).find({ _id: { $lt: before } }, { projection: { _id: 1 } }).sort({ _id: -1 }).limit(1).toArray();
  const from = built?._id ?? '';
  const [newer] = await db.collection<{ order_date: string }>(collections.sales).find({ order_date: { $gte: from, $lt: before } }, { projection: { _id: 0, order_date: 1 } }).sort({ order_date: -1 }).limit(1).toArray();
  return newer?.order_date ?? built?._id ?? null;
}

/** A day's sales: from the lake (an indexed slice), plus live ones not ingested yet. */
async function readDay(db: Db | null, live: readonly LiveSale[], date: string, problems: string[]): Promise<DaySale[]> {
  let stored: DaySale[] = [];
  if (db) {
    try {
      stored = await daySales(db, date).toArray();
    } catch (err) {
      problems.push(`MongoDB query failed: ${(err as Error).message}`);
    }
  }
  const seen = new Set(stored.map((s) => s.sale_id));
  return [...stored, ...live.filter((l) => l.sale.order_date === date && !seen.has(l.sale.sale_id)).map((l) => l.sale)];
}

export interface RealtimeFragment {
  html: string;
  problems: string[];
  /** The day shown: the one asked for, or with `latest`, the latest day with sales when that one has none. */
  date: string;
}

/**
 * The live part of the page for `date`. With `latest` (no day chosen: `date` is today), a day without sales gives
 * way to the latest day with sales, and the page says so.
 */
export async function realtimeFragment(
  deps: { db: Db | null; feed: Feed<LiveSale> | null; health: () => Promise<IngestHealth>; draw: DrawChart; zone?: string },
  date: string,
  opts: { latest?: boolean } = {},
): Promise<RealtimeFragment> {
  const problems: string[] = [];
  const live = deps.feed?.items() ?? [];
  if (deps.feed?.error()) problems.push(deps.feed.error()!);
  let shown = date;
  const known = problems.length;
  let day = await readDay(deps.db, live, date, problems);
  let notice = '';
  // Only when the lake answered: a failed read is a banner, not an empty day.
  if (!day.length && opts.latest && deps.db && problems.length === known) {
    const latest = await latestSalesDay(deps.db, date).catch((err: Error) => (problems.push(`MongoDB query failed: ${err.message}`), null));
    if (latest) {
      shown = latest;
      day = await readDay(deps.db, live, latest, problems);
      notice = `<p class="note" data-showing="${esc(latest)}">No sales today yet; showing ${esc(latest)}, the latest day with sales.</p>`;
    }
  }
  const health = await deps.health();
  const arrivals = live.slice(0, 15);
  const rows = arrivals
    .map((l) => `<tr data-sale="${esc(l.sale.sale_id)}"><td>${esc(l.sale.order_date)} ${esc(l.sale.order_time)}</td><td>${esc(l.sale.sale_id)}</td><td>${esc(l.sale.branch_name)}</td><td>${esc(l.sale.customer_id)}</td><td class="num">${esc(l.sale.lines)}</td><td class="num">${esc(formatValue(l.sale.total, 'money'))}</td><td>${esc(l.sale.payment_method)}</td></tr>`)
    .join('');
  const none = opts.latest ? 'No sales today yet' : `No sales on ${esc(shown)}`;
  const chart = day.length ? await deps.draw('per-hour', salesPerHourChart(perHour(day), 700)) : `<p class="note">${none}.</p>`;
  const html = `${notice}<div class="kpis">
${kpi('sales-today', `Sales on ${shown}`, formatValue(day.length, 'count'))}
${kpi('throughput', 'Ingest, messages/s', health.consumedPerSecond === null ? '–' : formatValue(Math.round(health.consumedPerSecond), 'count'))}
${kpi('lag', 'Consumer lag', health.lag === null ? 'unknown' : formatValue(health.lag, 'count'))}
${kpi('dead-letters', 'Dead letters', health.deadLetters === null ? 'unknown' : formatValue(health.deadLetters, 'count'))}
</div>${chart}
<h2>Sales as they arrive on Kafka</h2>${arrivals.length ? `<table data-table="latest-sales"><thead><tr><th>When</th><th>Sale</th><th>Branch</th><th>Customer</th><th class="num">Lines</th><th class="num">Total</th><th>Payment</th></tr></thead><tbody>${rows}</tbody></table>` : '<p class="note">Waiting for sales: start a producer, e.g. <code>npm run produce -- --follow --skip-initial</code> (or <code>npm run demo</code>).</p>'}
<p class="note">Updated <span data-clock>${esc(clockTime(new Date(), deps.zone))}</span>, the zone of the sales' times · refreshes every 5 s.</p>`;
  return { html, problems, date: shown };
}
