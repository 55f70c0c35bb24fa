/** Printable summaries of a model and an evaluation (CLI, pipeline, notebooks). */
import type { Evaluation, LevelMetrics, SweepRow } from './evaluate';
import type { ItemSimModel } from './model';

export function formatModel(m: ItemSimModel): string {
  return (
    `${m.item_count.toLocaleString('en-US')} items, ${m.basket_count.toLocaleString('en-US')} ${m.parameters.level} baskets, ` +
    `${m.pair_count.toLocaleString('en-US')} co-purchased pairs; data ${m.data_window.from ?? '-'} … ${m.data_window.to ?? '-'}; ` +
    `k=${m.parameters.k}, α=${m.parameters.alpha ?? 0.5}, half-life ${m.parameters.half_life_days ?? 'none'}, min support ${m.parameters.min_support}, co-purchase slots ${m.parameters.co_slots}`
  );
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
const cell = (m: { value: number; ci95: [number, number] }) => `${pct(m.value)} [${pct(m.ci95[0])}, ${pct(m.ci95[1])}]`;

export function formatEvaluation(e: Evaluation): string {
  const rows: string[] = [
    `Train before ${e.cut}: ${e.train_orders.toLocaleString('en-US')} orders; test${e.until ? ` (until ${e.until})` : ''}: ${e.test_orders.toLocaleString('en-US')} orders, ${e.cases.toLocaleString('en-US')} leave-one-out cases; leakage ${e.leakage}`,
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

/**
 * The sweep as one line per parameter setting: the validation periods pooled (hits against popularity's, the lowest
 * coverage, sub-category hit rates), then the test period. "meets" is the issue's target: at least popularity's
 * product hits, coverage of 0.5 or more, more sub-category hits than popularity.
 */
export function formatSweep(rows: readonly SweepRow[], testCut: string): string {
  const groups = new Map<string, { validation: SweepRow[]; test: SweepRow[] }>();
  for (const r of rows) {
    const key = `${r.level} α=${r.alpha} slots=${r.co_slots}`;
    const g = groups.get(key) ?? { validation: [], test: [] };
    (r.cut < testCut ? g.validation : g.test).push(r);
    groups.set(key, g);
  }
  const sum = (rs: SweepRow[], f: (r: SweepRow) => number) => rs.reduce((s, r) => s + f(r), 0);
  const side = (rs: SweepRow[]) => {
    if (!rs.length) return '-';
    const [cases, hits, pop, sub, popSub] = [sum(rs, (r) => r.cases), sum(rs, (r) => r.hits), sum(rs, (r) => r.popularity_hits), sum(rs, (r) => r.subcategory_hits), sum(rs, (r) => r.popularity_subcategory_hits)];
    const coverage = Math.min(...rs.map((r) => r.coverage));
    const meets = hits >= pop && coverage >= 0.5 && sub > popSub;
    return `${String(hits).padStart(3)} vs ${String(pop).padStart(3)}  ${coverage.toFixed(2)}  ${pct(sub / (cases || 1)).padStart(7)} vs ${pct(popSub / (cases || 1)).padStart(7)}  ${meets ? 'meets' : ''}`;
  };
  const periods = (rs: SweepRow[]) => [...new Set(rs.map((r) => `${r.cut}…${r.until ?? 'end'}`))].join(', ');
  const first = groups.values().next().value;
  const head = `${'setting'.padEnd(30)}${'hits vs popularity, coverage, sub-category HR vs popularity'.padEnd(56)}`;
  const out = [
    `validation: ${first ? periods(first.validation) : '-'} (pooled); test: ${first ? periods(first.test) : '-'}`,
    '',
    head.trimEnd(),
    `${''.padEnd(30)}${'validation'.padEnd(56)}test`,
  ];
  for (const [key, g] of groups) out.push(`${key.padEnd(30)}${side(g.validation).padEnd(56)}${side(g.test)}`.trimEnd());
  return out.join('\n');
}
