/**
 * Which warehouse build the marts come from: the `warehouse_state` document every build writes (`built_at`,
 * `watermark`). Reading it is one findOne by `_id`, shared by the requests that wait for it (createBuildWatcher).
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

/**
 * The build id. With `everyMs` 0 (the server's default) every asker gets an id read after it asked, so a request that
 * arrives once a build has finished sees that build; the reads are shared: whoever asks while a read is in flight
 * waits for the next one, with everyone else who asked meanwhile, so the engine sees one read at a time and a request
 * waits for at most two. With `everyMs` > 0 the id is read at most that often (a view may be that much older than
 * the build that replaced it).
 */
export function createBuildWatcher(read: () => Promise<BuildStamp | null>, everyMs = 0, now: () => number = Date.now): BuildWatcher {
  const readId = async () => buildId(await read());
  if (everyMs > 0) {
    const shared = createShared(readId, everyMs, { maxKeys: 1, now });
    return { current: () => shared.get('build'), reads: () => shared.computations() };
  }
  const fresh = createFreshReader(readId);
  return { current: fresh.get, reads: fresh.reads };
}

/** Reads shared by everyone who asked before they started, never by someone who asked after (see createBuildWatcher). */
export function createFreshReader<V>(read: () => Promise<V>): { get(): Promise<V>; reads(): number } {
  let inFlight: Promise<V> | null = null;
  let next: Promise<V> | null = null;
  let count = 0;
  const start = (): Promise<V> => {
    count++;
    const p = read();
    inFlight = p;
    const done = () => {
      if (inFlight === p) inFlight = null;
    };
    p.then(done, done);
    return p;
  };
  const get = (): Promise<V> => {
    if (!inFlight) return start();
    // The read in flight began before this asker: it may predate a build that has finished since.
    next ??= inFlight.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      next = null;
      return start();
    });
    return next;
  };
  return { get, reads: () => count };
}
