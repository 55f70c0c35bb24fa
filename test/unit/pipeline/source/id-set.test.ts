import { createIdSet } from '../../../../src/pipeline/source/id-set';

describe('createIdSet (typed-array fingerprint set)', () => {
  it('has every ID added, through many resizes, and counts each once', () => {
    const s = createIdSet(4);
    for (let i = 0; i < 200_000; i++) s.add(`CA-${2014 + (i % 4)}-${100000 + i}`);
    for (let i = 0; i < 200_000; i += 7) s.add(`CA-${2014 + (i % 4)}-${100000 + i}`);
    expect(s.size).toBe(200_000);
    let missing = 0;
    for (let i = 0; i < 200_000; i++) if (!s.has(`CA-${2014 + (i % 4)}-${100000 + i}`)) missing++;
    expect(missing).toBe(0);
  });

  it('says no for IDs never added (no fingerprint collision among 200,000 near-identical IDs)', () => {
    const s = createIdSet();
    for (let i = 0; i < 200_000; i++) s.add(`US-2016-${i}`);
    let wrong = 0;
    for (let i = 200_000; i < 400_000; i++) if (s.has(`US-2016-${i}`)) wrong++;
    expect(wrong).toBe(0);
    expect(s.has('')).toBe(false);
  });
});
