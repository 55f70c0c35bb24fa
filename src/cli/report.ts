/** What the report commands (report, report:schedule, pipeline) share: format parsing and the paths from config. */
import type { Db } from 'mongodb';
import { UsageError } from './args';
import type { PipelineContext } from './context';
import { countMessages } from '../pipeline/adapters/kafka';
import { defaultSuperstorePath } from '../pipeline/source/superstore';
import { generateReport, reportFormats, type ReportFormat, type ReportOptions, type ReportResult } from '../reports/report';
import { lastCalendarMonth, latestCompleteMonth, parsePeriod, PeriodError, type Period, type PeriodChoice } from '../reports/period';
import { saleDays } from '../reports/data';
import { untilAborted } from '../io/abort';
import { BranchError, resolveBranch, type BranchRef } from '../reports/branch-scope';
import { defaultLocale, LocaleError, parseLocale, type Locale } from '../i18n';

/** `--locale` (absent: English): a value other than en or es is a usage error naming it and the accepted ones. */
export function parseLocaleFlag(value: unknown): Locale {
  if (value === undefined) return defaultLocale;
  try {
    return parseLocale(value, '--locale');
  } catch (err) {
    if (err instanceof LocaleError) throw new UsageError(err.message);
    throw err;
  }
}

export function parseFormats(value: unknown): ReportFormat[] {
  const formats = String(value ?? '').split(',').map((f) => f.trim().toLowerCase()).filter(Boolean);
  const bad = formats.filter((f) => !(reportFormats as readonly string[]).includes(f));
  if (bad.length || !formats.length) throw new UsageError(`--format: "${bad.join(',') || String(value)}" is not a list of html, pdf, xlsx`);
  return formats as ReportFormat[];
}

/**
 * Renders a report with the configured folders, browser and dead-letter count (unknown when Kafka does not answer).
 * `signal` cancels it (a job's timeout, SIGTERM): see generateReport.
 */
export async function renderConfiguredReport(
  ctx: PipelineContext,
  db: Db,
  period: Period,
  formats: readonly ReportFormat[],
  opts: Pick<ReportOptions, 'onStep' | 'appendix' | 'signal' | 'whatChanged' | 'browser' | 'branch' | 'locale' | 'static'> & { source?: string } = {},
): Promise<ReportResult> {
  return generateReport({
    db,
    period,
    branch: opts.branch,
    formats,
    reportsDir: ctx.cfg.paths.reports,
    modelsDir: ctx.cfg.paths.models,
    dataDir: ctx.cfg.paths.data,
    source: opts.source ?? defaultSuperstorePath(),
    deadLetters: await untilAborted(countMessages(ctx.kafka, ctx.topics.dlq).catch(() => null), opts.signal),
    chromePath: ctx.cfg.chromePath,
    onStep: opts.onStep,
    appendix: opts.appendix,
    static: opts.static,
    locale: opts.locale,
    log: ctx.log,
    signal: opts.signal,
    whatChanged: opts.whatChanged,
    browser: opts.browser,
  });
}

/** The default period of every report command: the latest complete month with sales, and why. */
export async function chooseDefaultPeriod(db: Db, today: Date = new Date()): Promise<PeriodChoice> {
  return latestCompleteMonth(await saleDays(db, today), today);
}

/** What a schedule renders: the latest month with sales, the calendar month before each run, or one fixed period. */
export type ScheduledPeriod = 'latest' | 'last-month' | Period;

export function parseScheduledPeriod(text: string): ScheduledPeriod {
  if (text === 'latest' || text === 'last-month') return text;
  try {
    return parsePeriod(text);
  } catch (err) {
    if (err instanceof PeriodError) throw new UsageError(`--period: ${err.message}; or latest, or last-month`);
    throw err;
  }
}

/** The period of one scheduled run, and why: "last month" is rendered even when it has no sales (the report says so). */
export async function resolveScheduledPeriod(which: ScheduledPeriod, db: Db, now: Date = new Date()): Promise<PeriodChoice> {
  if (which === 'latest') return chooseDefaultPeriod(db, now);
  if (which === 'last-month') {
    const period = lastCalendarMonth(now);
    return { period, reason: `last month: ${period.id}` };
  }
  return { period: which, reason: `the fixed period ${which.id}` };
}

/** `--branch ID`, checked against the warehouse before anything runs: an unknown ID is a usage error listing the known ones. */
export async function checkBranch(db: Db, id: string): Promise<BranchRef> {
  try {
    return await resolveBranch(db, id, []);
  } catch (err) {
    if (err instanceof BranchError) throw new UsageError(`--branch: ${err.message}`);
    throw err;
  }
}
