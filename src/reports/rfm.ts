/**
 * A report's customers as of its period's end: each customer's first and last order day, orders and revenue up to
 * `period.to` (one grouping of the lake's sales), and from them the new customers and the RFM segments, scored with
 * the warehouse's rules (`scoreCodes`, `segmentRules`) but never on an order placed after the period.
 */
import { collections } from '../pipeline/adapters/mongo';
import { fromUnits, roundCents } from '../pipeline/core/money';
import type { GroupOptions, GroupRows, LakeAccess } from '../pipeline/lake/access';
import { ratio } from '../pipeline/warehouse/measures';
import { scoreCodes, scoreOfCode, segmentOfScore, segmentRules, type RfmInput, type RfmSegment } from '../pipeline/warehouse/rfm';
import { inRange, type DateRange } from './period';

/** What a customer had done by a day: first and last order day, orders and revenue (ten-thousandths). */
export interface CustomerToDate {
  customer_id: string;
  first: string;
  last: string;
  orders: number;
  revenue_e4: number;
}

/** One row of the report's RFM table: revenue is up to the period's end, share of the customers who had ordered by then. */
export interface RfmRow {
  segment: string;
  customers: number;
  revenue: number;
  share: number | null;
}

/** What the report prints under its RFM table (and docs/reports.md says). */
export const rfmDefinition =
  "As of the period's end: every customer who had ordered by then, scored on their orders up to that day (recency " +
  "counted to it) with the warehouse's RFM rules. New = first order in the period, the same customers as the New " +
  'customers figure; the others take the first other rule that matches. Share: of those customers; revenue: theirs ' +
  "up to the period's end.";

/**
 * The grouping behind `loadCustomersToDate`: the sales ordered up to `to` (indexed `order_date`), by customer; with a
 * branch, only that branch's sales (a branch report's customers are those who ordered there, scored on those orders).
 */
export const customersToDateGrouping = (to: string, branch: string | null = null): GroupOptions => ({
  by: 'customer_id',
  fields: ['total_e4'],
  extremes: ['order_date'],
  match: { order_date: { $lte: to }, ...(branch === null ? {} : { branch_id: branch }) },
});

/** Pure: the grouping's rows as customers. */
export function customersOfRows(rows: GroupRows): CustomerToDate[] {
  return [...rows.values()].map((r) => ({ customer_id: String(r.key), first: String(r.min.order_date), last: String(r.max.order_date), orders: r.count, revenue_e4: r.sums.total_e4 ?? 0 }));
}

/** Every customer who had ordered by `to` (at `branch`, when given), with those orders: one grouping by the server. */
export async function loadCustomersToDate(lake: LakeAccess, to: string, branch: string | null = null): Promise<CustomerToDate[]> {
  return customersOfRows(await lake.group(collections.sales, customersToDateGrouping(to, branch)));
}

/** Pure: the customers whose first order falls in `r`. */
export const countNewCustomers = (customers: readonly Pick<CustomerToDate, 'first'>[], r: DateRange): number => customers.filter((c) => inRange(c.first, r)).length;

const dayMs = 86_400_000;
const segmentOrder = new Map<string, number>(segmentRules.map((rule, i) => [rule.segment, i]));

/** What RFM scores a customer on as of a day, beside the customer. */
export type RfmInputAsOf = CustomerToDate & RfmInput;

/**
 * Pure: the RFM inputs as of `to`, from the customers' orders up to that day: recency in days from the last order to
 * `to` (not to the newest order in the lake), orders, revenue in ten-thousandths. A customer whose first order is
 * after `to` had not ordered yet and is left out.
 */
export function rfmInputsAsOf(customers: readonly CustomerToDate[], to: string): RfmInputAsOf[] {
  const toMs = Date.parse(to);
  return customers.filter((c) => c.first <= to).map((c) => ({ ...c, recencyDays: Math.round((toMs - Date.parse(c.last)) / dayMs), revenue: c.revenue_e4 }));
}

/**
 * Pure: each customer's segment as of `period.to`. R, F and M are scored against the quintiles of every customer who
 * had ordered by then. "New" is a first order in the period, so it counts what the new-customers figure counts;
 * everyone else takes the first other rule that matches.
 */
export function segmentCustomersAsOf(customers: readonly CustomerToDate[], period: DateRange): (RfmInputAsOf & { segment: RfmSegment })[] {
  const inputs = rfmInputsAsOf(customers, period.to);
  const codes = scoreCodes(
    inputs.map((c) => c.recencyDays),
    inputs.map((c) => c.orders),
    inputs.map((c) => c.revenue),
  );
  return inputs.map((c, i) => ({ ...c, segment: inRange(c.first, period) ? 'New' : segmentOfScore(scoreOfCode(codes[i]!), ['New']) }));
}

/** Pure: the report's RFM table as of `period.to` (`rfmDefinition`), by customers, then in the rules' order. */
export function rfmSegmentsAsOf(customers: readonly CustomerToDate[], period: DateRange): RfmRow[] {
  const segmented = segmentCustomersAsOf(customers, period);
  const bySegment = new Map<RfmSegment, { customers: number; revenue_e4: number }>();
  for (const c of segmented) {
    const s = bySegment.get(c.segment) ?? { customers: 0, revenue_e4: 0 };
    s.customers++;
    s.revenue_e4 += c.revenue_e4;
    bySegment.set(c.segment, s);
  }
  return [...bySegment]
    .map(([segment, s]) => ({ segment, customers: s.customers, revenue: roundCents(fromUnits(s.revenue_e4)), share: ratio(s.customers, segmented.length) }))
    .sort((a, b) => b.customers - a.customers || segmentOrder.get(a.segment)! - segmentOrder.get(b.segment)!);
}
