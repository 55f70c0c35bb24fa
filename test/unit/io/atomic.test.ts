import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAtomicStream, createGroupWriter, MANIFEST, readManifest, removeLeftovers, tempOwner, tempPathFor, writeFileAtomic } from '../../../src/io/atomic';
import { writeGroupAtomic } from '../../support/atomic';

describe('whole-or-nothing files', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a temporary name is hidden, beside the final one, and names its writer', () => {
    const tmp = tempPathFor(path.join(dir, 'report.pdf'), 4242);
    expect(path.dirname(tmp)).toBe(dir);
    expect(path.basename(tmp)).toMatch(/^\.report\.pdf\.tmp-4242-[0-9a-f]{8}$/);
    expect(tempOwner(tmp)).toBe(4242);
    expect(tempOwner('report.pdf')).toBeUndefined();
  });

  it('replaces a file whole and leaves no temporary file', () => {
    const file = path.join(dir, 'a', 'out.txt');
    writeFileAtomic(file, 'old');
    writeFileAtomic(file, 'new');
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['out.txt']);
  });

  it('a stream becomes the file only when committed, and an aborted one leaves nothing', async () => {
    const file = path.join(dir, 'big.csv');
    const s = createAtomicStream(file);
    s.stream.write('a,b\n');
    expect(fs.existsSync(file)).toBe(false);
    await s.commit();
    expect(fs.readFileSync(file, 'utf8')).toBe('a,b\n');
    const t = createAtomicStream(path.join(dir, 'other.csv'));
    t.stream.write('x');
    await t.abort();
    expect(fs.readdirSync(dir)).toEqual(['big.csv']);
  });

  it('removes the temporary files of a writer that is gone, and keeps a live writer\'s', () => {
    fs.writeFileSync(tempPathFor(path.join(dir, 'r.pdf'), 111), 'half');
    fs.writeFileSync(tempPathFor(path.join(dir, 'r.xlsx'), 222), 'half');
    fs.writeFileSync(path.join(dir, 'r.html'), 'whole');
    const removed = removeLeftovers(dir, (pid) => pid === 222);
    expect(removed).toEqual([expect.stringMatching(/^\.r\.pdf\.tmp-111-/)]);
    expect(fs.readdirSync(dir).sort()).toEqual([expect.stringMatching(/^\.r\.xlsx\.tmp-222-/), 'r.html']);
  });

  it('a group appears with its manifest written last, listing each file with its size and hash', () => {
    const m = writeGroupAtomic(dir, { 'a.html': '<p>1</p>', 'a.pdf': Buffer.from([1, 2, 3]) }, { period: '2017-12' }, new Date('2026-11-29T00:00:00Z'));
    expect(m.files.map((f) => [f.name, f.bytes])).toEqual([['a.html', 8], ['a.pdf', 3]]);
    expect(m.files[1]!.sha256).toBe('039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81');
    expect(readManifest(dir)).toEqual(m);
    expect(fs.readdirSync(dir).sort()).toEqual(['a.html', 'a.pdf', MANIFEST]);
  });

  it('a group killed before its commit leaves the previous files whole and no manifest claiming the new ones', () => {
    writeGroupAtomic(dir, { 'a.html': 'v1' });
    const g = createGroupWriter(dir);
    g.add('a.html', 'v2');
    // Killed here: the temporary file is a leftover, the final file is the old one, whole.
    expect(fs.readFileSync(path.join(dir, 'a.html'), 'utf8')).toBe('v1');
    g.abort();
    expect(readManifest(dir)!.files[0]!.bytes).toBe(2);
  });

  it('an aborted group takes no more files, so a step finishing after a cancel leaves no temporary file', () => {
    writeGroupAtomic(dir, { 'a.html': 'v1' });
    const g = createGroupWriter(dir);
    g.add('a.html', 'v2');
    g.abort();
    expect(() => g.add('a.pdf', 'late')).toThrow(/a\.pdf cannot join the group in .*: it was already aborted/);
    expect(() => g.commit()).toThrow(/was already aborted/);
    expect(fs.readdirSync(dir).sort()).toEqual(['a.html', MANIFEST]);
    expect(fs.readFileSync(path.join(dir, 'a.html'), 'utf8')).toBe('v1');
  });

  it('a committed group takes no more files', () => {
    const g = createGroupWriter(dir);
    g.add('a.html', 'v1');
    g.commit();
    expect(() => g.add('b.html', 'late')).toThrow(/it was already committed/);
    expect(fs.readdirSync(dir).sort()).toEqual(['a.html', MANIFEST]);
  });

  it('a manifest whose file was changed in size is not trusted', () => {
    writeGroupAtomic(dir, { 'a.html': 'v1' });
    fs.writeFileSync(path.join(dir, 'a.html'), 'truncated or replaced');
    expect(readManifest(dir)).toBeUndefined();
    fs.rmSync(path.join(dir, MANIFEST));
    expect(readManifest(dir)).toBeUndefined();
  });
});
