/**
 * A set of string IDs in typed arrays (8 bytes of fingerprint per ID) for the half a million order IDs of a
 * million-line file; `has` may say yes for an ID never added ("possibly seen"), never no for one that was.
 */
export interface IdSet {
  add(id: string): void;
  has(id: string): boolean;
  readonly size: number;
}

/** Two 32-bit FNV-1a hashes with different offsets: one to place the ID, both to tell IDs apart. */
function hashes(id: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  // 0 marks an empty slot; fold it away.
  return [a >>> 0, (b >>> 0) || 1];
}

export function createIdSet(initialCapacity = 1024): IdSet {
  let cap = 1;
  while (cap < initialCapacity * 2) cap <<= 1;
  let hi = new Uint32Array(cap);
  let lo = new Uint32Array(cap);
  let size = 0;

  const slot = (h: number, l: number, keys: Uint32Array, tags: Uint32Array): number => {
    const mask = keys.length - 1;
    let i = h & mask;
    while (tags[i] !== 0 && !(tags[i] === l && keys[i] === h)) i = (i + 1) & mask;
    return i;
  };
  const grow = () => {
    const [oldHi, oldLo] = [hi, lo];
    hi = new Uint32Array(oldHi.length * 2);
    lo = new Uint32Array(oldLo.length * 2);
    for (let i = 0; i < oldHi.length; i++) {
      if (oldLo[i] === 0) continue;
      const j = slot(oldHi[i]!, oldLo[i]!, hi, lo);
      hi[j] = oldHi[i]!;
      lo[j] = oldLo[i]!;
    }
  };

  return {
    add(id) {
      const [h, l] = hashes(id);
      const i = slot(h, l, hi, lo);
      if (lo[i] !== 0) return;
      hi[i] = h;
      lo[i] = l;
      if (++size * 2 > hi.length) grow();
    },
    has(id) {
      const [h, l] = hashes(id);
      return lo[slot(h, l, hi, lo)] !== 0;
    },
    get size() {
      return size;
    },
  };
}
