import { describeTiming, nextRunOf } from '../../../src/dashboard/job-timing';
import { formatInZone as isoInZone } from '../../../src/reports/cron';
import { BadRequest, parseReports } from '../../../src/dashboard/params';
import { formatDuration, reportsBody, runStrip, type ReportsPageData } from '../../../src/dashboard/reports-page';
import { runsQuery } from '../../../src/dashboard/runs';
import { jobView } from '../../../src/dashboard/reports';
import { runStatuses, type ReportRun } from '../../../src/reports/runs/record';

const t = (iso: string) => new Date(iso);

function run(over: Partial<ReportRun> & Pick<ReportRun, '_id' | 'status'>): ReportRun {
  const started = over.started_at ?? t('2024-05-01T07:00:00Z');
  return {
    job: 'west-monthly', kind: 'notebook', schedule: null, parameters: {}, period: '2024-04', trigger: 'cron', attempt: 1, attempts: [],
    started_at: started, ended_at: over.status === 'running' ? null : new Date(started.getTime() + 42_000), heartbeat_at: started, host: 'h', pid: 1,
    steps: {}, error: null, reason: null, data_as_of: '2024-04-30', warehouse_built_at: null, outputs: [], figures: null,
    ...over,
  };
}

function data(over: Partial<ReportsPageData> = {}): ReportsPageData {
  return {
    schedule: { file: '/srv/schedule.json', jobs: [{ name: 'west-monthly', what: 'notebook notebooks/06-branch-review.ipynb · html, pdf', cron: '0 7 1 * *' }], problem: null },
    recent: new Map(), runs: [], filter: { job: null, status: null }, knownJobs: ['west-monthly'], now: t('2024-05-15T12:00:00Z'), zone: 'UTC',
    ...over,
  };
}

describe('a job\'s timing', () => {
  it('names the cron with its zone, or the data trigger, or both', () => {
    expect(describeTiming({ cron: '0 7 1 * *', tz: 'Europe/Madrid' })).toBe('0 7 1 * * · Europe/Madrid');
    expect(describeTiming({ cron: '0 7 1 * *' })).toBe('0 7 1 * * · UTC');
    expect(describeTiming({ trigger: ['data'] })).toBe('on new data');
    expect(describeTiming({ cron: '0 7 1 * *', tz: 'UTC', trigger: ['cron', 'data'] })).toBe('0 7 1 * * · UTC, and on new data');
  });

  it('the next run of a UTC job is the cron\'s next minute, written with its offset', () => {
    expect(nextRunOf({ cron: '0 7 1 * *' }, t('2024-05-15T12:00:00Z'))).toEqual({ at: t('2024-06-01T07:00:00Z'), text: '2024-06-01T07:00:00+00:00' });
  });

  it('a data-only job has no next run on the clock', () => {
    expect(nextRunOf({ cron: '0 7 1 * *', trigger: ['data'] }, t('2024-05-15T12:00:00Z'))).toBeNull();
    expect(nextRunOf({ trigger: ['data'] }, t('2024-05-15T12:00:00Z'))).toBeNull();
  });

  it('a time is written in a zone with that zone\'s offset on each side of a DST change', () => {
    expect(isoInZone(t('2027-03-28T07:00:00Z'), 'Europe/Madrid')).toBe('2027-03-28T09:00:00+02:00');
    expect(isoInZone(t('2027-03-27T07:00:00Z'), 'Europe/Madrid')).toBe('2027-03-27T08:00:00+01:00');
    expect(isoInZone(t('2027-01-05T12:30:00Z'), 'America/New_York')).toBe('2027-01-05T07:30:00-05:00');
    expect(isoInZone(t('2027-01-05T12:30:00Z'), 'UTC')).toBe('2027-01-05T12:30:00+00:00');
  });

  it('reads tz and trigger from a job that has them, and a job without them as UTC on the clock', () => {
    const job = { name: 'x', report: 'executive', period: 'latest', formats: ['pdf'], cron: '0 7 1 * *' } as const;
    expect(jobView(job as never)).toEqual({ name: 'x', what: 'executive report, period latest · pdf', cron: '0 7 1 * *', tz: undefined, trigger: undefined });
    expect(jobView({ ...job, tz: 'Europe/Madrid', trigger: ['data'] } as never)).toMatchObject({ tz: 'Europe/Madrid', trigger: ['data'] });
  });
});

