/** Training (pure): lines from the lake + product master data → the item-item model. */
import { cooccurrence, decayWeight, topNeighbours, type Basket } from './similarity';
import { MODEL_FORMAT_VERSION, type BasketLevel, type ItemSimModel, type ModelItem } from './model';

export interface TrainingLine {
  sale_id: string;
  customer_id: string;
  product_id: string;
  order_date: string;
}

export interface CatalogueItem {
  product_id: string;
  name: string;
  alt_names?: string[];
  category: string;
  sub_category: string;
  unit_price: number;
}

export interface TrainOptions {
  level?: BasketLevel;
  /** Neighbours kept per item. */
  k?: number;
  /** Older baskets count less: weight ½ every `halfLifeDays` before the newest training day. */
  halfLifeDays?: number | null;
  minSupport?: number;
  /** The asymmetric cosine's α: ½ is the cosine; larger penalises popular neighbours less (see similarity.ts). */
  alpha?: number;
  /** Recommendations that may come from co-purchases (see DEFAULT_TRAINING). */
  coSlots?: number;
  /** Only lines ordered strictly before this day (YYYY-MM-DD) are used. */
  before?: string;
  now?: Date;
}

const nameKey = (name: string) => name.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * "Same item" groups: IDs that share a name, directly or through the source's alternative names. The Superstore
 * has 16 names under two IDs; such twins must never recommend each other.
 */
export function sameItemGroups(catalogue: readonly CatalogueItem[]): Record<string, string> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const union = (a: string, b: string) => {
    for (const x of [a, b]) if (!parent.has(x)) parent.set(x, x);
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };
  for (const p of catalogue) for (const n of [p.name, ...(p.alt_names ?? [])]) union(`id:${p.product_id}`, `name:${nameKey(n)}`);
  const members = new Map<string, string[]>();
  for (const p of catalogue) {
    const root = find(`id:${p.product_id}`);
    members.set(root, [...(members.get(root) ?? []), p.product_id]);
  }
  const out: Record<string, string> = {};
  for (const ids of members.values()) {
    if (ids.length < 2) continue;
    const key = [...ids].sort()[0]!;
    for (const id of ids) out[id] = key;
  }
  return out;
}

const dayMs = 86_400_000;

/**
 * Per sub-category: the orders it appears in, and how often each other sub-category (or itself, through two different
 * items) appears in the same order. Counted over integer sub-category numbers; keys keep first-seen order.
 */
export function subCategoryPairs(orderItems: readonly number[][], subOfItem: readonly string[]) {
  const names: string[] = [];
  const number = new Map<string, number>();
  const itemSub = Int32Array.from(subOfItem, (name) => {
    let x = number.get(name);
    if (x === undefined) {
      number.set(name, (x = names.length));
      names.push(name);
    }
    return x;
  });
  const S = names.length;
  const pairs = new Uint32Array(S * S);
  const baskets = new Uint32Array(S);
  const rows: number[] = [];
  const cols: number[][] = Array.from({ length: S }, () => []);
  const items = new Int32Array(S);
  const touched: number[] = [];
  for (const o of orderItems) {
    touched.length = 0;
    for (const i of o) if (items[itemSub[i]!]!++ === 0) touched.push(itemSub[i]!);
    for (const a of touched) {
      if (baskets[a]!++ === 0) rows.push(a);
      for (const b of touched) if ((a !== b || items[a]! > 1) && pairs[a * S + b]!++ === 0) cols[a]!.push(b);
    }
    for (const a of touched) items[a] = 0;
  }
  const subBaskets: Record<string, number> = {};
  const subPairs: Record<string, Record<string, number>> = {};
  for (const a of rows) {
    subBaskets[names[a]!] = baskets[a]!;
    const row: Record<string, number> = {};
    for (const b of cols[a]!) row[names[b]!] = pairs[a * S + b]!;
    subPairs[names[a]!] = row;
  }
  return { subBaskets, subPairs };
}

/**
 * The defaults, chosen on validation years before the 2017 test period (docs/recommendations.md, "Why the
 * blend, and how the parameters were chosen"): customer baskets, α = 0.75, two co-purchase slots.
 */
