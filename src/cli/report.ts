/** What the report commands (report, report:schedule, pipeline) share: format parsing and the paths from config. */
import type { Db } from 'mongodb';
import { UsageError } from './args';
import type { PipelineContext } from './context';
import { countMessages } from '../pipeline/kafka';
import { defaultSuperstorePath } from '../pipeline/source/superstore';
import { generateReport, reportFormats, type ReportFormat, type ReportResult } from '../reports/report';
import type { Period } from '../reports/period';

export function parseFormats(value: unknown): ReportFormat[] {
  const formats = String(value ?? '').split(',').map((f) => f.trim().toLowerCase()).filter(Boolean);
  const bad = formats.filter((f) => !(reportFormats as readonly string[]).includes(f));
  if (bad.length || !formats.length) throw new UsageError(`--format: "${bad.join(',') || String(value)}" is not a list of html, pdf, xlsx`);
  return formats as ReportFormat[];
}

/** Renders a report with the configured folders, browser and dead-letter count (unknown when Kafka does not answer). */
export async function renderConfiguredReport(
  ctx: PipelineContext,
  db: Db,
  period: Period,
  formats: readonly ReportFormat[],
  opts: { source?: string; onStep?: (step: string, seconds: number) => void } = {},
): Promise<ReportResult> {
  return generateReport({
    db,
    period,
    formats,
    reportsDir: ctx.cfg.paths.reports,
    modelsDir: ctx.cfg.paths.models,
    dataDir: ctx.cfg.paths.data,
    source: opts.source ?? defaultSuperstorePath(),
    deadLetters: await countMessages(ctx.kafka, ctx.topics.dlq).catch(() => null),
    chromePath: ctx.cfg.chromePath,
    onStep: opts.onStep,
  });
}
