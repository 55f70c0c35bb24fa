/**
 * What an incremental build needs of every customer to re-score them all (RFM inputs, the scores written, branches),
 * kept by the build beside `customer_analysis` in a few documents of packed columns. Reading them takes a few
 * milliseconds where reading the same values from 78,662 customer documents took a second (million-line data set): on
 * this engine the cost is per document read, not per value.
 *
 * The state is a copy of the mart, so it may only be trusted when nothing was written to the mart after it: a build
 * deletes the state's header before it writes any customer and writes the state back (parts, then header) once the
 * customers are written. A build stopped in between leaves no header; the next build then reads the mart itself, as
 * before the state existed, and writes the state again.
 */
import type { Db } from 'mongodb';
import { scoreOfCode, type ScoreCode } from './rfm';
import type { CustomerSummary, RfmInputs } from './customers';

/** A customer as the state keeps it. */
export interface CustomerFacts extends RfmInputs, CustomerSummary {
  customer_id: string;
  /** The scores the mart holds for this customer, as their code (`scoreCodes`). */
  code: ScoreCode;
}

/** Raise when the columns change: a state of another format is not read (the mart is, and the state rewritten). */
const STATE_FORMAT = 1;
/** Customers per part: each column is a JSON string, about 50 bytes a customer, so a part stays far below 16 MB. */
export const PART_SIZE = 50_000;

interface Header {
  _id: 'header';
  format: number;
  parts: number;
  customers: number;
}

/** One part: the customers' columns, each a JSON array in a string (parsed in one call, not element by element). */
interface Part {
  _id: string;
  ids: string;
  last_order: string;
  orders: string;
  revenue_e4: string;
  /** The part's distinct branches, and each customer's as indexes into them (a fifth of the bytes of their ids). */
  branch_ids: string;
  branches: string;
  /** The score codes (`scoreCodes`). */
  scores: string;
}

const partId = (i: number) => `part-${String(i).padStart(4, '0')}`;

/** Pure: the customers as parts of at most `size` customers. */
export function encodeState(customers: readonly CustomerFacts[], size = PART_SIZE): Part[] {
  const parts: Part[] = [];
  for (let at = 0; at < customers.length; at += size) {
    const slice = customers.slice(at, at + size);
    const branchIndex = new Map<string, number>();
    const ids: string[] = [];
    const last: string[] = [];
    const orders: number[] = [];
    const revenue: number[] = [];
    const branches: number[][] = [];
    const codes: number[] = [];
    for (const c of slice) {
      ids.push(c.customer_id);
      last.push(c.last_order);
      orders.push(c.orders);
      revenue.push(c.revenue_e4);
      branches.push(c.branches.map((b) => branchIndex.get(b) ?? (branchIndex.set(b, branchIndex.size), branchIndex.size - 1)));
      codes.push(c.code);
    }
    parts.push({
      _id: partId(parts.length),
      ids: JSON.stringify(ids),
      last_order: JSON.stringify(last),
      orders: JSON.stringify(orders),
      revenue_e4: JSON.stringify(revenue),
      branch_ids: JSON.stringify([...branchIndex.keys()]),
      branches: JSON.stringify(branches),
      scores: JSON.stringify(codes),
    });
  }
  return parts;
}

/** Pure: the customers of the parts, in order; throws when a part is malformed. */
export function decodeState(parts: readonly Part[]): CustomerFacts[] {
  const out: CustomerFacts[] = [];
  for (const p of parts) {
    const ids = JSON.parse(p.ids) as string[];
    const cols = [p.last_order, p.orders, p.revenue_e4, p.branches, p.scores].map((c) => JSON.parse(c) as unknown[]);
    if (cols.some((c) => !Array.isArray(c) || c.length !== ids.length)) throw new Error(`${p._id}: columns of different lengths`);
    const [last, orders, revenue, branchIndexes, scores] = cols as [string[], number[], number[], number[][], number[]];
    const branchIds = JSON.parse(p.branch_ids) as string[];
    const branch = (i: number) => {
      const b = branchIds[i];
      if (b === undefined) throw new Error(`${p._id}: branch ${i} of ${branchIds.length}`);
      return b;
    };
    for (let i = 0; i < ids.length; i++) {
      scoreOfCode(scores[i]!); // throws on a code that is no score
      out.push({ customer_id: ids[i]!, last_order: last[i]!, orders: orders[i]!, revenue_e4: revenue[i]!, branches: branchIndexes[i]!.map(branch), code: scores[i]! });
    }
  }
  return out;
}

/** The state, or null when there is none to trust (never written, a build stopped before writing it, another format). */
export async function readCustomerState(db: Db, collection: string): Promise<CustomerFacts[] | null> {
  const coll = db.collection<Header | Part>(collection);
  const header = (await coll.findOne({ _id: 'header' })) as Header | null;
  if (!header || header.format !== STATE_FORMAT) return null;
  const parts = (await coll.find({ _id: { $in: Array.from({ length: header.parts }, (_, i) => partId(i)) } }).sort({ _id: 1 }).toArray()) as Part[];
  if (parts.length !== header.parts) return null;
  try {
    const customers = decodeState(parts);
    return customers.length === header.customers ? customers : null;
  } catch {
    return null;
  }
}

/** Before the mart's customers are written: the state is no longer a copy of the mart. */
export async function dropCustomerState(db: Db, collection: string): Promise<void> {
  await db.collection<Header | Part>(collection).deleteOne({ _id: 'header' });
}

/** After the mart's customers are written: the parts, then the header that makes them trusted. */
export async function writeCustomerState(db: Db, collection: string, customers: readonly CustomerFacts[]): Promise<void> {
  const coll = db.collection<Header | Part>(collection);
  await coll.deleteMany({});
  const parts = encodeState(customers);
  if (parts.length) await coll.insertMany(parts);
  await coll.insertOne({ _id: 'header', format: STATE_FORMAT, parts: parts.length, customers: customers.length });
}
