import { createStepRunner, describeFailure, StepFailed } from '../../../src/cli/steps';

describe('pipeline steps', () => {
  it('numbers each step and returns what it made', async () => {
    const lines: string[] = [];
    const steps = createStepRunner(8, (l) => lines.push(l));
    await expect(steps.run(2, 'Source', 'npm run process-superstore', async () => 42)).resolves.toBe(42);
    expect(lines).toEqual(['\n[2/8] Source']);
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
