/**
 * When a schedule job runs, as the Reports page shows it: its cron and zone ("0 7 1 * * · Europe/Madrid", or "on new
 * data") and its next run, in its zone with the offset. `nextRunOf` is the one place that calls the cron module.
 */
import { nextRun, parseCron } from '../reports/cron';

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

/**
 * The job's next run after `from`, or null when no clock starts it (a data-only job) or its cron cannot be read.
 *
 * The adapter to switch at merge, to cron.ts's zoned API:
 *   const at = nextRun({ cron: job.cron, tz: zoneOf(job) }, from);
 *   return { at, text: formatInZone(at, zoneOf(job)) };
 * Until then cron.ts knows UTC only, which is every job's zone (schedule files have no `tz` yet).
 */
export function nextRunOf(job: JobTiming, from: Date): NextRun | null {
  if (!job.cron || !triggersOf(job).includes('cron')) return null;
  try {
    const at = nextRun(parseCron(job.cron), from);
    return { at, text: isoInZone(at, zoneOf(job)) };
  } catch {
    return null;
  }
}

/** Pure: "0 7 1 * * · Europe/Madrid", "on new data", or both ("0 7 1 * * · UTC, and on new data"). */
export function describeTiming(job: JobTiming): string {
  const triggers = triggersOf(job);
  const clock = triggers.includes('cron') && job.cron ? `${job.cron} · ${zoneOf(job)}` : null;
  const data = triggers.includes('data') ? 'on new data' : null;
  return clock && data ? `${clock}, and ${data}` : (clock ?? data ?? 'never (no cron, no data trigger)');
}

/**
 * Pure: `d` as ISO 8601 in `tz` with its offset (`+00:00` for UTC). Stands in for cron.ts's `formatInZone` until it
 * lands (then `nextRunOf` calls that one and this goes).
 */
export function isoInZone(d: Date, tz: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'longOffset' })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  const offset = parts.timeZoneName === 'GMT' ? '+00:00' : String(parts.timeZoneName).replace('GMT', '');
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}
