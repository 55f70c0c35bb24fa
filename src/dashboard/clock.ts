/**
 * The one clock the live pages show: the server's time, in the time zone live sales are dated in (the server's
 * local zone, see pipeline/source/live.ts), with that zone named, so a page never shows two clocks in two zones.
 */
import { formatsOf, type Locale } from '../i18n';

/** Pure: the zone's name as a reader knows it ("UTC" rather than "Etc/UTC"). */
export function zoneLabel(zone: string): string {
  return /^(Etc\/)?(UTC|UCT|Universal|Zulu|GMT|Greenwich)$/.test(zone) ? 'UTC' : zone;
}

/** The server's time zone (IANA name), as Node resolves it from TZ or the system. */
export function serverZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Pure: "21:00:44 UTC", or "22:00:44 Europe/Paris": a 24-hour time in `zone`, with the zone named. */
export function clockTime(at: Date, zone: string = serverZone()): string {
  const time = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(at);
  return `${time} ${zoneLabel(zone)}`;
}

/** Pure: "2017-12-30 21:00 UTC" ("30 dic 2017 21:00 UTC" in Spanish): a day and minute in `zone`, with the zone named. */
export function clockDateTime(at: Date, zone: string = serverZone(), locale: Locale = 'en'): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${formatsOf(locale).day(`${parts.year}-${parts.month}-${parts.day}`)} ${parts.hour}:${parts.minute} ${zoneLabel(zone)}`;
}
