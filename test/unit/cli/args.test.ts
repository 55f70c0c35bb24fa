import { intOption, fractionOption, parseCli, UsageError, choiceOption, helpText, type CommandSpec } from '../../../src/cli/args';

const spec: CommandSpec = {
  name: 'demo',
  summary: 'Demo command.',
  options: { lines: { type: 'string', arg: 'N', description: 'Lines', default: '10' }, strict: { type: 'boolean', description: 'Strict' } },
};

describe('CLI arguments', () => {
  it('applies defaults and reads flags', () => {
    expect(parseCli(spec, ['--strict'])!.values).toMatchObject({ lines: '10', strict: true });
  });

  it('rejects an unknown option with the usage', () => {
    expect(() => parseCli(spec, ['--bogus'])).toThrow(UsageError);
    expect(() => parseCli(spec, ['--bogus'])).toThrow(/Usage: npm run demo/);
  });

  it('checks whole numbers and choices, naming the option', () => {
    expect(intOption('1_000_000', 'lines', 1)).toBe(1000000);
    expect(() => intOption('ten', 'lines', 1)).toThrow('--lines expects a whole number ≥ 1, got "ten"');
    expect(() => intOption('0', 'lines', 1)).toThrow('--lines expects a whole number ≥ 1, got "0"');
    expect(() => choiceOption('ymd', 'date-format', ['iso', 'dmy'])).toThrow('--date-format expects one of iso, dmy, got "ymd"');
  });

  it('checks fractions between 0 and 1, naming the option', () => {
    expect(fractionOption('0.75', 'alpha')).toBe(0.75);
    expect(fractionOption('1', 'alpha')).toBe(1);
    expect(fractionOption(undefined, 'alpha')).toBeUndefined();
    for (const bad of ['1.5', '-0.1', '', 'half']) expect(() => fractionOption(bad, 'alpha')).toThrow(`--alpha expects a number from 0 to 1, got "${bad}"`);
  });

  it('lists every option with its default in --help', () => {
    expect(helpText(spec)).toMatch(/--lines N\s+Lines \(default: 10\)/);
    expect(helpText(spec)).toMatch(/-h, --help/);
  });
  it('collects a repeatable option in order, empty when absent', () => {
    const many: CommandSpec = { ...spec, positionals: true, options: { ...spec.options, param: { type: 'string', short: 'p', multiple: true, description: 'A value' } } };
    const parsed = parseCli(many, ['nb.ipynb', '-p', 'a=1', '--param', 'b=2'])!;
    expect(parsed.lists.param).toEqual(['a=1', 'b=2']);
    expect(parsed.positionals).toEqual(['nb.ipynb']);
    expect(parseCli(many, [])!.lists.param).toEqual([]);
  });
});