describe('the Reports page', () => {
  it('durations read as seconds, minutes or hours', () => {
    expect([0.42, 12.3, 245, 3720].map((s) => formatDuration(s))).toEqual(['0.4 s', '12 s', '4 min 05 s', '1 h 02 min']);
  });

  it('a run strip labels every run with its status in words, not only a colour', () => {
    const html = runStrip([run({ _id: 'b', status: 'failed', started_at: t('2024-05-02T07:00:00Z') }), run({ _id: 'a', status: 'succeeded' })], 'UTC');
    expect(html).toContain('aria-label="Last 2 runs, oldest first: 1 succeeded, 1 failed"');
    // Oldest first: the succeeded run of May 1st, then the failed one.
    expect([...html.matchAll(/<li class="s-(\w+)"[^>]*title="([^"]+)"/g)].map((m) => [m[1], m[2]])).toEqual([
      ['succeeded', '2024-05-01 07:00 UTC: succeeded'],
      ['failed', '2024-05-02 07:00 UTC: failed'],
    ]);
    expect(html).toContain('<span class="sr">2024-05-02 07:00 UTC: failed</span>');
  });

  it('escapes every value a run or a schedule holds', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const html = reportsBody(
      data({
        schedule: { file: '/srv/"s".json', jobs: [{ name: evil, what: evil, cron: '0 7 1 * *' }], problem: null },
        runs: [run({ _id: evil, job: evil, status: 'failed', error: `${evil}\nat ${evil}`, period: evil, parameters: { [evil]: evil }, outputs: [{ format: evil, path: `a/${evil}.pdf`, size: 10, sha256: evil }] })],
        knownJobs: [evil],
      }),
    );
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('href="/reports/files/a/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E.pdf"');
  });

  it('shows a failed run\'s error, a skipped run\'s reason, and a running run as running', () => {
    const html = reportsBody(
      data({
        runs: [
          run({ _id: 'r', status: 'running', started_at: t('2024-05-03T07:00:00Z'), heartbeat_at: t('2024-05-03T07:01:30Z') }),
          run({ _id: 's', status: 'skipped', reason: 'warehouse built 3 days ago; the job allows 2' }),
          run({ _id: 'f', status: 'failed', attempt: 3, error: 'cell 4 raised: boom', attempts: [1, 2, 3].map((n) => ({ attempt: n, started_at: t('2024-05-01T07:00:00Z'), ended_at: null, status: n === 2 ? 'timed_out' : 'failed', error: 'boom' })) }),
        ],
      }),
    );
    expect(html).toMatch(/data-run="r"[^]*?data-status="running"[^]*?running[^]*?heartbeat <time datetime="2024-05-03T07:01:30.000Z">/);
    expect(html).toMatch(/data-run="s"[^]*?<td class="problem" data-problem>warehouse built 3 days ago; the job allows 2<\/td>/);
    expect(html).toMatch(/data-run="f"[^]*?<td class="num">3<div class="sub"[^>]*>1 failed · 2 timed out<\/div>[^]*?cell 4 raised: boom/);
  });

  it('a finished run changes the page, so its ETag changes too', () => {
    const running = reportsBody(data({ runs: [run({ _id: 'r', status: 'running' })] }));
    const done = reportsBody(data({ runs: [run({ _id: 'r', status: 'succeeded' })] }));
    expect(done).not.toBe(running);
    expect(reportsBody(data({ runs: [run({ _id: 'r', status: 'succeeded' })] }))).toBe(done);
  });

  it('without a schedule file the jobs section names SCHEDULE_FILE and the runs are still listed', () => {
    const html = reportsBody(data({ schedule: { file: null, jobs: [], problem: null }, runs: [run({ _id: 'a', status: 'succeeded', job: 'report', trigger: 'manual' })] }));
    expect(html).toMatch(/data-no-schedule>No schedule file is configured: set <code>SCHEDULE_FILE<\/code>/);
    expect(html).toContain('data-run="a"');
  });
});

describe('the Reports page\'s filters', () => {
  const known = { jobs: ['east-monthly', 'west-monthly'], statuses: runStatuses };
  it('accept a known job and status, and "all" or nothing as no filter', () => {
    expect(parseReports(new URLSearchParams('job=west-monthly&status=timed_out'), known)).toEqual({ job: 'west-monthly', status: 'timed_out' });
    expect(parseReports(new URLSearchParams('job=&status=all'), known)).toEqual({ job: null, status: null });
    expect(runsQuery({ job: 'west-monthly', status: 'failed' })).toEqual({ job: 'west-monthly', status: 'failed' });
  });

  it.each([
    ['job=north', /job "north" is not a job \(known: east-monthly, west-monthly\)/],
    ['status=broken', /status "broken" is not a run status/],
    ['job[$ne]=x', /unknown parameter "job\[\$ne\]"/],
    ['status=failed&status=skipped', /given twice/],
    ['limit=5', /unknown parameter "limit"/],
  ])('reject %s with a 400 naming it', (query, message) => {
    expect(() => parseReports(new URLSearchParams(query), known)).toThrow(BadRequest);
    expect(() => parseReports(new URLSearchParams(query), known)).toThrow(message);
  });
});

describe('what a run told its readers, on the Reports page', () => {
  it('shows a restatement, the alerts raised and where the outputs were delivered', () => {
    const html = reportsBody(
      data({
        runs: [
          run({
            _id: 'd',
            status: 'succeeded',
            what_changed: ['December 2017 revenue restated: $83,829.32 → $83,929.32 (+0.12 %); 1 order changed.', 'Against the previous report (November 2017): revenue $1.00 → $2.00 (+100.0 %).'],
            alerts: [{ key: 'k', text: 'Executive sales report · December 2017: margin 5.1 %, below 10.0 %.', at: t('2024-05-01T07:00:00Z') }],
            deliveries: [{ channel: 'email', target: 'oeste@example.com', recipients: ['oeste@example.com'], status: 'sent', message_id: 'm', content_hash: 'h', at: t('2024-05-01T07:00:00Z'), error: null, attempts: 1 }],
          }),
        ],
      }),
    );
    expect(html).toContain('<div class="restated" data-restated>December 2017 revenue restated: $83,829.32 → $83,929.32 (+0.12 %); 1 order changed.</div>');
    expect(html).not.toContain('Against the previous report');
    expect(html).toContain('data-alert>⚠ Executive sales report · December 2017: margin 5.1 %, below 10.0 %.');
    expect(html).toContain('data-delivery="sent">email sent to oeste@example.com');
  });
});
