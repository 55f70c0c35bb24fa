/** Human-readable lines for warehouse builds (the CLI, the pipeline and the notebooks print these). */
import type { BuildReport, StepReport } from './build';

export function formatStep(s: StepReport): string {
  const w = s.write;
  const changed = w.inserted + w.replaced + w.deleted;
  return `${s.mart.padEnd(22)} ${s.documents.toLocaleString('en-US').padStart(9)} docs  ${s.seconds.toFixed(2).padStart(6)} s  ${changed ? `${w.inserted} new, ${w.replaced} changed, ${w.deleted} removed` : 'unchanged'}`;
}

export function formatBuild(r: BuildReport): string {
  switch (r.mode) {
    case 'empty-lake':
      return 'The lake is empty: the marts are empty too. Run `npm run pipeline` (or `npm run produce` and `npm run ingest`) first.';
    case 'nothing-new':
      return `Nothing new since the last build (watermark ${r.previousWatermark?.toISOString()}): the marts are up to date. Use --full to rebuild anyway.`;
    case 'full':
      return `Full build in ${r.seconds.toFixed(1)} s.`;
    case 'incremental':
      return `Incremental build in ${r.seconds.toFixed(1)} s: ${r.scope.days} day(s), ${r.scope.months} month(s), ${r.scope.customers} customer(s) recomputed.`;
  }
}
