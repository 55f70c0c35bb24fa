import { DurationError, parseDuration } from '../../../src/reports/duration';

describe('ISO 8601 durations (freshness limits)', () => {
  it('reads days, hours and minutes into seconds and keeps the text', () => {
    expect(parseDuration('P2D')).toEqual({ seconds: 2 * 86_400, text: 'P2D' });
    expect(parseDuration('PT12H')).toEqual({ seconds: 12 * 3_600, text: 'PT12H' });
    expect(parseDuration('P1DT6H')).toEqual({ seconds: 30 * 3_600, text: 'P1DT6H' });
    expect(parseDuration('PT90M')).toEqual({ seconds: 5_400, text: 'PT90M' });
    expect(parseDuration('P1DT2H30M')).toEqual({ seconds: 86_400 + 9_000, text: 'P1DT2H30M' });
  });

  it('refuses what is not a duration of days, hours and minutes, saying what it expects', () => {
    for (const bad of ['', 'P', 'PT', 'P1DT', '2D', 'P2d', 'P-1D', 'P1.5D', 'PT30S', 'P2D ']) {
      expect(() => parseDuration(bad)).toThrow(DurationError);
    }
    expect(() => parseDuration('2 days')).toThrow('"2 days" is not an ISO 8601 duration of days, hours and minutes (e.g. "P2D", "PT12H", "P1DT6H")');
  });

  it('refuses months, years and weeks: write days instead', () => {
    expect(() => parseDuration('P1M')).toThrow(/years, months and weeks are not supported, write days \(P30D\)/);
    expect(() => parseDuration('P1Y')).toThrow(/write days/);
    expect(() => parseDuration('P1W')).toThrow(/write days/);
  });

  it('refuses a zero duration', () => {
    expect(() => parseDuration('P0D')).toThrow(/zero duration/);
  });
});
