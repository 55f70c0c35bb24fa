import fs from 'node:fs';
import path from 'node:path';
import { acceptsOf, checkAccepted, type ParamFacts } from '../../../src/notebooks/accepts';
import { describeParameters, ParameterError, parseDeclarations, resolveParameters, type ParamDecl, type ParamValue } from '../../../src/notebooks/params';

/** The Superstore's warehouse, as the checks see it; `asked` counts what was read. */
function superstoreFacts(asked: string[] = [], dir = process.cwd()): ParamFacts {
  return {
    branches: async () => (asked.push('branches'), ['BR-CENTRAL', 'BR-EAST', 'BR-SOUTH', 'BR-WEST'].map((id) => ({ id, name: id }))),
    categories: async () => (asked.push('categories'), ['Furniture', 'Office Supplies', 'Technology']),
    saleDays: async () => (asked.push('saleDays'), { from: '2014-01-03', to: '2017-12-30' }),
    fileExists: (f) => (asked.push('file'), fs.existsSync(path.resolve(dir, f))),
  };
}

const branchReview = parseDeclarations(`const branch: string = 'BR-WEST'; // the branch to review; accepts: branch
const period: string = '2017-12'; // a month; accepts: period | 'latest'`);

/** The message of the ParameterError that checkAccepted raises, or '' when it accepts. */
async function refusal(decls: readonly ParamDecl[], values: Record<string, ParamValue>, facts = superstoreFacts()): Promise<string> {
  try {
    await checkAccepted(decls, values, facts);
    return '';
  } catch (err) {
    expect(err).toBeInstanceOf(ParameterError);
    return (err as Error).message;
  }
}

