import { evaluateModel, leaveOneOutCases, LeakageError, scoreCases, splitByDate, sweepParameters } from '../../../../src/pipeline/reco/evaluate';
import type { CatalogueItem } from '../../../../src/pipeline/reco/train';

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

  it('sweeps every setting on every period with the same counts as the evaluation', () => {
    const catalogue: CatalogueItem[] = ['P', 'Q', 'R', 'S', 'T'].map((id, i) => ({ product_id: id, name: id, category: 'c', sub_category: `s${i % 2}`, unit_price: 1 }));
    const lines = [
      ...[['a', 'P'], ['a', 'Q'], ['b', 'P'], ['b', 'Q'], ['b', 'R'], ['c', 'R'], ['c', 'S']].map(([o, p]) => ({ ...l(o!, p!, '2015-06-01'), customer_id: `C${o}` })),
      ...[['d', 'P'], ['d', 'Q'], ['e', 'R'], ['e', 'T']].map(([o, p]) => ({ ...l(o!, p!, '2016-06-01'), customer_id: `C${o}` })),
      ...[['f', 'P'], ['f', 'R'], ['g', 'Q'], ['g', 'S']].map(([o, p]) => ({ ...l(o!, p!, '2017-06-01'), customer_id: `C${o}` })),
    ];
    const periods = [{ cut: '2016-01-01', until: '2017-01-01' }, { cut: '2017-01-01', until: null }];
    const rows = sweepParameters(lines, catalogue, periods, { levels: ['order', 'customer'], alphas: [0.5, 1], coSlots: [1, 2] });
    expect(rows).toHaveLength(2 * 2 * 2 * 2);
    for (const r of rows) {
      const e = evaluateModel(lines, catalogue, r.cut, { level: r.level, alpha: r.alpha, coSlots: r.co_slots }, r.until);
      expect(r.cases).toBe(e.cases);
      expect(r.hits / r.cases).toBeCloseTo(e.model.product.hr_at_5.value, 4);
      expect(r.popularity_hits / r.cases).toBeCloseTo(e.popularity.product.hr_at_5.value, 4);
      expect(r.coverage).toBeCloseTo(e.model.product.coverage, 4);
      expect(r.subcategory_hits / r.cases).toBeCloseTo(e.model.subcategory.hr_at_5.value, 4);
    }
  });
});
