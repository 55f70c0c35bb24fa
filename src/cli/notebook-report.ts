/**
 * What `render`, `report:schedule` and `notebooks:run` share for notebook reports: the formats, the parameters
 * (checked against the notebook's declarations and what each accepts in the warehouse's data, before any kernel
 * starts; `period=latest` resolved there), the lineage from the configured services, progress lines.
 */
import path from 'node:path';
import type { Db } from 'mongodb';
import type { Config } from '../config';
import type { MongoHandle } from '../pipeline/adapters/mongo';
import { connectMongo } from '../pipeline/adapters/mongo';
import { countMessages } from '../pipeline/adapters/kafka';
import { defaultSuperstorePath } from '../pipeline/source/superstore';
import { loadLineage } from '../reports/data';
import { NotebookError, readNotebook, type Notebook } from '../notebooks/ipynb';
import { declaredParameters, ParameterError, resolveParameters, type ParamDecl, type ParamValue } from '../notebooks/params';
import { checkAccepted } from '../notebooks/accepts';
import { warehouseFacts } from '../notebooks/facts';
import { progressLabel } from '../notebooks/inject';
import { notebookFormats, renderNotebookReport, type NotebookFormat, type NotebookRenderResult } from '../notebooks/render';
import type { CellEvent } from '../notebooks/execute';
import type { CodeMode } from '../notebooks/tags';
import { throwIfAborted } from '../io/abort';
import { UsageError } from './args';
import type { PipelineContext } from './context';
import { chooseDefaultPeriod } from './report';

export function parseNotebookFormats(value: unknown): NotebookFormat[] {
  const formats = String(value ?? '').split(',').map((f) => f.trim().toLowerCase()).filter(Boolean);
  const bad = formats.filter((f) => !(notebookFormats as readonly string[]).includes(f));
  if (bad.length || !formats.length) throw new UsageError(`--to: "${bad.join(',') || String(value)}" is not a list of ${notebookFormats.join(', ')}`);
  return formats as NotebookFormat[];
}

/** A schedule's parameter values as the `name=value` text the command line would give. */
export const asPairs = (values: Readonly<Record<string, unknown>>): string[] => Object.entries(values).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);

/** Reads the notebook and checks the values against its parameters cell; any problem is a usage error (exit 2). */
export function checkNotebookParameters(file: string, pairs: readonly string[]): { nb: Notebook; values: Record<string, ParamValue> } {
  try {
    const nb = readNotebook(file);
    return { nb, values: resolveParameters(declaredParameters(nb), pairs) };
  } catch (err) {
    if (err instanceof ParameterError || err instanceof NotebookError) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * `checkNotebookParameters`, then every value of the run (given or default) against what the notebook declares it
 * accepts, with the data's branches and dates read from `db` when a check needs them. A value it does not accept is
 * a usage error (exit 2) naming what would be, raised before any kernel starts, so nothing is written.
 */
export async function checkNotebookValues(file: string, pairs: readonly string[], db: () => Promise<Db>): Promise<{ nb: Notebook; decls: ParamDecl[]; values: Record<string, ParamValue> }> {
  const { nb, values } = checkNotebookParameters(file, pairs);
  const decls = declaredParameters(nb);
  try {
    await checkAccepted(decls, values, warehouseFacts(db, path.dirname(path.resolve(file))));
  } catch (err) {
    if (err instanceof ParameterError) throw new UsageError(err.message);
    throw err;
  }
  return { nb, decls, values };
}

/** The checks of `render`, for a notebook run with its defaults (`notebooks:run`), against the configured warehouse. */
export async function checkNotebookDefaults(cfg: Pick<Config, 'mongo'>, file: string): Promise<void> {
  let mongo: MongoHandle | undefined;
  try {
    await checkNotebookValues(file, [], async () => (mongo ??= await connectMongo(cfg.mongo)).db);
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`${path.basename(file)}: ${err.message}`);
    throw err;
  } finally {
    await mongo?.close();
  }
}

/** Prints `  [3/12] const data = … (0.41 s)` per cell: the running cell is on screen while it runs. */
export function cellProgress(write: (s: string) => void = (s) => process.stdout.write(s)): (e: CellEvent, nb: Notebook) => void {
  return (e, nb) => {
    const n = nb.cells.length;
    if (e.event === 'kernel') write(`  kernel started in ${e.seconds.toFixed(1)} s\n`);
    else if (e.event === 'start') write(`  [${e.index + 1}/${n}] ${progressLabel(nb, e.index)}`);
    else if (e.event === 'done') write(` (${e.seconds.toFixed(2)} s)\n`);
    else if (e.event === 'error') write(` ✖ ${e.ename}${e.evalue ? `: ${e.evalue}` : ''}\n`);
  };
}

export interface NotebookJob {
  file: string;
  pairs: readonly string[];
  formats: readonly NotebookFormat[];
  code: CodeMode;
  timeoutSec: number;
  /** The HTML without script (see NotebookRenderOptions.static). */
  static?: boolean;
  onEvent?: (e: CellEvent, nb: Notebook) => void;
  onStep?: (step: string, seconds: number) => void;
  /** Extra environment of the kernel. */
  env?: Record<string, string>;
  /** Cancels the render (the job's timeout, the scheduler's SIGTERM): see renderNotebookReport. */
  signal?: AbortSignal;
}

/** Renders a notebook report with the configured services and folders. */
export async function renderConfiguredNotebook(ctx: PipelineContext, job: NotebookJob): Promise<NotebookRenderResult & { values: Record<string, ParamValue> }> {
  let mongo: MongoHandle | undefined;
  const db = async () => (mongo ??= await connectMongo(ctx.cfg.mongo)).db;
  try {
    throwIfAborted(job.signal);
    const { decls, values } = await checkNotebookValues(job.file, job.pairs, db);
    const period = decls.find((d) => d.name === 'period' && d.type === 'string');
    if (period && (values.period ?? period.default) === 'latest') {
      const choice = await chooseDefaultPeriod(await db());
      if (!choice.period) throw new UsageError(`period=latest: ${choice.reason} in ${ctx.cfg.mongo.db}. Run \`npm run pipeline\` first, or give -p period=YYYY-MM`);
      ctx.log.info(`period=latest: ${choice.reason}`);
      values.period = choice.period.id;
    }
    const lineage = async () => {
      try {
        return await loadLineage({ db: await db(), modelsDir: ctx.cfg.paths.models, dataDir: ctx.cfg.paths.data, source: defaultSuperstorePath(), deadLetters: await countMessages(ctx.kafka, ctx.topics.dlq).catch(() => null) });
      } catch (err) {
        ctx.log.warn('the report header shows no lineage: the warehouse did not answer', { error: (err as Error).message });
        return null;
      }
    };
    const r = await renderNotebookReport({ file: job.file, values, formats: job.formats, code: job.code, static: job.static, reportsDir: ctx.cfg.paths.reports, timeoutSec: job.timeoutSec, env: job.env, lineage, chromePath: ctx.cfg.chromePath, onEvent: job.onEvent, onStep: job.onStep, log: ctx.log, signal: job.signal });
    return { ...r, values };
  } finally {
    await mongo?.close();
  }
}
