/** The Superstore CSV columns, in one place. Files may order them freely and add others. */
export const superstoreColumns = {
  rowId: 'Row ID',
  orderId: 'Order ID',
  orderDate: 'Order Date',
  shipDate: 'Ship Date',
  shipMode: 'Ship Mode',
  customerId: 'Customer ID',
  customerName: 'Customer Name',
  segment: 'Segment',
  country: 'Country',
  city: 'City',
  state: 'State',
  postalCode: 'Postal Code',
  region: 'Region',
  productId: 'Product ID',
  category: 'Category',
  subCategory: 'Sub-Category',
  productName: 'Product Name',
  sales: 'Sales',
  quantity: 'Quantity',
  discount: 'Discount',
  profit: 'Profit',
} as const;

export type SuperstoreField = keyof typeof superstoreColumns;

/** Columns without which a file cannot be processed at all (Row ID and Postal Code are optional). */
export const requiredColumns: readonly SuperstoreField[] = [
  'orderId', 'orderDate', 'shipDate', 'shipMode', 'customerId', 'customerName', 'segment', 'country', 'city',
  'state', 'region', 'productId', 'category', 'subCategory', 'productName', 'sales', 'quantity', 'discount', 'profit',
];

/** Header order used when this project writes Superstore-shaped CSV (the generator). */
export const superstoreHeader: readonly string[] = Object.values(superstoreColumns);

/** One validated source line. Dates are ISO `YYYY-MM-DD`; amounts as given (up to 4 decimals). */
export interface SuperstoreRow {
  line: number;
  rowId: string;
  orderId: string;
  orderDate: string;
  shipDate: string;
  shipMode: string;
  customerId: string;
  customerName: string;
  segment: string;
  country: string;
  city: string;
  state: string;
  postalCode: string;
  region: string;
  productId: string;
  category: string;
  subCategory: string;
  productName: string;
  sales: number;
  quantity: number;
  discount: number;
  profit: number;
}

/** A source line that was not accepted, with where and why. */
export interface Reject {
  line: number;
  column: string;
  value: string;
  reason: string;
}
