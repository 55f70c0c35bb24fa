/**
 * The ERP entities the pipeline moves: what normalisation produces, what Kafka carries and what the lake stores.
 * Field names are snake_case because they are also CSV headers and MongoDB fields.
 */
export interface Product {
  product_id: string;
  name: string;
  /** Other names the source used for this ID (the Superstore has 32 such IDs); see docs/data-dictionary.md. */
  alt_names: string[];
  category: string;
  sub_category: string;
  /** Median list unit price (before discount) seen in the source, to the cent. */
  unit_price: number;
}

export interface Customer {
  customer_id: string;
  name: string;
  segment: string;
  country: string;
  /** Synthetic: derived from the ID and name; the source has no e-mail. */
  email: string;
}

export interface Sale {
  sale_id: string;
  customer_id: string;
  order_date: string;
  /** Synthetic HH:MM (the source has dates only). */
  order_time: string;
  ship_date: string;
  ship_mode: string;
  country: string;
  state: string;
  city: string;
  postal_code: string;
  region: string;
  /** Synthetic: the branch serving the order's region. */
  branch_id: string;
  branch_name: string;
  /** Synthetic. */
  payment_method: PaymentMethod;
  lines: number;
  units: number;
  /** Exact sum of the lines' line_total (4 decimals). */
  total: number;
  profit: number;
}

export interface SaleItem {
  /** `${sale_id}#${line}`: the Superstore repeats a product within an order, so the product is not a key. */
  item_id: string;
  sale_id: string;
  line: number;
  product_id: string;
  quantity: number;
  /** List unit price before discount: line_total / quantity / (1 - discount), 4 decimals. */
  unit_price: number;
  discount: number;
  /** The Superstore "Sales" value of the line (after discount). */
  line_total: number;
  profit: number;
  /** Denormalised from the sale and product so the warehouse can group without joins. */
  customer_id: string;
  order_date: string;
  branch_id: string;
  category: string;
  sub_category: string;
}

export type PaymentMethod = 'card' | 'cash' | 'transfer' | 'wallet';

/** A sale with its lines: the unit the producer sends on the sales topic. */
export interface SaleWithItems extends Sale {
  items: SaleItem[];
}

export interface ErpData {
  products: Product[];
  customers: Customer[];
  sales: Sale[];
  salesItems: SaleItem[];
}
