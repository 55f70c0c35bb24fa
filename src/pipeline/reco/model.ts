/** The trained item-item model: what `npm run train` writes to `models/item_sim.json` and the service reads. */
import fs from 'node:fs';
import path from 'node:path';
import { removeLeftovers, writeFileAtomic } from '../../io/atomic';

export const MODEL_FORMAT_VERSION = 1;

export type BasketLevel = 'order' | 'customer';

export interface ModelItem {
  name: string;
  category: string;
  sub_category: string;
  unit_price: number;
  /** Training baskets that contain the item. */
  baskets: number;
  /** Most similar items first: [product_id, similarity (the asymmetric cosine, see `parameters.alpha`), support]. */
  neighbours: [string, number, number][];
}

export interface ItemSimModel {
  format_version: number;
  trained_at: string;
  data_window: { from: string | null; to: string | null; before: string | null };
  /** `co_slots`: how many of the 5 recommendations may come from co-purchases; the rest is the sub-category fill. */
  parameters: { level: BasketLevel; k: number; half_life_days: number | null; min_support: number; alpha: number; co_slots: number };
  item_count: number;
  basket_count: number;
  /** Training orders (popularity and fallback confidence count orders at any basket level). */
  order_count: number;
  pair_count: number;
  items: Record<string, ModelItem>;
  /** Most bought first (by training baskets). */
  popular: string[];
  popular_by_sub_category: Record<string, string[]>;
  /** Orders holding both sub-categories (the diagonal: orders with two lines of one sub-category). */
  sub_category_pairs: Record<string, Record<string, number>>;
  /** Training baskets per sub-category, for fallback confidence. */
  sub_category_baskets: Record<string, number>;
  /** product_id → key of its "same item" group (only for items that share it with another ID). */
  same_item: Record<string, string>;
}

export class ModelError extends Error {
  override name = 'ModelError';
}

export function modelFile(modelsDir: string): string {
  return path.join(modelsDir, 'item_sim.json');
}

export function saveModel(file: string, model: ItemSimModel): void {
  // Whole or nothing: a service reloading the model never reads half a file, and a killed run leaves the old one.
  removeLeftovers(path.dirname(file));
  writeFileAtomic(file, modelJson(model));
}

/**
 * Pure: `JSON.stringify(model)`, byte for byte, in pieces of about `pieceChars` characters: the items (50,000 with
 * their neighbours at a million lines) are serialised one by one, so the whole text (about 100 MB there) is never
 * held at once.
 */
export function* modelJson(model: ItemSimModel, pieceChars = 1 << 20): Generator<string> {
  let piece = '{';
  let first = true;
  for (const [key, value] of Object.entries(model)) {
    if (value === undefined) continue;
    piece += `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    if (key !== 'items') {
      piece += JSON.stringify(value);
      continue;
    }
    piece += '{';
    let firstItem = true;
    for (const [id, item] of Object.entries(value as ItemSimModel['items'])) {
      piece += `${firstItem ? '' : ','}${JSON.stringify(id)}:${JSON.stringify(item)}`;
      firstItem = false;
      if (piece.length >= pieceChars) {
        yield piece;
        piece = '';
      }
    }
    piece += '}';
  }
  yield `${piece}}`;
}

export function loadModel(file: string): ItemSimModel {
  if (!fs.existsSync(file)) throw new ModelError(`no model at ${file}: run \`npm run train\` first`);
  let model: ItemSimModel;
  try {
    model = JSON.parse(fs.readFileSync(file, 'utf8')) as ItemSimModel;
  } catch (err) {
    throw new ModelError(`model file ${file} is not valid JSON (${(err as Error).message}): run \`npm run train\` again`);
  }
  if (model.format_version !== MODEL_FORMAT_VERSION) {
    throw new ModelError(`model file ${file} has format ${model.format_version}, this version reads ${MODEL_FORMAT_VERSION}: run \`npm run train\` again`);
  }
  return model;
}
