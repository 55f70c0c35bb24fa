/** A valid Superstore row for unit tests; override what the test is about. */
import type { SuperstoreRow } from '../../src/pipeline/source/columns';

export const makeRow = (o: Partial<SuperstoreRow> = {}): SuperstoreRow => ({
  line: 2, rowId: '1', orderId: 'O-1', orderDate: '2017-01-02', shipDate: '2017-01-05', shipMode: 'Standard Class',
  customerId: 'C-1', customerName: 'Ann Lee', segment: 'Consumer', country: 'United States', city: 'Chicago',
  state: 'Illinois', postalCode: '60623', region: 'Central', productId: 'P-1', category: 'Furniture',
  subCategory: 'Chairs', productName: 'Chair', sales: 100, quantity: 2, discount: 0.2, profit: 10, ...o,
});
