/**
 * The Reports page (pure rendering): each job of the schedule with its timing, next run, last run and a strip of its
 * last 30 runs, then the recent runs (filterable by job and status) with their outputs and errors. Every value is
 * escaped; nothing in it depends on the clock but the next runs, so equal runs give equal bytes (and ETags).
 */
import type { ReportRun, RunStatus } from '../reports/runs/record';
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
}

const statusText: Record<RunStatus, string> = { running: 'running', succeeded: 'succeeded', failed: 'failed', timed_out: 'timed out', skipped: 'skipped', interrupted: 'interrupted' };
/** A glyph per status, so that colour is never the only cue (with the word beside it, or in its label). */
const statusGlyph: Record<RunStatus, string> = { running: '▶', succeeded: '✓', failed: '✗', timed_out: '⌛', skipped: '↷', interrupted: '!' };

/** Pure: "0.4 s", "12.3 s", "4 min 05 s", "1 h 02 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** Pure: a finished run's duration; null while it runs. */
export function runSeconds(r: Pick<ReportRun, 'started_at' | 'ended_at'>): number | null {
  return r.ended_at ? Math.max(0, (r.ended_at.getTime() - r.started_at.getTime()) / 1000) : null;
}

export function statusPill(s: RunStatus): string {
  return `<span class="status s-${esc(s)}" data-status="${esc(s)}"><span aria-hidden="true">${statusGlyph[s]}</span> ${esc(statusText[s])}</span>`;
}

const when = (d: Date, zone: string) => `<time datetime="${esc(d.toISOString())}">${esc(clockDateTime(d, zone))}</time>`;

/** Pure: a job's last runs as a strip of squares, oldest first, each with its status as glyph, title and label. */
export function runStrip(runs: readonly ReportRun[], zone: string): string {
  if (!runs.length) return '<span class="muted">no runs yet</span>';
  const counts = runStatuses.filter((s) => runs.some((r) => r.status === s)).map((s) => `${runs.filter((r) => r.status === s).length} ${statusText[s]}`);
  const cells = [...runs]
    .reverse()
    .map((r) => {
      const label = `${clockDateTime(r.started_at, zone)}: ${statusText[r.status]}`;
      return `<li class="s-${esc(r.status)}" data-status="${esc(r.status)}" title="${esc(label)}"><span aria-hidden="true">${statusGlyph[r.status]}</span><span class="sr">${esc(label)}</span></li>`;
    })
    .join('');
  return `<ol class="strip" aria-label="${esc(`Last ${runs.length} runs, oldest first: ${counts.join(', ')}`)}">${cells}</ol>`;
}

function lastRunCell(last: ReportRun | undefined, zone: string): string {
  if (!last) return '<td class="muted">never</td>';
  const secs = runSeconds(last);
  const took = secs === null ? `since ${when(last.started_at, zone)}` : `${esc(formatDuration(secs))} · ${when(last.started_at, zone)}`;
  return `<td>${statusPill(last.status)}<div class="sub">${took}</div></td>`;
}

function jobRow(job: JobView, recent: readonly ReportRun[] | null, d: ReportsPageData): string {
  const next = nextRunOf(job, d.now);
  const nextCell = next
    ? `<td><time datetime="${esc(next.at.toISOString())}" data-next-run>${esc(next.text)}</time></td>`
    : `<td class="muted">${triggersOf(job).includes('data') ? 'when the warehouse has new data' : '–'}</td>`;
  const history = recent === null ? '<td class="muted">unknown</td>' : `<td>${runStrip(recent, d.zone)}</td>`;
  return `<tr data-job="${esc(job.name)}"><th scope="row"><a href="/reports?job=${encodeURIComponent(job.name)}">${esc(job.name)}</a><div class="sub">${esc(job.what)}</div></th>
<td data-timing>${esc(describeTiming(job))}</td>${nextCell}${recent === null ? '<td class="muted">unknown</td>' : lastRunCell(recent[0], d.zone)}${history}</tr>`;
}

