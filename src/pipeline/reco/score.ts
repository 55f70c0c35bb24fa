/**
 * Scoring (pure): a basket → up to k products not in it, most relevant first, each with its relevance, confidence and
 * reason; co-purchases first, then the best sellers of related sub-categories (docs/recommendations.md).
 */
import type { ItemSimModel } from './model';

export interface Recommendation {
  product_id: string;
  name: string;
  category: string;
  sub_category: string;
  unit_price: number;
  relevance: number;
  confidence: number;
  rank: number;
  fallback: boolean;
  because_product_id: string | null;
  reason: string;
}

export interface ScoreOptions {
  k?: number;
  /** Items the customer bought before: they count at half weight and are not recommended again. */
  history?: readonly string[];
  /** At most this many co-purchase recommendations; the rest is filled from sub-category best sellers. */
  coSlots?: number;
}

const pct = (x: number) => Math.round(x * 1000) / 10;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function coPurchaseReason(model: ItemSimModel, because: string, support: number): string {
  const name = model.items[because]?.name ?? because;
  return model.parameters.level === 'customer'
    ? `bought by ${plural(support, 'customer')} who also bought ${name}`
    : `bought together with ${name} in ${plural(support, 'basket')}`;
}

export function recommend(model: ItemSimModel, basket: readonly string[], opts: ScoreOptions = {}): Recommendation[] {
  const k = opts.k ?? 5;
  const group = (id: string) => model.same_item[id] ?? id;
  const owned = new Set([...basket, ...(opts.history ?? [])].map(group));
  const sources: [string, number][] = [...new Set(basket)].map((id): [string, number] => [id, 1]);
  for (const id of new Set(opts.history ?? [])) if (!basket.includes(id)) sources.push([id, 0.5]);

  const cands = new Map<string, { miss: number; best: number; support: number; because: string }>();
  for (const [src, w] of sources) {
    for (const [id, sim, support] of model.items[src]?.neighbours ?? []) {
      if (owned.has(group(id))) continue;
      const s = sim * w;
      const c = cands.get(id) ?? { miss: 1, best: -1, support: 0, because: src };
      c.miss *= 1 - s;
      if (s > c.best || (s === c.best && support > c.support)) Object.assign(c, { best: s, support, because: src });
      cands.set(id, c);
    }
  }
  const ranked = [...cands.entries()]
    .map(([id, c]) => ({ id, relevance: 1 - c.miss, support: c.support, because: c.because }))
    .sort((a, b) => b.relevance - a.relevance || b.support - a.support || a.id.localeCompare(b.id));

  const out: Recommendation[] = [];
  const taken = new Set<string>();
  /** Adds the item unless the basket or the list already has it (or its twin); the reason is made only if it is added. */
  const push = (id: string, relevance: number, confidence: number, fallback: boolean, because: string | null, reason: () => string) => {
    const g = group(id);
    if (owned.has(g) || taken.has(g) || out.length >= k) return;
    taken.add(g);
    const item = model.items[id];
    out.push({
      product_id: id,
      name: item?.name ?? id,
      category: item?.category ?? '',
      sub_category: item?.sub_category ?? '',
      unit_price: item?.unit_price ?? 0,
      relevance: pct(relevance),
      confidence: pct(confidence),
      rank: out.length + 1,
      fallback,
      because_product_id: because,
      reason: reason(),
    });
  };
  const coSlots = Math.min(opts.coSlots ?? model.parameters.co_slots ?? 2, k);
  for (const r of ranked) {
    if (out.length >= coSlots) break;
    push(r.id, r.relevance, r.support / (r.support + 2), false, r.because, () => coPurchaseReason(model, r.because, r.support));
  }
  if (out.length < k) {
    // Fill: the sub-categories bought most often with the basket's own (its own included), best sellers first,
    // one per sub-category per round so the fill is diverse.
    const basketSubs = [...new Set(basket.map((id) => model.items[id]?.sub_category).filter((x): x is string => Boolean(x)))];
    const weight = new Map<string, number>();
    for (const b of basketSubs) for (const [sub, n] of Object.entries(model.sub_category_pairs[b] ?? {})) weight.set(sub, (weight.get(sub) ?? 0) + n);
    const subs = [...weight.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([sub]) => sub);
    const lists = subs.map((sub) => model.popular_by_sub_category[sub] ?? []);
    for (let i = 0; out.length < k && lists.some((l) => i < l.length); i++) {
      for (let s = 0; s < lists.length && out.length < k; s++) {
        const id = lists[s]![i];
        if (!id) continue;
        const top = model.items[lists[s]![0]!]?.baskets || 1;
        const n = model.items[id]?.baskets ?? 0;
        push(id, 0.2 * (n / top), n / (model.sub_category_baskets[subs[s]!] || 1), true, null, () => `a best seller in ${subs[s]}, often bought with ${basketSubs.join(', ')}`);
      }
    }
    const top = model.items[model.popular[0] ?? '']?.baskets || 1;
    for (const id of model.popular) {
      if (out.length >= k) break;
      const n = model.items[id]?.baskets ?? 0;
      push(id, 0.2 * (n / top), n / (model.order_count || 1), true, null, () => 'a best seller overall');
    }
  }
  return out;
}
