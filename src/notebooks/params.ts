/**
 * Notebook parameters (pure), papermill's convention for a TypeScript kernel: the code cell tagged `parameters`
 * declares each parameter with its default (`const period = '2017-12';`, or `let`); a value given on the command line
 * takes the type of its default. Only literal defaults can be typed (a string, a number, a boolean, or an array or
 * object of those); a default computed by code is reported as such rather than guessed.
 */
import type * as TS from 'typescript';
import { cellSource, cellTags, type Notebook } from './ipynb';

export type ParamType = 'string' | 'number' | 'boolean' | 'json';
export type ParamValue = string | number | boolean | null | ParamValue[] | { [key: string]: ParamValue };

export interface ParamDecl {
  name: string;
  type: ParamType;
  default: ParamValue;
  /** The default as written in the cell. */
  literal: string;
  /** How it is declared; the injected cell declares it the same way (a `let` may be reassigned further down). */
  keyword: 'const' | 'let' | 'var';
  /** The `//` comment at the end of its line, without the slashes; what it accepts is declared there (accepts.ts). */
  comment?: string;
}

export class ParameterError extends Error {
  override name = 'ParameterError';
}

export const PARAMETERS_TAG = 'parameters';

let compiler: typeof TS | undefined;
/**
 * The TypeScript compiler, loaded when a parameters cell is first read: it takes about 45 MB, which every CLI that
 * imports this module (the scheduler, for its notebook jobs) would otherwise hold from its start.
 */
function tsc(): typeof TS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (compiler ??= require('typescript') as typeof TS);
}

export function findParametersCell(nb: Notebook): number {
  return nb.cells.findIndex((c) => c.cell_type === 'code' && cellTags(c).includes(PARAMETERS_TAG));
}

/** A literal initializer as a value; undefined when it is anything else (a call, a variable, an expression). */
function literalValue(node: TS.Expression): ParamValue | undefined {
  const ts = tsc();
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) return literalValue(node.expression);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(node.operand)) return -Number(node.operand.text);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (node.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isArrayLiteralExpression(node)) {
    const items = node.elements.map((e) => literalValue(e));
    return items.every((v) => v !== undefined) ? (items as ParamValue[]) : undefined;
  }
  if (ts.isObjectLiteralExpression(node)) {
    const out: Record<string, ParamValue> = {};
    for (const p of node.properties) {
      if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) || ts.isNumericLiteral(p.name))) return undefined;
      const v = literalValue(p.initializer);
      if (v === undefined) return undefined;
      out[p.name.text] = v;
    }
    return out;
  }
  return undefined;
}

export function typeOf(v: ParamValue): ParamType {
  return typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'json';
}

/** The `// …` comment that ends the line of a statement, trimmed; undefined without one. */
function trailingComment(source: string, end: number): string | undefined {
  const ts = tsc();
  const range = ts.getTrailingCommentRanges(source, end)?.find((r) => r.kind === ts.SyntaxKind.SingleLineCommentTrivia);
  return range ? source.slice(range.pos + 2, range.end).trim() : undefined;
}

/** The declarations of a parameters cell's source, in order (parsed with the TypeScript compiler, not by pattern). */
export function parseDeclarations(source: string): ParamDecl[] {
  const ts = tsc();
  const file = ts.createSourceFile('parameters.ts', source, ts.ScriptTarget.ES2022, true);
  const decls: ParamDecl[] = [];
  for (const stmt of file.statements) {
    if (!ts.isVariableStatement(stmt)) continue;
    for (const d of stmt.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || !d.initializer) continue;
      const name = d.name.text;
      const literal = d.initializer.getText(file);
      const value = literalValue(d.initializer);
      if (value === undefined) throw new ParameterError(`parameters cell: the default of "${name}" (${literal}) is not a literal (a string, number, boolean, or an array or object of those)`);
      const keyword = stmt.declarationList.flags & ts.NodeFlags.Const ? 'const' : stmt.declarationList.flags & ts.NodeFlags.Let ? 'let' : 'var';
      const comment = trailingComment(source, stmt.getEnd());
      decls.push({ name, type: typeOf(value), default: value, literal, keyword, ...(comment ? { comment } : {}) });
    }
  }
  return decls;
}

export function declaredParameters(nb: Notebook): ParamDecl[] {
  const i = findParametersCell(nb);
  return i < 0 ? [] : parseDeclarations(cellSource(nb.cells[i]!));
}

/** For error messages and --help: `period: string = '2017-12'`. */
export function describeParameters(decls: readonly ParamDecl[]): string {
  if (!decls.length) return 'the notebook declares no parameters (tag a code cell "parameters" and declare them there)';
  const accepts = (d: ParamDecl) => /\baccepts:\s*(.*)$/.exec(d.comment ?? '')?.[1];
  return `declared parameters:\n${decls.map((d) => `  ${d.name}: ${d.type} = ${d.literal}${accepts(d) ? ` (accepts: ${accepts(d)})` : ''}`).join('\n')}`;
}

/** A command-line value as the type of the declared default, or a ParameterError naming the parameter. */
export function coerceValue(decl: ParamDecl, raw: string): ParamValue {
  const bad = (expected: string) => new ParameterError(`-p ${decl.name}=${raw}: expected ${expected} (the default is ${decl.literal})`);
  switch (decl.type) {
    case 'string':
      return raw;
    case 'number': {
      const n = raw.trim() === '' ? NaN : Number(raw.replace(/_/g, ''));
      if (!Number.isFinite(n)) throw bad('a number');
      return n;
    }
    case 'boolean': {
      const b = { true: true, false: false, yes: true, no: false, '1': true, '0': false }[raw.trim().toLowerCase()];
      if (b === undefined) throw bad('true or false');
      return b;
    }
    case 'json': {
      let v: unknown;
      try {
        v = JSON.parse(raw);
      } catch {
        throw bad(`JSON (${Array.isArray(decl.default) ? 'an array' : 'an object'})`);
      }
      if (Array.isArray(decl.default) !== Array.isArray(v) || v === null || typeof v !== 'object') throw bad(Array.isArray(decl.default) ? 'a JSON array' : 'a JSON object');
      return v as ParamValue;
    }
  }
}

/** `name=value` pairs from the command line, each checked against the declarations (unknown names, types). */
export function resolveParameters(decls: readonly ParamDecl[], pairs: readonly string[]): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ParameterError(`-p ${pair}: expected name=value\n${describeParameters(decls)}`);
    const name = pair.slice(0, eq).trim();
    const decl = decls.find((d) => d.name === name);
    if (!decl) throw new ParameterError(`-p ${pair}: the notebook has no parameter "${name}"\n${describeParameters(decls)}`);
    try {
      out[name] = coerceValue(decl, pair.slice(eq + 1));
    } catch (err) {
      throw new ParameterError(`${(err as Error).message}\n${describeParameters(decls)}`);
    }
  }
  return out;
}
