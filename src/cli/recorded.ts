/**
 * A report a person asked for (`npm run report`, `npm run render`, the pipeline's report step), recorded in
 * `report_runs` like a scheduled one (trigger `manual`, one attempt, no timeout but the render's own), and its
 * result or its error handed back unchanged.
 */
import type { Db } from 'mongodb';
import type { RenderOutcome, RunPlan } from '../reports/runs/runner';
import { runRecorded } from '../reports/runs/runner';
import { ensureRunIndexes } from '../reports/runs/store';
import { silentLogger } from '../log';
import type { PipelineContext } from './context';
import { mongoRunStore } from './schedule';

export interface ManualRun {
  job: string;
  kind: RunPlan['kind'];
  parameters: Record<string, unknown>;
  period?: { id: string; to: string } | null;
  branch?: string | null;
}

/** A week: a manual run ends by itself long before; the limit only keeps the timer finite. */
const NO_TIMEOUT_SEC = 7 * 24 * 3600;

export async function recordedRun<T>(ctx: PipelineContext, db: Db, what: ManualRun, render: (signal: AbortSignal) => Promise<T>, outcome: (r: T) => RenderOutcome | Promise<RenderOutcome>): Promise<T> {
  await ensureRunIndexes(db);
  let result: { value: T } | undefined;
  let failure: { error: unknown } | undefined;
  const plan: RunPlan = { ...what, period: what.period ?? null, schedule: null, trigger: 'manual', freshness: null, timeoutSec: NO_TIMEOUT_SEC, retries: 0, retryDelaySec: 0 };
  const run = await runRecorded(
    plan,
    async (signal) => {
      try {
        result = { value: await render(signal) };
        return await outcome(result.value);
      } catch (error) {
        failure = { error };
        throw error;
      }
    },
    // The command prints its own error (once): the runner's log of the failed attempt would say it twice.
    { store: mongoRunStore(db), reportsDir: ctx.cfg.paths.reports, log: silentLogger },
  );
  if (run.status !== 'succeeded' || !result) throw failure ? failure.error : new Error(run.error ?? `the run ended ${run.status}`);
  return result.value;
}
