import { cellView } from '../../../src/notebooks/tags';
import { code, md } from './fixture';

describe('cell tags in a rendered report', () => {
  it('code is hidden by default and shown with --code show; outputs are shown either way', () => {
    expect(cellView(code('1'), 'hide')).toEqual({ input: false, outputs: true });
    expect(cellView(code('1'), 'show')).toEqual({ input: true, outputs: true });
  });

  it('remove-cell drops the whole cell, markdown too', () => {
    expect(cellView(code('1', ['remove-cell']), 'show')).toEqual({ input: false, outputs: false });
    expect(cellView(md('x', ['remove-cell']), 'show')).toEqual({ input: false, outputs: false });
  });

  it('remove-input keeps the outputs, remove-output keeps the code', () => {
    expect(cellView(code('1', ['remove-input']), 'show')).toEqual({ input: false, outputs: true });
    expect(cellView(code('1', ['remove-output']), 'show')).toEqual({ input: true, outputs: false });
  });

  it('markdown is always shown; the parameters cells only with the code (the header lists the values)', () => {
    expect(cellView(md('x'), 'hide')).toEqual({ input: true, outputs: false });
    expect(cellView(code('const a = 1;', ['parameters']), 'hide')).toEqual({ input: false, outputs: false });
    expect(cellView(code('const a = 2;', ['injected-parameters']), 'show')).toEqual({ input: true, outputs: true });
  });
});
