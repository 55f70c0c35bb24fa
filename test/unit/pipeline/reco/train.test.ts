import { subCategoryPairs } from '../../../../src/pipeline/reco/train';

describe('subCategoryPairs', () => {
  // Items 0,1 are Chairs, 2 is Tables, 3 is Paper.
  const subs = ['Chairs', 'Chairs', 'Tables', 'Paper'];

  it('counts orders per sub-category and pairs of different sub-categories bought together', () => {
    const { subBaskets, subPairs } = subCategoryPairs([[0, 2], [2, 3], [3]], subs);
    expect(subBaskets).toEqual({ Chairs: 1, Tables: 2, Paper: 2 });
    expect(subPairs).toEqual({ Chairs: { Tables: 1 }, Tables: { Chairs: 1, Paper: 1 }, Paper: { Tables: 1 } });
  });

  it('pairs a sub-category with itself only when two different items of it are in the order', () => {
    const { subPairs } = subCategoryPairs([[0, 1], [0]], subs);
    expect(subPairs).toEqual({ Chairs: { Chairs: 1 } });
  });

  it('keeps keys in first-seen order (the scorer iterates them)', () => {
    const { subBaskets, subPairs } = subCategoryPairs([[3, 2], [0, 3]], subs);
    expect(Object.keys(subBaskets)).toEqual(['Paper', 'Tables', 'Chairs']);
    expect(Object.keys(subPairs.Paper!)).toEqual(['Tables', 'Chairs']);
  });
});
