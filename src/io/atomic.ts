/**
 * Whole or nothing: files written under a temporary name and renamed into place once complete, and groups of files
 * (a report's formats, the CSV extracts) trusted only through the manifest written last.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isAlive } from './pid';

/** Temporary names start with this, so leftovers are recognisable and never mistaken for outputs. */
export const TEMP_MARK = '.tmp-';

/** `<dir>/.<name>.tmp-<pid>-<random>`: hidden, in the same directory (same filesystem), and naming its writer. */
export function tempPathFor(final: string, pid = process.pid): string {
  return path.join(path.dirname(final), `.${path.basename(final)}${TEMP_MARK}${pid}-${randomBytes(4).toString('hex')}`);
}

/** The writer's pid from a temporary name, or undefined when the name is not one of ours. */
export function tempOwner(name: string): number | undefined {
  const m = /^\..+\.tmp-(\d+)-[0-9a-f]{8}$/.exec(path.basename(name));
  return m ? Number(m[1]) : undefined;
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some filesystems cannot fsync a directory; the rename is still atomic, only its durability is weaker.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes `data` (or its pieces, in order, for content too large to hold as one string) to `final` whole or not at all. */
export function writeFileAtomic(final: string, data: string | Uint8Array | Iterable<string>): void {
  fs.mkdirSync(path.dirname(final), { recursive: true });
  const tmp = tempPathFor(final);
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      if (typeof data === 'string' || data instanceof Uint8Array) fs.writeFileSync(fd, data);
      else for (const piece of data) fs.writeSync(fd, piece);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, final);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fsyncDir(path.dirname(final));
}

/** A stream to a temporary file that becomes `final` on `commit()`, or disappears on `abort()`. For large outputs. */
export interface AtomicStream {
  stream: fs.WriteStream;
  commit(): Promise<void>;
  /** Closes the stream and removes its temporary file. */
  abort(): Promise<void>;
}

export function createAtomicStream(final: string): AtomicStream {
  fs.mkdirSync(path.dirname(final), { recursive: true });
  const tmp = tempPathFor(final);
  const stream = fs.createWriteStream(tmp);
  return {
    stream,
    commit: async () => {
      await new Promise<void>((resolve, reject) => {
        stream.once('error', reject);
        stream.end(() => resolve());
      });
      const fd = fs.openSync(tmp, 'r+');
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, final);
      fsyncDir(path.dirname(final));
    },
    abort: async () => {
      if (!stream.closed) await new Promise<void>((resolve) => stream.once('close', () => resolve()).destroy());
      fs.rmSync(tmp, { force: true });
    },
  };
}

/** Removes temporary files in `dir` whose writer is gone (a killed run); returns their names. */
export function removeLeftovers(dir: string, alive: (pid: number) => boolean = isAlive): string[] {
  if (!fs.existsSync(dir)) return [];
  const removed: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const pid = tempOwner(name);
    // Not ours, ours and in flight, or a live writer's: kept.
    if (pid === undefined || pid === process.pid || alive(pid)) continue;
    fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

export interface ManifestEntry {
  name: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  written_at: string;
  files: ManifestEntry[];
  /** What the group is, for people reading the folder (e.g. the report's period). */
  about?: Record<string, unknown>;
}

export const MANIFEST = 'manifest.json';

/** A group being written: each file goes to a temporary name until `commit`. */
export interface GroupWriter {
  /** A stream for one file of the group, for large outputs; end it before `commit`. */
  stream(name: string): fs.WriteStream;
  /** One whole file of the group. */
  add(name: string, data: string | Uint8Array): void;
  /** The temporary path a file of the group is written to (by the caller, e.g. through a file descriptor). */
  stagePath(name: string): string;
  /**
   * Removes the old manifest, renames every file into place, then writes the new manifest last. Killed before the
   * end, the directory has no manifest (readers skip it) and every file under a final name is still whole.
   */
  commit(about?: Record<string, unknown>, now?: Date): Manifest;
  /** Removes the temporary files (a failed or cancelled run). Idempotent. */
  abort(): void;
}

const fileSha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

export function createGroupWriter(dir: string): GroupWriter {
  fs.mkdirSync(dir, { recursive: true });
  const staged = new Map<string, string>();
  const streams: fs.WriteStream[] = [];
  // Once committed or aborted, the group takes no more files: a step of a cancelled render that finishes late must
  // not leave a temporary file that nothing removes (removeLeftovers keeps a live writer's).
  let closed: 'committed' | 'aborted' | undefined;
  const stage = (name: string) => {
    if (closed) throw new Error(`${name} cannot join the group in ${dir}: it was already ${closed}`);
    if (staged.has(name)) throw new Error(`${name} is already part of this group`);
    const tmp = tempPathFor(path.join(dir, name));
    staged.set(name, tmp);
    return tmp;
  };
  const abort = () => {
    closed = 'aborted';
    for (const s of streams) s.destroy();
    for (const tmp of staged.values()) fs.rmSync(tmp, { force: true });
    staged.clear();
  };
  return {
    stream: (name) => {
      const s = fs.createWriteStream(stage(name));
      streams.push(s);
      return s;
    },
    stagePath: stage,
    add: (name, data) => {
      const fd = fs.openSync(stage(name), 'w');
      try {
        fs.writeFileSync(fd, data);
      } finally {
        fs.closeSync(fd);
      }
    },
    commit: (about, now = new Date()) => {
      if (closed) throw new Error(`the group in ${dir} was already ${closed}`);
      try {
        const files: ManifestEntry[] = [];
        for (const [name, tmp] of staged) {
          const fd = fs.openSync(tmp, 'r+');
          try {
            fs.fsyncSync(fd);
          } finally {
            fs.closeSync(fd);
          }
          files.push({ name, bytes: fs.statSync(tmp).size, sha256: fileSha256(tmp) });
        }
        fs.rmSync(path.join(dir, MANIFEST), { force: true });
        for (const [name, tmp] of staged) fs.renameSync(tmp, path.join(dir, name));
        staged.clear();
        closed = 'committed';
        const manifest: Manifest = { written_at: now.toISOString(), files, ...(about ? { about } : {}) };
        writeFileAtomic(path.join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
        return manifest;
      } catch (err) {
        abort();
        throw err;
      }
    },
    abort,
  };
}


/** The group's manifest if it is there and every file it lists has its recorded size; otherwise undefined. */
export function readManifest(dir: string): Manifest | undefined {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  if (!Array.isArray(manifest.files)) return undefined;
  const whole = manifest.files.every((f) => fs.statSync(path.join(dir, f.name), { throwIfNoEntry: false })?.size === f.bytes);
  return whole ? manifest : undefined;
}
