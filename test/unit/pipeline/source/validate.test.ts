import { superstoreColumns } from '../../../../src/pipeline/source/columns';
import { validateRecord } from '../../../../src/pipeline/source/validate';

const good: Record<string, string> = {
  'Row ID': '1', 'Order ID': 'CA-2016-152156', 'Order Date': '2016-11-08', 'Ship Date': '2016-11-11',
  'Ship Mode': 'Second Class', 'Customer ID': 'CG-12520', 'Customer Name': 'Claire Gute', Segment: 'Consumer',
  Country: 'United States', City: 'Henderson', State: 'Kentucky', 'Postal Code': '42420', Region: 'South',
  'Product ID': 'FUR-BO-10001798', Category: 'Furniture', 'Sub-Category': 'Bookcases',
  'Product Name': 'Bush Somerset Collection Bookcase', Sales: '261.96', Quantity: '2', Discount: '0', Profit: '41.9136',
};

function check(overrides: Record<string, string>) {
  const rec = { ...good, ...overrides };
  return validateRecord((c) => rec[c] ?? '', 7, 'iso');
}

function reasons(overrides: Record<string, string>) {
  const r = check(overrides);
  if (r.ok) throw new Error('expected a reject');
  return r.rejects.map((x) => `${x.column}: ${x.reason}`);
}

describe('validateRecord', () => {
  it('accepts a good Superstore line and types its numbers', () => {
    const r = check({});
    expect(r.ok).toBe(true);
    expect(r.ok && r.row).toMatchObject({ line: 7, orderId: 'CA-2016-152156', sales: 261.96, quantity: 2, discount: 0, profit: 41.9136 });
  });

  it.each(['Order ID', 'Customer ID', 'Product ID', 'Product Name', 'Category'])('rejects an empty %s', (col) => {
    expect(reasons({ [col]: '  ' })).toEqual([`${col}: ${col} is empty`]);
  });

  it('rejects a non-numeric or non-finite amount, naming the value', () => {
    expect(reasons({ Sales: '12,5' })).toEqual(['Sales: Sales "12,5" is not a number']);
    expect(reasons({ Profit: 'Infinity' })).toEqual(['Profit: Profit "Infinity" is not a number']);
    expect(reasons({ Profit: '' })).toEqual(['Profit: Profit is empty']);
  });

  it('rejects a quantity that is not a positive whole number', () => {
    expect(reasons({ Quantity: '0' })).toEqual(['Quantity: Quantity 0 is not a positive whole number']);
    expect(reasons({ Quantity: '-2' })).toEqual(['Quantity: Quantity -2 is not a positive whole number']);
    expect(reasons({ Quantity: '1.5' })).toEqual(['Quantity: Quantity 1.5 is not a positive whole number']);
  });

  it('rejects a discount outside 0..1', () => {
    expect(reasons({ Discount: '1.2' })).toEqual(['Discount: Discount 1.2 is outside 0..1']);
    expect(reasons({ Discount: '-0.1' })).toEqual(['Discount: Discount -0.1 is outside 0..1']);
  });

  it('rejects a negative sales value', () => {
    expect(reasons({ Sales: '-5' })).toEqual(['Sales: Sales -5 is negative (returns are not modelled)']);
  });

  it('rejects impossible dates and a ship date before the order date', () => {
    expect(reasons({ 'Order Date': '2016-02-30' })).toEqual(['Order Date: Order Date "2016-02-30" is not a real date (read as YYYY-MM-DD)']);
    expect(reasons({ 'Ship Date': '2016-11-01' })).toEqual(['Ship Date: Ship Date 2016-11-01 is before Order Date 2016-11-08']);
  });

  it('reports every problem of a line, each with the line number and column', () => {
    const r = check({ Quantity: 'x', Discount: '3' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.rejects).toEqual([
      { line: 7, column: superstoreColumns.quantity, value: 'x', reason: 'Quantity "x" is not a number' },
      { line: 7, column: superstoreColumns.discount, value: '3', reason: 'Discount 3 is outside 0..1' },
    ]);
  });

  it('treats Row ID and Postal Code as optional', () => {
    expect(check({ 'Row ID': '', 'Postal Code': '' }).ok).toBe(true);
  });
});
