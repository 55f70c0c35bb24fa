import { createStepRunner, describeFailure, StepFailed } from '../../../src/cli/steps';

describe('pipeline steps', () => {
  it('numbers each step, returns what it made, and says how long it took and whether it raised the peak memory', async () => {
    const lines: string[] = [];
    let ms = 0;
    let peak = 300 * 2 ** 20;
    const steps = createStepRunner(8, (l) => lines.push(l), { now: () => ms, peakRss: () => peak });
    await expect(steps.run(2, 'Source', 'npm run process-superstore', async () => ((ms += 1500), (peak = 1200 * 2 ** 20), 42))).resolves.toBe(42);
    await steps.run(3, 'Produce', 'npm run produce', async () => (ms += 250));
    expect(lines).toEqual(['\n[2/8] Source', '  done in 1.5 s · peak memory 1,200 MB (raised by this step)', '\n[3/8] Produce', '  done in 0.3 s']);
  });

  it('a failed step names itself, what earlier steps kept and the command that reruns only it', async () => {
    const steps = createStepRunner(8, () => undefined);
    const failure = await steps.run(8, 'Executive report', 'npm run report -- --period 2017-12', async () => {
      throw new Error('Protocol error (Page.captureScreenshot): Unable to capture screenshot');
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StepFailed);
    const text = describeFailure(failure as StepFailed, 'the lake in erp, the warehouse marts');
    expect(text).toBe(
      'Step 8 (Executive report) failed: Protocol error (Page.captureScreenshot): Unable to capture screenshot\n' +
        'Steps 1-7 finished; their results are in place (the lake in erp, the warehouse marts).\n' +
        'Fix the cause, then rerun only this step: npm run report -- --period 2017-12',
    );
  });
});
