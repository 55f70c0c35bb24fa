import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CreditQueue } from '../../../../src/io/credit-queue';
import type { EncodedBatch } from '../../../../src/pipeline/stream/encoded-batch';
import { encodeSalesHere, encodeSalesInWorker, workerScript, type WorkerSalesSource } from '../../../../src/pipeline/stream/sales-worker';
import { SourceError } from '../../../../src/pipeline/source/superstore';
import { scanSource, type SourceScan } from '../../../../src/pipeline/source/stream-load';

const broken = path.join(__dirname, '../../../fixtures/superstore-broken.csv');
const target = { topic: 'erp.sales', partitions: 3 };

async function drain(source: WorkerSalesSource, batchSize = 100): Promise<EncodedBatch[]> {
  const { batches, close } = source.open(batchSize, target);
  const out: EncodedBatch[] = [];
  try {
    for await (const b of batches) out.push(b);
  } finally {
    await close();
  }
  return out;
}

describe('sales encoded in a worker thread', () => {
  let superstore: SourceScan;
  beforeAll(async () => {
    superstore = await scanSource();
  });

  it('gives the very batches the calling thread gives, on the bundled Superstore', async () => {
    const inWorker = await drain(encodeSalesInWorker(superstore), 500);
    expect(inWorker.reduce((n, b) => n + b.keys.length, 0)).toBe(5009);
    expect(inWorker.reduce((n, b) => n + b.lines, 0)).toBe(9994);
    expect(inWorker).toEqual(await drain(encodeSalesHere(superstore), 500));
  });

  it('skips the rows pass 1 rejected, as the calling thread does (rejected lines are passed to the worker)', async () => {
    const scan = await scanSource({ input: broken, dateFormat: 'dmy' });
    expect(scan.rejectedLines.size).toBeGreaterThan(0);
    const inWorker = await drain(encodeSalesInWorker(scan), 3);
    expect(inWorker).toEqual(await drain(encodeSalesHere(scan), 3));
    expect(inWorker.reduce((n, b) => n + b.lines, 0)).toBe(scan.lines);
  });

  it('keeps the same sample of sales (for --follow) as the calling thread, once the last batch is out', async () => {
    const sample = { size: 50, seed: 7 };
    const worker = encodeSalesInWorker(superstore, { sample });
    const here = encodeSalesHere(superstore, { sample });
    await drain(worker);
    await drain(here);
    expect(worker.sample).toHaveLength(50);
    expect(worker.sample).toEqual(here.sample);
    expect(worker.sample[0]!.items.length).toBeGreaterThan(0);
  });

  it('runs at most the credit window ahead of a consumer that does not take', async () => {
    const { batches, close } = encodeSalesInWorker(superstore, { window: 2 }).open(100, target);
    const queue = batches as CreditQueue<EncodedBatch>;
    try {
      for (let waited = 0; queue.size < 2 && waited < 20000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      expect(queue.size).toBe(2);
    } finally {
      await close();
    }
  });

  it('stops the worker when the consumer stops early', async () => {
    const { batches, close } = encodeSalesInWorker(superstore).open(100, target);
    for await (const _ of batches) break;
    await expect(close()).resolves.toBeUndefined();
  });

  describe('failures surface in the calling thread, not as a hang', () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sales-worker-'));
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('a file gone since pass 1: a SourceError naming it', async () => {
      const file = path.join(dir, 'gone.csv');
      fs.copyFileSync(broken, file);
      const scan = await scanSource({ input: file, dateFormat: 'dmy' });
      fs.rmSync(file);
      const err = await drain(encodeSalesInWorker(scan)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SourceError);
      expect((err as Error).message).toBe(`input file not found: ${file}`);
    });

    it('a read error: its message', async () => {
      await expect(drain(encodeSalesInWorker({ ...superstore, input: dir }))).rejects.toThrow(/EISDIR/);
    });

    it('a worker that throws while loading, or exits before the last sale', async () => {
      await expect(drain(encodeSalesInWorker(superstore, { script: () => 'throw new Error("cannot load")' }))).rejects.toThrow('cannot load');
      await expect(drain(encodeSalesInWorker(superstore, { script: () => 'process.exit(3)' }))).rejects.toThrow(/sales worker thread stopped \(exit code 3\) before the last sale/);
    });
  });

  describe('loading the worker code', () => {
    it('runs compiled JavaScript as it is', () => {
      expect(workerScript('/app/dist/pipeline/sales-worker-entry.js')).toBe('require("/app/dist/pipeline/sales-worker-entry.js");');
    });

    it('runs TypeScript through tsx, and gives up when tsx is not installed', () => {
      expect(workerScript('/src/x.ts')).toMatch(/tsx.*register\(\);\nrequire\("\/src\/x\.ts"\);$/s);
      const missing = () => {
        throw new Error("Cannot find module 'tsx/cjs/api'");
      };
      expect(workerScript('/src/x.ts', missing)).toBeUndefined();
    });

    it('streams on the calling thread, with the same batches, where no worker can load the code', async () => {
      const here = await drain(encodeSalesInWorker(superstore, { script: () => undefined }), 500);
      expect(here).toEqual(await drain(encodeSalesHere(superstore), 500));
    });
  });
});
