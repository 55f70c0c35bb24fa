import { abortError, onAbort, RenderAbortedError, RenderTimeoutError, runStatusOf, sleep, throwIfAborted, untilAborted, withTimeout } from '../../../src/io/abort';

describe('job timeouts and cancellation', () => {
  afterEach(() => jest.useRealTimers());

  it('a timeout aborts its signal after the given seconds with a RenderTimeoutError naming them', () => {
    jest.useFakeTimers();
    const { signal } = withTimeout(3);
    jest.advanceTimersByTime(2999);
    expect(signal.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(RenderTimeoutError);
    expect(signal.reason).toMatchObject({ kind: 'timeout', seconds: 3, retriable: true, message: 'the render ran longer than its timeout of 3 s and was stopped' });
  });

  it('a cleared timeout never aborts', () => {
    jest.useFakeTimers();
    const { signal, clear } = withTimeout(1);
    clear();
    jest.advanceTimersByTime(10_000);
    expect(signal.aborted).toBe(false);
  });

  it("the parent's abort (SIGTERM) goes through with the parent's reason, before the timeout", () => {
    jest.useFakeTimers();
    const parent = new AbortController();
    const { signal } = withTimeout(60, parent.signal);
    parent.abort('SIGTERM');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('SIGTERM');
    const err = abortError(signal);
    expect(err).toBeInstanceOf(RenderAbortedError);
    expect(err).not.toBeInstanceOf(RenderTimeoutError);
    expect(err).toMatchObject({ kind: 'interrupted', reason: 'SIGTERM', retriable: false, message: 'the render was stopped before it finished (SIGTERM)' });
    jest.advanceTimersByTime(60_000);
    expect(signal.reason).toBe('SIGTERM');
  });

  it('a parent aborted already gives a signal aborted already', () => {
    const parent = new AbortController();
    parent.abort('SIGTERM');
    expect(withTimeout(5, parent.signal).signal.reason).toBe('SIGTERM');
  });

  it('a cleared timeout stops listening to its parent', () => {
    const parent = new AbortController();
    const { signal, clear } = withTimeout(5, parent.signal);
    clear();
    parent.abort('SIGTERM');
    expect(signal.aborted).toBe(false);
  });

  it('a timeout that is not a positive number of seconds is refused', () => {
    expect(() => withTimeout(0)).toThrow('a timeout is a positive number of seconds, not 0');
    expect(() => withTimeout(Number.NaN)).toThrow(RangeError);
  });

  it("AbortSignal.timeout's reason counts as a timeout, and a bare abort() as an interruption", () => {
    const ctrl = new AbortController();
    ctrl.abort(new DOMException('signal timed out', 'TimeoutError'));
    expect(abortError(ctrl.signal)).toBeInstanceOf(RenderTimeoutError);
    const bare = new AbortController();
    bare.abort();
    expect(abortError(bare.signal)).toMatchObject({ kind: 'interrupted', message: 'the render was stopped before it finished' });
  });

  it('the run status of an error: timed_out, interrupted or failed', () => {
    expect(runStatusOf(new RenderTimeoutError(3))).toBe('timed_out');
    expect(runStatusOf(new RenderAbortedError('stopped', 'SIGTERM'))).toBe('interrupted');
    expect(runStatusOf(new Error('cell 7 failed'))).toBe('failed');
  });

  it('throwIfAborted throws the typed error only once the signal has aborted', () => {
    const ctrl = new AbortController();
    expect(() => throwIfAborted(ctrl.signal)).not.toThrow();
    expect(() => throwIfAborted(undefined)).not.toThrow();
    ctrl.abort(new RenderTimeoutError(2));
    expect(() => throwIfAborted(ctrl.signal)).toThrow(RenderTimeoutError);
  });

  it('untilAborted rejects as soon as the signal aborts, without waiting for the work', async () => {
    const ctrl = new AbortController();
    const never = new Promise<string>(() => undefined);
    const racing = untilAborted(never, ctrl.signal);
    ctrl.abort('SIGTERM');
    await expect(racing).rejects.toMatchObject({ name: 'RenderAbortedError', reason: 'SIGTERM' });
    await expect(untilAborted(Promise.resolve('done'), ctrl.signal)).rejects.toThrow(RenderAbortedError);
    await expect(untilAborted(Promise.resolve('done'), new AbortController().signal)).resolves.toBe('done');
  });

  it("untilAborted ignores the work's late failure once aborted", async () => {
    const ctrl = new AbortController();
    let fail: (e: Error) => void = () => undefined;
    const work = new Promise<string>((_, reject) => (fail = reject));
    const racing = untilAborted(work, ctrl.signal);
    ctrl.abort('stop');
    await expect(racing).rejects.toThrow(RenderAbortedError);
    fail(new Error('Target closed')); // handled by the race: no unhandled rejection
    await new Promise((r) => setImmediate(r));
  });

  it('onAbort calls back once, at once for a signal aborted already, and not after being removed', () => {
    const calls: string[] = [];
    const ctrl = new AbortController();
    onAbort(ctrl.signal, () => calls.push('a'));
    const remove = onAbort(ctrl.signal, () => calls.push('removed'));
    remove();
    ctrl.abort();
    onAbort(ctrl.signal, () => calls.push('late'));
    expect(calls).toEqual(['a', 'late']);
  });

  it('sleep waits its time, and a cancel ends it at once with the reason', async () => {
    await expect(sleep(5)).resolves.toBeUndefined();
    const ctrl = new AbortController();
    const t0 = Date.now();
    const sleeping = sleep(60_000, ctrl.signal);
    ctrl.abort(new RenderTimeoutError(1));
    await expect(sleeping).rejects.toThrow(RenderTimeoutError);
    expect(Date.now() - t0).toBeLessThan(1_000);
  });
});
