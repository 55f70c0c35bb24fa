import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * The numbered steps of a long job (the pipeline). A step that fails is named with the way to rerun only it, and the
 * results of the steps before it are left in place: a failed report never undoes a loaded lake.
 */
export class StepFailed extends Error {
  override name = 'StepFailed';
  constructor(
    readonly step: number,
    readonly title: string,
    readonly rerun: string,
    override readonly cause: Error,
  ) {
    super(`step ${step} (${title}) failed: ${cause.message}`);
  }
}

export interface StepRunner {
  /** Prints `[n/total] title`, runs `work`; on failure throws StepFailed carrying the command that reruns it alone. */
  run<T>(n: number, title: string, rerun: string, work: () => Promise<T>): Promise<T>;
}

export interface StepGauges {
  /** Milliseconds, for the step's duration. */
  now: () => number;
  /** The process's peak resident memory so far, in bytes (the kernel's, so a peak inside synchronous work counts). */
  peakRss: () => number;
  /** Called between steps: lets the next step start without the last one's garbage. */
  settle?: () => void;
}

/**
 * A full garbage collection. V8 collects lazily on a machine with memory to spare, so a long job's steps would stack
 * their garbage: at a million lines the pipeline's resident memory grew to 1.7 GB while no step held more than about
 * half of it. `gc` is exposed for this call only (the documented V8 flag, set at run time).
 */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

const processGauges: StepGauges = { now: () => performance.now(), peakRss: () => process.resourceUsage().maxRSS * 1024, settle: collectGarbage };

/** Pure: the line after a step: its duration, and the process's peak memory when this step raised it. */
export function stepFooter(ms: number, peakBefore: number, peakAfter: number): string {
  const mb = (b: number) => `${Math.round(b / 2 ** 20).toLocaleString('en-US')} MB`;
  return `  done in ${(ms / 1000).toFixed(1)} s${peakAfter > peakBefore ? ` · peak memory ${mb(peakAfter)} (raised by this step)` : ''}`;
}

export function createStepRunner(total: number, print: (line: string) => void = (l) => console.log(l), gauges: StepGauges = processGauges): StepRunner {
  return {
    async run(n, title, rerun, work) {
      print(`\n[${n}/${total}] ${title}`);
      const t = gauges.now();
      const peak = gauges.peakRss();
      try {
        const result = await work();
        print(stepFooter(gauges.now() - t, peak, gauges.peakRss()));
        gauges.settle?.();
        return result;
      } catch (err) {
        throw new StepFailed(n, title, rerun, err instanceof Error ? err : new Error(String(err)));
      }
    },
  };
}

/** What a user reads after a failed step: what failed, what is kept, and the one command to run next. */
export function describeFailure(f: StepFailed, kept: string): string {
  const lines = [`Step ${f.step} (${f.title}) failed: ${f.cause.message}`];
  if (f.step > 1) lines.push(`Steps 1-${f.step - 1} finished; their results are in place (${kept}).`);
  lines.push(`Fix the cause, then rerun only this step: ${f.rerun}`);
  return lines.join('\n');
}
