import { ByteLru } from '../../../src/dashboard/lru';

const lru = (max: number) => new ByteLru<string>(max, (s) => s.length);

describe('ByteLru', () => {
  it('counts a hit and a miss', () => {
    const c = lru(10);
    c.set('a', 'xx');
    expect(c.get('a')).toBe('xx');
    expect(c.get('b')).toBeUndefined();
    expect(c.stats()).toMatchObject({ hits: 1, misses: 1, entries: 1, bytes: 2 });
  });

  it('evicts the least recently used entries until the bytes fit', () => {
    const c = lru(10);
    c.set('a', 'aaaa');
    c.set('b', 'bbbb');
    c.get('a'); // b is now the oldest
    c.set('c', 'cccc');
    expect(c.has('a')).toBe(true);
    expect(c.has('b')).toBe(false);
    expect(c.has('c')).toBe(true);
    expect(c.stats()).toMatchObject({ evictions: 1, bytes: 8, entries: 2 });
  });

  it('replacing a key counts its new size only', () => {
    const c = lru(10);
    c.set('a', 'aaaaaa');
    c.set('a', 'aa');
    expect(c.stats()).toMatchObject({ bytes: 2, entries: 1, evictions: 0 });
  });

  it('refuses a value larger than the whole cache without evicting the others', () => {
    const c = lru(5);
    c.set('a', 'aaa');
    c.set('big', 'bbbbbbbbbb');
    expect(c.has('big')).toBe(false);
    expect(c.has('a')).toBe(true);
    expect(c.stats()).toMatchObject({ tooLarge: 1, evictions: 0 });
  });

  it('clear drops everything and counts it as invalidated, not evicted', () => {
    const c = lru(10);
    c.set('a', 'a');
    c.set('b', 'b');
    c.clear();
    expect(c.stats()).toMatchObject({ entries: 0, bytes: 0, invalidated: 2, evictions: 0 });
  });

  it('rejects a non-positive bound', () => {
    expect(() => lru(0)).toThrow(/maxBytes must be positive/);
  });
});
