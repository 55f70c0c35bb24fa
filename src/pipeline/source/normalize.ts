/**
 * Source rows → ERP entities (products, customers, sales, sales_items). Pure and deterministic; the rules (a product's
 * name, contradicting rows rejected, line numbers) are in docs/data-dictionary.md.
 */
import type { Reject, SuperstoreField, SuperstoreRow } from './columns';
import { superstoreColumns } from './columns';
import type { Customer, ErpData, Product, Sale, SaleItem } from '../core/entities';
import { branchFor, emailFor, orderTimeFor, paymentMethodFor } from './derive';
import { fromUnits, roundCents, roundTo, toUnits } from '../core/money';
import { detach } from './csv';

interface ProductAcc {
  category: string;
  sub_category: string;
  line: number;
  names: Map<string, { count: number; order: number }>;
  /** List unit price → lines at that price (for the median). */
  prices: Map<number, number>;
}
interface CustomerAcc {
  customer: Customer;
  line: number;
}
interface SaleAcc {
  header: SaleHeader;
  line: number;
  items: SaleItem[];
}

export interface Normalizer {
  /** Adds a row; returns a reject when the row contradicts an earlier one (nothing is recorded then). */
  add(row: SuperstoreRow): Reject | undefined;
  finish(): ErpData;
}

/** List unit price before discount. A 100 % discount leaves no price to recover; use the net price then. */
export function listUnitPrice(lineTotal: number, quantity: number, discount: number): number {
  const net = lineTotal / quantity;
  return roundTo(discount < 1 ? net / (1 - discount) : net, 4);
}

/** The median of values given as value → count (a product's prices repeat: the counts stay small). */
export function medianOfCounts(counts: ReadonlyMap<number, number>): number {
  const values = [...counts.keys()].sort((a, b) => a - b);
  let n = 0;
  for (const c of counts.values()) n += c;
  const at = (k: number) => {
    let seen = 0;
    for (const v of values) {
      seen += counts.get(v)!;
      if (seen > k) return v;
    }
    return NaN;
  };
  return n % 2 ? at(n >> 1) : (at((n >> 1) - 1) + at(n >> 1)) / 2;
}

export type SaleHeader = Omit<Sale, 'lines' | 'units' | 'total' | 'profit'>;

function conflict(row: SuperstoreRow, field: SuperstoreField, what: string, earlier: number, had: string): Reject {
  return {
    line: row.line,
    column: superstoreColumns[field],
    value: String(row[field]),
    reason: `${what} was "${had}" on line ${earlier}; this line says "${String(row[field])}"`,
  };
}

/** The order's header as its first accepted line gives it. */
export function saleHeader(row: SuperstoreRow): SaleHeader {
  return {
    sale_id: row.orderId,
    customer_id: row.customerId,
    order_date: row.orderDate,
    order_time: orderTimeFor(row.orderId),
    ship_date: row.shipDate,
    ship_mode: row.shipMode,
    country: row.country,
    state: row.state,
    city: row.city,
    postal_code: row.postalCode,
    region: row.region,
    ...branchFor(row.region),
    payment_method: paymentMethodFor(row.orderId),
  };
}

/** A reject when the row disagrees with its order's header (first seen on line `earlier`). */
export function orderConflict(row: SuperstoreRow, h: SaleHeader, earlier: number): Reject | undefined {
  const same: [SuperstoreField, string, string][] = [
    ['customerId', 'Customer', h.customer_id],
    ['orderDate', 'Order Date', h.order_date],
    ['shipDate', 'Ship Date', h.ship_date],
    ['shipMode', 'Ship Mode', h.ship_mode],
    ['city', 'City', h.city],
    ['state', 'State', h.state],
    ['region', 'Region', h.region],
  ];
  for (const [field, label, had] of same) {
    if (String(row[field]) !== had) return conflict(row, field, `${label} of order ${row.orderId}`, earlier, had);
  }
  return undefined;
}

/** The `line`-th line of the order `h`. */
export function saleItem(row: SuperstoreRow, h: SaleHeader, line: number): SaleItem {
  return {
    item_id: `${row.orderId}#${line}`,
    sale_id: row.orderId,
    line,
    product_id: row.productId,
    quantity: row.quantity,
    unit_price: listUnitPrice(row.sales, row.quantity, row.discount),
    discount: row.discount,
    line_total: fromUnits(toUnits(row.sales)),
    profit: fromUnits(toUnits(row.profit)),
    customer_id: row.customerId,
    order_date: row.orderDate,
    branch_id: h.branch_id,
    category: row.category,
    sub_category: row.subCategory,
  };
}

