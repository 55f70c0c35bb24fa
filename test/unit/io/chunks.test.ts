import { forEachChunk } from '../../../src/io/chunks';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('forEachChunk', () => {
  it('hands every item over exactly once, in chunks of the given size, with their start', async () => {
    const seen: [number, number[]][] = [];
    await forEachChunk([...Array(23).keys()], 5, 3, async (chunk, start) => {
      await tick();
      seen.push([start, chunk]);
    });
    seen.sort(([a], [b]) => a - b);
    expect(seen.map(([s]) => s)).toEqual([0, 5, 10, 15, 20]);
    expect(seen.flatMap(([, c]) => c)).toEqual([...Array(23).keys()]);
  });

  it('never has more chunks in flight than asked', async () => {
    let now = 0;
    let most = 0;
    await forEachChunk([...Array(40).keys()], 2, 4, async () => {
      most = Math.max(most, ++now);
      await tick();
      now--;
    });
    expect(most).toBe(4);
  });

  it('throws the first failure after the started chunks settle, and starts no new chunk after it', async () => {
    const started: number[] = [];
    let settled = 0;
    const run = forEachChunk([...Array(10).keys()], 1, 2, async (_c, start) => {
      started.push(start);
      await tick();
      settled++;
      if (start === 1) throw new Error('chunk 1 refused');
    });
    await expect(run).rejects.toThrow('chunk 1 refused');
    expect(settled).toBe(started.length);
    expect(started.length).toBeLessThan(10);
  });

  it('does nothing on an empty list, and refuses a size or in-flight count below 1', async () => {
    const work = jest.fn();
    await forEachChunk([], 10, 2, work);
    expect(work).not.toHaveBeenCalled();
    await expect(forEachChunk([1], 0, 2, work)).rejects.toThrow(/at least 1 \(got 0, 2\)/);
  });
});
