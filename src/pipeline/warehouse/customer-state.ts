/**
 * What an incremental build needs of every customer to re-score them all (RFM inputs, scores, branches), kept beside
 * `customer_analysis` in a few documents of packed columns, trusted only while its header is there.
 */
import type { Db } from 'mongodb';
import { Binary } from '../adapters/mongo';
import { scoreOfCode, type ScoreCode } from './rfm';

/** What a customer's RFM score is computed from (fields of `customer_analysis`). */
export interface RfmInputs {
  last_order: string;
  orders: number;
  revenue_e4: number;
}

/** What the branch mart and the build's state need of every customer. */
export interface CustomerSummary {
  branches: string[];
  last_order: string;
}

/** A customer as the state keeps it. */
export interface CustomerFacts extends RfmInputs, CustomerSummary {
  customer_id: string;
  /** The scores the mart holds for this customer, as their code (`scoreCodes`). */
  code: ScoreCode;
}

/** Raise when the columns change: a state of another format is not read (the mart is, and the state rewritten). */
const STATE_FORMAT = 2;
/** Customers per part: about 35 bytes a customer, so a part stays far below 16 MB. */
export const PART_SIZE = 50_000;

interface Header {
  _id: 'header';
  format: number;
  parts: number;
  customers: number;
}

/**
 * One part: the customers' columns. Strings as a JSON array in a string (parsed in one call, not element by element),
 * numbers as little-endian bytes (no text to write or parse, and no UTF-8 to decode).
 */
interface Part {
  _id: string;
  ids: string;
  last_order: string;
  /** uint32 each. */
  orders: Binary;
  /** float64 each (exact integers). */
  revenue_e4: Binary;
  /** The part's distinct sets of branches (a customer buys at one to a few of them). */
  branch_sets: string;
  /** uint32 each: the customer's set, an index into `branch_sets`. */
  branches: Binary;
  /** uint8 each: the score codes (`scoreCodes`). */
  scores: Binary;
}

const partId = (i: number) => `part-${String(i).padStart(4, '0')}`;

/** Pure: the customers as parts of at most `size` customers. */
export function encodeState(customers: readonly CustomerFacts[], size = PART_SIZE): Part[] {
  const parts: Part[] = [];
  for (let at = 0; at < customers.length; at += size) {
    const n = Math.min(size, customers.length - at);
    const ids: string[] = new Array(n);
    const last: string[] = new Array(n);
    const orders = Buffer.alloc(4 * n);
    const revenue = Buffer.alloc(8 * n);
    const branches = Buffer.alloc(4 * n);
    const scores = Buffer.alloc(n);
    const sets = new Map<string, number>();
    const setList: string[][] = [];
    for (let i = 0; i < n; i++) {
      const c = customers[at + i]!;
      ids[i] = c.customer_id;
      last[i] = c.last_order;
      orders.writeUInt32LE(c.orders, 4 * i);
      revenue.writeDoubleLE(c.revenue_e4, 8 * i);
      const key = c.branches.join('\n');
      let set = sets.get(key);
      if (set === undefined) {
        sets.set(key, (set = setList.length));
        setList.push([...c.branches]);
      }
      branches.writeUInt32LE(set, 4 * i);
      scores.writeUInt8(c.code, i);
    }
    parts.push({
      _id: partId(parts.length),
      ids: JSON.stringify(ids),
      last_order: JSON.stringify(last),
      orders: new Binary(orders),
      revenue_e4: new Binary(revenue),
      branch_sets: JSON.stringify(setList),
      branches: new Binary(branches),
      scores: new Binary(scores),
    });
  }
  return parts;
}

/** Pure: the customers of the parts, in order; throws when a part is malformed. Customers with the same branches
 * share one array: read, never change it. */
export function decodeState(parts: readonly Part[]): CustomerFacts[] {
  const out: CustomerFacts[] = [];
  for (const p of parts) {
    const ids = JSON.parse(p.ids) as string[];
    const last = JSON.parse(p.last_order) as string[];
    const sets = JSON.parse(p.branch_sets) as string[][];
    const [orders, revenue, branches, scores] = [p.orders, p.revenue_e4, p.branches, p.scores].map((b) => Buffer.from(b.buffer.buffer, b.buffer.byteOffset, b.buffer.byteLength));
    const n = ids.length;
    if (!Array.isArray(ids) || !Array.isArray(last) || last.length !== n || orders!.length !== 4 * n || revenue!.length !== 8 * n || branches!.length !== 4 * n || scores!.length !== n) {
      throw new Error(`${p._id}: columns of different lengths`);
    }
    for (let i = 0; i < n; i++) {
      const set = sets[branches!.readUInt32LE(4 * i)];
      if (set === undefined) throw new Error(`${p._id}: branch set ${branches!.readUInt32LE(4 * i)} of ${sets.length}`);
      const code = scores![i]!;
      scoreOfCode(code); // throws on a code that is no score
      out.push({ customer_id: ids[i]!, last_order: last[i]!, orders: orders!.readUInt32LE(4 * i), revenue_e4: revenue!.readDoubleLE(8 * i), branches: set, code });
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
  // A state that does not decode is not an error of the build: the mart is the truth, read instead.
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
