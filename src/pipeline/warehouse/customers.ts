/**
 * `customer_analysis`. Grain: one document per customer. Partition: the customer (a build recomputes the customers
 * with new sales); the RFM scores are then re-scored over all customers, because their cut points and the "as of"
 * day (the last order day in the lake) are shared. The as-of day is the build's (`rfm_as_of` in `warehouse_state`),
 * not stored on each customer: when it moves, every recency moves by the same days, their order and so the R scores
 * stay, and only the customers whose scores changed are rewritten (not all 80,000 at a million lines, every day).
 */
import type { Db } from 'mongodb';
import { collections } from '../mongo';
import type { LakeAccess } from './access';
import { averageOrderValue, keyOf, moneyFields } from './measures';
import { scoreRfm, type RfmSegment } from './rfm';
import { matchIn, type Scope } from './scope';

/** A customer's sales at one branch: first and last order day, orders and money. */
export interface CustomerBranchRow {
  customer_id: string;
  first: string;
  last: string;
  branch_id: string;
  orders: number;
  revenue_e4: number;
  profit_e4: number;
}

export interface CustomerCategoryRow {
  customer_id: string;
  category: string;
  revenue_e4: number;
}

export interface CustomerInfo {
  name: string;
  segment: string;
}

export interface CustomerBase {
  _id: string;
  customer_id: string;
  name: string;
  segment: string;
  first_order: string;
  last_order: string;
  orders: number;
  revenue: number;
  revenue_e4: number;
  profit: number;
  profit_e4: number;
  margin: number | null;
  avg_basket: number | null;
  favourite_category: string | null;
  branches: string[];
}

export interface CustomerDoc extends CustomerBase {
  rfm: { r: number; f: number; m: number };
  rfm_segment: RfmSegment;
}

export function buildCustomerBases(branchRows: readonly CustomerBranchRow[], categories: readonly CustomerCategoryRow[], info: ReadonlyMap<string, CustomerInfo>): CustomerBase[] {
  const acc = new Map<string, { first: string; last: string; orders: number; revenue_e4: number; profit_e4: number; branches: Set<string> }>();
  for (const r of branchRows) {
    const a = acc.get(r.customer_id) ?? { first: r.first, last: r.last, orders: 0, revenue_e4: 0, profit_e4: 0, branches: new Set<string>() };
    if (r.first < a.first) a.first = r.first;
    if (r.last > a.last) a.last = r.last;
    a.orders += r.orders;
    a.revenue_e4 += r.revenue_e4;
    a.profit_e4 += r.profit_e4;
    a.branches.add(r.branch_id);
    acc.set(r.customer_id, a);
  }
  const favourite = new Map<string, { category: string; revenue_e4: number }>();
  for (const c of categories) {
    const best = favourite.get(c.customer_id);
    if (!best || c.revenue_e4 > best.revenue_e4 || (c.revenue_e4 === best.revenue_e4 && c.category < best.category)) favourite.set(c.customer_id, c);
  }
  return [...acc.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, a]) => ({
      _id: id,
      customer_id: id,
      name: info.get(id)?.name ?? id,
      segment: info.get(id)?.segment ?? '',
      first_order: a.first,
      last_order: a.last,
      orders: a.orders,
      ...moneyFields(a),
      avg_basket: averageOrderValue(a.revenue_e4, a.orders),
      favourite_category: favourite.get(id)?.category ?? null,
      branches: [...a.branches].sort(),
    }));
}

const dayMs = 86_400_000;

/** The day RFM recency is counted to: the latest last order among the customers (null when there are none). */
export function rfmAsOf(bases: readonly Pick<CustomerBase, 'last_order'>[]): string | null {
  return bases.reduce<string | null>((m, b) => (m === null || b.last_order > m ? b.last_order : m), null);
}

/** Pure: adds the RFM scores to every customer, recency counted in days to `rfmAsOf`. */
export function scoreCustomers(bases: readonly CustomerBase[]): CustomerDoc[] {
  const asOf = rfmAsOf(bases);
  if (asOf === null) return [];
  const recency = bases.map((b) => Math.round((Date.parse(asOf) - Date.parse(b.last_order)) / dayMs));
  const scores = scoreRfm(bases.map((b, i) => ({ recencyDays: recency[i]!, orders: b.orders, revenue: b.revenue_e4 })));
  return bases.map((b, i) => ({ ...b, rfm: { r: scores[i]!.r, f: scores[i]!.f, m: scores[i]!.m }, rfm_segment: scores[i]!.segment }));
}

/** Strips what `scoreCustomers` adds, to re-score stored customers with new ones. */
export function baseOf(doc: CustomerDoc): CustomerBase {
  const { rfm: _f, rfm_segment: _s, ...base } = doc;
  return base;
}

export async function queryCustomerBases(db: Db, lake: LakeAccess, scope: Scope): Promise<CustomerBase[]> {
  const match = matchIn(scope, 'customer_id', scope.customers);
  // Three independent reads, run together: each is one server process (a core) busy, and their results are small.
  const readInfo = async () => {
    const info = new Map<string, CustomerInfo>();
    for await (const c of db.collection(collections.customers).find(match ?? {}, { projection: { _id: 1, name: 1, segment: 1 } })) {
      info.set(String(c._id), { name: String(c.name), segment: String(c.segment) });
    }
    return info;
  };
  const [branchRows, catRows, info] = await Promise.all([
    lake.groupMany(collections.sales, { by: { c: 'customer_id', b: 'branch_id' }, fields: ['total_e4', 'profit_e4'], extremes: ['order_date'], match }),
    lake.groupMany(collections.salesItems, { by: { c: 'customer_id', k: 'category' }, fields: ['line_total_e4'], match }),
    readInfo(),
  ]);
  type K = { c: string; b: string; k: string };
  return buildCustomerBases(
    [...branchRows.values()].map((r) => ({
      customer_id: keyOf<K>(r.key).c,
      first: String(r.min.order_date),
      last: String(r.max.order_date),
      branch_id: keyOf<K>(r.key).b,
      orders: r.count,
      revenue_e4: r.sums.total_e4 ?? 0,
      profit_e4: r.sums.profit_e4 ?? 0,
    })),
    [...catRows.values()].map((r) => ({ customer_id: keyOf<K>(r.key).c, category: keyOf<K>(r.key).k, revenue_e4: r.sums.line_total_e4 ?? 0 })),
    info,
  );
}
