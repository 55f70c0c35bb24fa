import { CronError, formatInZone, isTimeZone, machineZone, nextRun, nextRuns, parseCron } from '../../../src/reports/cron';

const utc = (cron: string, after: string) => nextRun({ cron, tz: 'UTC' }, new Date(after)).toISOString();
/** The next `n` runs after `after`, written on the zone's wall clock with the offset. */
const local = (cron: string, tz: string, after: string, n: number) => nextRuns({ cron, tz }, new Date(after), n).map((d) => formatInZone(d, tz));

describe('cron schedule in UTC', () => {
  it('monthly at 07:00 on the 1st, strictly after the given time', () => {
    expect(utc('0 7 1 * *', '2026-11-28T10:00:00Z')).toBe('2026-12-01T07:00:00.000Z');
    expect(utc('0 7 1 * *', '2026-12-01T07:00:00Z')).toBe('2027-01-01T07:00:00.000Z');
    expect(utc('0 7 1 * *', '2026-12-01T07:00:00.500Z')).toBe('2027-01-01T07:00:00.000Z');
    expect(utc('0 7 1 * *', '2026-12-01T06:59:59.999Z')).toBe('2026-12-01T07:00:00.000Z');
  });

  it('steps, ranges and lists', () => {
    expect(utc('*/15 * * * *', '2026-11-28T10:07:30Z')).toBe('2026-11-28T10:15:00.000Z');
    expect(utc('30 9 * * 1-5', '2026-11-28T10:00:00Z')).toBe('2026-11-30T09:30:00.000Z'); // Saturday → Monday
    expect(utc('0 0,12 * * *', '2026-11-28T10:00:00Z')).toBe('2026-11-28T12:00:00.000Z');
    expect(utc('5/20 * * * *', '2026-11-28T10:06:00Z')).toBe('2026-11-28T10:25:00.000Z'); // from 5, every 20
  });

  it('day of month or day of week when both are given; 7 is Sunday; names of months and days', () => {
    expect(utc('0 0 15 * 0', '2026-11-28T10:00:00Z')).toBe('2026-11-29T00:00:00.000Z');
    expect(utc('0 0 * * 7', '2026-11-28T10:00:00Z')).toBe('2026-11-29T00:00:00.000Z');
    expect(utc('0 7 * JAN mon', '2026-11-28T10:00:00Z')).toBe('2027-01-04T07:00:00.000Z');
  });

  it('returns n runs in order', () => {
    expect(nextRuns({ cron: '0 6 * * 1', tz: 'UTC' }, new Date('2026-03-02T06:30:00Z'), 3).map((d) => d.toISOString())).toEqual(['2026-03-09T06:00:00.000Z', '2026-03-16T06:00:00.000Z', '2026-03-23T06:00:00.000Z']);
  });
});

describe('cron expressions that are wrong', () => {
  it('names the expression and the bad field', () => {
    expect(() => parseCron('0 7 1 *')).toThrow('cron "0 7 1 *" needs 5 fields');
    expect(() => parseCron('0 7 1 * * *')).toThrow(/needs 5 fields/);
    expect(() => parseCron('0 25 * * *')).toThrow('cron "0 25 * * *": hour "25" is outside 0-23');
    expect(() => parseCron('0 0 32 * *')).toThrow('day of month "32" is outside 1-31');
    expect(() => parseCron('0 0 * 13 *')).toThrow('month "13" is outside 1-12');
    expect(() => parseCron('0 0 * * 8')).toThrow('day of week "8" is outside 0-7');
    expect(() => parseCron('5-1 * * * *')).toThrow('minute "5-1" is outside 0-59');
    expect(() => parseCron('x * * * *')).toThrow(CronError);
    expect(() => parseCron('0 0 * FOO *')).toThrow('month "FOO" is not a number, range, list or step');
  });

  it("refuses croner's extensions (L, W, ?) so schedules stay plain cron, but for the nth weekday (MON#1)", () => {
    for (const e of ['0 0 L * *', '0 0 15W * *', '0 0 ? * *', '0 0 1#1 * *']) expect(() => parseCron(e)).toThrow(/is not a number, range, list or step/);
  });

  it('refuses an expression that never matches a date', () => {
    expect(() => parseCron('0 0 30 2 *')).toThrow('cron "0 0 30 2 *" never matches a date');
    expect(parseCron('0 0 29 2 *')).toBe('0 0 29 2 *');
  });

  it('normalises whitespace', () => {
    expect(parseCron('  0   7 1 * * ')).toBe('0 7 1 * *');
  });

  it('an unknown zone is an error naming it', () => {
    expect(() => nextRun({ cron: '0 7 * * *', tz: 'Mars/Olympus' }, new Date())).toThrow('time zone "Mars/Olympus" is not an IANA zone name');
  });
});

