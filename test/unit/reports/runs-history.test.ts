import { durationText, formatHistory } from '../../../src/reports/runs/history';
import type { ReportRun } from '../../../src/reports/runs/record';

const run = (over: Partial<ReportRun>): ReportRun => ({
  _id: 'x',
  job: 'executive-monthly',
  kind: 'executive',
  schedule: null,
  parameters: {},
  period: '2017-12',
  trigger: 'cron',
  attempt: 1,
  attempts: [],
  status: 'succeeded',
  started_at: new Date('2018-01-01T06:00:00Z'),
  ended_at: new Date('2018-01-01T06:00:02.5Z'),
  heartbeat_at: new Date('2018-01-01T06:00:02Z'),
  host: 'h',
  pid: 1,
  steps: {},
  error: null,
  reason: null,
  data_as_of: '2017-12-30',
  warehouse_built_at: null,
  outputs: [{ format: 'pdf', path: '2017-12/executive.pdf', size: 1, sha256: 'a' }],
  figures: null,
  ...over,
});

describe('the run history table', () => {
  it('has one aligned line per run with its status, tries, duration and outputs or error', () => {
    const text = formatHistory([
      run({}),
      run({ job: 'west', status: 'failed', attempt: 3, error: 'cell 5 failed: BranchError\nstack', ended_at: new Date('2018-01-01T06:03:05Z') }),
      run({ job: 'east', status: 'skipped', reason: 'warehouse built 3 days ago; the job allows 2 days (freshness P2D)', outputs: [] }),
    ], 200);
    expect(text.split('\n')).toEqual([
      'started            job                trigger  period   status     tries  duration    as of       outputs or error',
      '─────────────────  ─────────────────  ───────  ───────  ─────────  ─────  ──────────  ──────────  ────────────────',
      '2018-01-01 06:00Z  executive-monthly  cron     2017-12  succeeded  1      2.5 s       2017-12-30  2017-12/executive.pdf',
      '2018-01-01 06:00Z  west               cron     2017-12  failed     3      3 min 05 s  2017-12-30  cell 5 failed: BranchError',
      '2018-01-01 06:00Z  east               cron     2017-12  skipped    1      2.5 s       2017-12-30  warehouse built 3 days ago; the job allows 2 days (freshness P2D)',
    ]);
  });

  it('says when there is nothing yet, shows a running run, and keeps lines within the width', () => {
    expect(formatHistory([])).toBe('No report runs recorded yet.');
    expect(durationText({ started_at: new Date(0), ended_at: null })).toBe('running');
    expect(formatHistory([run({ error: 'x'.repeat(300), status: 'failed' })], 100).split('\n').every((l) => l.length <= 100)).toBe(true);
  });
});
