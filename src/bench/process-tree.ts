/**
 * Memory of a process and of the processes it started (Chromium), read from /proc: pure parsing, and a sampler that
 * keeps the peaks of the tree's summed RSS and PSS.
 */
import fs from 'node:fs';

export interface ProcEntry {
  pid: number;
  ppid: number;
  /** The executable's name as the kernel has it (`chromium`, `node`), at most 15 characters. */
  comm: string;
}

/** `/proc/<pid>/stat`: the name sits in parentheses and may itself hold spaces and parentheses, so it ends at the last `)`. */
export function parseProcStat(text: string): ProcEntry | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const ppid = Number(text.slice(close + 1).trim().split(/\s+/)[1]);
  if (!Number.isInteger(pid) || !Number.isInteger(ppid)) return null;
  return { pid, ppid, comm: text.slice(open + 1, close) };
}

/** Resident memory in kB from `/proc/<pid>/status` (`VmRSS:  123456 kB`); null for a process without one (a zombie). */
export function parseRssKb(status: string): number | null {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) : null;
}

/** Proportional resident memory in kB from `/proc/<pid>/smaps_rollup` (`Pss:  123456 kB`); null when absent. */
export function parsePssKb(smapsRollup: string): number | null {
  const m = /^Pss:\s+(\d+)\s+kB/m.exec(smapsRollup);
  return m ? Number(m[1]) : null;
}

/** Every process below `root` (children, their children …), in no particular order; `root` itself left out. */
export function descendantsOf(root: number, procs: readonly ProcEntry[]): ProcEntry[] {
  const children = new Map<number, ProcEntry[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: ProcEntry[] = [];
  const queue = [root];
  const seen = new Set(queue);
  while (queue.length) {
    for (const c of children.get(queue.shift()!) ?? []) {
      if (seen.has(c.pid)) continue;
      seen.add(c.pid);
      out.push(c);
      queue.push(c.pid);
    }
  }
  return out;
}

/**
 * Whether a process is a Chromium browser rather than one of its helpers (zygote, renderer, GPU), which carry
 * `--type=`, the shell of Debian's `/usr/bin/chromium` launcher (named `chromium` too, its subshells as well), or a
 * browser's own fork caught before it exec'd a helper (its parent is Chromium). `cmdline` is `/proc/<pid>/cmdline`:
 * NUL-separated, but a helper forked by the zygote rewrites it as one string separated by spaces.
 */
export function isChromiumBrowser(p: { comm: string; cmdline: string; parentComm: string }): boolean {
  if (!/chrom/i.test(p.comm) || /chrom/i.test(p.parentComm)) return false;
  const args = p.cmdline.split(/[\0 ]/);
  return /chrom[^/]*$/i.test(args[0] ?? '') && !args.some((arg) => arg.startsWith('--type='));
}

const readOr = (file: string) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null; // the process ended between the listing and the read
  }
};

function listProcesses(): ProcEntry[] {
  const out: ProcEntry[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readOr(`/proc/${name}/stat`);
    const entry = stat ? parseProcStat(stat) : null;
    if (entry) out.push(entry);
  }
  return out;
}

const rssOf = (pid: number) => parseRssKb(readOr(`/proc/${pid}/status`) ?? '') ?? 0;
const pssOf = (pid: number) => parsePssKb(readOr(`/proc/${pid}/smaps_rollup`) ?? '') ?? 0;

/** A peak of a tree's memory, MB: the whole, and the processes below the root at that moment. */
export interface TreePeak {
  totalMb: number;
  childrenMb: number;
}

/**
 * Chromium processes running outside `root`'s tree (another program's browser): they share Chromium's code pages
 * with ours, so while they run our PSS is smaller than it would be alone.
 */
export function chromiumElsewhere(root = process.pid): number {
  const procs = listProcesses();
  const ours = new Set(descendantsOf(root, procs).map((p) => p.pid));
  return procs.filter((p) => /chrom/i.test(p.comm) && !ours.has(p.pid)).length;
}

export interface TreeMemory {
  /** Peak of (this process + everything below it), RSS summed (shared pages counted once per process). */
  rss: TreePeak;
  /**
   * Peak of the same, PSS summed (shared pages divided among their processes): the memory the tree holds. Read every
   * `pssEvery`-th sample and whenever the RSS sum peaks (smaps_rollup costs 1-2 ms a process, status 0.01 ms).
   */
  pss: TreePeak;
  /** This process's peak RSS as the kernel kept it (getrusage), MB: exact, whatever the sampling missed. */
  peakSelfMb: number;
  /** Most processes below this one seen at once, and how many of them were Chromium's. */
  maxChildren: number;
  maxChromium: number;
  /** The Chromium browser processes (not their helpers) seen over the run, by pid. */
  browserPids: number[];
  samples: number;
  /** The longest time between two samples (a busy event loop delays them), ms. */
  maxGapMs: number;
  /** Wall time spent sampling (reading /proc) in the process under measure, ms. */
  samplingMs: number;
}

/** Starts sampling `root` (this process by default) every `intervalMs`; `stop()` ends it with one last sample. */
export function sampleProcessTree(root = process.pid, intervalMs = 100, pssEvery = 5): { stop(): TreeMemory } {
  const peak = { rss: { total: 0, children: 0 }, pss: { total: 0, children: 0 } };
  let [maxChildren, maxChromium, samples, maxGapMs, samplingMs] = [0, 0, 0, 0, 0];
  let last = performance.now();
  const browsers = new Set<number>();
  const sample = () => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
    const procs = listProcesses();
    const below = descendantsOf(root, procs);
    const comm = new Map(procs.map((p) => [p.pid, p.comm]));
    const pids = [root, ...below.map((p) => p.pid)];
    const rss = pids.map(rssOf);
    const total = (xs: number[]) => ({ total: xs.reduce((a, b) => a + b, 0), children: xs.slice(1).reduce((a, b) => a + b, 0) });
    const byRss = total(rss);
    const rssPeaked = byRss.total > peak.rss.total;
    if (rssPeaked) peak.rss = byRss;
    if (rssPeaked || samples % pssEvery === 0) {
      const byPss = total(pids.map(pssOf));
      if (byPss.total > peak.pss.total) peak.pss = byPss;
    }
    let chromium = 0;
    for (const p of below) {
      if (!/chrom/i.test(p.comm)) continue;
      chromium++;
      if (isChromiumBrowser({ comm: p.comm, cmdline: readOr(`/proc/${p.pid}/cmdline`) ?? '', parentComm: comm.get(p.ppid) ?? '' })) browsers.add(p.pid);
    }
    maxChildren = Math.max(maxChildren, below.length);
    maxChromium = Math.max(maxChromium, chromium);
    samples++;
    samplingMs += performance.now() - now;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  const mb = (p: { total: number; children: number }): TreePeak => ({ totalMb: p.total / 1024, childrenMb: p.children / 1024 });
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { rss: mb(peak.rss), pss: mb(peak.pss), peakSelfMb: process.resourceUsage().maxRSS / 1024, maxChildren, maxChromium, browserPids: [...browsers], samples, maxGapMs, samplingMs };
    },
  };
}
