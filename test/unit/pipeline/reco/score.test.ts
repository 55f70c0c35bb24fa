import { trainModel, sameItemGroups, type CatalogueItem, type TrainingLine } from '../../../../src/pipeline/reco/train';
import { recommend } from '../../../../src/pipeline/reco/score';

const cat = (id: string, sub: string, name = `Item ${id}`, alt: string[] = []): CatalogueItem => ({ product_id: id, name, alt_names: alt, category: 'Office Supplies', sub_category: sub, unit_price: 10 });
const catalogue = [cat('A', 'Paper'), cat('B', 'Paper'), cat('C', 'Binders'), cat('D', 'Binders'), cat('E', 'Art'), cat('B2', 'Paper', 'Item B'), cat('F', 'Art')];
const line = (sale: string, product: string, day = '2016-01-01', customer = 'C1'): TrainingLine => ({ sale_id: sale, customer_id: customer, product_id: product, order_date: day });
const lines = [
  line('o1', 'A'), line('o1', 'B'), line('o2', 'A'), line('o2', 'B'), line('o2', 'C'),
  line('o3', 'A'), line('o3', 'B2'), line('o4', 'C'), line('o4', 'D'), line('o5', 'E'), line('o6', 'C'), line('o7', 'F', '2016-01-02'),
];

describe('same-item twins', () => {
  it('groups IDs that share a name', () => {
    expect(sameItemGroups(catalogue)).toEqual({ B: 'B', B2: 'B' });
  });
});

describe('recommend', () => {
  // Order baskets and the plain cosine: these tests are about the scoring rules, whatever the training defaults.
  const orderLevel = { level: 'order', alpha: 0.5 } as const;
  const model = trainModel(lines, catalogue, { ...orderLevel, now: new Date('2020-01-01T00:00:00Z'), coSlots: 5 });

  it('never recommends what is in the basket, nor its twin under another ID', () => {
    const recs = recommend(model, ['A', 'B']);
    const ids = recs.map((r) => r.product_id);
    expect(ids).not.toContain('A');
    expect(ids).not.toContain('B');
    expect(ids).not.toContain('B2');
  });

  it('never recommends two IDs of the same item', () => {
    const ids = recommend(model, ['C']).map((r) => r.product_id);
    expect(ids.filter((x) => x === 'B' || x === 'B2').length).toBeLessThanOrEqual(1);
  });

  it('ranks co-purchases first with relevance, confidence and the item that explains them', () => {
    const [first] = recommend(model, ['A']);
    expect(first).toMatchObject({ product_id: 'B', rank: 1, fallback: false, because_product_id: 'A', confidence: 50 });
    expect(first!.relevance).toBeGreaterThan(0);
    expect(first!.relevance).toBeLessThanOrEqual(100);
  });

  it('fills up to 5 with marked fallbacks from related sub-categories', () => {
    const recs = recommend(model, ['E']);
    expect(recs).toHaveLength(5);
    expect(recs.every((r) => r.fallback)).toBe(true);
    expect(recs.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    for (const r of recs) expect(r.relevance).toBeLessThanOrEqual(20);
  });

  it('explains a co-purchase by its basket level: orders, or customers', () => {
    expect(recommend(model, ['A'])[0]!.reason).toBe('bought together with Item A in 2 baskets');
    const byCustomer = trainModel(
      [line('o1', 'C', '2016-01-01', 'K1'), line('o2', 'D', '2016-01-02', 'K1'), line('o3', 'C', '2016-01-01', 'K2'), line('o4', 'D', '2016-01-03', 'K2')],
      catalogue,
      { level: 'customer' },
    );
    expect(recommend(byCustomer, ['C'])[0]).toMatchObject({ product_id: 'D', reason: 'bought by 2 customers who also bought Item C', confidence: 50 });
  });

  it('limits co-purchases to the co-purchase slots', () => {
    const recs = recommend(model, ['A'], { coSlots: 1 });
    expect(recs.filter((r) => !r.fallback)).toHaveLength(1);
  });

  it('is deterministic: same model and basket, same output', () => {
    const again = trainModel([...lines].reverse(), catalogue, { ...orderLevel, now: new Date('2020-01-01T00:00:00Z'), coSlots: 5 });
    expect(recommend(again, ['C', 'A'])).toEqual(recommend(model, ['C', 'A']));
    expect(again).toEqual(model);
  });

  it('gives an empty basket of unknown items only best sellers', () => {
    const recs = recommend(model, ['ZZZ']);
    expect(recs.length).toBeGreaterThan(0);
    expect(recs.every((r) => r.fallback && r.reason.includes('overall'))).toBe(true);
  });

  it('trains only on lines before the cut and records the window', () => {
    const m = trainModel(lines, catalogue, { before: '2016-01-02' });
    expect(m.items.F).toBeUndefined();
    expect(m.data_window).toEqual({ from: '2016-01-01', to: '2016-01-01', before: '2016-01-02' });
  });
});