describe('cron in a zone across DST (Europe/Madrid: 2027-03-28 and 2027-10-31)', () => {
  it('a monthly 07:00 job stays at 07:00 local on both sides of the spring change', () => {
    expect(local('0 7 1 * *', 'Europe/Madrid', '2027-02-15T00:00:00Z', 2)).toEqual(['2027-03-01T07:00:00+01:00', '2027-04-01T07:00:00+02:00']);
  });

  it('a monthly 07:00 job stays at 07:00 local on both sides of the autumn change', () => {
    expect(local('0 7 1 * *', 'Europe/Madrid', '2027-09-15T00:00:00Z', 2)).toEqual(['2027-10-01T07:00:00+02:00', '2027-11-01T07:00:00+01:00']);
  });

  it('a daily 02:30 job runs once on the spring-forward day, at 03:00 CEST (02:30 does not exist)', () => {
    expect(local('30 2 * * *', 'Europe/Madrid', '2027-03-26T12:00:00Z', 3)).toEqual(['2027-03-27T02:30:00+01:00', '2027-03-28T03:00:00+02:00', '2027-03-29T02:30:00+02:00']);
  });

  it('a daily 02:30 job runs once on the fall-back day, at the first 02:30 (CEST)', () => {
    expect(local('30 2 * * *', 'Europe/Madrid', '2027-10-30T12:00:00Z', 2)).toEqual(['2027-10-31T02:30:00+02:00', '2027-11-01T02:30:00+01:00']);
    // Asked between the two 02:30s, it does not offer the second one.
    expect(local('30 2 * * *', 'Europe/Madrid', '2027-10-31T00:45:00Z', 1)).toEqual(['2027-11-01T02:30:00+01:00']);
  });

  it('a job at a list of hours also runs once at each listed time on DST days', () => {
    expect(local('30 2,14 * * *', 'Europe/Madrid', '2027-03-27T12:00:00Z', 3)).toEqual(['2027-03-27T14:30:00+01:00', '2027-03-28T03:00:00+02:00', '2027-03-28T14:30:00+02:00']);
    expect(local('30 2,14 * * *', 'Europe/Madrid', '2027-10-30T12:00:00Z', 3)).toEqual(['2027-10-30T14:30:00+02:00', '2027-10-31T02:30:00+02:00', '2027-10-31T14:30:00+01:00']);
  });

  it('an every-30-minutes job runs on both passes through the repeated hour', () => {
    expect(local('*/30 * * * *', 'Europe/Madrid', '2027-10-31T00:00:00Z', 4)).toEqual(['2027-10-31T02:30:00+02:00', '2027-10-31T02:00:00+01:00', '2027-10-31T02:30:00+01:00', '2027-10-31T03:00:00+01:00']);
  });
});

describe('cron in a zone across DST (America/New_York: 2027-03-14 and 2027-11-07)', () => {
  it('a daily 02:30 job runs once on the spring-forward day, at 03:00 EDT', () => {
    expect(local('30 2 * * *', 'America/New_York', '2027-03-12T12:00:00Z', 3)).toEqual(['2027-03-13T02:30:00-05:00', '2027-03-14T03:00:00-04:00', '2027-03-15T02:30:00-04:00']);
  });

  it('a daily 01:30 job runs once on the fall-back day, at the first 01:30 (EDT)', () => {
    expect(local('30 1 * * *', 'America/New_York', '2027-11-05T12:00:00Z', 3)).toEqual(['2027-11-06T01:30:00-04:00', '2027-11-07T01:30:00-04:00', '2027-11-08T01:30:00-05:00']);
  });

  it('a daily 02:30 job is untouched by the fall-back at 02:00 (02:30 happens once)', () => {
    expect(local('30 2 * * *', 'America/New_York', '2027-11-06T12:00:00Z', 2)).toEqual(['2027-11-07T02:30:00-05:00', '2027-11-08T02:30:00-05:00']);
  });

  it('a weekly Monday 07:00 job keeps its local hour across the change', () => {
    expect(local('0 7 * * 1', 'America/New_York', '2027-03-05T00:00:00Z', 2)).toEqual(['2027-03-08T07:00:00-05:00', '2027-03-15T07:00:00-04:00']);
  });
});

describe('zones', () => {
  it('writes an instant on a zone wall clock as ISO 8601 with its offset and seconds', () => {
    expect(formatInZone(new Date('2027-03-28T07:00:00Z'), 'Europe/Madrid')).toBe('2027-03-28T09:00:00+02:00');
    expect(formatInZone(new Date('2027-01-10T12:34:56.789Z'), 'America/New_York')).toBe('2027-01-10T07:34:56-05:00');
    expect(formatInZone(new Date('2027-01-10T00:00:00Z'), 'UTC')).toBe('2027-01-10T00:00:00+00:00');
    expect(formatInZone(new Date('2027-01-10T00:00:00Z'), 'Asia/Kolkata')).toBe('2027-01-10T05:30:00+05:30');
    expect(formatInZone(new Date('2027-01-09T23:30:00Z'), 'Pacific/Chatham')).toBe('2027-01-10T13:15:00+13:45');
  });

  it('the machine zone is a zone this runtime knows', () => {
    expect(isTimeZone(machineZone())).toBe(true);
  });

  it('knows IANA zone names and refuses others', () => {
    expect(isTimeZone('Europe/Madrid')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});

describe('the nth weekday of the month', () => {
  it('MON#1 runs on the first Monday of each month, at 07:00 in Madrid on both sides of a DST change', async () => {
    const { nextRuns, formatInZone, parseCron } = await import('../../../src/reports/cron');
    expect(parseCron('0 7 * * MON#1')).toBe('0 7 * * MON#1');
    const runs = nextRuns({ cron: '0 7 * * MON#1', tz: 'Europe/Madrid' }, new Date('2027-02-15T00:00:00Z'), 3).map((d) => formatInZone(d, 'Europe/Madrid'));
    expect(runs).toEqual(['2027-03-01T07:00:00+01:00', '2027-04-05T07:00:00+02:00', '2027-05-03T07:00:00+02:00']);
    expect(() => parseCron('0 7 * * XYZ#1')).toThrow(/day of week "XYZ#1"/);
    expect(() => parseCron('0 7 * * MON#6')).toThrow();
  });
});
