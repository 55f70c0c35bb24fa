import { createCsvParser, parseCsvText } from '../../../../src/pipeline/source/csv';

describe('CSV reader', () => {
  it('strips a BOM and reads LF and CRLF lines alike', () => {
    expect(parseCsvText('\uFEFFa,b\r\n1,2\r\n3,4\n').map((r) => r.fields)).toEqual([['a', 'b'], ['1', '2'], ['3', '4']]);
  });

  it('keeps separators, escaped quotes and newlines inside quoted fields', () => {
    const recs = parseCsvText('name,n\n"Chairs, Rounded Back",1\n"13-3/4"" Clock",2\n"two\nlines",3\n');
    expect(recs.map((r) => r.fields)).toEqual([['name', 'n'], ['Chairs, Rounded Back', '1'], ['13-3/4" Clock', '2'], ['two\nlines', '3']]);
  });

  it('numbers each record by the line it starts on, counting newlines inside quotes', () => {
    const recs = parseCsvText('h\n"a\nb"\nc\n\nd');
    expect(recs.map((r) => [r.line, r.fields[0]])).toEqual([[1, 'h'], [2, 'a\nb'], [4, 'c'], [6, 'd']]);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const text = 'x,y\r\n"q""uo,ted","a\r\nb"\r\nplain,""\r\n';
    const whole = parseCsvText(text);
    for (let size = 1; size <= 5; size++) {
      const p = createCsvParser();
      const recs = [];
      for (let i = 0; i < text.length; i += size) recs.push(...p.push(text.slice(i, i + size)));
      recs.push(...p.end());
      expect(recs).toEqual(whole);
    }
  });

  it('takes a stray quote inside an unquoted field literally', () => {
    expect(parseCsvText('a 5" b,c\n')[0]!.fields).toEqual(['a 5" b', 'c']);
  });

  it('reports an unclosed quoted field with the line it started on', () => {
    expect(() => parseCsvText('a\n"never closed\n')).toThrow('line 2: a quoted field is never closed');
  });
});
