import { leaveOneOutCases, LeakageError, scoreCases, splitByDate } from '../../../../src/pipeline/reco/evaluate';

const l = (sale: string, product: string, day: string) => ({ sale_id: sale, customer_id: 'C', product_id: product, order_date: day });

describe('evaluation', () => {
  it('splits by day so no test order is seen in training', () => {
    const { train, test } = splitByDate([l('a', 'X', '2016-12-31'), l('b', 'Y', '2017-01-01')], '2017-01-01');
    expect(train.map((x) => x.sale_id)).toEqual(['a']);
    expect(test.map((x) => x.sale_id)).toEqual(['b']);
  });

  it('refuses an order whose lines straddle the cut', () => {
    expect(() => splitByDate([l('a', 'X', '2016-12-31'), l('a', 'Y', '2017-01-01')], '2017-01-01')).toThrow(LeakageError);
  });

  it('holds out each item of a multi-item order in turn', () => {
    const cases = leaveOneOutCases([l('a', 'X', 'd'), l('a', 'Y', 'd'), l('a', 'X', 'd'), l('b', 'Z', 'd')]);
    expect(cases).toEqual([{ basket: ['Y'], target: 'X' }, { basket: ['X'], target: 'Y' }]);
  });

  it('computes hit rate, precision, recall, NDCG and coverage as defined', () => {
    const sub: Record<string, string> = { X: 's1', Y: 's1', Z: 's2', W: 's2' };
    const cases = [{ basket: ['Z'], target: 'X' }, { basket: ['X'], target: 'W' }];
    // Case 1 hits X at rank 2; case 2 misses W but shows Z, which is in W's sub-category, at rank 1.
    const r = scoreCases(cases, (b) => (b[0] === 'Z' ? ['Y', 'X'] : ['Z']), (id) => sub[id]!, { products: 4, subcategories: 2 });
    expect(r.product.hr_at_5.value).toBe(0.5);
    expect(r.product.precision_at_5.value).toBe(0.1);
    expect(r.product.ndcg_at_5.value).toBeCloseTo(0.5 / Math.log2(3), 4);
    expect(r.product.coverage).toBe(0.75);
    expect(r.subcategory.hr_at_5.value).toBe(1);
    expect(r.product.hr_at_5.ci95[0]).toBeLessThanOrEqual(0.5);
    expect(r.product.hr_at_5.ci95[1]).toBeGreaterThanOrEqual(0.5);
  });
});
