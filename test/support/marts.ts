/** The warehouse's marts read back, to compare two builds. */
import type { Db, Document } from 'mongodb';
import { marts } from '../../src/pipeline/warehouse/build';

/** Every mart's documents sorted by `_id` (the build's own state left out). */
export async function readMarts(db: Db): Promise<Record<string, Document[]>> {
  const out: Record<string, Document[]> = {};
  for (const name of Object.values(marts)) {
    if (name === marts.state || name === marts.customerState) continue;
    out[name] = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
  }
  return out;
}