function jobsSection(d: ReportsPageData): string {
  const { file, jobs, problem } = d.schedule;
  if (!file) {
    return `<h2>Jobs</h2><p class="note" data-no-schedule>No schedule file is configured: set <code>SCHEDULE_FILE</code> (or start the dashboard with <code>--schedule FILE</code>) to list its jobs here. Every run recorded is still listed below.</p>`;
  }
  if (problem) return `<h2>Jobs</h2><p class="note" data-schedule-problem>The schedule <code>${esc(file)}</code> cannot be read:</p><pre class="error">${esc(problem)}</pre>`;
  const rows = jobs.map((j) => jobRow(j, d.recent ? (d.recent.get(j.name) ?? []) : null, d)).join('');
  return `<h2>Jobs</h2><p class="note">From <code>${esc(file)}</code>. Next runs in each job's zone; the strip shows its last ${STRIP_RUNS} runs, oldest first.</p>
<table data-table="jobs"><thead><tr><th>Job</th><th>Schedule</th><th>Next run</th><th>Last run</th><th>Last ${STRIP_RUNS} runs</th></tr></thead><tbody>${rows}</tbody></table>
<p class="legend note" aria-hidden="true">${runStatuses.map((s) => `<span class="strip-key s-${s}">${statusGlyph[s]}</span> ${esc(statusText[s])}`).join(' &nbsp; ')}</p>`;
}

function filtersForm(d: ReportsPageData): string {
  const option = (value: string, label: string, selected: boolean) => `<option value="${esc(value)}"${selected ? ' selected' : ''}>${esc(label)}</option>`;
  return `<form class="filters" method="get" action="/reports">
<label>Job<select name="job">${option('', 'all jobs', d.filter.job === null)}${d.knownJobs.map((j) => option(j, j, d.filter.job === j)).join('')}</select></label>
<label>Status<select name="status">${option('', 'any status', d.filter.status === null)}${runStatuses.map((s) => option(s, statusText[s], d.filter.status === s)).join('')}</select></label>
<button type="submit">Show</button>${d.filter.job !== null || d.filter.status !== null ? ' <a href="/reports">Clear the filters</a>' : ''}</form>`;
}

/** Earlier attempts of a run, as "1 failed · 2 timed out" (the last attempt is the run's own status). */
function attemptsCell(r: ReportRun): string {
  const earlier = (r.attempts ?? []).filter((a) => a.attempt < r.attempt);
  const notes = earlier.map((a) => `${a.attempt} ${statusText[a.status]}${a.error ? `: ${a.error.split('\n')[0]}` : ''}`);
  return `<td class="num">${esc(r.attempt)}${notes.length ? `<div class="sub" title="${esc(notes.join('\n'))}">${esc(earlier.map((a) => `${a.attempt} ${statusText[a.status]}`).join(' · '))}</div>` : ''}</td>`;
}

/** The error of a failed, timed-out or interrupted run, the reason of a skipped one: the first line, the rest folded. */
function problemOf(r: ReportRun): string {
  const text = r.status === 'skipped' ? r.reason : r.status === 'failed' || r.status === 'timed_out' || r.status === 'interrupted' ? (r.error ?? r.reason) : null;
  if (!text) return '';
  const [first, ...rest] = text.trim().split('\n');
  const body = rest.length ? `<details><summary>${esc(first)}</summary><pre>${esc(rest.join('\n'))}</pre></details>` : esc(first);
  return body;
}

/**
 * What else the run's readers were told or sent: restatements (a period reported before whose figures changed),
 * the alerts it raised, and where its outputs were delivered.
 */
function readersOf(r: ReportRun): string {
  const restated = (r.what_changed ?? []).filter((l) => / restated/.test(l)).map((l) => `<div class="restated" data-restated>${esc(l)}</div>`);
  const alerts = (r.alerts ?? []).map((a) => `<div class="alert" data-alert>⚠ ${esc(a.text)}</div>`);
  const sent = (r.deliveries ?? []).map((d) => `<div class="sub" data-delivery="${esc(d.status)}">${esc(d.channel)} ${d.status === 'sent' ? `sent to ${esc(d.target)}` : esc(d.status)}${d.error ? `: ${esc(d.error.split('\n')[0])}` : ''}</div>`);
  return [...restated, ...alerts, ...sent].join('');
}

