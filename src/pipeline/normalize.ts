/**
 * Source rows → ERP entities (products, customers, sales, sales_items). Pure: no IO, deterministic.
 *
 * Rules (documented in docs/data-dictionary.md):
 * - A product ID seen with two names keeps the name used on most lines; a tie goes to the name seen first.
 *   The other names are kept in `alt_names`.
 * - A row that contradicts what earlier rows said about its order, customer or product (another customer on
 *   the same order, another category for the same product...) is rejected, naming the earlier line.
 * - Lines are numbered within their order in file order; the Superstore repeats products inside an order.
 */
import type { Reject, SuperstoreRow } from './source/columns';
import { superstoreColumns } from './source/columns';
import type { Customer, ErpData, Product, Sale, SaleItem } from './entities';
import { branchFor, emailFor, orderTimeFor, paymentMethodFor } from './derive';
import { fromUnits, roundCents, roundTo, toUnits } from './money';

interface ProductAcc {
  category: string;
  sub_category: string;
  line: number;
  names: Map<string, { count: number; order: number }>;
  prices: number[];
}
interface CustomerAcc {
  customer: Customer;
  line: number;
}
interface SaleAcc {
  header: Omit<Sale, 'lines' | 'units' | 'total' | 'profit'>;
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

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function createNormalizer(): Normalizer {
  const products = new Map<string, ProductAcc>();
  const customers = new Map<string, CustomerAcc>();
  const sales = new Map<string, SaleAcc>();
  let nameOrder = 0;

  const conflict = (row: SuperstoreRow, field: keyof typeof superstoreColumns, what: string, earlier: number, had: string): Reject => ({
    line: row.line,
    column: superstoreColumns[field],
    value: String(row[field]),
    reason: `${what} was "${had}" on line ${earlier}; this line says "${String(row[field])}"`,
  });

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
    const s = sales.get(row.orderId);
    if (s) {
      const h = s.header;
      const same: [keyof typeof superstoreColumns, string, string][] = [
        ['customerId', 'Customer', h.customer_id],
        ['orderDate', 'Order Date', h.order_date],
        ['shipDate', 'Ship Date', h.ship_date],
        ['shipMode', 'Ship Mode', h.ship_mode],
        ['city', 'City', h.city],
        ['state', 'State', h.state],
        ['region', 'Region', h.region],
      ];
      for (const [field, label, had] of same) {
        if (String(row[field]) !== had) return conflict(row, field, `${label} of order ${row.orderId}`, s.line, had);
      }
    }
    return undefined;
  }

  function add(row: SuperstoreRow): Reject | undefined {
    const rejected = check(row);
    if (rejected) return rejected;

    let p = products.get(row.productId);
    if (!p) {
      p = { category: row.category, sub_category: row.subCategory, line: row.line, names: new Map(), prices: [] };
      products.set(row.productId, p);
    }
    const n = p.names.get(row.productName);
    if (n) n.count++;
    else p.names.set(row.productName, { count: 1, order: nameOrder++ });
    const unitPrice = listUnitPrice(row.sales, row.quantity, row.discount);
    p.prices.push(unitPrice);

    if (!customers.has(row.customerId)) {
      customers.set(row.customerId, {
        line: row.line,
        customer: {
          customer_id: row.customerId,
          name: row.customerName,
          segment: row.segment,
          country: row.country,
          email: emailFor(row.customerId, row.customerName),
        },
      });
    }

    let s = sales.get(row.orderId);
    if (!s) {
      s = {
        line: row.line,
        items: [],
        header: {
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
        },
      };
      sales.set(row.orderId, s);
    }
    const line = s.items.length + 1;
    s.items.push({
      item_id: `${row.orderId}#${line}`,
      sale_id: row.orderId,
      line,
      product_id: row.productId,
      quantity: row.quantity,
      unit_price: unitPrice,
      discount: row.discount,
      line_total: fromUnits(toUnits(row.sales)),
      profit: fromUnits(toUnits(row.profit)),
      customer_id: row.customerId,
      order_date: row.orderDate,
      branch_id: s.header.branch_id,
      category: row.category,
      sub_category: row.subCategory,
    });
    return undefined;
  }

  function finish(): ErpData {
    const productList: Product[] = [];
    for (const [product_id, p] of products) {
      const ranked = [...p.names.entries()].sort((a, b) => b[1].count - a[1].count || a[1].order - b[1].order);
      productList.push({
        product_id,
        name: ranked[0]![0],
        alt_names: ranked.slice(1).map(([name]) => name),
        category: p.category,
        sub_category: p.sub_category,
        unit_price: roundCents(median(p.prices)),
      });
    }
    const saleList: Sale[] = [];
    const items: SaleItem[] = [];
    for (const s of sales.values()) {
      let units = 0;
      let total = 0;
      let profit = 0;
      for (const it of s.items) {
        units += it.quantity;
        total += toUnits(it.line_total);
        profit += toUnits(it.profit);
        items.push(it);
      }
      saleList.push({ ...s.header, lines: s.items.length, units, total: fromUnits(total), profit: fromUnits(profit) });
    }
    return {
      products: productList,
      customers: [...customers.values()].map((c) => c.customer),
      sales: saleList,
      salesItems: items,
    };
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
