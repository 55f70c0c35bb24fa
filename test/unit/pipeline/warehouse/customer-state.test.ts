import { Binary } from 'mongodb';
import { decodeState, encodeState, type CustomerFacts } from '../../../../src/pipeline/warehouse/customer-state';
import { scoreCodes } from '../../../../src/pipeline/warehouse/rfm';

describe('the customers’ packed state', () => {
  const inputs = Array.from({ length: 7 }, (_, i) => ({ customer_id: `C-${i}`, last_order: `2017-0${1 + (i % 9)}-1${i}`, orders: 1 + i, revenue_e4: 123_456_789_012 * i + 1, branches: i % 2 ? ['B1', 'B3'] : ['B2'] }));
  const codes = scoreCodes(inputs.map((_, i) => 30 * i), inputs.map((c) => c.orders), inputs.map((c) => c.revenue_e4));
  const facts: CustomerFacts[] = inputs.map((c, i) => ({ ...c, code: codes[i]! }));

  it('decodes to exactly what was encoded, across parts, score codes included', () => {
    const parts = encodeState(facts, 3);
    expect(parts.map((p) => p._id)).toEqual(['part-0000', 'part-0001', 'part-0002']);
    expect(decodeState(parts)).toEqual(facts);
  });

  it('keeps nobody as no part', () => {
    expect(encodeState([])).toEqual([]);
    expect(decodeState([])).toEqual([]);
  });

  it('refuses a part whose columns differ in length', () => {
    const [part] = encodeState(facts);
    expect(() => decodeState([{ ...part!, last_order: '["2017-01-01"]' }])).toThrow('part-0000: columns of different lengths');
  });

  it('refuses a score code outside 0..124', () => {
    const [part] = encodeState(facts.slice(0, 1));
    expect(() => decodeState([{ ...part!, scores: new Binary(Buffer.from([125])) }])).toThrow(RangeError);
  });
});

describe('the customers’ packed state, bad parts', () => {
  it('refuses a branch set outside the part’s sets', () => {
    const [part] = encodeState([{ customer_id: 'C', last_order: '2017-01-01', orders: 1, revenue_e4: 1, branches: ['B1'], code: 0 }]);
    expect(() => decodeState([{ ...part!, branches: new Binary(Buffer.from([1, 0, 0, 0])) }])).toThrow('part-0000: branch set 1 of 1');
  });
});
