import { coerceValue, declaredParameters, describeParameters, ParameterError, parseDeclarations, resolveParameters } from '../../../src/notebooks/params';
import { code, md, notebook } from './fixture';

const decls = parseDeclarations(`// the month of the report
const period = '2017-12'; // YYYY-MM or latest
let k: number = 20;
const dryRun = false;
const branches = ['BR-WEST', 'BR-EAST'];
const limits = { top: 10, "min share": 0.5 };
const cut = -1.5;`);

describe('notebook parameters', () => {
  it('reads each declaration with its type, default and literal', () => {
    expect(decls.map((d) => [d.name, d.type, d.default, d.keyword])).toEqual([
      ['period', 'string', '2017-12', 'const'],
      ['k', 'number', 20, 'let'],
      ['dryRun', 'boolean', false, 'const'],
      ['branches', 'json', ['BR-WEST', 'BR-EAST'], 'const'],
      ['limits', 'json', { top: 10, 'min share': 0.5 }, 'const'],
      ['cut', 'number', -1.5, 'const'],
    ]);
    expect(decls[0]!.literal).toBe("'2017-12'");
  });

  it('finds the cell tagged parameters, wherever it is', () => {
    const nb = notebook(md('# T'), code('const x = 1;'), code("const year = 2016;\nconst branch = 'BR-WEST';", ['parameters']));
    expect(declaredParameters(nb).map((d) => d.name)).toEqual(['year', 'branch']);
    expect(declaredParameters(notebook(code('const x = 1;')))).toEqual([]);
  });

  it('a default computed by code is reported, not guessed', () => {
    expect(() => parseDeclarations('const today = new Date().toISOString();')).toThrow(/default of "today" \(new Date\(\)\.toISOString\(\)\) is not a literal/);
  });

  it('coerces a command-line value to the type of the default', () => {
    const by = (n: string) => decls.find((d) => d.name === n)!;
    expect(coerceValue(by('period'), '2018-01')).toBe('2018-01');
    expect(coerceValue(by('period'), '42')).toBe('42');
    expect(coerceValue(by('k'), '1_000')).toBe(1000);
    expect(coerceValue(by('dryRun'), 'TRUE')).toBe(true);
    expect(coerceValue(by('dryRun'), 'no')).toBe(false);
    expect(coerceValue(by('branches'), '["BR-SOUTH"]')).toEqual(['BR-SOUTH']);
    expect(coerceValue(by('limits'), '{"top":5}')).toEqual({ top: 5 });
  });

  it('a value of the wrong type names the parameter, what it expects and the default', () => {
    const by = (n: string) => decls.find((d) => d.name === n)!;
    expect(() => coerceValue(by('k'), 'twenty')).toThrow('-p k=twenty: expected a number (the default is 20)');
    expect(() => coerceValue(by('k'), '')).toThrow(ParameterError);
    expect(() => coerceValue(by('dryRun'), 'maybe')).toThrow(/expected true or false/);
    expect(() => coerceValue(by('branches'), 'BR-SOUTH')).toThrow(/expected JSON \(an array\)/);
    expect(() => coerceValue(by('branches'), '{"a":1}')).toThrow(/expected a JSON array/);
    expect(() => coerceValue(by('limits'), '[1]')).toThrow(/expected a JSON object/);
  });

  it('an unknown name or a bad value lists every declared parameter with its type and default', () => {
    expect(() => resolveParameters(decls, ['month=3'])).toThrow(/no parameter "month"\ndeclared parameters:\n {2}period: string = '2017-12'\n {2}k: number = 20\n/);
    expect(() => resolveParameters(decls, ['k=x'])).toThrow(/declared parameters:/);
    expect(() => resolveParameters(decls, ['period'])).toThrow(/-p period: expected name=value/);
    expect(resolveParameters(decls, ['period=2017-11', 'k=5', 'period=a=b'])).toEqual({ period: 'a=b', k: 5 });
  });

  it('says how to declare parameters when there are none', () => {
    expect(describeParameters([])).toMatch(/tag a code cell "parameters"/);
  });
});
