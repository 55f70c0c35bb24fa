/**
 * Work over a list in fixed-size chunks with a bounded number in flight: how bulk writes keep a server's cores busy
 * without sending everything at once. The first failure is thrown once the chunks already started have settled.
 */
export async function forEachChunk<T>(items: readonly T[], size: number, inFlight: number, work: (chunk: T[], start: number) => Promise<unknown>): Promise<void> {
  if (!(size >= 1) || !(inFlight >= 1)) throw new RangeError(`forEachChunk needs a chunk size and an in-flight count of at least 1 (got ${size}, ${inFlight})`);
  let next = 0;
  let failed = false;
  const take = () => (next += size) - size; // the next chunk's start, shared by the workers
  const worker = async () => {
    for (let i = take(); i < items.length && !failed; i = take()) {
      try {
        await work(items.slice(i, i + size), i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(inFlight, Math.ceil(items.length / size)) }, worker));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}
