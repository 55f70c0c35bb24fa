/**
 * The Reports page and the report files behind it, for the dashboard server: reads the schedule file (again only when
 * it changed) and the run history, validates the filters, and finds a requested file in the reports folder.
 */
import fs from 'node:fs';
import type { Db } from 'mongodb';
import { readScheduleFile } from '../reports/schedule';
import { t, type Locale } from '../i18n';
import { englishPage, type PageLang } from './lang';
import { isNotebookJob, type JobSpec } from '../reports/schedule';
import { runStatuses, type RunStatus } from '../reports/runs/record';
import { serverZone } from './clock';
import { readReportFile, reportFileSegments, type ReportFile } from './files';
import { parseReports } from './params';
import { reportsBody, type JobView } from './reports-page';
import { readRecentByJob, readRunJobs, readRuns } from './runs';

export interface ReportsDeps {
  db: () => Promise<Db | null>;
  /** The schedule file whose jobs are listed; null: none configured. */
  scheduleFile: string | null;
  reportsDir: string;
  now?: () => Date;
  zone?: string;
}

export interface ReportsAnswer {
  /** 503 when the run history cannot be read (the jobs are still shown). */
  status: 200 | 503;
  body: string;
  /** The page's filters as a canonical query (`?job=west-monthly`), without `lang`. */
  query: string;
}

/** Pure: what a job renders, in a few words, in `locale`. */
export function jobView(j: JobSpec, locale: Locale = 'en'): JobView {
  const formats = j.formats.join(', ');
  const what = isNotebookJob(j) ? t(locale, 'dashboard.reports.whatNotebook', { notebook: j.notebook, formats }) : t(locale, 'dashboard.reports.whatReport', { period: j.period, formats });
  return { name: j.name, what, cron: j.cron ?? undefined, tz: j.tz, trigger: j.trigger };
}

/** The schedule as read: its jobs as the file gives them (each page names them in its reader's language). */
interface ScheduleRead {
  file: string | null;
  jobs: JobSpec[];
  problem: string | null;
}

/** The schedule's jobs, parsed again only when the file's size or modification time changed. */
function createScheduleReader(file: string | null): () => ScheduleRead {
  let last: { key: string; value: ScheduleRead } | null = null;
  return () => {
    if (!file) return { file: null, jobs: [], problem: null };
    let key: string;
    try {
      const st = fs.statSync(file);
      key = `${st.mtimeMs}:${st.size}`;
    } catch (err) {
      return { file, jobs: [], problem: `cannot read it: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
    }
    if (last?.key === key) return last.value;
    let value: ScheduleRead;
    try {
      value = { file, jobs: readScheduleFile(file).jobs, problem: null };
    } catch (err) {
      value = { file, jobs: [], problem: (err as Error).message };
    }
    last = { key, value };
    return value;
  };
}

export function createReports(deps: ReportsDeps) {
  const schedule = createScheduleReader(deps.scheduleFile);
  const now = deps.now ?? (() => new Date());
  return {
    /** The page for the query `params` (a BadRequest for an unknown key or value), in the reader's language. */
    async page(params: URLSearchParams, lang: PageLang = englishPage): Promise<ReportsAnswer> {
      const read = schedule();
      const s = { ...read, jobs: read.jobs.map((j) => jobView(j, lang.locale)) };
      const db = await deps.db();
      const names = s.jobs.map((j) => j.name);
      const withRuns = db ? await readRunJobs(db) : [];
      const knownJobs = [...new Set([...names, ...withRuns])].sort();
      const f = parseReports(params, { jobs: knownJobs, statuses: runStatuses });
      const filter = { job: f.job, status: f.status as RunStatus | null };
      const [recent, runs] = db ? await Promise.all([readRecentByJob(db, names), readRuns(db, filter)]) : [null, null];
      const body = reportsBody({ schedule: s, recent, runs, filter, knownJobs, now: now(), zone: deps.zone ?? serverZone(), lang });
      const query = new URLSearchParams([...(filter.job ? [['job', filter.job]] : []), ...(filter.status ? [['status', filter.status]] : [])]).toString();
      return { status: db ? 200 : 503, body, query: query ? `?${query}` : '' };
    },
    /** The report file a request target names (as the client sent it), or null: 404, whatever the reason. */
    async file(target: string): Promise<ReportFile | null> {
      const segments = reportFileSegments(target);
      return segments ? readReportFile(deps.reportsDir, segments) : null;
    },
  };
}
