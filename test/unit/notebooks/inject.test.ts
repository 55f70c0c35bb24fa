import { injectParameters, INJECTED_TAG, parametersSlug, progressLabel } from '../../../src/notebooks/inject';
import { cellSource, cellTags } from '../../../src/notebooks/ipynb';
import { parseDeclarations } from '../../../src/notebooks/params';
import { code, md, notebook } from './fixture';

const params = "const period = '2017-12';\nlet k = 20;";
const decls = parseDeclarations(params);
const nb = notebook(md('# T'), code(params, ['parameters']), code('console.log(period, k);'));

describe('injected parameters', () => {
  it('go in a cell tagged injected-parameters right after the parameters cell, declared the same way', () => {
    const out = injectParameters(nb, decls, { period: '2018-01', k: 5 });
    expect(out.cells.map((c) => cellTags(c))).toEqual([[], ['parameters'], [INJECTED_TAG], []]);
    expect(cellSource(out.cells[2]!)).toBe('// Parameters of this run (injected by npm run render)\nconst period: string = "2018-01";\nlet k: number = 5;');
    expect(out.cells[2]!.outputs).toEqual([]);
  });

  it('leave the defaults as written and the input notebook untouched', () => {
    const out = injectParameters(nb, decls, { k: 5 });
    expect(cellSource(out.cells[1]!)).toBe(params);
    expect(nb.cells).toHaveLength(3);
  });

  it('replace the injected cell of a notebook rendered before', () => {
    const once = injectParameters(nb, decls, { k: 5 });
    const twice = injectParameters(once, decls, { k: 7 });
    expect(twice.cells.filter((c) => cellTags(c).includes(INJECTED_TAG)).map(cellSource)).toEqual([expect.stringContaining('let k: number = 7;')]);
  });

  it('strings with quotes and JSON values stay valid TypeScript', () => {
    const out = injectParameters(notebook(code("const s = 'a';\nconst xs = [1];", ['parameters'])), parseDeclarations("const s = 'a';\nconst xs = [1];"), { s: 'it\'s "x"', xs: [1, 2] });
    expect(cellSource(out.cells[1]!)).toContain('const s: string = "it\'s \\"x\\"";\nconst xs = [1,2];');
  });

  it('without values the notebook runs with its defaults, and without a parameters cell values are refused', () => {
    expect(injectParameters(nb, decls, {}).cells).toHaveLength(3);
    expect(() => injectParameters(notebook(code('1')), [], { k: 1 })).toThrow(/no cell tagged "parameters"/);
  });
});

describe('parameters slug', () => {
  it('is name=value pairs sorted by name, independent of the order given', () => {
    expect(parametersSlug({ period: '2017-12', branch: 'BR-WEST' })).toBe('branch=BR-WEST_period=2017-12');
    expect(parametersSlug({ branch: 'BR-WEST', period: '2017-12' })).toBe('branch=BR-WEST_period=2017-12');
    expect(parametersSlug({ k: 20, fast: true })).toBe('fast=true_k=20');
  });

  it('is "defaults" without values', () => {
    expect(parametersSlug({})).toBe('defaults');
  });

  it('is filesystem-safe, and values changed to get there get a hash so two runs never share a folder', () => {
    const a = parametersSlug({ input: '../data/my file.csv' });
    const b = parametersSlug({ input: '../data/my-file.csv' });
    expect(a).toMatch(/^input=data-my-file.csv~[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    expect(parametersSlug({ input: '../data/my file.csv' })).toBe(a);
    for (const s of [a, b, parametersSlug({ xs: [1, 2], o: { a: 'b/c' } })]) expect(s).toMatch(/^[A-Za-z0-9.=_~-]+$/);
  });

  it('stays short for long values', () => {
    const s = parametersSlug({ ids: Array.from({ length: 100 }, (_, i) => `PRODUCT-${i}`) });
    expect(s.length).toBeLessThanOrEqual(80);
    expect(s).toMatch(/~[0-9a-f]{8}$/);
  });
});

describe('progress lines', () => {
  const review = "const branch: string = 'BR-WEST'; // accepts: branch\nconst period: string = '2017-12';";
  const nb6 = notebook(md('# Branch review'), code(review, ['parameters']), code('import { show } from "erp-insights";'));

  it('show the values given for the parameters cell, never the default they replace', () => {
    const run = injectParameters(nb6, parseDeclarations(review), { branch: 'BR-NORTH' });
    expect(progressLabel(run, 1)).toBe("parameters: branch = 'BR-NORTH' · period = '2017-12' (default)");
    expect(progressLabel(run, 2)).toBe("injected-parameters: branch = 'BR-NORTH'");
    expect(progressLabel(run, 3)).toBe('import { show } from "erp-insights";');
  });

  it('mark every value as a default when none was given', () => {
    expect(progressLabel(nb6, 1)).toBe("parameters: branch = 'BR-WEST' (default) · period = '2017-12' (default)");
  });
});
