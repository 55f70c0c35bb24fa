/**
 * Burst benchmark (issue 30): the executive report burst over the branches by the scheduler's own code, PDF and
 * workbook each mailed to the local Mailpit; rendering, delivery and the peak memory with Chromium measured apart.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from 'mongodb';
import type { Config } from '../config';
import type { Logger } from '../log';
import { createContext } from '../cli/context';
import { boundHeapGrowth } from '../cli/memory';
import { runJobItems, type JobItemTiming } from '../cli/schedule';
import { connectMongo } from '../pipeline/adapters/mongo';
import { listBranches, type BranchRef } from '../reports/branch-scope';
import { saleDays } from '../reports/data';
import { createSmtpMailer, type Mailer } from '../reports/delivery/email';
import { latestCompleteMonth } from '../reports/period';
import { runsCollection } from '../reports/runs/record';
import { parseSchedule, type JobSpec } from '../reports/schedule';
import { clearMailpit, waitForMailpit } from './mailpit';
import { chromiumElsewhere, sampleProcessTree, type TreeMemory } from './process-tree';

export interface BurstBranchResult {
  branch: string;
  /** The run's recorded steps (data, changes, charts, pdf, xlsx), seconds. */
  steps: Record<string, number>;
  runSeconds: number;
  publishSeconds: number;
  /** Time inside the SMTP server's conversation for this branch's mails. */
  smtpSeconds: number;
  mails: number;
  attachedBytes: number;
}

export interface BurstResult {
  period: string;
  totalSeconds: number;
  branches: BurstBranchResult[];
  memory: TreeMemory;
  /** Mails that reached Mailpit (read back through its API). */
  delivered: number;
  /** The machine's 1-minute load average when the burst started (other work on it slows the burst). */
  loadAverage: number;
  /** Chromium processes of other programs when the burst started (they lower our PSS: see process-tree.ts). */
  otherChromium: number;
}

/** The one-job schedule of the benchmark: the executive report of `period` for each branch, mailed to its readers. */
export function burstJob(name: string, period: string, branches: readonly Pick<BranchRef, 'id'>[], domain: string): JobSpec {
  const recipients = Object.fromEntries(branches.map((b) => [b.id, [`${b.id.toLowerCase()}@${domain}`]]));
  const job = { name, report: 'executive', period, formats: ['pdf', 'xlsx'], cron: '0 7 1 * *', burst: 'branch', retries: 0, deliver: [{ email: { to: [`board@${domain}`], attach: ['pdf', 'xlsx'] } }], recipients };
  return parseSchedule(JSON.stringify({ tz: 'UTC', jobs: [job] }), 'the burst benchmark').jobs[0]!;
}

/** A mailer that adds the seconds of each send to the current branch's account. */
function timedMailer(inner: Mailer, account: { seconds: number; mails: number }): Mailer {
  return {
    async send(m) {
      const t = performance.now();
      try {
        return await inner.send(m);
      } finally {
        account.seconds += (performance.now() - t) / 1000;
        account.mails++;
      }
    },
    close: () => inner.close(),
  };
}

async function runBurst(cfg: Config, db: Db, job: JobSpec, log: Logger): Promise<Pick<BurstResult, 'totalSeconds' | 'branches' | 'memory' | 'loadAverage' | 'otherChromium'>> {
  const ctx = { ...createContext('bench', cfg), log };
  // As the scheduler's CLI and the pipeline run their jobs: the heap kept near its live data.
  boundHeapGrowth();
  const smtp = { seconds: 0, mails: 0 };
  const branches: BurstBranchResult[] = [];
  const onItem = ({ run, runSeconds, publishSeconds }: JobItemTiming) => {
    if (run.status !== 'succeeded') throw new Error(`the run of ${run.branch} ended ${run.status}: ${run.error ?? run.reason}`);
    const failed = (run.deliveries ?? []).filter((d) => d.status !== 'sent');
    if (failed.length) throw new Error(`the mail of ${run.branch} was not sent: ${failed.map((d) => d.error ?? d.status).join('; ')}`);
    branches.push({ branch: run.branch ?? '(all)', steps: run.steps, runSeconds, publishSeconds, smtpSeconds: smtp.seconds, mails: smtp.mails, attachedBytes: run.outputs.reduce((s, o) => s + o.size, 0) });
    Object.assign(smtp, { seconds: 0, mails: 0 });
  };
  const loadAverage = os.loadavg()[0]!;
  const otherChromium = chromiumElsewhere();
  const memory = sampleProcessTree();
  const start = performance.now();
  try {
    await runJobItems(ctx, db, job, 'cron', { file: null, openMailer: (s) => timedMailer(createSmtpMailer(s), smtp), onItem });
  } catch (err) {
    memory.stop();
    throw err;
  }
  const totalSeconds = (performance.now() - start) / 1000;
  return { totalSeconds, branches, memory: memory.stop(), loadAverage, otherChromium };
}

