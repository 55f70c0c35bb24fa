/** A group of whole files in one call, for tests that need report folders on disk. */
import { createGroupWriter, type Manifest } from '../../src/io/atomic';

/** A group of whole files written at once (see GroupWriter.commit). */
export function writeGroupAtomic(dir: string, files: Record<string, string | Uint8Array>, about?: Record<string, unknown>, now = new Date()): Manifest {
  const group = createGroupWriter(dir);
  for (const [name, data] of Object.entries(files)) group.add(name, data);
  return group.commit(about, now);
}
