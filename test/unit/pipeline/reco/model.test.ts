import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadModel, modelJson, saveModel, type ItemSimModel } from '../../../../src/pipeline/reco/model';
import { trainModel, type CatalogueItem, type TrainingLine } from '../../../../src/pipeline/reco/train';

const catalogue: CatalogueItem[] = ['A', 'B', 'C', 'D'].map((id) => ({ product_id: id, name: `Item "${id}" é`, category: 'Cat', sub_category: id < 'C' ? 'Chairs' : 'Tables', unit_price: 9.5 }));
const lines: TrainingLine[] = [
  ['S1', 'C1', 'A', '2017-01-02'],
  ['S1', 'C1', 'B', '2017-01-02'],
  ['S2', 'C2', 'A', '2017-01-03'],
  ['S2', 'C2', 'C', '2017-01-03'],
  ['S3', 'C3', 'B', '2017-02-01'],
  ['S3', 'C3', 'D', '2017-02-01'],
].map(([sale_id, customer_id, product_id, order_date]) => ({ sale_id: sale_id!, customer_id: customer_id!, product_id: product_id!, order_date: order_date! }));

describe('model file', () => {
  const model: ItemSimModel = trainModel(lines, catalogue, { now: new Date('2026-01-01T00:00:00Z') });

  it('is written in pieces that join to exactly JSON.stringify of the model, whatever the piece size', () => {
    for (const size of [1, 40, 1 << 20]) {
      const pieces = [...modelJson(model, size)];
      expect(pieces.join('')).toBe(JSON.stringify(model));
      if (size === 1) expect(pieces.length).toBeGreaterThan(4);
    }
  });

  it('reads back as the model it saved', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-'));
    try {
      saveModel(path.join(dir, 'item_sim.json'), model);
      expect(loadModel(path.join(dir, 'item_sim.json'))).toEqual(model);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