/** The sale with its exact totals (sums in ten-thousandths). */
export function closeSale(h: SaleHeader, items: SaleItem[]): Sale {
  let units = 0;
  let total = 0;
  let profit = 0;
  for (const it of items) {
    units += it.quantity;
    total += toUnits(it.line_total);
    profit += toUnits(it.profit);
  }
  return { ...h, lines: items.length, units, total: fromUnits(total), profit: fromUnits(profit) };
}

/**
 * Products and customers: the master data every line contributes to (name votes, prices, segment). Memory grows
 * with the catalogue (and a product's distinct prices), not with the lines.
 */
export interface CatalogueBuilder {
  check(row: SuperstoreRow): Reject | undefined;
  add(row: SuperstoreRow): void;
  finish(): { products: Product[]; customers: Customer[] };
}

export function createCatalogueBuilder(): CatalogueBuilder {
  const products = new Map<string, ProductAcc>();
  const customers = new Map<string, CustomerAcc>();
  let nameOrder = 0;

  function check(row: SuperstoreRow): Reject | undefined {
    const p = products.get(row.productId);
    if (p) {
      if (p.category !== row.category) return conflict(row, 'category', `Category of product ${row.productId}`, p.line, p.category);
      if (p.sub_category !== row.subCategory)
        return conflict(row, 'subCategory', `Sub-Category of product ${row.productId}`, p.line, p.sub_category);
    }
    const c = customers.get(row.customerId);
    if (c) {
      if (c.customer.name !== row.customerName) return conflict(row, 'customerName', `Name of customer ${row.customerId}`, c.line, c.customer.name);
      if (c.customer.segment !== row.segment) return conflict(row, 'segment', `Segment of customer ${row.customerId}`, c.line, c.customer.segment);
    }
    return undefined;
  }

  function add(row: SuperstoreRow): void {
    // Kept strings are detached from the chunk they were read from (see `detach`): memory follows the catalogue.
    let p = products.get(row.productId);
    if (!p) {
      p = { category: detach(row.category), sub_category: detach(row.subCategory), line: row.line, names: new Map(), prices: new Map() };
      products.set(detach(row.productId), p);
    }
    const n = p.names.get(row.productName);
    if (n) n.count++;
    else p.names.set(detach(row.productName), { count: 1, order: nameOrder++ });
    const price = listUnitPrice(row.sales, row.quantity, row.discount);
    p.prices.set(price, (p.prices.get(price) ?? 0) + 1);

    if (!customers.has(row.customerId)) {
      const id = detach(row.customerId);
      customers.set(id, {
        line: row.line,
        customer: {
          customer_id: id,
          name: detach(row.customerName),
          segment: detach(row.segment),
          country: detach(row.country),
          email: emailFor(row.customerId, row.customerName),
        },
      });
    }
  }

  function finish() {
    const productList: Product[] = [];
    for (const [product_id, p] of products) {
      const ranked = [...p.names.entries()].sort((a, b) => b[1].count - a[1].count || a[1].order - b[1].order);
      productList.push({
        product_id,
        name: ranked[0]![0],
        alt_names: ranked.slice(1).map(([name]) => name),
        category: p.category,
        sub_category: p.sub_category,
        unit_price: roundCents(medianOfCounts(p.prices)),
      });
    }
    return { products: productList, customers: [...customers.values()].map((c) => c.customer) };
  }

  return { check, add, finish };
}

export function createNormalizer(): Normalizer {
  const catalogue = createCatalogueBuilder();
  const sales = new Map<string, SaleAcc>();

  function add(row: SuperstoreRow): Reject | undefined {
    const s = sales.get(row.orderId);
    const rejected = catalogue.check(row) ?? (s ? orderConflict(row, s.header, s.line) : undefined);
    if (rejected) return rejected;
    catalogue.add(row);
    let acc = s;
    if (!acc) {
      acc = { line: row.line, items: [], header: saleHeader(row) };
      sales.set(row.orderId, acc);
    }
    acc.items.push(saleItem(row, acc.header, acc.items.length + 1));
    return undefined;
  }

  function finish(): ErpData {
    const saleList: Sale[] = [];
    const items: SaleItem[] = [];
    for (const s of sales.values()) {
      saleList.push(closeSale(s.header, s.items));
      for (const it of s.items) items.push(it);
    }
    return { ...catalogue.finish(), sales: saleList, salesItems: items };
  }

  return { add, finish };
}

/** Convenience for in-memory data: normalise a whole array of rows. */
export function normalizeRows(rows: Iterable<SuperstoreRow>): { data: ErpData; rejects: Reject[] } {
  const n = createNormalizer();
  const rejects: Reject[] = [];
  for (const row of rows) {
    const r = n.add(row);
    if (r) rejects.push(r);
  }
  return { data: n.finish(), rejects };
}
