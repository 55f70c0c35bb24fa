/**
 * Whether a job may publish, and whether new data makes a data-triggered job due (pure). The facts are the
 * warehouse's: when it was last built with something new (`built_at` moves only when a build changed the marts) and
 * the newest sale day it holds.
 */

export interface WarehouseFacts {
  builtAt: Date | null;
  /** The last build that changed a mart (new or corrected sales): what makes a data-triggered job due. */
  dataChangedAt: Date | null;
  /** The newest sale day in the daily mart. */
  asOf: string | null;
}

export interface Freshness {
  maxAgeSeconds: number;
  /** As the schedule wrote it (`P2D`), for messages. */
  text: string;
}

export type Decision = { publish: true } | { publish: false; reason: string };

const DAY = 86_400;

/** "3 days", "5 hours", "40 minutes": the unit that reads best for a span of seconds. */
export function spanInWords(seconds: number): string {
  const unit = seconds >= DAY ? ['day', DAY] : seconds >= 3600 ? ['hour', 3600] : ['minute', 60];
  const n = Math.floor(seconds / (unit[1] as number));
  return `${n} ${unit[0]}${n === 1 ? '' : 's'}`;
}

/** The end of a period's last day (`2017-12-31` → 2018-01-01T00:00Z): a build from then on saw the whole period. */
const endOf = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + DAY * 1000);

/**
 * A job with a freshness rule publishes only from a warehouse built within `maxAge` of now, and built after its
 * period ended (so the build could see all of the period's sales). Without a rule it always publishes.
 */
export function decideFreshness(rule: Freshness | null, facts: WarehouseFacts, periodTo: string | null, now: Date): Decision {
  if (!rule) return { publish: true };
  if (!facts.builtAt) return { publish: false, reason: 'the warehouse has never been built (npm run warehouse)' };
  const age = (now.getTime() - facts.builtAt.getTime()) / 1000;
  if (age > rule.maxAgeSeconds) return { publish: false, reason: `warehouse built ${spanInWords(age)} ago; the job allows ${spanInWords(rule.maxAgeSeconds)} (freshness ${rule.text})` };
  if (periodTo && facts.builtAt < endOf(periodTo)) {
    return { publish: false, reason: `the period ending ${periodTo} is not complete in the warehouse: it was built ${facts.builtAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, before the period ended` };
  }
  return { publish: true };
}

/** What a data-triggered job's last successful run saw. */
export interface SeenData {
  data_changed_at?: Date | null;
}

/**
 * A data-triggered job is due when a build changed the warehouse since its last successful run saw it (or it never
 * succeeded, and there is a warehouse at all). A rebuild that changed nothing does not make it due.
 */
export function newDataDue(last: SeenData | null, facts: WarehouseFacts): boolean {
  if (!facts.dataChangedAt) return false;
  if (!last?.data_changed_at) return true;
  return facts.dataChangedAt.getTime() > last.data_changed_at.getTime();
}

/** Seconds to wait before attempt `next` (2, 3, …): `base`, then four times as long each time (30 s, 2 min, 8 min). */
export function retryDelaySeconds(next: number, base: number): number {
  return base * 4 ** Math.max(0, next - 2);
}
