import { CronError, nextRun, parseCron } from '../../../src/reports/cron';

const next = (expr: string, after: string) => nextRun(parseCron(expr), new Date(after)).toISOString();

describe('cron schedule', () => {
  it('monthly at 07:00 on the 1st', () => {
    expect(next('0 7 1 * *', '2026-11-28T10:00:00Z')).toBe('2026-12-01T07:00:00.000Z');
    expect(next('0 7 1 * *', '2026-12-01T07:00:00Z')).toBe('2027-01-01T07:00:00.000Z');
  });

  it('steps, ranges and lists', () => {
    expect(next('*/15 * * * *', '2026-11-28T10:07:30Z')).toBe('2026-11-28T10:15:00.000Z');
    expect(next('30 9 * * 1-5', '2026-11-28T10:00:00Z')).toBe('2026-11-30T09:30:00.000Z'); // Saturday → Monday
    expect(next('0 0,12 * * *', '2026-11-28T10:00:00Z')).toBe('2026-11-28T12:00:00.000Z');
  });

  it('day of month or day of week when both are given; 7 is Sunday', () => {
    expect(next('0 0 15 * 0', '2026-11-28T10:00:00Z')).toBe('2026-11-29T00:00:00.000Z');
    expect(next('0 0 * * 7', '2026-11-28T10:00:00Z')).toBe('2026-11-29T00:00:00.000Z');
  });

  it('names the bad field', () => {
    expect(() => parseCron('0 7 1 *')).toThrow(/needs 5 fields/);
    expect(() => parseCron('0 25 * * *')).toThrow(/hour "25" is outside 0-23/);
    expect(() => parseCron('x * * * *')).toThrow(CronError);
  });
});
