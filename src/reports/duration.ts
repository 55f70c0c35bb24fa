/**
 * ISO 8601 durations of days, hours and minutes (`P2D`, `PT12H`, `P1DT6H`, `PT90M`), as a schedule's freshness
 * limit. Months and years are refused: they have no fixed length in seconds. Pure.
 */
export class DurationError extends Error {
  override name = 'DurationError';
}

export interface Duration {
  seconds: number;
  /** The text as written, for messages ("the job allows P2D"). */
  text: string;
}

/** Parses `P[nD][T[nH][nM]]`; throws a DurationError naming the text and what is expected. */
export function parseDuration(text: string): Duration {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(text);
  const [, d, h, min] = m ?? [];
  const hasTime = text.includes('T');
  if (!m || (d === undefined && h === undefined && min === undefined) || (hasTime && h === undefined && min === undefined)) {
    const hint = /^P(\d+Y|\d+M|\d+W)/.test(text) ? '; years, months and weeks are not supported, write days (P30D)' : '';
    throw new DurationError(`"${text}" is not an ISO 8601 duration of days, hours and minutes (e.g. "P2D", "PT12H", "P1DT6H")${hint}`);
  }
  const seconds = Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3_600 + Number(min ?? 0) * 60;
  if (seconds === 0) throw new DurationError(`"${text}" is a zero duration; a freshness limit must be longer than that`);
  return { seconds, text };
}