describe('what a parameter accepts', () => {
  it('is read from its comment after "accepts:", choices separated by |', () => {
    expect(acceptsOf(branchReview[1]!)).toEqual([{ kind: 'period' }, { kind: 'literal', value: 'latest' }]);
    const [k, formats, cut] = parseDeclarations(`const k: number = 20; // accepts: integer 1..200
const formats: string = 'html'; // files; accepts: list of html, pdf, xlsx | 'none'
const cut: number = 0; // accepts: number >= 0`);
    expect(acceptsOf(k!)).toEqual([{ kind: 'integer', min: 1, max: 200 }]);
    expect(acceptsOf(formats!)).toEqual([{ kind: 'list', items: ['html', 'pdf', 'xlsx'] }, { kind: 'literal', value: 'none' }]);
    expect(acceptsOf(cut!)).toEqual([{ kind: 'number', min: 0, max: null }]);
  });

  it('a parameter without "accepts:" is only checked for its type', async () => {
    const [plain] = parseDeclarations("const period: string = '2017-12'; // YYYY-MM or latest");
    expect(acceptsOf(plain!)).toBeNull();
    expect(await refusal([plain!], { period: 'anything' })).toBe('');
  });

  it('an unknown choice in the notebook names the parameter and the vocabulary', () => {
    const [bad] = parseDeclarations("const branch: string = 'BR-WEST'; // accepts: branches");
    expect(() => acceptsOf(bad!)).toThrow(/"branch" accepts "branches", which is not one of .*branch, category, period/);
  });

  it('an unknown branch is refused with the branch IDs read from the data', async () => {
    const message = await refusal(branchReview, { branch: 'BR-NORTH' });
    expect(message).toBe('-p branch=BR-NORTH: expected a branch ID of the warehouse: BR-CENTRAL, BR-EAST, BR-SOUTH or BR-WEST');
  });

  it('a malformed period is refused with the accepted formats and the data range', async () => {
    const message = await refusal(branchReview, { period: '2016Q1' });
    expect(message).toBe("-p period=2016Q1: expected a period as YYYY-MM, YYYY-Qn or YYYY within the data, which runs from 2014-01-03 to 2017-12-30, or 'latest'");
    expect(message).not.toContain('--from');
  });

  it('a period outside the data is refused with the data range', async () => {
    const message = await refusal(branchReview, { period: '2019-03' });
    expect(message).toMatch(/^-p period=2019-03: March 2019 is outside the data; expected a period as YYYY-MM, YYYY-Qn or YYYY within the data, which runs from 2014-01-03 to 2017-12-30/);
    expect(await refusal(branchReview, { period: '2013' })).toContain('Year 2013 is outside the data');
  });

  it('accepts a period that overlaps the data, a quarter or a year, and latest', async () => {
    for (const period of ['2014-01', '2017-Q4', '2016', 'latest']) expect([period, await refusal(branchReview, { period })]).toEqual([period, '']);
  });

  it('checks the defaults too, and says a refused value is the default', async () => {
    const facts: ParamFacts = { ...superstoreFacts(), saleDays: async () => ({ from: '2020-01-01', to: '2020-06-30' }) };
    expect(await refusal(branchReview, { branch: 'BR-EAST' }, facts)).toMatch(/^period = '2017-12' \(the notebook's default\): December 2017 is outside the data; .*from 2020-01-01 to 2020-06-30/);
  });

  it('lists every refused value, one line each', async () => {
    expect((await refusal(branchReview, { branch: 'BR-NORTH', period: '2019-03' })).split('\n')).toEqual([expect.stringMatching(/^-p branch=BR-NORTH: /), expect.stringMatching(/^-p period=2019-03: /)]);
  });

  it('says the warehouse is empty rather than listing nothing', async () => {
    const empty: ParamFacts = { ...superstoreFacts(), branches: async () => [], saleDays: async () => null };
    expect(await refusal(branchReview, { branch: 'BR-WEST', period: '2017-12' }, empty)).toMatch(/has none yet \(run `npm run pipeline` first\)\n.*no sales yet/);
  });

  it('numbers: whole numbers and bounds', async () => {
    const decls = parseDeclarations('const k: number = 20; // accepts: integer >= 1\nconst share: number = 0.5; // accepts: number 0..1');
    expect(await refusal(decls, { k: 0 })).toBe('-p k=0: expected a whole number of at least 1');
    expect(await refusal(decls, { k: 1.5 })).toContain('expected a whole number of at least 1');
    expect(await refusal(decls, { share: 2 })).toBe('-p share=2: expected a number from 0 to 1');
    expect(await refusal(decls, { k: 1, share: 1 })).toBe('');
  });

  it('a list of formats, or none, and never the empty string', async () => {
    const decls = parseDeclarations("const formats: string = 'html,pdf'; // accepts: list of html, pdf, xlsx | 'none'");
    expect(await refusal(decls, { formats: 'none' })).toBe('');
    expect(await refusal(decls, { formats: 'pdf, xlsx' })).toBe('');
    expect(await refusal(decls, { formats: 'html,docx' })).toBe(`-p formats=html,docx: "docx" is not one of html, pdf, xlsx; expected a comma-separated list of html, pdf, xlsx, or 'none'`);
    expect(await refusal(decls, { formats: '' })).toBe(`-p formats=: expected a comma-separated list of html, pdf, xlsx, or 'none'`);
  });

  it('days and years within the data', async () => {
    const decls = parseDeclarations("const cut: string = '2017-01-01'; // accepts: day\nconst year: number = 2017; // accepts: year");
    expect(await refusal(decls, { cut: '2018-02-01' })).toMatch(/^-p cut=2018-02-01: 2018-02-01 is outside the data; expected a day as YYYY-MM-DD within the data, which runs from 2014-01-03 to 2017-12-30$/);
    expect(await refusal(decls, { cut: '2017-02-30' })).toMatch(/^-p cut=2017-02-30: expected a day as YYYY-MM-DD/);
    expect(await refusal(decls, { cut: '2017-13-01' })).toMatch(/^-p cut=2017-13-01: expected a day as YYYY-MM-DD/);
    expect(await refusal(decls, { year: 2019 })).toBe('-p year=2019: 2019 is outside the data; expected a year from 2014 to 2017 (the data runs from 2014-01-03 to 2017-12-30)');
  });

  it('a file from the notebook folder, or the empty string when the notebook allows it', async () => {
    const decls = parseDeclarations("const input: string = ''; // accepts: '' | file");
    const facts = superstoreFacts([], path.join(__dirname));
    expect(await refusal(decls, { input: 'accepts.test.ts' }, facts)).toBe('');
    expect(await refusal(decls, {}, facts)).toBe('');
    expect(await refusal(decls, { input: 'missing.csv' }, facts)).toBe(`-p input=missing.csv: no file missing.csv; expected '', or a path to an existing file (from the notebook's folder)`);
  });

  it('reads from the data only what a declared choice needs', async () => {
    const asked: string[] = [];
    await refusal(parseDeclarations("const k: number = 20; // accepts: integer >= 1\nconst input: string = ''; // accepts: '' | file"), { k: 3 }, superstoreFacts(asked));
    expect(asked).toEqual([]);
  });

  it('the list of declared parameters shows what each accepts', () => {
    expect(describeParameters(branchReview)).toBe("declared parameters:\n  branch: string = 'BR-WEST' (accepts: branch)\n  period: string = '2017-12' (accepts: period | 'latest')");
    expect(() => resolveParameters(branchReview, ['month=3'])).toThrow(/\(accepts: period \| 'latest'\)/);
  });
});
