/**
 * Which warehouse build the marts come from: the `warehouse_state` document every build writes (`built_at`,
 * `watermark`). Reading it is one findOne by `_id`; it is read at most once per `everyMs` whatever the traffic, and
 * concurrent askers share the read in flight. So a view can be at most `everyMs` older than the build that
 * replaced it.
 */
import type { Db } from 'mongodb';
import { marts } from '../pipeline/warehouse/build';
import { createShared } from './shared';

export interface BuildStamp {
  built_at: Date;
  watermark: Date;
}

/** The id of a build: both times, so a rebuild within the same millisecond as the watermark still differs. */
export function buildId(stamp: BuildStamp | null): string {
  return stamp ? `${stamp.built_at.toISOString()}~${stamp.watermark.toISOString()}` : 'never-built';
}

export async function readBuildStamp(db: Db): Promise<BuildStamp | null> {
  const doc = await db.collection<{ _id: string } & BuildStamp>(marts.state).findOne({ _id: 'warehouse' }, { projection: { built_at: 1, watermark: 1 } });
  return doc ? { built_at: doc.built_at, watermark: doc.watermark } : null;
}

export interface BuildWatcher {
  current(): Promise<string>;
  /** How many times the state document was read (for the stats endpoint). */
  reads(): number;
}

/** The build id, read at most once per `everyMs` and shared by concurrent askers (the same mechanism as shared.ts). */
export function createBuildWatcher(read: () => Promise<BuildStamp | null>, everyMs = 1000, now: () => number = Date.now): BuildWatcher {
  const shared = createShared(async () => buildId(await read()), everyMs, { maxKeys: 1, now });
  return { current: () => shared.get('build'), reads: () => shared.computations() };
}
