import fs from 'node:fs';
import path from 'node:path';
import { notebookJobParameters } from '../../../src/cli/schedule';
import { asPairs, checkNotebookParameters } from '../../../src/cli/notebook-report';
import { projectRoot } from '../../../src/config';
import { describeZone, dueJobs, isDue, isNotebookJob, nextWake, parseSchedule, ScheduleError } from '../../../src/reports/schedule';

const valid = JSON.stringify({
  tz: 'UTC',
  jobs: [
    { name: 'west', notebook: 'notebooks/06-branch-review.ipynb', parameters: { branch: 'BR-WEST', period: 'latest' }, formats: ['html', 'pdf'], cron: '0 7 1 * *' },
    { name: 'exec', report: 'executive', cron: '0 6 * * 1' },
  ],
});

describe('schedule files', () => {
  it('reads notebook and executive report jobs with their defaults', () => {
    const s = parseSchedule(valid, 'schedule.json');
    const scheduling = { trigger: ['cron'], freshness: null, timeout: 600, retries: 2, retryDelay: 30, static: false, tz: 'UTC', tzSource: 'file', deliver: [], recipients: {}, alerts: [] };
    expect(s.jobs[0]).toEqual({ name: 'west', notebook: 'notebooks/06-branch-review.ipynb', parameters: { branch: 'BR-WEST', period: 'latest' }, formats: ['html', 'pdf'], code: 'hide', cron: '0 7 1 * *', ...scheduling });
    expect(s.jobs[1]).toEqual({ name: 'exec', report: 'executive', period: 'latest', formats: ['html', 'pdf', 'xlsx'], cron: '0 6 * * 1', ...scheduling });
  });

  it('a job with "static": true writes its HTML without script; a static that is not true or false is refused', () => {
    const s = parseSchedule(JSON.stringify({ jobs: [{ name: 'mail', report: 'executive', cron: '0 6 * * 1', static: true }] }), 'f');
    expect(s.jobs[0]!.static).toBe(true);
    expect(() => parseSchedule(JSON.stringify({ jobs: [{ name: 'mail', report: 'executive', cron: '0 6 * * 1', static: 'yes' }] }), 'f')).toThrow(/jobs\[0\] \(job "mail"\)\.static: expected true or false/);
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
  const monthly = { cron: '0 7 1 * *', tz: 'UTC' };
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
    expect(nextWake(s, now)?.toISOString()).toBe('2026-03-09T06:00:00.000Z');
  });
});

const job = (extra: Record<string, unknown>) => ({ name: 'j', report: 'executive', cron: '0 7 1 * *', ...extra });
const one = (extra: Record<string, unknown>, top: Record<string, unknown> = {}) => parseSchedule(JSON.stringify({ ...top, jobs: [job(extra)] }), 'schedule.json', { machineZone: 'Asia/Tokyo' }).jobs[0]!;
const problem = (extra: Record<string, unknown>, top: Record<string, unknown> = {}) => {
  try {
    one(extra, top);
  } catch (err) {
    expect(err).toBeInstanceOf(ScheduleError);
    return (err as Error).message;
  }
  throw new Error('expected a ScheduleError');
};

describe('time zones of jobs', () => {
  it("a job's own tz wins over the file's default", () => {
    expect(one({ tz: 'America/New_York' }, { tz: 'Europe/Madrid' })).toMatchObject({ tz: 'America/New_York', tzSource: 'job' });
  });
  it("a job without tz takes the file's default", () => {
    expect(one({}, { tz: 'Europe/Madrid' })).toMatchObject({ tz: 'Europe/Madrid', tzSource: 'file' });
  });
  it("without either, the machine's zone, and the logs can say which", () => {
    const j = one({});
    expect(j).toMatchObject({ tz: 'Asia/Tokyo', tzSource: 'machine' });
    expect(describeZone(j)).toBe('machine zone Asia/Tokyo');
    expect(describeZone(one({ tz: 'Europe/Madrid' }))).toBe('zone Europe/Madrid (from the job)');
    expect(describeZone(one({}, { tz: 'Europe/Madrid' }))).toBe("zone Europe/Madrid (the file's default)");
  });
  it('an unknown zone names the job and the field, or the file-level field', () => {
    expect(problem({ tz: 'Europe/Madird' })).toContain('jobs[0] (job "j").tz: "Europe/Madird" is not an IANA time zone name');
    expect(problem({}, { tz: 'CEST' })).toContain('tz: "CEST" is not an IANA time zone name');
  });
});

