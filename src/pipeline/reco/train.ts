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
  /** Recommendations that may come from co-purchases (default 2, chosen by the evaluation; see docs/recommendations.md). */
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

export function trainModel(lines: readonly TrainingLine[], catalogue: readonly CatalogueItem[], opts: TrainOptions = {}): ItemSimModel {
  const level = opts.level ?? 'order';
  const k = opts.k ?? 20;
  const halfLife = opts.halfLifeDays ?? null;
  const used = opts.before ? lines.filter((l) => l.order_date < opts.before!) : lines;
  const info = new Map(catalogue.map((p) => [p.product_id, p]));
  const ids: string[] = [];
  const index = new Map<string, number>();
  const idx = (id: string) => {
    let i = index.get(id);
    if (i === undefined) {
      index.set(id, (i = ids.length));
      ids.push(id);
    }
    return i;
  };
  let from: string | null = null;
  let to: string | null = null;
  const groups = new Map<string, { items: Set<number>; last: string }>();
  const orders = new Map<string, Set<number>>();
  for (const l of used) {
    const i = idx(l.product_id);
    if (from === null || l.order_date < from) from = l.order_date;
    if (to === null || l.order_date > to) to = l.order_date;
    const key = level === 'order' ? l.sale_id : l.customer_id;
    const g = groups.get(key) ?? { items: new Set<number>(), last: l.order_date };
    g.items.add(i);
    if (l.order_date > g.last) g.last = l.order_date;
    groups.set(key, g);
    const o = orders.get(l.sale_id) ?? new Set<number>();
    o.add(i);
    orders.set(l.sale_id, o);
  }
  const end = to ? Date.parse(to) : 0;
  const baskets: Basket[] = [...groups.values()].map((g) => ({ items: [...g.items], weight: decayWeight((end - Date.parse(g.last)) / dayMs, halfLife) }));
  const same = sameItemGroups(catalogue);
  const co = cooccurrence(baskets, ids.length);
  const neighbours = topNeighbours(co, k, {
    minSupport: opts.minSupport ?? 1,
    excluded: (i, j) => same[ids[i]!] !== undefined && same[ids[i]!] === same[ids[j]!],
  });

  // Popularity counts orders at any level: "what sells", for fallbacks and the baseline.
  const popularity = new Uint32Array(ids.length);
  for (const o of orders.values()) for (const i of o) popularity[i]!++;
  const byPopularity = ids.map((_, i) => i).sort((a, b) => popularity[b]! - popularity[a]! || ids[a]!.localeCompare(ids[b]!));
  const popularBySub: Record<string, string[]> = {};
  const subBaskets: Record<string, number> = {};
  for (const i of byPopularity) {
    const sub = info.get(ids[i]!)?.sub_category ?? '';
    const list = (popularBySub[sub] ??= []);
    if (list.length < 20) list.push(ids[i]!);
  }
  const subPairs: Record<string, Record<string, number>> = {};
  for (const o of orders.values()) {
    const subs = [...o].map((i) => info.get(ids[i]!)?.sub_category ?? '');
    const distinct = [...new Set(subs)];
    for (const a of distinct) {
      subBaskets[a] = (subBaskets[a] ?? 0) + 1;
      const row = (subPairs[a] ??= {});
      for (const b of distinct) if (a !== b || subs.filter((x) => x === a).length > 1) row[b] = (row[b] ?? 0) + 1;
    }
  }

  const items: Record<string, ModelItem> = {};
  let pairCount = 0;
  ids.forEach((id, i) => {
    const p = info.get(id);
    pairCount += co.pairs[i]!.size;
    items[id] = {
      name: p?.name ?? id,
      category: p?.category ?? '',
      sub_category: p?.sub_category ?? '',
      unit_price: p?.unit_price ?? 0,
      baskets: popularity[i]!,
      neighbours: neighbours[i]!.map((n) => [ids[n.item]!, Math.round(n.sim * 1e6) / 1e6, n.support]),
    };
  });
  return {
    format_version: MODEL_FORMAT_VERSION,
    trained_at: (opts.now ?? new Date()).toISOString(),
    data_window: { from, to, before: opts.before ?? null },
    parameters: { level, k, half_life_days: halfLife, min_support: opts.minSupport ?? 1, co_slots: opts.coSlots ?? 2 },
    item_count: ids.length,
    basket_count: baskets.length,
    order_count: orders.size,
    pair_count: pairCount / 2,
    items,
    popular: byPopularity.slice(0, 50).map((i) => ids[i]!),
    popular_by_sub_category: popularBySub,
    sub_category_pairs: subPairs,
    sub_category_baskets: subBaskets,
    same_item: same,
  };
}
