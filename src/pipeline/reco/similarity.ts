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

/**
 * Co-occurrence in compressed sparse rows: item i's partners are `partner[offsets[i] .. offsets[i+1])`, with the
 * weighted count and the support of each pair. Built by sorting numeric pair keys, not by growing maps, so a million
 * lines cost about a second and little garbage.
 */
export interface Cooccurrence {
  itemWeight: Float64Array;
  itemBaskets: Uint32Array;
  offsets: Uint32Array;
  partner: Uint32Array;
  weight: Float64Array;
  support: Uint32Array;
}

export function cooccurrence(baskets: readonly Basket[], itemCount: number): Cooccurrence {
  const itemWeight = new Float64Array(itemCount);
  const itemBaskets = new Uint32Array(itemCount);
  let total = 0;
  let weighted = false;
  for (const b of baskets) {
    total += (b.items.length * (b.items.length - 1)) / 2;
    if (b.weight !== 1) weighted = true;
    for (const i of b.items) {
      itemWeight[i]! += b.weight;
      itemBaskets[i]!++;
    }
  }
  // Pair (a, b) with a < b as the number a·n + b: exact in a double for any realistic catalogue.
  const keys = new Float64Array(total);
  const weights = weighted ? new Float64Array(total) : null;
  let k = 0;
  for (const b of baskets) {
    const items = b.items;
    for (let x = 0; x < items.length; x++) {
      const ix = items[x]!;
      for (let y = x + 1; y < items.length; y++) {
        const iy = items[y]!;
        keys[k] = ix < iy ? ix * itemCount + iy : iy * itemCount + ix;
        if (weights) weights[k] = b.weight;
        k++;
      }
    }
  }
  let order: Uint32Array | null = null;
  if (weights) {
    order = new Uint32Array(total).map((_, i) => i);
    order.sort((p, q) => keys[p]! - keys[q]!);
  } else keys.sort();
  const keyAt = (i: number) => (order ? keys[order[i]!]! : keys[i]!);
  // Unique pairs with their weight and support.
  const ua = new Int32Array(total);
  const uc = new Int32Array(total);
  const uw = new Float64Array(total);
  const us = new Uint32Array(total);
  let u = 0;
  for (let i = 0; i < total; ) {
    const key = keyAt(i);
    let w = 0;
    let s = 0;
    while (i < total && keyAt(i) === key) {
      w += weights ? weights[order![i]!]! : 1;
      s++;
      i++;
    }
    ua[u] = Math.floor(key / itemCount);
    uc[u] = key - ua[u]! * itemCount;
    uw[u] = w;
    us[u] = s;
    u++;
  }
  const degree = new Uint32Array(itemCount);
  for (let x = 0; x < u; x++) {
    degree[ua[x]!]!++;
    degree[uc[x]!]!++;
  }
  const offsets = new Uint32Array(itemCount + 1);
  for (let i = 0; i < itemCount; i++) offsets[i + 1] = offsets[i]! + degree[i]!;
  const fill = offsets.slice(0, itemCount);
  const partner = new Uint32Array(offsets[itemCount]!);
  const weight = new Float64Array(offsets[itemCount]!);
  const support = new Uint32Array(offsets[itemCount]!);
  for (let x = 0; x < u; x++) {
    const a = ua[x]!;
    const c = uc[x]!;
    let at = fill[a]!++;
    partner[at] = c;
    weight[at] = uw[x]!;
    support[at] = us[x]!;
    at = fill[c]!++;
    partner[at] = a;
    weight[at] = uw[x]!;
    support[at] = us[x]!;
  }
  return { itemWeight, itemBaskets, offsets, partner, weight, support };
}

/** The weighted count and support of a pair, if it ever occurred. */
export function pairOf(co: Cooccurrence, i: number, j: number): [number, number] | undefined {
  for (let at = co.offsets[i]!; at < co.offsets[i + 1]!; at++) if (co.partner[at] === j) return [co.weight[at]!, co.support[at]!];
  return undefined;
}

/** The k most similar items of each item (by cosine, then support, then index), leaving out `excluded` pairs. */
export function topNeighbours(co: Cooccurrence, k: number, opts: { minSupport?: number; excluded?: (i: number, j: number) => boolean } = {}): Neighbour[][] {
  const minSupport = opts.minSupport ?? 1;
  const n = co.itemWeight.length;
  const out: Neighbour[][] = [];
  // Candidates of one item as positions in the CSR arrays with their cosine; objects only for the k kept.
  let maxDegree = 0;
  for (let i = 0; i < n; i++) maxDegree = Math.max(maxDegree, co.offsets[i + 1]! - co.offsets[i]!);
  const cand = new Uint32Array(maxDegree);
  const sim = new Float64Array(co.partner.length);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let at = co.offsets[i]!; at < co.offsets[i + 1]!; at++) {
      const j = co.partner[at]!;
      if (co.support[at]! < minSupport || opts.excluded?.(i, j)) continue;
      const denom = Math.sqrt(co.itemWeight[i]! * co.itemWeight[j]!);
      if (denom > 0) {
        sim[at] = co.weight[at]! / denom;
        cand[m++] = at;
      }
    }
    const list = cand.subarray(0, m);
    if (m > 1) list.sort((a, b) => sim[b]! - sim[a]! || co.support[b]! - co.support[a]! || co.partner[a]! - co.partner[b]!);
    const top: Neighbour[] = [];
    for (let x = 0; x < Math.min(k, m); x++) top.push({ item: co.partner[list[x]!]!, sim: sim[list[x]!]!, support: co.support[list[x]!]! });
    out.push(top);
  }
  return out;
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
