/** The run history as a terminal table (`report:schedule --history`), pure: one line per run, newest first. */
import type { ReportRun } from './record';

const minute = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')}Z`;

/** "0.4 s", "12 s", "3 min 05 s", "running". */
export function durationText(r: Pick<ReportRun, 'started_at' | 'ended_at'>): string {
  if (!r.ended_at) return 'running';
  const s = (r.ended_at.getTime() - r.started_at.getTime()) / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  return `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, '0')} s`;
}

/** What a reader needs of the run's end: its outputs, or why it failed or was skipped (first line). */
function detail(r: ReportRun): string {
  if (r.status === 'succeeded') return r.outputs.map((o) => o.path).join(' ') || '(no files)';
  return (r.reason ?? r.error ?? '').split('\n')[0]!;
}

/**
 * Columns padded to their widest cell; the last (detail) is cut to `width` characters overall so a line fits the
 * terminal.
 */
export function formatHistory(rows: readonly ReportRun[], width = 160): string {
  if (!rows.length) return 'No report runs recorded yet.';
  const head = ['started', 'job', 'trigger', 'period', 'status', 'tries', 'duration', 'as of', 'outputs or error'];
  const cells = rows.map((r) => [minute(r.started_at), r.job, r.trigger, r.period ?? '–', r.status, String(r.attempt), durationText(r), r.data_as_of ?? '–', detail(r)]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => {
    const text = c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join('  ');
    return text.length > width ? `${text.slice(0, width - 1)}…` : text;
  };
  return [line(head), line(widths.map((w, i) => '─'.repeat(i === widths.length - 1 ? head[i]!.length : w))), ...cells.map(line)].join('\n');
}
