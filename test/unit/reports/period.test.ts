import { lastCalendarMonth, latestCompleteMonth, monthsOf, parsePeriod, PeriodError, rangePeriod } from '../../../src/reports/period';

describe('report periods', () => {
  it('a month compares with the month before and the same month a year before', () => {
    expect(parsePeriod('2017-03')).toMatchObject({ kind: 'month', id: '2017-03', label: 'March 2017', from: '2017-03-01', to: '2017-03-31', previous: { from: '2017-02-01', to: '2017-02-28' }, lastYear: { from: '2016-03-01', to: '2016-03-31' } });
    expect(parsePeriod('2017-01').previous).toEqual({ from: '2016-12-01', to: '2016-12-31' });
  });

  it('a quarter and a year span their months', () => {
    expect(parsePeriod('2017-q4')).toMatchObject({ id: '2017-Q4', from: '2017-10-01', to: '2017-12-31', previous: { from: '2017-07-01', to: '2017-09-30' } });
    expect(parsePeriod('2016')).toMatchObject({ from: '2016-01-01', to: '2016-12-31', previous: { from: '2015-01-01', to: '2015-12-31' }, lastYear: { from: '2015-01-01', to: '2015-12-31' } });
  });

  it('a custom range compares with the same number of days just before', () => {
    expect(rangePeriod('2017-03-10', '2017-03-19')).toMatchObject({ id: '2017-03-10_2017-03-19', previous: { from: '2017-02-28', to: '2017-03-09' }, lastYear: { from: '2016-03-10', to: '2016-03-19' } });
  });

  it('leap days shift to the end of February a year before', () => {
    expect(rangePeriod('2016-02-29', '2016-02-29').lastYear).toEqual({ from: '2015-02-28', to: '2015-02-28' });
  });

  it('names the bad input', () => {
    expect(() => parsePeriod('2017-13')).toThrow(/month 13 does not exist/);
    expect(() => parsePeriod('Dec 2017')).toThrow(PeriodError);
    expect(() => rangePeriod('2017-02-30', '2017-03-01')).toThrow(/--from "2017-02-30" is not a real day/);
    expect(() => rangePeriod('2017-03-02', '2017-03-01')).toThrow(/before/);
  });

  it('the default is the latest month that is over and has sales', () => {
    expect(latestCompleteMonth({ newest: '2017-12-30', newestComplete: '2017-12-30' }, new Date('2026-01-01'))).toEqual({
      period: parsePeriod('2017-12'),
      reason: 'latest complete month with sales: 2017-12',
    });
    expect(latestCompleteMonth({ newest: '2026-10-20', newestComplete: '2026-10-20' }, new Date('2026-11-28')).period!.id).toBe('2026-10');
  });

  it('after a demo, live sales dated today do not make an empty month the default', () => {
    // The Superstore ends in 2017-12; a demo adds sales dated 2026-11-29. October 2026 has no sales.
    const choice = latestCompleteMonth({ newest: '2026-11-29', newestComplete: '2017-12-30' }, new Date('2026-11-29T10:00:00Z'));
    expect(choice.period!.id).toBe('2017-12');
    expect(choice.reason).toBe('latest complete month with sales: 2017-12; 2026-11 is not complete yet');
  });

  it('has no default without a complete month of sales, and says why', () => {
    expect(latestCompleteMonth({ newest: null, newestComplete: null })).toEqual({ period: null, reason: 'the warehouse has no sales' });
    const onlyThisMonth = latestCompleteMonth({ newest: '2026-11-29', newestComplete: null }, new Date('2026-11-29'));
    expect(onlyThisMonth.period).toBeNull();
    expect(onlyThisMonth.reason).toMatch(/no complete month has sales yet; 2026-11 is not complete yet/);
  });

  it('last month is the calendar month before the run, across a year end', () => {
    expect(lastCalendarMonth(new Date('2026-11-29T07:00:00Z')).id).toBe('2026-10');
    expect(lastCalendarMonth(new Date('2027-01-01T00:00:00Z')).id).toBe('2026-12');
  });

  it('lists the months a range touches', () => {
    expect(monthsOf({ from: '2016-11-15', to: '2017-01-02' })).toEqual(['2016-11', '2016-12', '2017-01']);
  });
});