export const DEFAULT_TRAINING = { level: 'customer', k: 20, alpha: 0.75, minSupport: 1, coSlots: 2 } as const satisfies TrainOptions;

/**
 * The lines as integer columns: each line's item, basket and order number. A million lines make a few typed arrays,
 * not a million objects. Items are numbered in product_id order (`ids`), so ties everywhere break the same way
 * whatever order the lines came in.
 */
interface IndexedLines {
  ids: string[];
  lineItem: Int32Array;
  lineBasket: Int32Array;
  /** The same array as lineBasket at the order level. */
  lineOrder: Int32Array;
  basketCount: number;
  orderCount: number;
  /** Each basket's newest day, for time decay. */
  basketLast: string[];
  from: string | null;
  to: string | null;
}

function indexLines(used: readonly TrainingLine[], level: BasketLevel): IndexedLines {
  const n = used.length;
  const lineItem = new Int32Array(n);
  const lineBasket = new Int32Array(n);
  const lineOrder = level === 'order' ? lineBasket : new Int32Array(n);
  const firstSeen = new Map<string, number>();
  const basketIndex = new Map<string, number>();
  const orderIndex = level === 'order' ? basketIndex : new Map<string, number>();
  const basketLast: string[] = [];
  let from: string | null = null;
  let to: string | null = null;
  let lastKey: string | undefined;
  let lastBasket: number | undefined;
  let lastSale: string | undefined;
  let lastOrder: number | undefined;
  for (let r = 0; r < n; r++) {
    const l = used[r]!;
    let item = firstSeen.get(l.product_id);
    if (item === undefined) firstSeen.set(l.product_id, (item = firstSeen.size));
    lineItem[r] = item;
    const day = l.order_date;
    if (from === null || day < from) from = day;
    if (to === null || day > to) to = day;
    const key = level === 'order' ? l.sale_id : l.customer_id;
    // Lines usually come grouped by sale: the previous line's basket saves a lookup in a map of half a million.
    let b = key === lastKey ? lastBasket : basketIndex.get(key);
    lastKey = key;
    if (b === undefined) {
      basketIndex.set(key, (b = basketIndex.size));
      basketLast.push(day);
    } else if (day > basketLast[b]!) basketLast[b] = day;
    lineBasket[r] = lastBasket = b;
    if (level !== 'order') {
      let o = l.sale_id === lastSale ? lastOrder : orderIndex.get(l.sale_id);
      lastSale = l.sale_id;
      if (o === undefined) orderIndex.set(l.sale_id, (o = orderIndex.size));
      lineOrder[r] = lastOrder = o;
    }
  }
  const seen = [...firstSeen.keys()];
  const ids = [...seen].sort();
  const rank = new Map(ids.map((id, i) => [id, i]));
  const renumber = Int32Array.from(seen, (id) => rank.get(id)!);
  for (let r = 0; r < n; r++) lineItem[r] = renumber[lineItem[r]!]!;
  return { ids, lineItem, lineBasket, lineOrder, basketCount: basketIndex.size, orderCount: orderIndex.size, basketLast, from, to };
}

/** Distinct items per group (basket or order) in line order, grouped by a counting sort over the group column. */
function distinctItemsBy(col: Int32Array, groups: number, lineItem: Int32Array, itemCount: number): number[][] {
  const n = col.length;
  const start = new Int32Array(groups + 1);
  for (let r = 0; r < n; r++) start[col[r]! + 1]!++;
  for (let g = 0; g < groups; g++) start[g + 1]! += start[g]!;
  const at = start.slice(0, groups);
  const flat = new Int32Array(n);
  for (let r = 0; r < n; r++) flat[at[col[r]!]!++] = lineItem[r]!;
  const mark = new Int32Array(itemCount).fill(-1);
  const out: number[][] = new Array(groups);
  for (let g = 0; g < groups; g++) {
    const items: number[] = [];
    for (let x = start[g]!; x < start[g + 1]!; x++) {
      const it = flat[x]!;
      if (mark[it] !== g) {
        mark[it] = g;
        items.push(it);
      }
    }
    out[g] = items;
  }
  return out;
}

