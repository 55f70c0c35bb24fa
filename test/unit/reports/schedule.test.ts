import { parseCron } from '../../../src/reports/cron';
import fs from 'node:fs';
import path from 'node:path';
import { asPairs, checkNotebookParameters } from '../../../src/cli/notebook-report';
import { projectRoot } from '../../../src/config';
import { dueJobs, isDue, isNotebookJob, nextWake, parseSchedule, ScheduleError } from '../../../src/reports/schedule';

const valid = JSON.stringify({
  jobs: [
    { name: 'west', notebook: 'notebooks/06-branch-review.ipynb', parameters: { branch: 'BR-WEST', period: 'latest' }, formats: ['html', 'pdf'], cron: '0 7 1 * *' },
    { name: 'exec', report: 'executive', cron: '0 6 * * 1' },
  ],
});

describe('schedule files', () => {
  it('reads notebook and executive report jobs with their defaults', () => {
    const s = parseSchedule(valid, 'schedule.json');
    expect(s.jobs[0]).toEqual({ name: 'west', notebook: 'notebooks/06-branch-review.ipynb', parameters: { branch: 'BR-WEST', period: 'latest' }, formats: ['html', 'pdf'], code: 'hide', timeout: 600, cron: '0 7 1 * *' });
    expect(s.jobs[1]).toEqual({ name: 'exec', report: 'executive', period: 'latest', formats: ['html', 'pdf', 'xlsx'], cron: '0 6 * * 1' });
  });

  it('names the file, the job and the field that is wrong', () => {
    const bad = { jobs: [{ name: 'west', notebook: 'nb.ipynb', cron: '0 7 1 *', formats: ['html', 'docx'] }, { name: 'x', report: 'weekly', cron: '* * * * *' }, { name: 'y', cron: '* * * * *' }] };
    let message = '';
    try {
      parseSchedule(JSON.stringify(bad), 'reports/schedule.json');
    } catch (err) {
      expect(err).toBeInstanceOf(ScheduleError);
      message = (err as Error).message;
    }
    expect(message).toContain('reports/schedule.json is not a valid schedule');
    expect(message).toContain('jobs[0] (job "west").formats[1]: expected html, pdf or ipynb');
    expect(message).toContain('jobs[0] (job "west").cron: cron "0 7 1 *" needs 5 fields');
    expect(message).toContain('jobs[1] (job "x").report: expected "executive"');
    expect(message).toContain('jobs[2] (job "y"): needs "notebook"');
  });

  it('refuses unknown fields, bad JSON, no jobs and two jobs with one name', () => {
    expect(() => parseSchedule(JSON.stringify({ jobs: [{ name: 'a', notebook: 'a.ipynb', cron: '* * * * *', param: {} }] }), 'f')).toThrow(/Unrecognized key\(s\) in object: 'param'/);
    expect(() => parseSchedule('{', 'f')).toThrow(/f is not JSON/);
    expect(() => parseSchedule('{"jobs":[]}', 'f')).toThrow(/jobs: needs at least one job/);
    const twice = { jobs: [{ name: 'a', report: 'executive', cron: '* * * * *' }, { name: 'a', report: 'executive', cron: '* * * * *' }] };
    expect(() => parseSchedule(JSON.stringify(twice), 'f')).toThrow(/two jobs are named "a"/);
  });
});

describe('due jobs', () => {
  const monthly = parseCron('0 7 1 * *');
  it('a job that never succeeded is due', () => {
    expect(isDue(monthly, undefined, new Date('2026-03-15T00:00:00Z'))).toBe(true);
  });
  it('is due when its cron matched after the last success, once however many runs were missed', () => {
    expect(isDue(monthly, '2026-03-01T07:00:05Z', new Date('2026-03-31T23:59:00Z'))).toBe(false);
    expect(isDue(monthly, '2026-03-01T07:00:05Z', new Date('2026-04-01T07:00:00Z'))).toBe(true);
    expect(isDue(monthly, '2025-11-01T07:00:05Z', new Date('2026-04-15T00:00:00Z'))).toBe(true);
  });
  it('picks the due jobs of a schedule and the next time to wake', () => {
    const s = parseSchedule(valid, 'f');
    const now = new Date('2026-03-02T06:30:00Z');
    expect(dueJobs(s, { west: { last_success: '2026-03-01T07:00:01Z' } }, now).map((j) => j.name)).toEqual(['exec']);
    expect(nextWake(s, now).toISOString()).toBe('2026-03-09T06:00:00.000Z');
  });
});

describe('the example schedule (docs/examples/schedule.json)', () => {
  const file = path.join(projectRoot, 'docs', 'examples', 'schedule.json');
  const schedule = parseSchedule(fs.readFileSync(file, 'utf8'), file);

  it('is a valid schedule with notebook and executive report jobs', () => {
    expect(schedule.jobs.filter(isNotebookJob).length).toBeGreaterThanOrEqual(2);
    expect(schedule.jobs.some((j) => !isNotebookJob(j))).toBe(true);
  });

  it('gives each notebook job parameters its notebook declares, of the declared types', () => {
    for (const job of schedule.jobs.filter(isNotebookJob)) {
      expect(() => checkNotebookParameters(path.join(projectRoot, job.notebook), asPairs(job.parameters))).not.toThrow();
    }
  });
});
