/**
 * Offline evaluation (pure): leave-one-out over the orders after a cut day, hit rate, precision, recall and NDCG at 5
 * at product and sub-category level with bootstrap intervals, for the model, popularity and random.
 */
import path from 'node:path';
import { writeFileAtomic } from '../../io/atomic';
import { createRandom } from '../source/generate';
import type { ItemSimModel } from './model';
import { recommend } from './score';
import { trainModel, type CatalogueItem, type TrainingLine, type TrainOptions } from './train';

export interface Metric {
  value: number;
  ci95: [number, number];
}

export interface LevelMetrics {
  hr_at_5: Metric;
  precision_at_5: Metric;
  recall_at_5: Metric;
  ndcg_at_5: Metric;
  coverage: number;
}

export interface ScorerResult {
  product: LevelMetrics;
  subcategory: LevelMetrics;
}

export interface Evaluation {
  cut: string;
  /** End of the test period (exclusive); null: everything from the cut on. */
  until: string | null;
  cases: number;
  train_orders: number;
  test_orders: number;
  /** Test orders whose lines were seen in training. Always 0; the evaluation refuses to run otherwise. */
  leakage: number;
  parameters: ItemSimModel['parameters'];
  model: ScorerResult;
  popularity: ScorerResult;
  random: ScorerResult;
}

export interface EvalCase {
  basket: string[];
  target: string;
}

export class LeakageError extends Error {
  override name = 'LeakageError';
}

const K = 5;

/** Splits by order day; an order's lines all share its day, so no order can be on both sides. */
export function splitByDate(lines: readonly TrainingLine[], cut: string): { train: TrainingLine[]; test: TrainingLine[] } {
  const train = lines.filter((l) => l.order_date < cut);
  const test = lines.filter((l) => l.order_date >= cut);
  const trainOrders = new Set(train.map((l) => l.sale_id));
  const leaked = new Set(test.filter((l) => trainOrders.has(l.sale_id)).map((l) => l.sale_id));
  if (leaked.size) throw new LeakageError(`${leaked.size} test order(s) also have lines in training, e.g. ${[...leaked][0]}`);
  return { train, test };
}

export function leaveOneOutCases(test: readonly TrainingLine[]): EvalCase[] {
  const orders = new Map<string, string[]>();
  for (const l of test) {
    const items = orders.get(l.sale_id) ?? [];
    if (!items.includes(l.product_id)) items.push(l.product_id);
    orders.set(l.sale_id, items);
  }
  const cases: EvalCase[] = [];
  for (const id of [...orders.keys()].sort()) {
    const items = orders.get(id)!;
    if (items.length < 2) continue;
    for (const target of items) cases.push({ basket: items.filter((x) => x !== target), target });
  }
  return cases;
}

type Scorer = (basket: string[]) => string[];

const idcgSub = Array.from({ length: K }, (_, i) => 1 / Math.log2(i + 2)).reduce((s, x) => s + x, 0);

function bootstrap(values: Float64Array, seed: number, rounds = 500): [number, number] {
  if (!values.length) return [0, 0];
  const rnd = createRandom(seed);
  const means: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let s = 0;
    for (let i = 0; i < values.length; i++) s += values[Math.floor(rnd() * values.length)]!;
    means.push(s / values.length);
  }
  means.sort((a, b) => a - b);
  return [means[Math.floor(0.025 * rounds)]!, means[Math.min(rounds - 1, Math.ceil(0.975 * rounds) - 1)]!];
}

const round = (x: number) => Math.round(x * 1e5) / 1e5;

function metric(values: Float64Array, seed: number): Metric {
  const mean = values.reduce((s, x) => s + x, 0) / (values.length || 1);
  const [lo, hi] = bootstrap(values, seed);
  return { value: round(mean), ci95: [round(lo), round(hi)] };
}

export function scoreCases(cases: readonly EvalCase[], scorer: Scorer, subOf: (id: string) => string, catalogue: { products: number; subcategories: number }, seed = 7): ScorerResult {
  const n = cases.length;
  const p = { hr: new Float64Array(n), prec: new Float64Array(n), rec: new Float64Array(n), ndcg: new Float64Array(n) };
  const s = { hr: new Float64Array(n), prec: new Float64Array(n), rec: new Float64Array(n), ndcg: new Float64Array(n) };
  const shownProducts = new Set<string>();
  const shownSubs = new Set<string>();
  cases.forEach((c, i) => {
    const recs = scorer(c.basket).slice(0, K);
    const targetSub = subOf(c.target);
    const rank = recs.indexOf(c.target);
    if (rank >= 0) {
      p.hr[i] = 1;
      p.prec[i] = 1 / K;
      p.rec[i] = 1;
      p.ndcg[i] = 1 / Math.log2(rank + 2);
    }
    let inSub = 0;
    let dcg = 0;
    recs.forEach((r, j) => {
      shownProducts.add(r);
      shownSubs.add(subOf(r));
      if (subOf(r) === targetSub) {
        inSub++;
        dcg += 1 / Math.log2(j + 2);
      }
    });
    s.hr[i] = inSub ? 1 : 0;
    s.prec[i] = inSub / K;
    s.rec[i] = inSub ? 1 : 0;
    s.ndcg[i] = dcg / idcgSub;
  });
  const level = (m: typeof p, coverage: number, salt: number): LevelMetrics => ({
    hr_at_5: metric(m.hr, seed + salt),
    precision_at_5: metric(m.prec, seed + salt + 1),
    recall_at_5: metric(m.rec, seed + salt + 2),
    ndcg_at_5: metric(m.ndcg, seed + salt + 3),
    coverage: round(coverage),
  });
  return {
    product: level(p, shownProducts.size / (catalogue.products || 1), 0),
    subcategory: level(s, shownSubs.size / (catalogue.subcategories || 1), 10),
  };
}

