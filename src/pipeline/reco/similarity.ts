/**
 * Item-item similarity from baskets, computed sparsely (only pairs bought together are touched): co-occurrence,
 * cosine and the asymmetric cosine; `denseCooccurrence` is the ml-matrix reference the tests compare against.
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
 * weighted count and the support of each pair. Built without a sort or a map: every basket scatters its pairs into
 * per-item rows (a counting sort by item, reading the baskets in order), then each row's repeats are merged with a
 * dense scratch array. Linear in the pairs, which matters at the customer level, where a million lines make
 * eleven million of them.
 */
export interface Cooccurrence {
  itemWeight: Float64Array;
  itemBaskets: Uint32Array;
  offsets: Uint32Array;
  partner: Uint32Array;
  /** The support itself when every basket weighs 1 (no decay): one array less of the largest size. */
  weight: Float64Array | Uint32Array;
  support: Uint32Array;
}

export function cooccurrence(baskets: readonly Basket[], itemCount: number): Cooccurrence {
  const itemWeight = new Float64Array(itemCount);
  const itemBaskets = new Uint32Array(itemCount);
  // Each item's row holds one entry per other item of each basket it is in.
  const rowStart = new Uint32Array(itemCount + 1);
  let weighted = false;
  for (const b of baskets) {
    if (b.weight !== 1) weighted = true;
    const others = b.items.length - 1;
    for (const i of b.items) {
      itemWeight[i]! += b.weight;
      itemBaskets[i]!++;
      rowStart[i + 1]! += others;
    }
  }
  for (let i = 0; i < itemCount; i++) rowStart[i + 1]! += rowStart[i]!;
  const raw = new Uint32Array(rowStart[itemCount]!);
  const rawWeight = weighted ? new Float64Array(raw.length) : null;
  const fill = rowStart.slice(0, itemCount);
  for (const b of baskets) {
    const items = b.items;
    for (let x = 0; x < items.length; x++) {
      const i = items[x]!;
      for (let y = 0; y < items.length; y++) {
        if (x === y) continue;
        const at = fill[i]!++;
        raw[at] = items[y]!;
        if (rawWeight) rawWeight[at] = b.weight;
      }
    }
  }
  // Merge each row: a first pass counts its distinct partners (so the outputs are allocated at their exact size, and
  // no array as long as the raw pairs is made twice), a second gathers the counts through a per-partner slot.
  const offsets = new Uint32Array(itemCount + 1);
  const slot = new Int32Array(itemCount).fill(-1);
  for (let i = 0; i < itemCount; i++) {
    let distinct = 0;
    for (let x = rowStart[i]!; x < rowStart[i + 1]!; x++) {
      const j = raw[x]!;
      if (slot[j] !== i) {
        slot[j] = i;
        distinct++;
      }
    }
    offsets[i + 1] = offsets[i]! + distinct;
  }
  const total = offsets[itemCount]!;
  const partner = new Uint32Array(total);
  const support = new Uint32Array(total);
  const merged = rawWeight ? new Float64Array(total) : null;
  slot.fill(-1);
  for (let i = 0; i < itemCount; i++) {
    const first = offsets[i]!;
    let out = first;
    for (let x = rowStart[i]!; x < rowStart[i + 1]!; x++) {
      const j = raw[x]!;
      let at = slot[j]!;
      if (at < first) {
        at = out++;
        slot[j] = at;
        partner[at] = j;
      }
      support[at]!++;
      if (merged) merged[at]! += rawWeight![x]!;
    }
  }
  return { itemWeight, itemBaskets, offsets, partner, weight: merged ?? support, support };
}

/** The weighted count and support of a pair, if it ever occurred. */
export function pairOf(co: Cooccurrence, i: number, j: number): [number, number] | undefined {
  for (let at = co.offsets[i]!; at < co.offsets[i + 1]!; at++) if (co.partner[at] === j) return [co.weight[at]!, co.support[at]!];
  return undefined;
}

/**
 * The k most similar items of each item (by sim_α, then support, then index), leaving out `excluded` pairs.
 * `alpha` defaults to ½, the cosine.
 */
