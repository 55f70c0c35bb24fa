import { parseNow, UsageError } from '../../../src/cli/args';
import { formatNextRuns, parseSchedule } from '../../../src/reports/schedule';

const schedule = parseSchedule(
  JSON.stringify({
    tz: 'Europe/Madrid',
    jobs: [
      { name: 'executive-monthly', report: 'executive', cron: '0 7 1 * *' },
      { name: 'nightly', report: 'executive', cron: '30 2 * * *', tz: 'America/New_York' },
      { name: 'after-warehouse', notebook: 'a.ipynb', trigger: 'data', freshness: { maxAge: 'P2D' } },
      { name: 'both', notebook: 'b.ipynb', trigger: ['cron', 'data'], cron: '0 9 * * 1' },
    ],
  }),
  'schedule.json',
  { machineZone: 'UTC' },
);

describe('report:schedule --next', () => {
  it("prints each job's next runs in its zone with the offset, its zone, and its data trigger", () => {
    expect(formatNextRuns(schedule, new Date('2027-03-13T12:00:00Z'), 2)).toBe(
      [
        'Next 2 runs of each job after 2027-03-13T12:00:00.000Z',
        '',
        `executive-monthly: cron "0 7 1 * *"; zone Europe/Madrid (the file's default)`,
        '  2027-04-01T07:00:00+02:00',
        '  2027-05-01T07:00:00+02:00',
        '',
        'nightly: cron "30 2 * * *"; zone America/New_York (from the job)',
        '  2027-03-14T03:00:00-04:00',
        '  2027-03-15T02:30:00-04:00',
        '',
        `after-warehouse: on new data, data at most P2D old; zone Europe/Madrid (the file's default)`,
        '  on new data (after a warehouse build its last run did not see)',
        '',
        `both: cron "0 9 * * 1" and on new data; zone Europe/Madrid (the file's default)`,
        '  2027-03-15T09:00:00+01:00',
        '  2027-03-22T09:00:00+01:00',
        '  and on new data (after a warehouse build its last run did not see)',
      ].join('\n'),
    );
  });

  it('says the machine zone when neither the job nor the file names one', () => {
    const s = parseSchedule(JSON.stringify({ jobs: [{ name: 'x', report: 'executive', cron: '0 7 1 * *' }] }), 'f', { machineZone: 'UTC' });
    expect(formatNextRuns(s, new Date('2027-01-15T00:00:00Z'), 1)).toContain('x: cron "0 7 1 * *"; machine zone UTC\n  2027-02-01T07:00:00+00:00');
  });
});

describe('--now', () => {
  it('takes an ISO 8601 date-time with Z or an offset', () => {
    expect(parseNow('2027-03-28T09:00:00+02:00').toISOString()).toBe('2027-03-28T07:00:00.000Z');
    expect(parseNow('2027-03-28T07:00Z').toISOString()).toBe('2027-03-28T07:00:00.000Z');
    expect(parseNow('2027-03-28T07:00:00.250-05:00').toISOString()).toBe('2027-03-28T12:00:00.250Z');
  });

  it('is a usage error naming the flag when the value is not an instant', () => {
    for (const bad of ['tomorrow', '2027-02-30T07:00:00Z', '2027-03-28T24:00:00Z', '2027-13-01T00:00:00Z', '']) {
      expect(() => parseNow(bad)).toThrow(UsageError);
      expect(() => parseNow(bad)).toThrow(/^--now expects an ISO 8601 date-time with an offset/);
    }
  });

  it('refuses a time without an offset, which would depend on the machine zone', () => {
    expect(() => parseNow('2027-03-28T09:00:00')).toThrow(/add Z or an offset such as \+02:00/);
    expect(() => parseNow('2027-03-28')).toThrow(/add Z or an offset/);
  });
});
