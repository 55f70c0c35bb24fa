import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readState, runJobs } from '../../../src/cli/schedule';
import { silentLogger } from '../../../src/log';
import { parseSchedule } from '../../../src/reports/schedule';

const schedule = parseSchedule(JSON.stringify({ jobs: [{ name: 'broken', notebook: 'a.ipynb', cron: '0 7 1 * *' }, { name: 'fine', report: 'executive', cron: '0 7 1 * *' }] }), 'f');

describe('running scheduled jobs', () => {
  it('a failing job is recorded and does not stop the next one; its last success is kept', async () => {
    const state = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sched-')), '.schedule-state.json');
    fs.writeFileSync(state, JSON.stringify({ broken: { last_success: '2026-01-01T07:00:00.000Z' } }));
    const ran: string[] = [];
    const outcomes = await runJobs(
      schedule.jobs,
      async (job) => {
        ran.push(job.name);
        if (job.name === 'broken') throw new Error('cell 3 (x()) failed: Error: boom');
        return 'reports/2026-01/executive.html';
      },
      { state, log: silentLogger, now: () => new Date('2026-02-01T07:00:00.000Z') },
    );
    expect(ran).toEqual(['broken', 'fine']);
    expect(outcomes.map((o) => [o.name, o.ok])).toEqual([['broken', false], ['fine', true]]);
    expect(readState(state)).toEqual({
      broken: { last_success: '2026-01-01T07:00:00.000Z', last_run: '2026-02-01T07:00:00.000Z', last_error: 'cell 3 (x()) failed: Error: boom' },
      fine: { last_run: '2026-02-01T07:00:00.000Z', last_success: '2026-02-01T07:00:00.000Z' },
    });
  });
});
