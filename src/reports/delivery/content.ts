/**
 * What a delivery carries (pure types): a finished run's report as its readers get it, whatever the channel: the
 * report's name, period and branch, key figures, findings, "what changed", its output files and chart images.
 */
import { t, type Locale } from '../../i18n';
import type { Kpi } from '../data';
import type { Period } from '../period';
import type { Finding } from '../ranked-findings';
import type { RunOutput } from '../runs/record';

export type { Delivery } from '../runs/record';

/** A chart as a PNG (`svgToPng`, drawn at twice its size), shown inline in a mail by its content id. */
export interface ChartImage {
  /** The chart's name in the report (`trend`, `categories`); also its content id's first part. */
  name: string;
  /** A heading for it ("Revenue and profit by day"). */
  title: string;
  png: Buffer;
}

export interface DeliveryContent {
  /** The schedule job's name: a delivery is "the same" only within one job. */
  job: string;
  /** The run it comes from, when recorded. */
  runId?: string;
  /** The report's name: "Executive sales report", or a notebook's title. */
  title: string;
  period: Pick<Period, 'id' | 'label' | 'from' | 'to'>;
  /** The branch of a burst item; null for a report of every branch. */
  branch: { id: string; name: string } | null;
  /** The key figures, each with its previous period and a year before. */
  figures: Kpi[];
  /** "What happened" (`rankFindings`), heaviest first; figures in `**bold**`. */
  findings: Finding[];
  /** "What changed" since the job's previous run, one sentence each (`**bold**` allowed); empty for a first run. */
  whatChanged: string[];
  /** The run's files, relative to the reports folder. */
  outputs: RunOutput[];
  /** Charts to show inline in a mail; none is fine. */
  charts: ChartImage[];
  /** The readers' language (the job's `locale`); absent: English. Title, period label and findings are already in it. */
  locale?: Locale;
}

/** What a mail or a webhook says when there is no previous run to compare with. */
export const firstRunNote = t('en', 'changes.firstRun');

/** "Executive sales report · West · Los Angeles · December 2017" (without a branch: title and period). */
export function reportHeading(c: Pick<DeliveryContent, 'title' | 'branch' | 'period'>): string {
  return [c.title, c.branch?.name, c.period.label].filter(Boolean).join(' · ');
}

/** A finding or a "what changed" line without its markdown (`**bold**` → bold). */
export const plainText = (markdown: string) => markdown.replace(/\*\*(.+?)\*\*/g, '$1');

/** The public address of an output: `base` (ending in `/`) and its path, each segment encoded. */
export function outputUrl(base: string, outputPath: string): string {
  const root = base.endsWith('/') ? base : `${base}/`;
  return root + outputPath.split('/').map(encodeURIComponent).join('/');
}
