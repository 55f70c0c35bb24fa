/**
 * The receiving end of a producer in another thread that may run ahead of the consumer by at most `window` items:
 * credit-based flow control. The queue grants `window` credits at once and one more each time the consumer takes an
 * item, so the producer (which sends an item only for a credit) never has more than `window` items waiting here,
 * whatever the consumer's speed: memory stays flat.
 *
 * Items come out in the order they were pushed. A failure is raised after the items pushed before it; an end after
 * them too. Once closed (the consumer stopped early), pushes, ends and failures are ignored.
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
