/**
 * Pulls the next items of an async iterable while the consumer is still busy with the current one: a producer that
 * waits for Kafka's acknowledgement meanwhile parses the next batch of the file instead of idling. Order, errors and
 * early exit are those of the source; at most `depth` items are held beyond the one being consumed.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, depth = 1): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  const pending: Promise<IteratorResult<T>>[] = [];
  const pull = () => {
    const p = it.next();
    // Awaited in turn below; this only keeps a failure from counting as unhandled while the consumer is busy.
    p.catch(() => undefined);
    pending.push(p);
  };
  let finished = false;
  try {
    pull();
    for (;;) {
      while (pending.length <= depth) pull();
      const r = await pending.shift()!;
      if (r.done) {
        finished = true;
        return;
      }
      yield r.value;
    }
  } finally {
    if (!finished) await it.return?.();
  }
}
