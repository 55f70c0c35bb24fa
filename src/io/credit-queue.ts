/**
 * The receiving end of a producer in another thread that runs at most `window` items ahead of the consumer
 * (credit-based flow control), in order, with failures and the end after the items before them.
 */
export interface CreditQueue<T> extends AsyncIterable<T> {
  push(item: T): void;
  end(): void;
  fail(err: Error): void;
  /** The consumer's early stop: grants nothing more and ends the iteration. */
  close(): void;
  /** Items waiting (never more than the window). */
  readonly size: number;
}

export function createCreditQueue<T>(window: number, grant: (credits: number) => void): CreditQueue<T> {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`credit window must be a positive whole number, got ${window}`);
  const items: T[] = [];
  let state: 'open' | 'ended' | 'closed' = 'open';
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  grant(window);

  return {
    get size() {
      return items.length;
    },
    push(item) {
      if (state !== 'open') return;
      items.push(item);
      notify();
    },
    end() {
      if (state !== 'open') return;
      state = 'ended';
      notify();
    },
    fail(err) {
      if (state !== 'open') return;
      state = 'ended';
      failure = err;
      notify();
    },
    close() {
      state = 'closed';
      items.length = 0;
      notify();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (items.length) {
          const item = items.shift()!;
          if (state === 'open') grant(1);
          yield item;
        } else if (state === 'closed') return;
        else if (state === 'ended') {
          if (failure) throw failure;
          return;
        } else await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}