export function topNeighbours(co: Cooccurrence, k: number, opts: { minSupport?: number; alpha?: number; excluded?: (i: number, j: number) => boolean } = {}): Neighbour[][] {
  const minSupport = opts.minSupport ?? 1;
  const alpha = opts.alpha ?? 0.5;
  const n = co.itemWeight.length;
  // n(i)^α and n(j)^(1−α) once per item, not once per pair (the cosine keeps its exact √(n(i)·n(j))).
  const left = alpha === 0.5 ? null : co.itemWeight.map((w) => w ** alpha);
  const right = alpha === 0.5 ? null : co.itemWeight.map((w) => w ** (1 - alpha));
  const { partner, support } = co;
  const out: Neighbour[][] = [];
  // Candidates of one item as positions in the CSR arrays with their similarity; objects only for the k kept.
  let maxDegree = 0;
  for (let i = 0; i < n; i++) maxDegree = Math.max(maxDegree, co.offsets[i + 1]! - co.offsets[i]!);
  const cand = new Uint32Array(maxDegree);
  const sim = new Float64Array(maxDegree);
  /** Whether candidate x ranks before candidate y: higher similarity, then support, then lower index. */
  const before = (x: number, y: number) =>
    sim[x]! > sim[y]! || (sim[x] === sim[y] && (support[cand[x]!]! > support[cand[y]!]! || (support[cand[x]!] === support[cand[y]!] && partner[cand[x]!]! < partner[cand[y]!]!)));
  const heap = new Uint32Array(k);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let at = co.offsets[i]!; at < co.offsets[i + 1]!; at++) {
      const j = partner[at]!;
      if (support[at]! < minSupport || opts.excluded?.(i, j)) continue;
      const denom = left ? left[i]! * right![j]! : Math.sqrt(co.itemWeight[i]! * co.itemWeight[j]!);
      if (denom > 0) {
        sim[m] = co.weight[at]! / denom;
        cand[m++] = at;
      }
    }
    // The k best by a heap whose root is the worst kept (a customer-level item can have thousands of partners).
    let h = 0;
    for (let x = 0; x < m; x++) {
      if (h < k) {
        let c = h++;
        heap[c] = x;
        while (c > 0) {
          const p = (c - 1) >> 1;
          if (!before(heap[p]!, heap[c]!)) break;
          [heap[p], heap[c]] = [heap[c]!, heap[p]!];
          c = p;
        }
      } else if (k > 0 && before(x, heap[0]!)) {
        heap[0] = x;
        for (let c = 0; ; ) {
          const a = 2 * c + 1;
          if (a >= h) break;
          const worse = a + 1 < h && before(heap[a]!, heap[a + 1]!) ? a + 1 : a;
          if (!before(heap[c]!, heap[worse]!)) break;
          [heap[c], heap[worse]] = [heap[worse]!, heap[c]!];
          c = worse;
        }
      }
    }
    const kept = Array.from(heap.subarray(0, h)).sort((x, y) => (before(x, y) ? -1 : before(y, x) ? 1 : 0));
    out.push(kept.map((x) => ({ item: partner[cand[x]!]!, sim: sim[x]!, support: support[cand[x]!]! })));
  }
  return out;
}

/** Reference: the dense co-occurrence XᵀX (baskets × items incidence X, rows scaled by √weight) with ml-matrix. */
export function denseCooccurrence(baskets: readonly Basket[], itemCount: number): Matrix {
  const x = new Matrix(baskets.length, itemCount);
  baskets.forEach((b, r) => b.items.forEach((i) => x.set(r, i, Math.sqrt(b.weight))));
  return x.transpose().mmul(x);
}

/** Reference sim_α (default: the cosine) from a dense co-occurrence matrix (its diagonal holds n(i)). */
export function denseCosine(co: Matrix, alpha = 0.5): Matrix {
  const n = co.rows;
  const out = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const d = co.get(i, i) ** alpha * co.get(j, j) ** (1 - alpha);
      out.set(i, j, i === j || d === 0 ? 0 : co.get(i, j) / d);
    }
  }
  return out;
}

/** Weight of a basket `ageDays` old with a half-life (none: 1). */
export function decayWeight(ageDays: number, halfLifeDays: number | null): number {
  return halfLifeDays ? 0.5 ** (Math.max(0, ageDays) / halfLifeDays) : 1;
}