/** Twins as a group number per item (-1: none), so the exclusion test is two array reads. */
function twinGroups(ids: readonly string[], same: Record<string, string>): Int32Array {
  const groupNo = new Map<string, number>();
  return Int32Array.from(ids, (id) => {
    const key = same[id];
    if (key === undefined) return -1;
    let g = groupNo.get(key);
    if (g === undefined) groupNo.set(key, (g = groupNo.size));
    return g;
  });
}

/**
 * Popularity counts orders at any level ("what sells", for fallbacks and the baseline): the orders holding each
 * item, the items most bought first, and the 20 most bought of each sub-category.
 */
function popularityOf(orderItems: readonly number[][], ids: readonly string[], subOf: readonly string[]) {
  const count = new Uint32Array(ids.length);
  for (const o of orderItems) for (const i of o) count[i]!++;
  // Ties by index, which is product_id order (localeCompare here costs seconds at 50,000 products).
  const ranked = ids.map((_, i) => i).sort((a, b) => count[b]! - count[a]! || a - b);
  const bySub: Record<string, string[]> = {};
  for (const i of ranked) {
    const list = (bySub[subOf[i]!] ??= []);
    if (list.length < 20) list.push(ids[i]!);
  }
  return { count, ranked, bySub };
}

export function trainModel(lines: readonly TrainingLine[], catalogue: readonly CatalogueItem[], opts: TrainOptions = {}): ItemSimModel {
  const level = opts.level ?? DEFAULT_TRAINING.level;
  const k = opts.k ?? DEFAULT_TRAINING.k;
  const alpha = opts.alpha ?? DEFAULT_TRAINING.alpha;
  const minSupport = opts.minSupport ?? DEFAULT_TRAINING.minSupport;
  const halfLife = opts.halfLifeDays ?? null;
  const used = opts.before ? lines.filter((l) => l.order_date < opts.before!) : lines;
  const info = new Map(catalogue.map((p) => [p.product_id, p]));
  const x = indexLines(used, level);
  const { ids } = x;

  const basketItems = distinctItemsBy(x.lineBasket, x.basketCount, x.lineItem, ids.length);
  const orderItems = level === 'order' ? basketItems : distinctItemsBy(x.lineOrder, x.orderCount, x.lineItem, ids.length);
  const end = x.to ? Date.parse(x.to) : 0;
  const baskets: Basket[] = basketItems.map((items, b) => ({ items, weight: halfLife ? decayWeight((end - Date.parse(x.basketLast[b]!)) / dayMs, halfLife) : 1 }));
  const same = sameItemGroups(catalogue);
  const twin = twinGroups(ids, same);
  const co = cooccurrence(baskets, ids.length);
  const neighbours = topNeighbours(co, k, { minSupport, alpha, excluded: (i, j) => twin[i]! >= 0 && twin[i] === twin[j] });

  const subOf = ids.map((id) => info.get(id)?.sub_category ?? '');
  const popularity = popularityOf(orderItems, ids, subOf);
  const { subBaskets, subPairs } = subCategoryPairs(orderItems, subOf);

  const items: Record<string, ModelItem> = {};
  ids.forEach((id, i) => {
    const p = info.get(id);
    items[id] = {
      name: p?.name ?? id,
      category: p?.category ?? '',
      sub_category: p?.sub_category ?? '',
      unit_price: p?.unit_price ?? 0,
      baskets: popularity.count[i]!,
      neighbours: neighbours[i]!.map((n) => [ids[n.item]!, Math.round(n.sim * 1e6) / 1e6, n.support]),
    };
  });
  return {
    format_version: MODEL_FORMAT_VERSION,
    trained_at: (opts.now ?? new Date()).toISOString(),
    data_window: { from: x.from, to: x.to, before: opts.before ?? null },
    parameters: { level, k, half_life_days: halfLife, min_support: minSupport, alpha, co_slots: opts.coSlots ?? DEFAULT_TRAINING.coSlots },
    item_count: ids.length,
    basket_count: baskets.length,
    order_count: orderItems.length,
    pair_count: co.partner.length / 2,
    items,
    popular: popularity.ranked.slice(0, 50).map((i) => ids[i]!),
    popular_by_sub_category: popularity.bySub,
    sub_category_pairs: subPairs,
    sub_category_baskets: subBaskets,
    same_item: same,
  };
}
