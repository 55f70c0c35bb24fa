import { change, esc, formatValue } from '../../../src/reports/format';

describe('report formatting', () => {
  it('formats money, percentages and counts', () => {
    expect(formatValue(83829.32, 'money')).toBe('$83,829.32');
    expect(formatValue(-1238.384, 'money')).toBe('-$1,238.38');
    expect(formatValue(0.1012, 'percent')).toBe('10.1 %');
    expect(formatValue(1723, 'count')).toBe('1,723');
    expect(formatValue(null, 'money')).toBe('–');
  });

  it('gives relative change for amounts and points for percentages', () => {
    expect(change({ value: 110, format: 'money' }, 100)).toMatchObject({ text: '+10.0 %', direction: 'up', unit: 'relative', amount: 0.1 });
    expect(change({ value: 0.1, format: 'percent' }, 0.12)).toMatchObject({ text: '−2.0 pts', direction: 'down', unit: 'points' });
    expect(change({ value: 5, format: 'money' }, 0)).toMatchObject({ text: 'new', direction: 'up', unit: null });
    expect(change({ value: 5, format: 'count' }, null).direction).toBe('none');
  });

  it('tells a count over a small base as a difference, not a percentage', () => {
    expect(change({ value: 6, format: 'count' }, 1)).toEqual({ text: '+5 (from 1)', direction: 'up', unit: 'difference', amount: 5, base: 1 });
    expect(change({ value: 5, format: 'count' }, 0).text).toBe('+5 (from 0)');
    expect(change({ value: 2, format: 'count' }, 9).text).toBe('−7 (from 9)');
    expect(change({ value: 12, format: 'count' }, 10).text).toBe('+20.0 %');
  });

  it('separates thousands in large percentages and changes', () => {
    expect(formatValue(16.895, 'percent')).toBe('1,689.5 %');
    expect(change({ value: 10322.1, format: 'money' }, 1155.3).text).toBe('+793.5 %');
    expect(change({ value: 3982.86, format: 'money' }, 221.12).text).toBe('+1,701.2 %');
    expect(change({ value: 10, format: 'count' }, 5000).text).toBe('−99.8 %');
  });

  it('escapes everything HTML could interpret', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
