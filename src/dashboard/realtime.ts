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
import { formatsOf, t, type Locale, type MessageKey } from '../i18n';
import { tHtml } from './lang';
import { queryFailed, type Problem } from './problems';
import type { Feed, LiveSale } from './feeds';
import { kpi } from './layout';
import { drawIn, type DrawChart } from './interactive';
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
async function readDay(db: Db | null, live: readonly LiveSale[], date: string, problems: Problem[]): Promise<DaySale[]> {
  let stored: DaySale[] = [];
  if (db) {
    try {
      stored = await daySales(db, date).toArray();
    } catch (err) {
      problems.push(queryFailed(err));
    }
  }
  const seen = new Set(stored.map((s) => s.sale_id));
  return [...stored, ...live.filter((l) => l.sale.order_date === date && !seen.has(l.sale.sale_id)).map((l) => l.sale)];
}

export interface RealtimeFragment {
  html: string;
  problems: Problem[];
  /** The day shown: the one asked for, or with `latest`, the latest day with sales when that one has none. */
  date: string;
}

/** The key figures: the day's sales and the ingest's health. */
function healthCards(day: number, shown: string, health: IngestHealth, locale: Locale): string {
  const count = (v: number | null) => (v === null ? t(locale, 'dashboard.realtime.unknown') : formatValue(v, 'count', locale));
  return [
    kpi('sales-today', t(locale, 'dashboard.realtime.salesOn', { day: formatsOf(locale).day(shown) }), formatValue(day, 'count', locale)),
    kpi('throughput', t(locale, 'dashboard.realtime.throughput'), health.consumedPerSecond === null ? '–' : formatValue(Math.round(health.consumedPerSecond), 'count', locale)),
    kpi('lag', t(locale, 'dashboard.realtime.lag'), count(health.lag)),
    kpi('dead-letters', t(locale, 'dashboard.realtime.deadLetters'), count(health.deadLetters)),
  ].join('\n');
}

/** The latest sales read from Kafka, newest first (branch, customer and payment are data: as they are). */
function arrivalsTable(arrivals: readonly LiveSale[], locale: Locale): string {
  if (!arrivals.length) return `<p class="note">${tHtml(locale, 'dashboard.realtime.waiting', {}, { command: '<code>npm run produce -- --follow --skip-initial</code>', demo: '<code>npm run demo</code>' })}</p>`;
  const th = (key: MessageKey, num = false) => `<th${num ? ' class="num"' : ''}>${esc(t(locale, key))}</th>`;
  const head = [th('dashboard.realtime.when'), th('dashboard.realtime.sale'), th('dashboard.column.branch'), th('dashboard.realtime.customer'), th('dashboard.column.lines', true), th('dashboard.realtime.total', true), th('dashboard.realtime.payment')].join('');
  const rows = arrivals.map(
    ({ sale: s }) =>
      `<tr data-sale="${esc(s.sale_id)}"><td>${esc(formatsOf(locale).day(s.order_date))} ${esc(s.order_time)}</td><td>${esc(s.sale_id)}</td><td>${esc(s.branch_name)}</td><td>${esc(s.customer_id)}</td><td class="num">${esc(formatValue(s.lines, 'count', locale))}</td><td class="num">${esc(formatValue(s.total, 'money', locale))}</td><td>${esc(s.payment_method)}</td></tr>`,
  );
  return `<table data-table="latest-sales"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * The live part of the page for `date`. With `latest` (no day chosen: `date` is today), a day without sales gives
 * way to the latest day with sales, and the page says so.
 */
export async function realtimeFragment(
  deps: { db: Db | null; feed: Feed<LiveSale> | null; health: () => Promise<IngestHealth>; draw: DrawChart; zone?: string; locale?: Locale },
  date: string,
  opts: { latest?: boolean } = {},
): Promise<RealtimeFragment> {
  const locale = deps.locale ?? 'en';
  const fmt = formatsOf(locale);
  const problems: Problem[] = [];
  const live = deps.feed?.items() ?? [];
  if (deps.feed?.error()) problems.push(deps.feed.error()!);
  let shown = date;
  const known = problems.length;
  let day = await readDay(deps.db, live, date, problems);
  let notice = '';
  // Only when the lake answered: a failed read is a banner, not an empty day.
  if (!day.length && opts.latest && deps.db && problems.length === known) {
    const latest = await latestSalesDay(deps.db, date).catch((err: Error) => (problems.push(queryFailed(err)), null));
    if (latest) {
      shown = latest;
      day = await readDay(deps.db, live, latest, problems);
      notice = `<p class="note" data-showing="${esc(latest)}">${esc(t(locale, 'dashboard.realtime.showingLatest', { day: fmt.day(latest) }))}</p>`;
    }
  }
  const health = await deps.health();
  const none = opts.latest ? t(locale, 'dashboard.realtime.noSalesToday') : t(locale, 'dashboard.realtime.noSalesOn', { day: fmt.day(shown) });
  const chart = day.length ? await drawIn(deps.draw, locale)('per-hour', salesPerHourChart(perHour(day), 700, locale)) : `<p class="note">${esc(none)}</p>`;
  const updated = tHtml(locale, 'dashboard.realtime.updated', {}, { time: `<span data-clock>${esc(clockTime(new Date(), deps.zone))}</span>` });
  const html = `${notice}<div class="kpis">
${healthCards(day.length, shown, health, locale)}
</div>${chart}
<h2>${esc(t(locale, 'dashboard.realtime.arrivals'))}</h2>${arrivalsTable(live.slice(0, 15), locale)}
<p class="note">${updated}</p>`;
  return { html, problems, date: shown };
}
