/**
 * What a report run leaves behind: one document per run in the `report_runs` collection, written when the run starts
 * and closed when it ends (pure types and helpers; the store is store.ts).
 */

export const runsCollection = 'report_runs';

/** `running` until it ends; `interrupted` when its process died without closing it (found by the next start). */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'timed_out' | 'skipped' | 'interrupted';
export const runStatuses: readonly RunStatus[] = ['running', 'succeeded', 'failed', 'timed_out', 'skipped', 'interrupted'];
/** What started the run: a job's cron, new data in the warehouse, or a person (`npm run report`, `render`, the pipeline). */
export type RunTrigger = 'cron' | 'data' | 'manual';

export interface RunOutput {
  format: string;
  /** Relative to the reports folder, with `/` separators (what `/reports/files/…` serves). */
  path: string;
  size: number;
  sha256: string;
}

/** The figures a run printed, for "what changed" since the previous run of the same job. */
export interface HeadlineFigures {
  revenue: number | null;
  profit: number | null;
  margin: number | null;
  orders: number | null;
}

/** One delivery of a run's report through one channel (src/reports/delivery): sent, failed, or skipped as sent before. */
export interface Delivery {
  channel: 'email' | 'webhook';
  /** The recipients (e-mail) or the URL (webhook, without any user or password). */
  target: string;
  recipients: string[];
  status: 'sent' | 'failed' | 'skipped';
  /** The SMTP server's message id; null for a webhook or a message not sent. */
  message_id: string | null;
  /** sha256 of what the reader gets (job, period, branch, figures, findings, what changed, channel, recipients). */
  content_hash: string;
  at: Date;
  error: string | null;
  attempts: number;
}

export interface RunAttempt {
  attempt: number;
  started_at: Date;
  ended_at: Date | null;
  status: RunStatus;
  error: string | null;
}

export interface ReportRun {
  _id: string;
  /** The schedule job's name, or the command that ran it (`report`, `render`, `pipeline`). */
  job: string;
  kind: 'executive' | 'notebook';
  /** The schedule file it came from, if any. */
  schedule: string | null;
  parameters: Record<string, unknown>;
  /** The period's id (`2017-12`), when the run has one. */
  period: string | null;
  trigger: RunTrigger;
  /** Attempts made so far (1 for the first). */
  attempt: number;
  attempts: RunAttempt[];
  status: RunStatus;
  started_at: Date;
  ended_at: Date | null;
  /** Renewed while the run is alive: a `running` run whose heartbeat stopped is `interrupted`. */
  heartbeat_at: Date;
  host: string;
  pid: number;
  /** Seconds per step (data, charts, html, pdf, xlsx; kernel, execute …), of the last attempt. */
  steps: Record<string, number>;
  error: string | null;
  /** Why a run was skipped ("warehouse built 3 days ago; the job allows 2"). */
  reason: string | null;
  /** The newest sale day in the warehouse when the run started, and when the warehouse was built. */
  data_as_of: string | null;
  warehouse_built_at: Date | null;
  /** The warehouse's last change the run saw (`warehouse_state.data_changed_at`): new data is a later one. */
  data_changed_at?: Date | null;
  outputs: RunOutput[];
  figures: HeadlineFigures | null;
  /** The branch of a burst item (`BR-WEST`), or null for a company-wide report. */
  branch?: string | null;
  /** The period's orders as the report saw them (changes.ts), to count restated orders later; null when too many. */
  digest?: Record<string, [number, number]> | null;
  /** The "what changed" lines the report printed. */
  what_changed?: string[];
  /** Alerts sent for this run, by incident key (alerts.ts), so an incident is alerted once. */
  alerts?: { key: string; text: string; at: Date }[];
  /** Where the report went (src/reports/delivery); absent on runs recorded before delivery existed. */
  deliveries?: Delivery[];
}

/** A run that is over: it no longer changes, so what shows it may be cached. */
export const isFinished = (s: RunStatus) => s !== 'running';
