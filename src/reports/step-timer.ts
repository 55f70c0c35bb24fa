/** Times named steps of a run: each step's seconds, reported as it ends. */
export function createStepTimer(onStep?: (step: string, seconds: number) => void) {
  const seconds: Record<string, number> = {};
  const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    const r = await work();
    seconds[step] = (Date.now() - t) / 1000;
    onStep?.(step, seconds[step]!);
    return r;
  };
  return { seconds, timed };
}
