import { cooccurrence, decayWeight, denseCooccurrence, denseCosine, pairOf, topNeighbours } from '../../../../src/pipeline/reco/similarity';

// Items 0..3. Baskets: {0,1}, {0,1,2}, {2,3}. By hand: n = [2, 2, 2, 1];
// co(0,1) = 2, co(0,2) = 1, co(1,2) = 1, co(2,3) = 1;
// cos(0,1) = 2/√(2·2) = 1, cos(0,2) = 1/2, cos(1,2) = 1/2, cos(2,3) = 1/√2.
const baskets = [
  { items: [0, 1], weight: 1 },
  { items: [0, 1, 2], weight: 1 },
  { items: [2, 3], weight: 1 },
];

describe('item-item similarity', () => {
  it('counts co-occurrences and supports as worked out by hand', () => {
    const co = cooccurrence(baskets, 4);
    expect([...co.itemWeight]).toEqual([2, 2, 2, 1]);
    expect(pairOf(co, 0, 1)).toEqual([2, 2]);
    expect(pairOf(co, 1, 0)).toEqual([2, 2]);
    expect(pairOf(co, 2, 3)).toEqual([1, 1]);
    expect(pairOf(co, 0, 3)).toBeUndefined();
  });

  it('gives the cosines worked out by hand, best first', () => {
    const n = topNeighbours(cooccurrence(baskets, 4), 5);
    expect(n[0]).toEqual([{ item: 1, sim: 1, support: 2 }, { item: 2, sim: 0.5, support: 1 }]);
    expect(n[2]!.map((x) => [x.item, Number(x.sim.toFixed(6))])).toEqual([[3, 0.707107], [0, 0.5], [1, 0.5]]);
  });

  it('gives the asymmetric cosines co/(n(i)^α·n(j)^(1−α)) worked out by hand', () => {
    const co = cooccurrence(baskets, 4);
    // α = 1 is the conditional probability co/n(i): from 3 (bought once) to 2 is certain, from 2 to 3 is one in two.
    const conditional = topNeighbours(co, 5, { alpha: 1 });
    expect(conditional[3]).toEqual([{ item: 2, sim: 1, support: 1 }]);
    expect(conditional[2]!.map((x) => [x.item, x.sim])).toEqual([[0, 0.5], [1, 0.5], [3, 0.5]]);
    // α = 0.75: sim(2,3) = 1/(2^0.75·1^0.25) = 0.594604, sim(2,0) = 1/(2^0.75·2^0.25) = 0.5.
    const asym = topNeighbours(co, 5, { alpha: 0.75 });
    expect(asym[2]!.map((x) => [x.item, Number(x.sim.toFixed(6))])).toEqual([[3, 0.594604], [0, 0.5], [1, 0.5]]);
    // and from the rare item's side, sim(3,2) = 1/(1^0.75·2^0.25) = 0.840896: a larger α favours popular neighbours.
    expect(Number(asym[3]![0]!.sim.toFixed(6))).toBe(0.840896);
  });

  it('equals the dense ml-matrix computation XᵀX, weights and α included', () => {
    const weighted = baskets.map((b, i) => ({ ...b, weight: [1, 0.5, 0.25][i]! }));
    for (const alpha of [0.5, 0.75, 1]) {
      const sparse = topNeighbours(cooccurrence(weighted, 4), 10, { alpha });
      const dense = denseCosine(denseCooccurrence(weighted, 4), alpha);
      for (let i = 0; i < 4; i++) for (const nb of sparse[i]!) expect(nb.sim).toBeCloseTo(dense.get(i, nb.item), 12);
    }
  });

  it('keeps k neighbours, drops pairs under the minimum support and excluded pairs', () => {
    const co = cooccurrence(baskets, 4);
    expect(topNeighbours(co, 1)[2]).toHaveLength(1);
    expect(topNeighbours(co, 5, { minSupport: 2 })[0]).toEqual([{ item: 1, sim: 1, support: 2 }]);
    expect(topNeighbours(co, 5, { excluded: (i, j) => i + j === 1 })[0]!.map((x) => x.item)).toEqual([2]);
  });

  it('decays a basket by half every half-life', () => {
    expect(decayWeight(365, 365)).toBeCloseTo(0.5);
    expect(decayWeight(730, 365)).toBeCloseTo(0.25);
    expect(decayWeight(100, null)).toBe(1);
  });
});
