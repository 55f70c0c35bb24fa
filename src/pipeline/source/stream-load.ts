/**
 * The source in two passes, so the producer's memory follows the catalogue, not the number of lines: `scanSource`
 * (validation, master data, rejects, totals), then `streamSales` (the sales, order by order, in batches).
 */
import type { Reject, SuperstoreRow } from './columns';
import { defaultSuperstorePath, readSuperstoreFile } from './superstore';
import type { Customer, Product, SaleItem, SaleWithItems } from '../core/entities';
import { closeSale, createCatalogueBuilder, orderConflict, saleHeader, saleItem, type SaleHeader } from './normalize';
import { createRejects, type LoadOptions } from './load';
import { toUnits } from '../core/money';
import { detach } from './csv';
import { createIdSet } from './id-set';

export interface SourceScan {
  input: string;
  dateFormat: LoadOptions['dateFormat'];
  products: Product[];
  customers: Customer[];
  rowsRead: number;
  rejects: Reject[];
  rejectedLines: Set<number>;
  sales: number;
  lines: number;
  /** Exact sums of the accepted lines, in ten-thousandths. */
  revenueE4: number;
  profitE4: number;
  /** Orders whose lines are not together in the file: order ID → line of its last accepted line. */
  spread: Map<string, number>;
  /** How many times the file was read (2 when spread orders were found). */
  scans: number;
}

interface OrderRun {
  id: string;
  header: SaleHeader;
  /** Line of the order's first accepted line (for conflict messages). */
  line: number;
}

async function scanOnce(input: string, opts: LoadOptions, known: ReadonlySet<string>) {
  const catalogue = createCatalogueBuilder();
  const rejects = createRejects(input, opts.strict);
  const closed = createIdSet(1 << 16); // fingerprints: ~16 bytes an order instead of ~80
  const spread = new Map<string, OrderRun & { last: number }>();
  const discovered = new Set<string>();
  let current: OrderRun | undefined;
  let rowsRead = 0;
  let sales = 0;
  let lines = 0;
  let revenueE4 = 0;
  let profitE4 = 0;

  const accept = (row: SuperstoreRow) => {
    catalogue.add(row);
    lines++;
    revenueE4 += toUnits(row.sales);
    profitE4 += toUnits(row.profit);
    if (current?.id !== row.orderId) {
      if (current) closed.add(current.id);
      const held = spread.get(row.orderId);
      if (held) current = held;
      else {
        // A yes from `closed` may be a fingerprint collision: the second scan then tracks the order exactly.
        if (!closed.has(row.orderId) || known.has(row.orderId)) sales++;
        else discovered.add(row.orderId);
        current = { id: detach(row.orderId), header: saleHeader(row), line: row.line };
        if (known.has(row.orderId)) spread.set(row.orderId, { ...current, last: row.line });
      }
    }
    const s = spread.get(row.orderId);
    if (s) s.last = row.line;
  };

  for await (const batch of readSuperstoreFile(input, { dateFormat: opts.dateFormat })) {
    for (const item of batch) {
      rowsRead++;
      if (item.kind === 'reject') {
        rejects.add(item.rejects);
        continue;
      }
      const row = item.row;
      const order = current?.id === row.orderId ? current : spread.get(row.orderId);
      const conflict = catalogue.check(row) ?? (order ? orderConflict(row, order.header, order.line) : undefined);
      if (conflict) rejects.add([conflict]);
      else accept(row);
    }
    opts.onProgress?.(rowsRead);
  }
  if (current) closed.add(current.id);
  return {
    ...catalogue.finish(),
    rowsRead,
    rejects: rejects.list,
    rejectedLines: rejects.lines,
    sales,
    lines,
    revenueE4,
    profitE4,
    spread: new Map([...spread].map(([id, s]) => [id, s.last])),
    discovered,
  };
}

/** Pass 1: master data, rejects, counts and totals. Throws a SourceError naming the file when it is missing or unreadable. */
export async function scanSource(opts: LoadOptions = {}): Promise<SourceScan> {
  const input = opts.input ?? defaultSuperstorePath();
  let scans = 1;
  let r = await scanOnce(input, opts, new Set());
  if (r.discovered.size) {
    // Some orders' lines are spread over the file: their later lines could not be checked against the header.
    scans++;
    r = await scanOnce(input, opts, r.discovered);
  }
  const { discovered: _discovered, ...rest } = r;
  return { input, dateFormat: opts.dateFormat, ...rest, scans };
}

/** What pass 2 needs of pass 1 (what a worker thread running it is given). */
export type SalesPass = Pick<SourceScan, 'input' | 'dateFormat' | 'rejectedLines' | 'spread'>;

/** Pass 2: the sales with their lines, in the order their first line appears, `batchSize` sales at a time. */
export async function* streamSales(scan: SalesPass, batchSize = 500): AsyncGenerator<SaleWithItems[]> {
  type Acc = { header: SaleHeader; items: SaleItem[] };
  const held = new Map<string, Acc>();
  let current: Acc | undefined;
  let out: SaleWithItems[] = [];
  const emit = (acc: Acc) => out.push({ ...closeSale(acc.header, acc.items), items: acc.items });
  const close = (acc: Acc | undefined) => {
    if (!acc) return;
    if (scan.spread.has(acc.header.sale_id)) held.set(acc.header.sale_id, acc);
    else emit(acc);
  };

  for await (const batch of readSuperstoreFile(scan.input, { dateFormat: scan.dateFormat })) {
    for (const item of batch) {
      if (item.kind === 'reject' || scan.rejectedLines.has(item.row.line)) continue;
      const row = item.row;
      if (current?.header.sale_id !== row.orderId) {
        close(current);
        current = held.get(row.orderId) ?? { header: saleHeader(row), items: [] };
      }
      current.items.push(saleItem(row, current.header, current.items.length + 1));
      if (scan.spread.get(row.orderId) === row.line) {
        // The spread order's last line: it is complete now.
        held.delete(row.orderId);
        emit(current);
        current = undefined;
      }
    }
    if (out.length >= batchSize) {
      yield out;
      out = [];
    }
  }
  close(current);
  if (out.length) yield out;
}