function problemCell(r: ReportRun): string {
  const problem = problemOf(r);
  const readers = readersOf(r);
  if (problem) return `<td class="problem" data-problem>${problem}${readers}</td>`;
  return readers ? `<td class="notes">${readers}</td>` : '<td></td>';
}

function outputsCell(r: ReportRun): string {
  if (!r.outputs?.length) return `<td class="muted">${r.status === 'running' ? 'not yet' : 'none'}</td>`;
  const kb = (n: number) => (n < 1024 * 1024 ? `${Math.max(1, Math.round(n / 1024))} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);
  const links = r.outputs.map((o) => `<a href="${esc(reportFileUrl(o.path))}" data-output="${esc(o.format)}" title="${esc(`${o.path} · sha256 ${o.sha256}`)}">${esc(o.format.toUpperCase())}</a> <span class="muted">${esc(kb(o.size))}</span>`);
  return `<td class="outputs">${links.join('<br>')}</td>`;
}

function runRow(r: ReportRun, zone: string): string {
  const secs = runSeconds(r);
  const params = Object.entries(r.parameters ?? {}).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const duration = secs === null ? `<span class="muted">running</span><div class="sub">heartbeat ${when(r.heartbeat_at, zone)}</div>` : esc(formatDuration(secs));
  const built = r.warehouse_built_at ? ` title="${esc(`warehouse built ${clockDateTime(r.warehouse_built_at, zone)}`)}"` : '';
  const asOf = r.data_as_of ? `<span${built}>${esc(r.data_as_of)}</span>` : '<span class="muted">–</span>';
  return `<tr id="run-${esc(r._id)}" data-run="${esc(r._id)}" data-status="${esc(r.status)}"><td><span class="job">${esc(r.job)}</span>${params.length ? `<div class="sub">${esc(params.join(' · '))}</div>` : ''}</td>
<td>${esc(r.trigger)}</td><td>${esc(r.period ?? '–')}</td><td>${statusPill(r.status)}</td>${attemptsCell(r)}<td>${when(r.started_at, zone)}</td><td class="num">${duration}</td><td>${asOf}</td>${outputsCell(r)}${problemCell(r)}</tr>`;
}

function runsSection(d: ReportsPageData): string {
  const head = `<h2 id="runs">Recent runs</h2>${filtersForm(d)}`;
  if (d.runs === null) return `${head}<p class="note">The run history cannot be read right now.</p>`;
  const filtered = d.filter.job !== null || d.filter.status !== null;
  if (!d.runs.length) return `${head}<p class="note" data-no-runs>${filtered ? 'No run matches these filters.' : 'No report has run yet: runs of <code>npm run report:schedule</code>, <code>npm run report</code> and <code>npm run render</code> are listed here.'}</p>`;
  const more = d.runs.length >= RUNS_SHOWN ? ` The ${RUNS_SHOWN} most recent are shown.` : '';
  return `${head}<p class="note">Newest first; times in ${esc(zoneLabel(d.zone))}.${more} An output link serves the file now at that path: a later run of the same period replaces it.</p>
<table data-table="runs"><thead><tr><th>Job</th><th>Trigger</th><th>Period</th><th>Status</th><th class="num">Attempt</th><th>Started</th><th class="num">Duration</th><th>Data as of</th><th>Outputs</th><th>Error, restatements, alerts, deliveries</th></tr></thead>
<tbody>${d.runs.map((r) => runRow(r, d.zone)).join('')}</tbody></table>`;
}

/** The page's body (inside the shared shell). */
export function reportsBody(d: ReportsPageData): string {
  return `<h1>Reports</h1>${jobsSection(d)}${runsSection(d)}`;
}
