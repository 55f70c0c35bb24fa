import { Binary } from 'mongodb';
import { canonical, planSync } from '../../../../src/pipeline/warehouse/sync';

describe('mart sync plan', () => {
  it('leaves equal documents alone whatever their field order', () => {
    const plan = planSync([{ _id: 'a', x: 1, y: { p: 1, q: 2 } }], [{ y: { q: 2, p: 1 }, x: 1, _id: 'a' }]);
    expect(plan).toEqual({ remove: [], insert: [], unchanged: 1, replaced: 0 });
  });

  it('replaces changed documents, inserts new ones and removes vanished ones', () => {
    const plan = planSync([{ _id: 'a', x: 1 }, { _id: 'gone', x: 0 }], [{ _id: 'a', x: 2 }, { _id: 'new', x: 3 }]);
    expect(plan.remove.sort()).toEqual(['a', 'gone']);
    expect(plan.insert.map((d) => d._id)).toEqual(['a', 'new']);
    expect(plan.replaced).toBe(1);
  });

  it('canonical form distinguishes null from a missing value only by key', () => {
    expect(canonical({ a: null })).not.toBe(canonical({}));
    expect(canonical([1, { b: 2, a: 1 }])).toBe('[1,{"a":1,"b":2}]');
  });

  it('canonical form compares binary data by its bytes, as read (Binary) or as built (bytes), not field by field', () => {
    const bytes = new Uint8Array([1, 2, 250]);
    expect(canonical({ h: new Binary(bytes) })).toBe(canonical({ h: Buffer.from(bytes) }));
    expect(canonical({ h: new Binary(bytes) })).not.toBe(canonical({ h: new Binary(new Uint8Array([1, 2, 251])) }));
    expect(canonical(new Binary(new Uint8Array(100_000))).length).toBeLessThan(140_000);
  });
});
