import { parseDate } from '../../../../src/pipeline/source/dates';

describe('parseDate', () => {
  it('reads ISO dates by default form and pads them', () => {
    expect(parseDate('2016-11-08', 'iso')).toEqual({ ok: true, iso: '2016-11-08' });
    expect(parseDate('2016-1-8', 'iso')).toEqual({ ok: true, iso: '2016-01-08' });
  });

  it('reads day-first and month-first only when told', () => {
    expect(parseDate('03/04/2016', 'dmy')).toEqual({ ok: true, iso: '2016-04-03' });
    expect(parseDate('03/04/2016', 'mdy')).toEqual({ ok: true, iso: '2016-03-04' });
  });

  it('never guesses: a slashed date under ISO is an error that suggests the option', () => {
    const r = parseDate('03/04/2016', 'iso');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain('use --date-format dmy or mdy');
  });

  it('rejects impossible dates, including 29 February outside leap years', () => {
    expect(parseDate('31/02/2016', 'dmy')).toEqual({ ok: false, reason: '"31/02/2016" is not a real date (read as DD/MM/YYYY)' });
    expect(parseDate('2015-02-29', 'iso').ok).toBe(false);
    expect(parseDate('2016-02-29', 'iso').ok).toBe(true);
    expect(parseDate('2000-02-29', 'iso').ok).toBe(true);
    expect(parseDate('1900-02-29', 'iso').ok).toBe(false);
    expect(parseDate('13/13/2016', 'mdy').ok).toBe(false);
  });

  it('rejects text that is not a date at all', () => {
    expect(parseDate('', 'iso').ok).toBe(false);
    expect(parseDate('yesterday', 'dmy').ok).toBe(false);
  });
});