export async function benchBurst(cfg: Config, log: Logger): Promise<string> {
  const mongo = await connectMongo(cfg.mongo);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'burst-bench-'));
  const id = crypto.randomBytes(4).toString('hex');
  const domain = `bench-${id}.example.com`;
  const jobName = `bench-burst-${id}`;
  try {
    const { period, reason } = latestCompleteMonth(await saleDays(mongo.db));
    if (!period) throw new Error(`no month to report in ${cfg.mongo.db}: ${reason} (run \`npm run pipeline\` first)`);
    const branches = await listBranches(mongo.db);
    const job = burstJob(jobName, period.id, branches, domain);
    const r = await runBurst({ ...cfg, paths: { ...cfg.paths, reports: path.join(scratch, 'reports') } }, mongo.db, job, log);
    const delivered = await waitForMailpit(cfg.mail.mailpitUrl, `to:"@${domain}"`, branches.length, 15_000);
    log.info('burst', { seconds: r.totalSeconds.toFixed(2), mails: delivered.length });
    return formatBurstTable({ ...r, period: period.id, delivered: delivered.length });
  } finally {
    await clearMailpit(cfg.mail.mailpitUrl, `to:"@${domain}"`).catch((err: Error) => log.warn(`could not delete the benchmark's mails from Mailpit: ${err.message}`));
    await mongo.db.collection(runsCollection).deleteMany({ job: jobName });
    await mongo.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

const s = (x: number, d = 2) => x.toFixed(d);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const stepsOf = (steps: Record<string, number>) => sum(Object.values(steps));

/** The benchmark's tables: one row per branch, then the measures against issue 30's targets. */
export function formatBurstTable(r: BurstResult): string {
  const rows = ['| branch | period | render s (sum of the steps) | steps s | run s (render, mail charts, record) | delivery s (compose, send, record) | of which SMTP s | mails | attached MB |', '|---|---|---|---|---|---|---|---|---|'];
  for (const b of r.branches) {
    const steps = Object.entries(b.steps).map(([k, v]) => `${k} ${s(v)}`).join(', ');
    rows.push(`| ${b.branch} | ${r.period} | ${s(stepsOf(b.steps))} | ${steps} | ${s(b.runSeconds)} | ${s(b.publishSeconds)} | ${s(b.smtpSeconds)} | ${b.mails} | ${s(b.attachedBytes / 2 ** 20)} |`);
  }
  const render = sum(r.branches.map((b) => stepsOf(b.steps)));
  const runs = sum(r.branches.map((b) => b.runSeconds));
  const delivery = sum(r.branches.map((b) => b.publishSeconds));
  const smtp = sum(r.branches.map((b) => b.smtpSeconds));
  const m = r.memory;
  const browsers = m.browserPids.length;
  const summary = [
    '| measure | result | target |',
    '|---|---|---|',
    `| burst: ${r.branches.length} branch reports, PDF + workbook, mailed (total) | ${s(r.totalSeconds, 1)} s | ≤ 15 s (aim 10) |`,
    `| rendering (sum of the runs' steps) | ${s(render)} s | — |`,
    `| the runs beside their steps (plan, "what changed", the mail's chart images, the record) | ${s(runs - render)} s | — |`,
    `| delivery (compose, send, record) | ${s(delivery)} s, of which SMTP ${s(smtp)} s | — |`,
    `| set-up (branches, Chromium start and close, SMTP close) | ${s(r.totalSeconds - runs - delivery)} s | — |`,
    `| peak memory: this process + Chromium, PSS summed from /proc (shared pages divided among the processes; every 500 ms and at each RSS peak) | ${Math.round(m.pss.totalMb)} MB (Chromium ${Math.round(m.pss.childrenMb)} MB of it) | < 600 MB |`,
    `| the same, RSS summed every 100 ms (each Chromium process counts the pages it shares again) | ${Math.round(m.rss.totalMb)} MB (Chromium ${Math.round(m.rss.childrenMb)} MB of it, up to ${m.maxChromium} processes; this process's own peak ${Math.round(m.peakSelfMb)} MB; ${m.samples} samples, longest gap ${Math.round(m.maxGapMs)} ms) | — |`,
    `| Chromium browsers launched | ${browsers} | 1 |`,
    `| mails read back from Mailpit | ${r.delivered} of ${r.branches.length} | ${r.branches.length} |`,
  ];
  const note = `Machine load (1-minute average) at the start: ${s(r.loadAverage)}; Chromium processes of other programs: ${r.otherChromium}; the memory sampling took ${s(m.samplingMs / 1000)} s (wall time) in this process.`;
  return `${rows.join('\n')}\n\n${summary.join('\n')}\n\n${note}`;
}
