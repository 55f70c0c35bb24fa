/**
 * One recorded report run: the record written before anything else, the freshness gate, then up to `retries + 1`
 * attempts, each under its own timeout and the caller's stop signal, with backoff between them; the outputs hashed and
 * the headline figures kept; the record closed whatever happens. The store is passed in (MongoDB, or a fake in tests).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { runStatusOf, sleep, untilAborted, withTimeout } from '../../io/abort';
import type { Logger } from '../../log';
import { decideFreshness, retryDelaySeconds, type Freshness, type WarehouseFacts } from './freshness';
import type { HeadlineFigures, ReportRun, RunOutput, RunStatus, RunTrigger } from './record';
import type { RunStart } from './store';

/** What a render gives back for the record. */
export interface RenderOutcome {
  files: Record<string, string>;
  period: string | null;
  figures: HeadlineFigures | null;
  steps: Record<string, number>;
  /** What else the record keeps of a render: the period's digest and the "what changed" lines it printed. */
  record?: Pick<ReportRun, 'digest' | 'what_changed'>;
}

/** A render that stops (rejects) when `signal` aborts. */
export type RenderFn = (signal: AbortSignal) => Promise<RenderOutcome>;

export interface RunPlan {
  job: string;
  kind: ReportRun['kind'];
  schedule: string | null;
  parameters: Record<string, unknown>;
  trigger: RunTrigger;
  /** The branch of a branch's report (a burst item, a branch review), for the record and "what changed". */
  branch?: string | null;
  /** The period, when it is known before rendering (for the freshness gate and the record). */
  period: { id: string; to: string } | null;
  freshness: Freshness | null;
  timeoutSec: number;
  retries: number;
  retryDelaySec: number;
  /** False for an error no retry can mend (a value the notebook does not accept): the run fails at once. */
  retriable?: (err: unknown) => boolean;
}

export interface RunStore {
  start(s: RunStart): Promise<ReportRun>;
  save(run: ReportRun): Promise<void>;
  /** Renews the run's heartbeat until the returned function is called. */
  keepAlive(id: string): () => void;
  facts(): Promise<WarehouseFacts>;
}

export interface RunOptions {
  store: RunStore;
  reportsDir: string;
  log: Logger;
  /** Stops the run (SIGTERM): the attempt in flight is cancelled and the run recorded `interrupted`. */
  signal?: AbortSignal;
  now?: () => Date;
  /** Waits between attempts; a test passes one that does not sleep. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Each output file: its path under the reports folder, size and sha256. */
export function describeOutputs(files: Record<string, string>, reportsDir: string): RunOutput[] {
  return Object.entries(files).map(([format, file]) => {
    const bytes = fs.readFileSync(file);
    return { format, path: path.relative(reportsDir, file).split(path.sep).join('/'), size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
}

/**
 * One attempt: the render under its deadline (its timeout within the caller's stop signal). After an abort the
 * render is given a few seconds to wind down (kill its kernel, close its browser, drop its partial files) before the
 * next attempt starts.
 */
async function attemptOnce(render: RenderFn, timeoutSec: number, stop: AbortSignal | undefined): Promise<RenderOutcome> {
  const deadline = withTimeout(timeoutSec, stop);
  const rendering = render(deadline.signal);
  try {
    return await untilAborted(rendering, deadline.signal);
  } catch (err) {
    if (deadline.signal.aborted) await Promise.race([rendering.catch(() => undefined), sleep(15_000).catch(() => undefined)]);
    throw err;
  } finally {
    deadline.clear();
  }
}

/** A stop from outside is `interrupted` whatever the render said; else its timeout or its failure. */
const statusOf = (err: unknown, stop?: AbortSignal): RunStatus => (stop?.aborted ? 'interrupted' : runStatusOf(err));

/** Runs the plan, recorded from start to end; resolves to the closed record (it never throws for a failed render). */
export async function runRecorded(plan: RunPlan, render: RenderFn, o: RunOptions): Promise<ReportRun> {
  const now = o.now ?? (() => new Date());
  const wait = o.sleep ?? ((ms: number, signal?: AbortSignal) => sleep(ms, signal).catch(() => undefined));
  const facts = await o.store.facts();
  const run = await o.store.start({ job: plan.job, kind: plan.kind, schedule: plan.schedule, parameters: plan.parameters, period: plan.period?.id ?? null, trigger: plan.trigger, branch: plan.branch ?? null, facts, now: now() });
  const decision = decideFreshness(plan.freshness, facts, plan.period?.to ?? null, now());
  if (!decision.publish) {
    Object.assign(run, { status: 'skipped', reason: decision.reason, ended_at: now() });
    run.attempts[0] = { ...run.attempts[0]!, status: 'skipped', ended_at: run.ended_at, error: decision.reason };
    await o.store.save(run);
    o.log.warn(`job ${plan.job}: skipped, ${decision.reason}`);
    return run;
  }
  const stopAlive = o.store.keepAlive(run._id);
  try {
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) run.attempts.push({ attempt, started_at: now(), ended_at: null, status: 'running', error: null });
      run.attempt = attempt;
      const current = run.attempts[attempt - 1]!;
      try {
        const out = await attemptOnce(render, plan.timeoutSec, o.signal);
        Object.assign(current, { status: 'succeeded', ended_at: now() });
        Object.assign(run, { ...out.record, status: 'succeeded', error: null, steps: out.steps, period: out.period ?? run.period, figures: out.figures, outputs: describeOutputs(out.files, o.reportsDir), ended_at: now() });
        await o.store.save(run);
        return run;
      } catch (err) {
        const status = statusOf(err, o.signal);
        const error = (err as Error).message ?? String(err);
        Object.assign(current, { status, ended_at: now(), error });
        const again = status !== 'interrupted' && attempt <= plan.retries && (plan.retriable?.(err) ?? true);
        // Between attempts the run is still running: a process killed while it waits leaves it to be found interrupted.
        Object.assign(run, { status: again ? 'running' : status, error });
        o.log[again ? 'warn' : 'error'](`job ${plan.job}: attempt ${attempt} ${status}${again ? '; retrying' : ''}`, { error: error.split('\n')[0] });
        if (!again) {
          run.ended_at = now();
          await o.store.save(run);
          return run;
        }
        await o.store.save(run);
        await wait(retryDelaySeconds(attempt + 1, plan.retryDelaySec) * 1000, o.signal);
        if (o.signal?.aborted) {
          Object.assign(run, { status: 'interrupted', ended_at: now() });
          await o.store.save(run);
          return run;
        }
      }
    }
  } finally {
    stopAlive();
  }
}
