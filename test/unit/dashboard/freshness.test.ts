import { buildId, createBuildWatcher, type BuildStamp } from '../../../src/dashboard/build-version';
import { createShared } from '../../../src/dashboard/shared';
import { createViewCache, filterQuery } from '../../../src/dashboard/view-cache';
import { prepareBody } from '../../../src/dashboard/http';

const stamp = (iso: string): BuildStamp => ({ built_at: new Date(iso), watermark: new Date(iso) });

describe('build watcher', () => {
  it('reads the state at most once per interval, and concurrent askers share the read', async () => {
    let t = 0;
    let reads = 0;
    let current = stamp('2026-01-01T00:00:00Z');
    const w = createBuildWatcher(async () => (reads++, current), 1000, () => t);
    const [a, b] = await Promise.all([w.current(), w.current()]);
    expect(a).toBe(b);
    expect(reads).toBe(1);
    current = stamp('2026-01-02T00:00:00Z');
    t = 999;
    expect(await w.current()).toBe(a);
    t = 1000;
    expect(await w.current()).not.toBe(a);
    expect(w.reads()).toBe(2);
  });

  it('by default, an asker never gets an id read before it asked, and askers share the reads', async () => {
    const pending: ((v: BuildStamp) => void)[] = [];
    const w = createBuildWatcher(() => new Promise<BuildStamp>((resolve) => pending.push(resolve)));
    const first = w.current();
    // A build finishes while the first read is in flight; these three ask after it, so they wait for the next read.
    const later = [w.current(), w.current(), w.current()];
    expect(pending).toHaveLength(1);
    pending[0]!(stamp('2026-01-01T00:00:00Z'));
    expect(await first).toContain('2026-01-01');
    await new Promise((r) => setImmediate(r));
    expect(pending).toHaveLength(2);
    pending[1]!(stamp('2026-01-02T00:00:00Z'));
    for (const id of await Promise.all(later)) expect(id).toContain('2026-01-02');
    expect(w.reads()).toBe(2);
    // Nothing in flight: the next asker starts a read of its own.
    const alone = w.current();
    expect(pending).toHaveLength(3);
    pending[2]!(stamp('2026-01-03T00:00:00Z'));
    expect(await alone).toContain('2026-01-03');
  });

  it('by default, a failed read fails its askers and the next asker reads again', async () => {
    let fail = true;
    const w = createBuildWatcher(async () => {
      if (fail) throw new Error('down');
      return stamp('2026-01-01T00:00:00Z');
    });
    await expect(w.current()).rejects.toThrow('down');
    fail = false;
    expect(await w.current()).toContain('2026-01-01');
  });

  it('names a warehouse never built', () => {
    expect(buildId(null)).toBe('never-built');
    expect(buildId(stamp('2026-01-01T00:00:00Z'))).toContain('2026-01-01T00:00:00.000Z');
  });
});

describe('shared answers', () => {
  it('compute once per interval per key, for all askers', async () => {
    let t = 0;
    let n = 0;
    const s = createShared(async (k) => `${k}:${++n}`, 1000, { now: () => t });
    expect(await Promise.all([s.get('a'), s.get('a'), s.get('a')])).toEqual(['a:1', 'a:1', 'a:1']);
    expect(await s.get('b')).toBe('b:2');
    t = 1000;
    expect(await s.get('a')).toBe('a:3');
    expect(s.computations()).toBe(3);
  });

  it('do not keep a failure', async () => {
    let fail = true;
    const s = createShared(async () => {
      if (fail) throw new Error('down');
      return 'ok';
    }, 60_000);
    await expect(s.get('a')).rejects.toThrow('down');
    fail = false;
    await new Promise((r) => setImmediate(r));
    expect(await s.get('a')).toBe('ok');
  });
});

describe('view cache', () => {
  const f = { year: 2017, month: null, branch: 'BR-WEST', category: null };

  it('keys a filter canonically', () => {
    expect(filterQuery(f)).toBe('?year=2017&branch=BR-WEST');
    expect(filterQuery({ year: null, month: null, branch: null, category: null })).toBe('');
    expect(filterQuery({ ...f, category: 'Office Supplies' })).toBe('?year=2017&branch=BR-WEST&category=Office+Supplies');
  });

  it('renders a view once for concurrent requests, then serves it from memory', async () => {
    const cache = createViewCache(1024 * 1024);
    let renders = 0;
    const render = async () => (renders++, prepareBody('text/html', `<p>${renders}</p>`));
    const [a, b] = await Promise.all([cache.get('b1', 'page', f, render), cache.get('b1', 'page', f, render)]);
    expect(a).toBe(b);
    expect(await cache.get('b1', 'page', f, render)).toBe(a);
    expect(renders).toBe(1);
    expect(cache.stats()).toMatchObject({ hits: 1, entries: 1, build: 'b1' });
  });

  it('a new build drops every view', async () => {
    const cache = createViewCache(1024 * 1024);
    let renders = 0;
    const render = async () => (renders++, prepareBody('text/html', `<p>${renders}</p>`));
    await cache.get('b1', 'page', f, render);
    await cache.get('b1', 'csv', f, render);
    const next = await cache.get('b2', 'page', f, render);
    expect(next.raw.toString()).toBe('<p>3</p>');
    expect(cache.stats()).toMatchObject({ entries: 1, invalidated: 2, build: 'b2' });
  });

  it('keeps within its bound, evicting the oldest views', async () => {
    const cache = createViewCache(3000);
    for (const year of [2014, 2015, 2016, 2017]) await cache.get('b1', 'page', { ...f, year }, () => prepareBody('image/png', Buffer.alloc(900)));
    expect(cache.stats().bytes).toBeLessThanOrEqual(3000);
    expect(cache.stats().evictions).toBe(2);
  });
});
