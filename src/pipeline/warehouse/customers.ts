/**
 * `customer_analysis`. Grain: one document per customer. Partition: the customer; the RFM scores are re-scored over
 * all customers (shared cut points and as-of day).
 */
import type { AnyBulkWriteOperation, Db } from 'mongodb';
import { forEachChunk } from '../../io/chunks';
import { collections } from '../adapters/mongo';
import type { LakeAccess } from '../lake/access';
import { averageOrderValue, keyOf, moneyFields } from './measures';
import { codeOfScore, scoreCodes, scoreOfCode, type RfmScore, type RfmSegment } from './rfm';
import { matchIn, type Scope } from './scope';
import { syncDocs, type SyncResult } from './sync';
import { dropCustomerState, readCustomerState, writeCustomerState, type CustomerFacts, type CustomerSummary, type RfmInputs } from './customer-state';

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

/** Pure: every customer's RFM score code (`scoreCodes`) against all of them, recency counted in days to `rfmAsOf`. */
export function rfmScoreCodes(customers: readonly RfmInputs[]): Uint8Array {
  const asOf = rfmAsOf(customers);
  if (asOf === null) return new Uint8Array(0);
  const asOfMs = Date.parse(asOf);
  // A few thousand distinct days among tens of thousands of customers: each parsed once.
  const recency = new Map<string, number>();
  const recencyDays = new Float64Array(customers.length);
  const orders = new Float64Array(customers.length);
  const revenue = new Float64Array(customers.length);
  customers.forEach((c, i) => {
    let d = recency.get(c.last_order);
    if (d === undefined) recency.set(c.last_order, (d = Math.round((asOfMs - Date.parse(c.last_order)) / dayMs)));
    recencyDays[i] = d;
    orders[i] = c.orders;
    revenue[i] = c.revenue_e4;
  });
  return scoreCodes(recencyDays, orders, revenue);
}

/** Pure: every customer's RFM scores against all of them. */
export const rfmScores = (customers: readonly RfmInputs[]): RfmScore[] => Array.from(rfmScoreCodes(customers), scoreOfCode);

/** Pure: adds the RFM scores to every customer. */
export function scoreCustomers(bases: readonly CustomerBase[]): CustomerDoc[] {
  const scores = rfmScores(bases);
  return bases.map((b, i) => ({ ...b, rfm: { r: scores[i]!.r, f: scores[i]!.f, m: scores[i]!.m }, rfm_segment: scores[i]!.segment }));
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
  // A full build's groupings have 200,000 groups at a million lines (summed here from packed values); an incremental
  // build's, a few hundred customers read through the customer_id index, are the server's.
  const group = scope.full ? lake.groupMany : lake.group;
  const [branchRows, catRows, info] = await Promise.all([
    group(collections.sales, { by: { c: 'customer_id', b: 'branch_id' }, fields: ['total_e4', 'profit_e4'], extremes: ['order_date'], match }),
    group(collections.salesItems, { by: { c: 'customer_id', k: 'category' }, fields: ['line_total_e4'], match }),
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

// Read from the mart when there is no state to trust: RFM inputs and branches, packed by the server.
const storedFields = ['customer_id', 'last_order', 'orders', 'revenue_e4', 'branches'] as const;

/**
 * Every stored customer's facts from the mart itself (a second at a million lines). The scores stored are those
 * `rfmScores` gives the stored inputs (every build writes exactly that), so they are derived rather than read.
 */
async function readFactsFromMart(lake: LakeAccess, collection: string): Promise<CustomerFacts[]> {
  const inputs: (RfmInputs & CustomerSummary & { customer_id: string })[] = [];
  // Chunked by first order day: as many customers per chunk as first ordered that day, far below 16 MB.
  for await (const { values } of lake.columns(collection, undefined, { day: 'first_order' }, storedFields)) {
    for (const v of values) inputs.push({ customer_id: String(v[0]), last_order: String(v[1]), orders: Number(v[2]), revenue_e4: Number(v[3]), branches: v[4] as string[] });
  }
  const codes = rfmScoreCodes(inputs);
  return inputs.map((c, i) => ({ ...c, code: codes[i]! }));
}

const factsOf = (docs: readonly CustomerDoc[]): CustomerFacts[] =>
  docs.map((d) => ({ customer_id: d.customer_id, last_order: d.last_order, orders: d.orders, revenue_e4: d.revenue_e4, branches: d.branches, code: codeOfScore(d.rfm) }));

const UPDATE_CHUNK = 1000;

/**
 * The build's step. A full build recomputes and re-scores every customer. An incremental one recomputes the scope's
 * customers and re-scores everyone with them, the others from their facts kept in the state (`customer-state.ts`);
 * another customer's document gets a `$set` of its scores only when they moved. Both give the same collection.
 *
 * The state is dropped before the mart is written and written again after, so a build stopped in between leaves the
 * next one to read the facts from the mart (and to find the same moves, being computed from the same stored inputs).
 */
export async function syncCustomers(db: Db, lake: LakeAccess, scope: Scope, collections: { mart: string; state: string }): Promise<{ docs: number; write: SyncResult; customers: CustomerSummary[] }> {
  const { mart, state } = collections;
  if (scope.full) {
    const docs = scoreCustomers(await queryCustomerBases(db, lake, scope));
    await dropCustomerState(db, state);
    const write = await syncDocs(db, mart, {}, docs);
    await writeCustomerState(db, state, factsOf(docs));
    return { docs: docs.length, write, customers: docs };
  }
  const [fresh, stored] = await Promise.all([
    queryCustomerBases(db, lake, scope),
    readCustomerState(db, state).then((facts) => facts ?? readFactsFromMart(lake, mart)),
  ]);
  const freshIds = new Set(fresh.map((b) => b.customer_id));
  const others = stored.filter((c) => !freshIds.has(c.customer_id));
  const codes = rfmScoreCodes([...others, ...fresh]);
  const moved: AnyBulkWriteOperation<CustomerDoc>[] = [];
  const othersNow: CustomerFacts[] = others.map((c, i) => {
    const code = codes[i]!;
    if (code === c.code) return c;
    const s = scoreOfCode(code);
    moved.push({ updateOne: { filter: { _id: c.customer_id }, update: { $set: { rfm: { r: s.r, f: s.f, m: s.m }, rfm_segment: s.segment } } } });
    return { ...c, code };
  });
  const docs: CustomerDoc[] = fresh.map((b, i) => {
    const s = scoreOfCode(codes[others.length + i]!);
    return { ...b, rfm: { r: s.r, f: s.f, m: s.m }, rfm_segment: s.segment };
  });
  await dropCustomerState(db, state);
  await forEachChunk(moved, UPDATE_CHUNK, 4, (chunk) => db.collection<CustomerDoc>(mart).bulkWrite(chunk, { ordered: false }));
  const write = await syncDocs(db, mart, { _id: { $in: [...freshIds] } }, docs);
  const all = [...othersNow, ...factsOf(docs)];
  await writeCustomerState(db, state, all);
  return { docs: all.length, write: { ...write, replaced: write.replaced + moved.length, unchanged: write.unchanged + others.length - moved.length }, customers: all };
}
