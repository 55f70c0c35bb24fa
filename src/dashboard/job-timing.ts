/**
 * When a schedule job runs, as the Reports page shows it: its cron and zone ("0 7 1 * * · Europe/Madrid", or "on new
 * data") and its next run, in its zone with the offset. `nextRunOf` is the one place that calls the cron module.
 */
import { formatInZone, nextRun } from '../reports/cron';
import { t, type Locale } from '../i18n';

export type JobTrigger = 'cron' | 'data';

/** What the page needs of a job's timing; `tz` and `trigger` are optional until every schedule file has them. */
export interface JobTiming {
  cron?: string;
  /** Its IANA zone, resolved by the schedule's reader; UTC when absent. */
  tz?: string;
  /** What starts it; the clock when absent. */
  trigger?: readonly JobTrigger[];
}

export const zoneOf = (job: JobTiming): string => job.tz ?? 'UTC';
export const triggersOf = (job: JobTiming): readonly JobTrigger[] => (job.trigger?.length ? job.trigger : ['cron']);

export interface NextRun {
  at: Date;
  /** ISO 8601 in the job's zone, with its offset: `2027-03-28T09:00:00+02:00`. */
  text: string;
}

/** The job's next run after `from`, or null when no clock starts it (a data-only job) or its cron cannot be read. */
export function nextRunOf(job: JobTiming, from: Date): NextRun | null {
  if (!job.cron || !triggersOf(job).includes('cron')) return null;
  try {
    const at = nextRun({ cron: job.cron, tz: zoneOf(job) }, from);
    return { at, text: formatInZone(at, zoneOf(job)) };
  } catch {
    return null;
  }
}

/** Pure: "0 7 1 * * · Europe/Madrid", "on new data", or both ("0 7 1 * * · UTC, and on new data"), in `locale`. */
export function describeTiming(job: JobTiming, locale: Locale = 'en'): string {
  const triggers = triggersOf(job);
  const clock = triggers.includes('cron') && job.cron ? `${job.cron} · ${zoneOf(job)}` : null;
  const data = triggers.includes('data') ? t(locale, 'dashboard.timing.onNewData') : null;
  if (clock && data) return t(locale, 'dashboard.timing.both', { clock, data });
  return clock ?? data ?? t(locale, 'dashboard.timing.never');
}