export function popularityScorer(model: ItemSimModel): Scorer {
  return (basket) => {
    const owned = new Set(basket);
    return model.popular.filter((id) => !owned.has(id)).slice(0, K);
  };
}

export function randomScorer(items: readonly string[], seed: number): Scorer {
  const rnd = createRandom(seed);
  return (basket) => {
    const owned = new Set(basket);
    const out: string[] = [];
    while (out.length < K && out.length < items.length - owned.size) {
      const id = items[Math.floor(rnd() * items.length)]!;
      if (!owned.has(id) && !out.includes(id)) out.push(id);
    }
    return out;
  };
}

/** Lines ordered before `until` (all of them without it): the end of a test period. */
const upTo = (lines: readonly TrainingLine[], until: string | null | undefined) => (until ? lines.filter((l) => l.order_date < until) : lines);

export function evaluateModel(lines: readonly TrainingLine[], catalogue: readonly CatalogueItem[], cut: string, opts: TrainOptions = {}, until: string | null = null): Evaluation {
  const { train, test } = splitByDate(upTo(lines, until), cut);
  const model = trainModel(train, catalogue, { ...opts, before: cut });
  const cases = leaveOneOutCases(test);
  const sub = new Map(catalogue.map((p) => [p.product_id, p.sub_category]));
  const subOf = (id: string) => sub.get(id) ?? '';
  const items = Object.keys(model.items).sort();
  const cat = { products: items.length, subcategories: new Set(items.map(subOf)).size };
  return {
    cut,
    until,
    cases: cases.length,
    train_orders: new Set(train.map((l) => l.sale_id)).size,
    test_orders: new Set(test.map((l) => l.sale_id)).size,
    leakage: 0,
    parameters: model.parameters,
    model: scoreCases(cases, (b) => recommend(model, b).map((r) => r.product_id), subOf, cat),
    popularity: scoreCases(cases, popularityScorer(model), subOf, cat),
    random: scoreCases(cases, randomScorer(items, 42), subOf, cat),
  };
}

export interface SweepPeriod {
  /** First day of the test period; training uses everything before it. */
  cut: string;
  /** End of the test period (exclusive); null: to the end of the data. */
  until: string | null;
}

export interface SweepRow {
  cut: string;
  until: string | null;
  level: NonNullable<TrainOptions['level']>;
  alpha: number;
  co_slots: number;
  cases: number;
  /** Cases whose held-out product is among the 5: the model's and the popularity baseline's. */
  hits: number;
  popularity_hits: number;
  coverage: number;
  subcategory_hits: number;
  popularity_subcategory_hits: number;
}

/**
 * Every combination of basket level, α and co-purchase slots on every period, counted in hits (no intervals: this
 * is for choosing, and the counts are what the choice rests on). Used to pick the defaults on validation periods
 * before the test period, never on the test period itself (docs/recommendations.md).
 */
export function sweepParameters(
  lines: readonly TrainingLine[],
  catalogue: readonly CatalogueItem[],
  periods: readonly SweepPeriod[],
  grid: { levels: readonly NonNullable<TrainOptions['level']>[]; alphas: readonly number[]; coSlots: readonly number[] },
  opts: TrainOptions = {},
): SweepRow[] {
  const sub = new Map(catalogue.map((p) => [p.product_id, p.sub_category]));
  const subOf = (id: string) => sub.get(id) ?? '';
  const rows: SweepRow[] = [];
  for (const { cut, until } of periods) {
    const { train, test } = splitByDate(upTo(lines, until), cut);
    const cases = leaveOneOutCases(test);
    /** Product hits, sub-category hits and distinct products shown by one scorer over the period's cases. */
    const tally = (scorer: Scorer) => {
      const shown = new Set<string>();
      let hits = 0;
      let subHits = 0;
      for (const c of cases) {
        const recs = scorer(c.basket);
        for (const r of recs) shown.add(r);
        if (recs.includes(c.target)) hits++;
        if (recs.some((r) => subOf(r) === subOf(c.target))) subHits++;
      }
      return { hits, subHits, shown: shown.size };
    };
    for (const level of grid.levels) {
      for (const alpha of grid.alphas) {
        const model = trainModel(train, catalogue, { ...opts, level, alpha, before: cut });
        const popularity = tally(popularityScorer(model));
        for (const coSlots of grid.coSlots) {
          const m = tally((basket) => recommend(model, basket, { coSlots }).map((r) => r.product_id));
          rows.push({
            cut,
            until,
            level,
            alpha,
            co_slots: coSlots,
            cases: cases.length,
            hits: m.hits,
            popularity_hits: popularity.hits,
            coverage: round(m.shown / (model.item_count || 1)),
            subcategory_hits: m.subHits,
            popularity_subcategory_hits: popularity.subHits,
          });
        }
      }
    }
  }
  return rows;
}

/** Writes `models/eval.json`: `{ evaluated_at, cut, cases, …, model, popularity, random }`. Returns the path. */
export function writeEvaluation(modelsDir: string, e: Evaluation, now = new Date()): string {
  const file = path.join(modelsDir, 'eval.json');
  writeFileAtomic(file, JSON.stringify({ evaluated_at: now.toISOString(), ...e }, null, 2));
  return file;
}