describe('triggers', () => {
  it('cron by default; "data" or both become an array, cron first', () => {
    expect(one({}).trigger).toEqual(['cron']);
    expect(one({ trigger: 'data', cron: undefined }).trigger).toEqual(['data']);
    expect(one({ trigger: ['data', 'cron'] }).trigger).toEqual(['cron', 'data']);
  });
  it('a data-triggered job has no cron; giving it one is an error rather than ignored', () => {
    expect(one({ trigger: 'data', cron: undefined }).cron).toBeNull();
    expect(problem({ trigger: 'data' })).toContain('jobs[0] (job "j").cron: is not used by a job with "trigger": "data"');
  });
  it('a clock trigger needs a cron; an unknown trigger names the field', () => {
    expect(problem({ cron: undefined })).toContain('jobs[0] (job "j").cron: is required when the trigger includes cron');
    expect(problem({ trigger: ['cron', 'weekly'] })).toContain('jobs[0] (job "j").trigger: expected "cron", "data" or ["cron", "data"]');
    expect(problem({ trigger: [] })).toContain('.trigger: expected');
  });
});

describe('freshness, timeout and retries', () => {
  it('freshness keeps the duration as written and in seconds', () => {
    expect(one({ freshness: { maxAge: 'P2D' } }).freshness).toEqual({ maxAgeSeconds: 172_800, text: 'P2D' });
    expect(one({ freshness: { maxAge: 'P1DT6H' } }).freshness).toEqual({ maxAgeSeconds: 108_000, text: 'P1DT6H' });
    expect(one({}).freshness).toBeNull();
  });
  it('a bad duration or a missing maxAge names the field', () => {
    expect(problem({ freshness: { maxAge: '2 days' } })).toContain('jobs[0] (job "j").freshness.maxAge: "2 days" is not an ISO 8601 duration');
    expect(problem({ freshness: {} })).toContain('.freshness.maxAge: is required');
    expect(problem({ freshness: { maxAge: 'P2D', minAge: 'P1D' } })).toContain("freshness: Unrecognized key(s) in object: 'minAge'");
  });
  it('executive and notebook jobs both take timeout, retries and retryDelay, with defaults 600, 2 and 30', () => {
    expect(one({})).toMatchObject({ timeout: 600, retries: 2, retryDelay: 30 });
    expect(one({ timeout: 120, retries: 0, retryDelay: 5 })).toMatchObject({ timeout: 120, retries: 0, retryDelay: 5 });
    const nb = parseSchedule(JSON.stringify({ jobs: [{ name: 'n', notebook: 'a.ipynb', cron: '0 7 * * *', timeout: 60, retries: 1 }] }), 'f').jobs[0]!;
    expect(nb).toMatchObject({ timeout: 60, retries: 1, retryDelay: 30 });
  });
  it('refuses negative or fractional retries and a non-positive timeout, naming the field', () => {
    expect(problem({ retries: -1 })).toContain('.retries: expected 0 or more retries');
    expect(problem({ retries: 1.5 })).toContain('.retries: expected a whole number of retries');
    expect(problem({ timeout: 0 })).toContain('.timeout: expected seconds, more than 0');
    expect(problem({ retryDelay: -3 })).toContain('.retryDelay: expected seconds, 0 or more');
  });
});

