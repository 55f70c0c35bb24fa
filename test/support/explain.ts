/**
 * Reading `explain` output to prove a query uses an index, on every engine we support.
 *
 * MongoDB 7 and Atlas nest the plan differently by command and executor: `queryPlanner.winningPlan` (classic),
 * `winningPlan.queryPlan` (slot-based), `winningPlan.shards[]` (sharded), `stages[0].$cursor` (aggregate). DocumentDB's
 * gateway answers in the same vocabulary, translated from PostgreSQL's plan: an indexed equality filter gives
 * `queryPlanner.winningPlan = { stage: 'FETCH', inputStage: { stage: 'IXSCAN', indexName: 'k_1', indexFilterSet: [...] } }`
 * and an aggregate puts that under `stages[0].$cursor.queryPlanner`. Rather than know every path, walk the whole
 * document for a plan stage that names an index, skipping the plans the optimiser rejected.
 *
 * Prove with a secondary index, not `_id_`: DocumentDB may report a whole-collection walk of its primary key (a sort
 * with no filter) as an IXSCAN of `_id_`. And DocumentDB does not read an index to satisfy a sort by default
 * (`documentdb.enableIndexOrderbyPushdown` is off), so sort + limit shows a SORT stage there even when an index matches.
 */

/** Plans the optimiser considered and did not run: an index named there proves nothing. */
const notRun = new Set(['rejectedPlans', 'allPlansExecution']);

/** Names of the indexes that the plan (or its execution stats) reads, in the order they appear, without repeats. */
export function indexesUsed(explain: unknown): string[] {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const rec = node as Record<string, unknown>;
    // A stage with an index name is an index read (IXSCAN, COUNT_SCAN, DISTINCT_SCAN, EXPRESS_IXSCAN, an indexed
    // $lookup...); a COLLSCAN never names one, but DocumentDB reports a primary-key scan with no _id filter as COLLSCAN.
    if (typeof rec.stage === 'string' && typeof rec.indexName === 'string' && rec.stage !== 'COLLSCAN') found.add(rec.indexName);
    for (const [key, value] of Object.entries(rec)) if (!notRun.has(key)) walk(value);
  };
  walk(explain);
  return [...found];
}

/** Does the plan read the named index? Pass what `cursor.explain()` or the `explain` command returned. */
export function usesIndex(explain: unknown, indexName: string): boolean {
  return indexesUsed(explain).includes(indexName);
}
