/**
 * The Reports page (pure rendering): each job of the schedule with its timing, next run, last run and a strip of its
 * last 30 runs, then the recent runs (filterable by job and status) with their outputs and errors. Every value is
 * escaped; nothing in it depends on the clock but the next runs, so equal runs give equal bytes (and ETags).
 */
import type { ReportRun, RunStatus, RunTrigger } from '../reports/runs/record';
import { formatsOf, t, type Locale, type MessageKey, type MessageValues } from '../i18n';
import { englishPage, langField, tHtml, withLang, type PageLang } from './lang';
import { runStatuses } from '../reports/runs/record';
import { esc } from '../reports/format';
import { clockDateTime, zoneLabel } from './clock';
import { reportFileUrl } from './files';
import { describeTiming, nextRunOf, triggersOf, type JobTiming } from './job-timing';
import { RUNS_SHOWN, STRIP_RUNS, type RunsFilter } from './runs';

/** A schedule job as the page shows it. */
export interface JobView extends JobTiming {
  name: string;
  /** What it renders: "notebook notebooks/06-branch-review.ipynb", "executive report, period latest". */
  what: string;
}

export interface ReportsPageData {
  /** The schedule file (null when none is configured), its jobs, and why it could not be read. */
  schedule: { file: string | null; jobs: JobView[]; problem: string | null };
  /** Each job's last runs, newest first; null when the run history cannot be read. */
  recent: Map<string, ReportRun[]> | null;
  runs: ReportRun[] | null;
  filter: RunsFilter;
  /** Jobs the filter offers. */
  knownJobs: readonly string[];
  now: Date;
  /** The zone run times are shown in (the server's, named). */
  zone: string;
  /** The reader's language (English when absent). */
  lang?: PageLang;
}

const statusKeys = {
  running: 'dashboard.status.running',
  succeeded: 'dashboard.status.succeeded',
  failed: 'dashboard.status.failed',
  timed_out: 'dashboard.status.timedOut',
  skipped: 'dashboard.status.skipped',
  interrupted: 'dashboard.status.interrupted',
} as const satisfies Record<RunStatus, MessageKey>;
const statusText = (locale: Locale, s: RunStatus) => t(locale, statusKeys[s]);
const triggerKeys = { cron: 'dashboard.trigger.cron', data: 'dashboard.trigger.data', manual: 'dashboard.trigger.manual' } as const satisfies Record<RunTrigger, MessageKey>;
/** A glyph per status, so that colour is never the only cue (with the word beside it, or in its label). */
const statusGlyph: Record<RunStatus, string> = { running: '▶', succeeded: '✓', failed: '✗', timed_out: '⌛', skipped: '↷', interrupted: '!' };

