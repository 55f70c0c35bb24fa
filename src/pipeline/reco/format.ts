/** Printable summaries of a model and an evaluation (CLI, pipeline, notebooks). */
import type { Evaluation, LevelMetrics } from './evaluate';
import type { ItemSimModel } from './model';

export function formatModel(m: ItemSimModel): string {
  return (
    `${m.item_count.toLocaleString('en-US')} items, ${m.basket_count.toLocaleString('en-US')} ${m.parameters.level} baskets, ` +
    `${m.pair_count.toLocaleString('en-US')} co-purchased pairs; data ${m.data_window.from ?? '-'} … ${m.data_window.to ?? '-'}; ` +
    `k=${m.parameters.k}, half-life ${m.parameters.half_life_days ?? 'none'}, min support ${m.parameters.min_support}, co-purchase slots ${m.parameters.co_slots}`
  );
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
const cell = (m: { value: number; ci95: [number, number] }) => `${pct(m.value)} [${pct(m.ci95[0])}, ${pct(m.ci95[1])}]`;

export function formatEvaluation(e: Evaluation): string {
  const rows: string[] = [
    `Train before ${e.cut}: ${e.train_orders.toLocaleString('en-US')} orders; test: ${e.test_orders.toLocaleString('en-US')} orders, ${e.cases.toLocaleString('en-US')} leave-one-out cases; leakage ${e.leakage}`,
    '',
    `${'level'.padEnd(12)}${'scorer'.padEnd(12)}${'HR@5'.padEnd(28)}${'precision@5'.padEnd(28)}${'recall@5'.padEnd(28)}${'NDCG@5'.padEnd(28)}coverage`,
  ];
  for (const level of ['product', 'subcategory'] as const) {
    for (const name of ['model', 'popularity', 'random'] as const) {
      const m: LevelMetrics = e[name][level];
      rows.push(`${level.padEnd(12)}${name.padEnd(12)}${cell(m.hr_at_5).padEnd(28)}${cell(m.precision_at_5).padEnd(28)}${cell(m.recall_at_5).padEnd(28)}${cell(m.ndcg_at_5).padEnd(28)}${m.coverage.toFixed(3)}`);
    }
  }
  return rows.join('\n');
}
