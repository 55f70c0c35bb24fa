/** Tiny CLI layer shared by every script: typed options, --help, and a clear error for a wrong parameter. */
import { parseArgs } from 'node:util';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  description: string;
  /** Shown in --help; also the value used when the option is absent (strings only). */
  default?: string;
  /** Placeholder shown in --help, e.g. PATH. */
  arg?: string;
  /** May be given several times (strings only); the values are in `lists`, the last one in `values`. */
  multiple?: boolean;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage?: string;
  options: Record<string, OptionSpec>;
  positionals?: boolean;
  examples?: string[];
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function helpText(spec: CommandSpec): string {
  const lines = [`${spec.summary}`, '', `Usage: ${spec.usage ?? `npm run ${spec.name} -- [options]`}`, '', 'Options:'];
  const all: Record<string, OptionSpec> = { ...spec.options, help: { type: 'boolean', short: 'h', description: 'Show this help' } };
  const labels = Object.entries(all).map(([name, o]) => `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.arg ?? 'VALUE'}` : ''}`);
  const width = Math.max(...labels.map((l) => l.length)) + 2;
  Object.values(all).forEach((o, i) => {
    lines.push(`  ${labels[i]!.padEnd(width)}${o.description}${o.default !== undefined ? ` (default: ${o.default})` : ''}`);
  });
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

export type ParsedOptions = Record<string, string | boolean | undefined>;

/** Parses argv; returns null when --help was asked (help already printed). Throws UsageError otherwise. */
export function parseCli(spec: CommandSpec, argv = process.argv.slice(2)): { values: ParsedOptions; lists: Record<string, string[]>; positionals: string[] } | null {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, o] of Object.entries(spec.options)) options[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: spec.positionals ?? false, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]}\n\n${helpText(spec)}`);
  }
  if (parsed.values.help) {
    process.stdout.write(helpText(spec) + '\n');
    return null;
  }
  const values: ParsedOptions = {};
  const lists: Record<string, string[]> = {};
  for (const [name, v] of Object.entries(parsed.values)) {
    if (Array.isArray(v)) {
      lists[name] = v.map(String);
      values[name] = v.length ? String(v[v.length - 1]) : undefined;
    } else values[name] = v;
  }
  for (const [name, o] of Object.entries(spec.options)) {
    if (values[name] === undefined && o.default !== undefined && o.type === 'string') values[name] = o.default;
    if (o.multiple) lists[name] ??= [];
  }
  return { values, lists, positionals: parsed.positionals };
}

/** Parse a whole number option, naming it in the error. */
export function intOption(value: string | boolean | undefined, name: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value.replace(/_/g, '')) || !Number.isSafeInteger(Number(value.replace(/_/g, ''))) || n < min) {
    throw new UsageError(`--${name} expects a whole number ≥ ${min}, got "${String(value)}"`);
  }
  return Number(value.replace(/_/g, ''));
}

/** Parse a number between 0 and 1 inclusive, naming the option in the error. */
export function fractionOption(value: string | boolean | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!(n >= 0 && n <= 1)) throw new UsageError(`--${name} expects a number from 0 to 1, got "${String(value)}"`);
  return n;
}

export function choiceOption<T extends string>(value: string | boolean | undefined, name: string, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} expects one of ${choices.join(', ')}, got "${String(value)}"`);
  }
  return value as T;
}

/**
 * `--now` as given to report:schedule: an ISO 8601 date-time with `Z` or an offset (`2027-03-28T09:00:00+02:00`).
 * Without one the instant would depend on the machine's zone, so it is refused. A bad value names the flag.
 */
export function parseNow(text: string, flag = '--now'): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/i.exec(text.trim());
  const d = m ? new Date(text.trim()) : null;
  const [, y, mo, day, h, mi, s] = m ?? [];
  const realDay = m && new Date(Date.UTC(Number(y), Number(mo) - 1, Number(day))).getUTCDate() === Number(day);
  if (!m || !d || Number.isNaN(d.getTime()) || !realDay || Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) {
    const hint = /^\d{4}-\d{2}-\d{2}(T[\d:.]+)?$/.test(text.trim()) ? ' (add Z or an offset such as +02:00: without one the instant depends on the machine\'s zone)' : '';
    throw new UsageError(`${flag} expects an ISO 8601 date-time with an offset, e.g. 2027-03-28T09:00:00+02:00 or 2027-03-28T07:00:00Z; got "${text}"${hint}`);
  }
  return d;
}

/** Runs a script's main; maps errors to exit codes: 2 for usage errors, 1 for everything else. */
export function runMain(main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (err: unknown) => {
      const e = err as Error;
      process.stderr.write(`\n✖ ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}\n`);
      if (process.env.DEBUG && e.stack) process.stderr.write(e.stack + '\n');
      process.exit(err instanceof UsageError ? 2 : 1);
    },
  );
}