/** Pure: "0.4 s", "12.3 s", "4 min 05 s", "1 h 02 min" (the units are the same in Spanish, the decimal sign not: "0,4 s"). */
export function formatDuration(seconds: number, locale: Locale = 'en'): string {
  if (seconds < 60) return `${seconds < 10 ? formatsOf(locale).oneDecimal(Number(seconds.toFixed(1))) : Math.round(seconds)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** Pure: a finished run's duration; null while it runs. */
export function runSeconds(r: Pick<ReportRun, 'started_at' | 'ended_at'>): number | null {
  return r.ended_at ? Math.max(0, (r.ended_at.getTime() - r.started_at.getTime()) / 1000) : null;
}

export function statusPill(s: RunStatus, locale: Locale = 'en'): string {
  return `<span class="status s-${esc(s)}" data-status="${esc(s)}"><span aria-hidden="true">${statusGlyph[s]}</span> ${esc(statusText(locale, s))}</span>`;
}

const when = (d: Date, zone: string, locale: Locale) => `<time datetime="${esc(d.toISOString())}">${esc(clockDateTime(d, zone, locale))}</time>`;

/** Pure: a job's last runs as a strip of squares, oldest first, each with its status as glyph, title and label. */
export function runStrip(runs: readonly ReportRun[], zone: string, locale: Locale = 'en'): string {
  if (!runs.length) return `<span class="muted">${esc(t(locale, 'dashboard.reports.noRunsYet'))}</span>`;
  const counts = runStatuses.filter((s) => runs.some((r) => r.status === s)).map((s) => `${runs.filter((r) => r.status === s).length} ${statusText(locale, s)}`);
  const cells = [...runs]
    .reverse()
    .map((r) => {
      const label = `${clockDateTime(r.started_at, zone, locale)}: ${statusText(locale, r.status)}`;
      return `<li class="s-${esc(r.status)}" data-status="${esc(r.status)}" title="${esc(label)}"><span aria-hidden="true">${statusGlyph[r.status]}</span><span class="sr">${esc(label)}</span></li>`;
    })
    .join('');
  return `<ol class="strip" aria-label="${esc(t(locale, 'dashboard.reports.stripLabel', { count: runs.length, statuses: counts.join(', ') }))}">${cells}</ol>`;
}

function lastRunCell(last: ReportRun | undefined, zone: string, locale: Locale): string {
  if (!last) return `<td class="muted">${esc(t(locale, 'dashboard.reports.never'))}</td>`;
  const secs = runSeconds(last);
  const took = secs === null ? tHtml(locale, 'dashboard.reports.since', {}, { time: when(last.started_at, zone, locale) }) : `${esc(formatDuration(secs, locale))} · ${when(last.started_at, zone, locale)}`;
  return `<td>${statusPill(last.status, locale)}<div class="sub">${took}</div></td>`;
}

function jobRow(job: JobView, recent: readonly ReportRun[] | null, d: ReportsPageData): string {
  const lang = d.lang ?? englishPage;
  const { locale } = lang;
  const next = nextRunOf(job, d.now);
  const unknown = `<td class="muted">${esc(t(locale, 'dashboard.reports.unknown'))}</td>`;
  const nextCell = next
    ? `<td><time datetime="${esc(next.at.toISOString())}" data-next-run>${esc(next.text)}</time></td>`
    : `<td class="muted">${triggersOf(job).includes('data') ? esc(t(locale, 'dashboard.reports.onNewData')) : '–'}</td>`;
  const history = recent === null ? unknown : `<td>${runStrip(recent, d.zone, locale)}</td>`;
  return `<tr data-job="${esc(job.name)}"><th scope="row"><a href="${esc(withLang(`/reports?job=${encodeURIComponent(job.name)}`, lang))}">${esc(job.name)}</a><div class="sub">${esc(job.what)}</div></th>
<td data-timing>${esc(describeTiming(job, locale))}</td>${nextCell}${recent === null ? unknown : lastRunCell(recent[0], d.zone, locale)}${history}</tr>`;
}

const th = (locale: Locale, key: MessageKey, values?: MessageValues, num = false) => `<th${num ? ' class="num"' : ''}>${esc(t(locale, key, values))}</th>`;

function jobsSection(d: ReportsPageData): string {
  const { locale } = d.lang ?? englishPage;
  const { file, jobs, problem } = d.schedule;
  const heading = `<h2>${esc(t(locale, 'dashboard.reports.jobs'))}</h2>`;
  if (!file) {
    return `${heading}<p class="note" data-no-schedule>${tHtml(locale, 'dashboard.reports.noSchedule', {}, { variable: '<code>SCHEDULE_FILE</code>', option: '<code>--schedule FILE</code>' })}</p>`;
  }
  if (problem) return `${heading}<p class="note" data-schedule-problem>${tHtml(locale, 'dashboard.reports.scheduleUnreadable', {}, { file: `<code>${esc(file)}</code>` })}</p><pre class="error">${esc(problem)}</pre>`;
  const rows = jobs.map((j) => jobRow(j, d.recent ? (d.recent.get(j.name) ?? []) : null, d)).join('');
  const head = [th(locale, 'dashboard.reports.job'), th(locale, 'dashboard.reports.schedule'), th(locale, 'dashboard.reports.nextRun'), th(locale, 'dashboard.reports.lastRun'), th(locale, 'dashboard.reports.lastRuns', { count: STRIP_RUNS })].join('');
  return `${heading}<p class="note">${tHtml(locale, 'dashboard.reports.jobsNote', { count: STRIP_RUNS }, { file: `<code>${esc(file)}</code>` })}</p>
<table data-table="jobs"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>
<p class="legend note" aria-hidden="true">${runStatuses.map((s) => `<span class="strip-key s-${s}">${statusGlyph[s]}</span> ${esc(statusText(locale, s))}`).join(' &nbsp; ')}</p>`;
}

function filtersForm(d: ReportsPageData): string {
  const lang = d.lang ?? englishPage;
  const { locale } = lang;
  const option = (value: string, label: string, selected: boolean) => `<option value="${esc(value)}"${selected ? ' selected' : ''}>${esc(label)}</option>`;
  const clear = d.filter.job !== null || d.filter.status !== null ? ` <a href="${esc(withLang('/reports', lang))}">${esc(t(locale, 'dashboard.reports.clearFilters'))}</a>` : '';
  return `<form class="filters" method="get" action="/reports">
<label>${esc(t(locale, 'dashboard.reports.job'))}<select name="job">${option('', t(locale, 'dashboard.reports.allJobs'), d.filter.job === null)}${d.knownJobs.map((j) => option(j, j, d.filter.job === j)).join('')}</select></label>
<label>${esc(t(locale, 'dashboard.reports.status'))}<select name="status">${option('', t(locale, 'dashboard.reports.anyStatus'), d.filter.status === null)}${runStatuses.map((s) => option(s, statusText(locale, s), d.filter.status === s)).join('')}</select></label>
${langField(lang)}<button type="submit">${esc(t(locale, 'dashboard.reports.show'))}</button>${clear}</form>`;
}

/** Earlier attempts of a run, as "1 failed · 2 timed out" (the last attempt is the run's own status). */
function attemptsCell(r: ReportRun, locale: Locale): string {
  const earlier = (r.attempts ?? []).filter((a) => a.attempt < r.attempt);
  const notes = earlier.map((a) => `${a.attempt} ${statusText(locale, a.status)}${a.error ? `: ${a.error.split('\n')[0]}` : ''}`);
  return `<td class="num">${esc(r.attempt)}${notes.length ? `<div class="sub" title="${esc(notes.join('\n'))}">${esc(earlier.map((a) => `${a.attempt} ${statusText(locale, a.status)}`).join(' · '))}</div>` : ''}</td>`;
}

/** The error of a failed, timed-out or interrupted run, the reason of a skipped one: the first line, the rest folded. */
function problemOf(r: ReportRun): string {
  const text = r.status === 'skipped' ? r.reason : r.status === 'failed' || r.status === 'timed_out' || r.status === 'interrupted' ? (r.error ?? r.reason) : null;
  if (!text) return '';
  const [first, ...rest] = text.trim().split('\n');
  const body = rest.length ? `<details><summary>${esc(first)}</summary><pre>${esc(rest.join('\n'))}</pre></details>` : esc(first);
  return body;
}

/** A restatement among a run's "what changed" lines, in the language the run wrote them in (changes.restated*). */
const restatement = / restated|^Revisión de /;

/**
 * What else the run's readers were told or sent: restatements (a period reported before whose figures changed),
 * the alerts it raised, and where its outputs were delivered. The lines and alerts are the run's own words, in its
 * job's language.
 */
function readersOf(r: ReportRun, locale: Locale): string {
  const restated = (r.what_changed ?? []).filter((l) => restatement.test(l)).map((l) => `<div class="restated" data-restated>${esc(l)}</div>`);
  const alerts = (r.alerts ?? []).map((a) => `<div class="alert" data-alert>⚠ ${esc(a.text)}</div>`);
  const sent = (r.deliveries ?? []).map((d) => {
    const text = t(locale, 'dashboard.reports.delivery', { channel: d.channel, status: d.status, target: d.target });
    return `<div class="sub" data-delivery="${esc(d.status)}">${esc(text)}${d.error ? `: ${esc(d.error.split('\n')[0])}` : ''}</div>`;
  });
  return [...restated, ...alerts, ...sent].join('');
}

function problemCell(r: ReportRun, locale: Locale): string {
  const problem = problemOf(r);
  const readers = readersOf(r, locale);
  if (problem) return `<td class="problem" data-problem>${problem}${readers}</td>`;
  return readers ? `<td class="notes">${readers}</td>` : '<td></td>';
}

function outputsCell(r: ReportRun, locale: Locale): string {
  if (!r.outputs?.length) return `<td class="muted">${esc(t(locale, r.status === 'running' ? 'dashboard.reports.notYet' : 'dashboard.reports.none'))}</td>`;
  const kb = (n: number) => (n < 1024 * 1024 ? `${Math.max(1, Math.round(n / 1024))} KB` : `${formatsOf(locale).oneDecimal(Number((n / 1024 / 1024).toFixed(1)))} MB`);
  const links = r.outputs.map((o) => `<a href="${esc(reportFileUrl(o.path))}" data-output="${esc(o.format)}" title="${esc(`${o.path} · sha256 ${o.sha256}`)}">${esc(o.format.toUpperCase())}</a> <span class="muted">${esc(kb(o.size))}</span>`);
  return `<td class="outputs">${links.join('<br>')}</td>`;
}

function runRow(r: ReportRun, zone: string, locale: Locale): string {
  const secs = runSeconds(r);
  const params = Object.entries(r.parameters ?? {}).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const heartbeat = tHtml(locale, 'dashboard.reports.heartbeat', {}, { time: when(r.heartbeat_at, zone, locale) });
  const duration = secs === null ? `<span class="muted">${esc(statusText(locale, 'running'))}</span><div class="sub">${heartbeat}</div>` : esc(formatDuration(secs, locale));
  const built = r.warehouse_built_at ? ` title="${esc(t(locale, 'dashboard.reports.warehouseBuilt', { time: clockDateTime(r.warehouse_built_at, zone, locale) }))}"` : '';
  const asOf = r.data_as_of ? `<span${built}>${esc(/^\d{4}-\d{2}-\d{2}$/.test(r.data_as_of) ? formatsOf(locale).day(r.data_as_of) : r.data_as_of)}</span>` : '<span class="muted">–</span>';
  return `<tr id="run-${esc(r._id)}" data-run="${esc(r._id)}" data-status="${esc(r.status)}"><td><span class="job">${esc(r.job)}</span>${params.length ? `<div class="sub">${esc(params.join(' · '))}</div>` : ''}</td>
<td>${esc(t(locale, triggerKeys[r.trigger]))}</td><td>${esc(r.period ?? '–')}</td><td>${statusPill(r.status, locale)}</td>${attemptsCell(r, locale)}<td>${when(r.started_at, zone, locale)}</td><td class="num">${duration}</td><td>${asOf}</td>${outputsCell(r, locale)}${problemCell(r, locale)}</tr>`;
}

function runsSection(d: ReportsPageData): string {
  const { locale } = d.lang ?? englishPage;
  const head = `<h2 id="runs">${esc(t(locale, 'dashboard.reports.recentRuns'))}</h2>${filtersForm(d)}`;
  if (d.runs === null) return `${head}<p class="note">${esc(t(locale, 'dashboard.reports.historyUnreadable'))}</p>`;
  const filtered = d.filter.job !== null || d.filter.status !== null;
  if (!d.runs.length) {
    const none = filtered ? esc(t(locale, 'dashboard.reports.noMatch')) : tHtml(locale, 'dashboard.reports.noRuns', {}, { schedule: '<code>npm run report:schedule</code>', report: '<code>npm run report</code>', render: '<code>npm run render</code>' });
    return `${head}<p class="note" data-no-runs>${none}</p>`;
  }
  const more = d.runs.length >= RUNS_SHOWN ? ` ${t(locale, 'dashboard.reports.mostRecent', { count: RUNS_SHOWN })}` : '';
  const columns: [MessageKey, boolean][] = [
    ['dashboard.reports.job', false],
    ['dashboard.reports.trigger', false],
    ['dashboard.reports.period', false],
    ['dashboard.reports.status', false],
    ['dashboard.reports.attempt', true],
    ['dashboard.reports.started', false],
    ['dashboard.reports.duration', true],
    ['dashboard.reports.dataAsOf', false],
    ['dashboard.reports.outputs', false],
    ['dashboard.reports.notes', false],
  ];
  return `${head}<p class="note">${esc(t(locale, 'dashboard.reports.runsNote', { zone: zoneLabel(d.zone), more }))}</p>
<table data-table="runs"><thead><tr>${columns.map(([key, num]) => th(locale, key, undefined, num)).join('')}</tr></thead>
<tbody>${d.runs.map((r) => runRow(r, d.zone, locale)).join('')}</tbody></table>`;
}

/** The page's body (inside the shared shell). */
export function reportsBody(d: ReportsPageData): string {
  return `<h1>${esc(t((d.lang ?? englishPage).locale, 'dashboard.nav.reports'))}</h1>${jobsSection(d)}${runsSection(d)}`;
}
