import { readAhead } from '../../../src/io/read-ahead';

async function* counted(n: number, log: string[], failAt?: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) {
    if (i === failAt) throw new Error(`source failed at ${i}`);
    log.push(`make ${i}`);
    yield i;
  }
}

const collect = async <T>(it: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

describe('readAhead', () => {
  it('yields every item of the source in order', async () => {
    expect(await collect(readAhead(counted(5, [])))).toEqual([0, 1, 2, 3, 4]);
  });

  it('makes the next item while the consumer is still busy with the current one', async () => {
    const log: string[] = [];
    for await (const x of readAhead(counted(3, log), 1)) {
      await new Promise((r) => setTimeout(r, 5));
      log.push(`use ${x}`);
    }
    expect(log.indexOf('make 1')).toBeLessThan(log.indexOf('use 0'));
    expect(log.indexOf('make 2')).toBeLessThan(log.indexOf('use 1'));
  });

  it('holds at most depth items beyond the one being consumed', async () => {
    const log: string[] = [];
    for await (const x of readAhead(counted(10, log), 2)) {
      await new Promise((r) => setTimeout(r, 5));
      expect(log.filter((l) => l.startsWith('make')).length).toBeLessThanOrEqual(x + 1 + 2);
      log.push(`use ${x}`);
    }
  });

  it("passes on the source's error, after the items before it, without an unhandled rejection", async () => {
    const seen: number[] = [];
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      await expect(
        (async () => {
          for await (const x of readAhead(counted(5, [], 3), 2)) {
            await new Promise((r) => setTimeout(r, 5));
            seen.push(x);
          }
        })(),
      ).rejects.toThrow('source failed at 3');
      await new Promise((r) => setTimeout(r, 10));
    } finally {
      process.off('unhandledRejection', unhandled);
    }
    expect(seen).toEqual([0, 1, 2]);
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('closes the source when the consumer stops early', async () => {
    let closed = false;
    async function* source() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    for await (const x of readAhead(source())) if (x === 2) break;
    expect(closed).toBe(true);
  });
});
