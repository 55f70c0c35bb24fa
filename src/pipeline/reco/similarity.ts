/**
 * Item-item similarity from baskets, computed sparsely: only pairs that were bought together are ever touched.
 * A dense ItemsᵀItems with ml-matrix costs 7.7-75 s on the Superstore shapes; this pass costs milliseconds.
 * `denseCooccurrence` keeps the ml-matrix formulation as the reference the tests compare against.
 *
 *   co(i, j)  = Σ over baskets containing both i and j of the basket's weight   (weight 1, or a time decay)
 *   n(i)      = Σ over baskets containing i of the basket's weight
 *   cosine    = co(i, j) / √(n(i) · n(j))
 *   support   = number of baskets containing both (unweighted)
 */
import { Matrix } from 'ml-matrix';

export interface Basket {
  /** Distinct item indices. */
  items: number[];
  weight: number;
}

export interface Neighbour {
  item: number;
  sim: number;
  support: number;
}

export interface Cooccurrence {
  itemWeight: Float64Array;
  itemBaskets: Uint32Array;
  /** For each item, its partners: item → [weighted co-occurrence, support]. */
  pairs: Map<number, [number, number]>[];
}

export function cooccurrence(baskets: readonly Basket[], itemCount: number): Cooccurrence {
  const itemWeight = new Float64Array(itemCount);
  const itemBaskets = new Uint32Array(itemCount);
  const pairs: Map<number, [number, number]>[] = Array.from({ length: itemCount }, () => new Map());
  for (const b of baskets) {
    const items = b.items;
    for (let x = 0; x < items.length; x++) {
      const i = items[x]!;
      itemWeight[i]! += b.weight;
      itemBaskets[i]!++;
      for (let y = 0; y < items.length; y++) {
        if (x === y) continue;
        const j = items[y]!;
        const p = pairs[i]!.get(j);
        if (p) {
          p[0] += b.weight;
          p[1]++;
        } else pairs[i]!.set(j, [b.weight, 1]);
      }
    }
  }
  return { itemWeight, itemBaskets, pairs };
}

/** The k most similar items of each item (by cosine, then support, then index), leaving out `excluded` pairs. */
export function topNeighbours(co: Cooccurrence, k: number, opts: { minSupport?: number; excluded?: (i: number, j: number) => boolean } = {}): Neighbour[][] {
  const minSupport = opts.minSupport ?? 1;
  return co.pairs.map((partners, i) => {
    const out: Neighbour[] = [];
    for (const [j, [w, support]] of partners) {
      if (support < minSupport || opts.excluded?.(i, j)) continue;
      const denom = Math.sqrt(co.itemWeight[i]! * co.itemWeight[j]!);
      if (denom > 0) out.push({ item: j, sim: w / denom, support });
    }
    out.sort((a, b) => b.sim - a.sim || b.support - a.support || a.item - b.item);
    return out.slice(0, k);
  });
}

/** Reference: the dense co-occurrence XᵀX (baskets × items incidence X, rows scaled by √weight) with ml-matrix. */
export function denseCooccurrence(baskets: readonly Basket[], itemCount: number): Matrix {
  const x = new Matrix(baskets.length, itemCount);
  baskets.forEach((b, r) => b.items.forEach((i) => x.set(r, i, Math.sqrt(b.weight))));
  return x.transpose().mmul(x);
}

/** Reference cosine from a dense co-occurrence matrix (its diagonal holds n(i)). */
export function denseCosine(co: Matrix): Matrix {
  const n = co.rows;
  const out = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const d = Math.sqrt(co.get(i, i) * co.get(j, j));
      out.set(i, j, i === j || d === 0 ? 0 : co.get(i, j) / d);
    }
  }
  return out;
}

/** Weight of a basket `ageDays` old with a half-life (none: 1). */
export function decayWeight(ageDays: number, halfLifeDays: number | null): number {
  return halfLifeDays ? 0.5 ** (Math.max(0, ageDays) / halfLifeDays) : 1;
}
