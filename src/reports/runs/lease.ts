/**
 * One scheduler per database: a lease document in `scheduler_lease`, taken at start, renewed while the scheduler runs
 * and given back when it stops. A second scheduler (on this machine or another pointed at the same database) is
 * refused and told who holds it; a lease that is not renewed expires, so a crashed scheduler blocks nobody for long.
 */
import os from 'node:os';
import type { Db } from 'mongodb';

export const leaseCollection = 'scheduler_lease';

export interface LeaseHolder {
  host: string;
  pid: number;
  since: Date;
  /** What holds it: `report:schedule --schedule FILE`, `pipeline`. */
  what: string;
}

interface LeaseDoc extends LeaseHolder {
  _id: string;
  expires_at: Date;
}

export class LeaseHeldError extends Error {
  override name = 'LeaseHeldError';
  constructor(readonly holder: LeaseHolder, readonly expiresAt: Date) {
    super(`another scheduler holds this database's lease: ${holder.what} on ${holder.host}, pid ${holder.pid}, since ${holder.since.toISOString()} (it expires at ${expiresAt.toISOString()} unless renewed); stop it first, or wait for its lease to expire`);
  }
}

export interface Lease {
  holder: LeaseHolder;
  /** Gives the lease back (only if still ours). */
  release(): Promise<void>;
}

const isDuplicateKey = (err: unknown) => (err as { code?: number }).code === 11000;

/**
 * Takes the lease `name` for `ttlMs`, renewing it every third of that until released. Throws LeaseHeldError when
 * another live holder has it.
 */
export async function acquireLease(db: Db, what: string, o: { name?: string; ttlMs?: number; now?: () => Date } = {}): Promise<Lease> {
  const name = o.name ?? 'scheduler';
  const ttl = o.ttlMs ?? 30_000;
  const now = o.now ?? (() => new Date());
  const col = db.collection<LeaseDoc>(leaseCollection);
  const holder: LeaseHolder = { host: os.hostname(), pid: process.pid, since: now(), what };
  const mine = { host: holder.host, pid: holder.pid };
  const take = () => col.updateOne({ _id: name, $or: [{ expires_at: { $lt: now() } }, mine] }, { $set: { ...holder, expires_at: new Date(now().getTime() + ttl) } }, { upsert: true });
  try {
    await take();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const held = await col.findOne({ _id: name });
    if (held) throw new LeaseHeldError(held, held.expires_at);
    await take();
  }
  const renew = setInterval(() => void col.updateOne({ _id: name, ...mine }, { $set: { expires_at: new Date(now().getTime() + ttl) } }).catch(() => undefined), Math.max(1000, ttl / 3));
  renew.unref();
  return {
    holder,
    release: async () => {
      clearInterval(renew);
      await col.deleteOne({ _id: name, ...mine });
    },
  };
}
