import { decideFreshness, newDataDue, retryDelaySeconds, spanInWords } from '../../../src/reports/runs/freshness';

const now = new Date('2018-01-05T12:00:00Z');
const P2D = { maxAgeSeconds: 2 * 86_400, text: 'P2D' };

describe('freshness of the warehouse behind a run', () => {
  it('a fresh warehouse built after the period ended publishes', () => {
    expect(decideFreshness(P2D, { builtAt: new Date('2018-01-04T06:00:00Z'), dataChangedAt: null, asOf: '2017-12-30' }, '2017-12-31', now)).toEqual({ publish: true });
  });

  it('a stale warehouse does not, and says how stale against what the job allows', () => {
    expect(decideFreshness(P2D, { builtAt: new Date('2018-01-02T10:00:00Z'), dataChangedAt: null, asOf: '2017-12-30' }, '2017-12-31', now)).toEqual({
      publish: false,
      reason: 'warehouse built 3 days ago; the job allows 2 days (freshness P2D)',
    });
  });

  it('a period that had not ended when the warehouse was built is incomplete in it', () => {
    const d = decideFreshness(P2D, { builtAt: new Date('2017-12-31T20:00:00Z'), dataChangedAt: null, asOf: '2017-12-30' }, '2017-12-31', new Date('2018-01-01T08:00:00Z'));
    expect(d).toEqual({ publish: false, reason: 'the period ending 2017-12-31 is not complete in the warehouse: it was built 2017-12-31 20:00 UTC, before the period ended' });
  });

  it('a warehouse never built cannot publish; a job without a rule always can', () => {
    expect(decideFreshness(P2D, { builtAt: null, dataChangedAt: null, asOf: null }, null, now)).toMatchObject({ publish: false, reason: expect.stringContaining('never been built') });
    expect(decideFreshness(null, { builtAt: null, dataChangedAt: null, asOf: null }, '2017-12-31', now)).toEqual({ publish: true });
  });

  it('spans read in the largest whole unit', () => {
    expect([spanInWords(3 * 86_400 + 5), spanInWords(86_400), spanInWords(5 * 3600), spanInWords(59)]).toEqual(['3 days', '1 day', '5 hours', '0 minutes']);
  });
});

describe('data-triggered jobs', () => {
  const changed = new Date('2018-01-04T06:00:00Z');
  const facts = { builtAt: new Date('2018-01-05T06:00:00Z'), dataChangedAt: changed, asOf: '2017-12-30' };
  it('are due after a build that changed the warehouse, and not again after one that changed nothing', () => {
    expect(newDataDue(null, facts)).toBe(true);
    expect(newDataDue({ data_changed_at: changed }, facts)).toBe(false);
    expect(newDataDue({ data_changed_at: new Date('2018-01-01T00:00:00Z') }, facts)).toBe(true);
  });

  it('are never due without a warehouse', () => {
    expect(newDataDue(null, { builtAt: null, dataChangedAt: null, asOf: null })).toBe(false);
  });
});

describe('retry backoff', () => {
  it('waits the base before the second attempt, then four times as long each time', () => {
    expect([2, 3, 4].map((n) => retryDelaySeconds(n, 30))).toEqual([30, 120, 480]);
    expect(retryDelaySeconds(2, 0.05)).toBe(0.05);
  });
});