describe('due jobs in their zones', () => {
  const madrid = (cron: string) => ({ cron, tz: 'Europe/Madrid' });
  it('a Madrid 07:00 job is due at 07:00 Madrid time, not 07:00 UTC', () => {
    expect(isDue(madrid('0 7 * * *'), '2027-06-01T05:00:10Z', new Date('2027-06-02T04:59:00Z'))).toBe(false);
    expect(isDue(madrid('0 7 * * *'), '2027-06-01T05:00:10Z', new Date('2027-06-02T05:00:00Z'))).toBe(true);
  });
  it('a daily 02:30 job is due once on the spring-forward day, from 03:00 CEST', () => {
    const lastSuccess = '2027-03-27T01:30:05Z'; // 02:30 CET the day before
    expect(isDue(madrid('30 2 * * *'), lastSuccess, new Date('2027-03-28T00:59:00Z'))).toBe(false);
    expect(isDue(madrid('30 2 * * *'), lastSuccess, new Date('2027-03-28T01:00:00Z'))).toBe(true);
    // Run at 03:00 CEST: not due again that day.
    expect(isDue(madrid('30 2 * * *'), '2027-03-28T01:00:04Z', new Date('2027-03-28T21:00:00Z'))).toBe(false);
  });
  it('a daily 02:30 job that ran at the first 02:30 of the fall-back day is not due at the second', () => {
    expect(isDue(madrid('30 2 * * *'), '2027-10-31T00:30:04Z', new Date('2027-10-31T01:30:00Z'))).toBe(false);
    expect(isDue(madrid('30 2 * * *'), '2027-10-31T00:30:04Z', new Date('2027-11-01T01:30:00Z'))).toBe(true);
  });
  it('a job triggered only by data is never due by the clock, and the clock does not wake for it', () => {
    const s = parseSchedule(JSON.stringify({ jobs: [{ name: 'd', report: 'executive', trigger: 'data' }] }), 'f');
    expect(dueJobs(s, {}, new Date('2027-01-01T00:00:00Z'))).toEqual([]);
    expect(nextWake(s, new Date('2027-01-01T00:00:00Z'))).toBeNull();
  });
  it('wakes for the earliest job, each in its own zone', () => {
    const s = parseSchedule(JSON.stringify({ tz: 'Europe/Madrid', jobs: [{ name: 'madrid', report: 'executive', cron: '0 7 * * *' }, { name: 'ny', report: 'executive', cron: '0 2 * * *', tz: 'America/New_York' }] }), 'f');
    expect(nextWake(s, new Date('2027-06-01T00:00:00Z'))?.toISOString()).toBe('2027-06-01T05:00:00.000Z');
    expect(nextWake(s, new Date('2027-06-01T05:00:00Z'))?.toISOString()).toBe('2027-06-01T06:00:00.000Z');
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
      expect(() => checkNotebookParameters(path.join(projectRoot, job.notebook), asPairs(notebookJobParameters(job, null)))).not.toThrow();
    }
  });
});

describe('delivery fields of a job', () => {
  const job = (extra: Record<string, unknown>) => parseSchedule(JSON.stringify({ jobs: [{ name: 'j', report: 'executive', cron: '0 7 1 * *', tz: 'UTC', ...extra }] }), 'f.json').jobs[0]!;

  it('reads channels, a burst by branch, recipients and alert rules', () => {
    const j = job({ deliver: [{ email: { to: ['direccion@example.com'] } }, { webhook: { url: 'http://127.0.0.1:9/hook' } }], burst: 'branch', recipients: { 'BR-WEST': ['oeste@example.com'], '*': ['direccion@example.com'] }, alerts: [{ kpi: 'margin', below: 0.1 }, { kpi: 'revenue', changePct: { below: -20 } }] });
    expect(j.deliver).toEqual([{ email: { to: ['direccion@example.com'], attach: ['pdf', 'xlsx'] } }, { webhook: { url: 'http://127.0.0.1:9/hook' } }]);
    expect([j.burst, j.recipients['BR-WEST'], j.alerts.length]).toEqual(['branch', ['oeste@example.com'], 2]);
  });

  it('names the field of a bad channel, address or rule', () => {
    expect(() => job({ deliver: [{ fax: {} }] })).toThrow(/jobs\[0\] \(job "j"\)\.deliver\[0\]: expected \{ "email"/);
    expect(() => job({ recipients: { 'BR-WEST': ['not an address'] } })).toThrow(/recipients\.BR-WEST\[0\]: expected an e-mail address/);
    expect(() => job({ alerts: [{ kpi: 'margin' }] })).toThrow(/alerts\[0\]: needs "below", "above" or "changePct"/);
  });
});

describe('the example schedules of the docs', () => {
  it('docs/examples/delivery.json and the "Delivering reports" example of the docs are valid schedules', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { projectRoot } = await import('../../../src/config');
    const file = path.join(projectRoot, 'docs', 'examples', 'delivery.json');
    const job = parseSchedule(fs.readFileSync(file, 'utf8'), file).jobs[0]!;
    expect([job.burst, job.cron, job.tz, job.deliver.length, job.alerts.length]).toEqual(['branch', '0 7 * * MON#1', 'Europe/Madrid', 1, 1]);
    const doc = fs.readFileSync(path.join(projectRoot, 'docs', 'notebook-reports.md'), 'utf8');
    const block = /### Delivering reports[\s\S]*?```json\n([\s\S]*?)```/.exec(doc)![1]!;
    expect(parseSchedule(block, 'docs').jobs[0]!.recipients['*']).toEqual(['direccion@example.com']);
  });
});
