/**
 * The import graph of src/: no cycle, no import from a lower layer to a higher one, and the drivers (kafkajs, mongodb)
 * imported for their values only by the adapters. The layer order is written here and nowhere else.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Lowest first: a module may import its own layer and the ones before it. Each entry is a folder or a file of src/;
 * a file belongs to the longest entry its path starts with.
 */
export const LAYERS = [
  'config', // the environment, validated; the local services' logins it fills in
  'log.ts',
  'io',
  'i18n', // the words of each locale, and its number and date formats
  'pipeline/core', // entities, exact money
  'pipeline/adapters', // kafkajs and mongodb, and what their errors mean
  'pipeline/source', // CSV in, normalised entities, CSV out
  'pipeline/stream', // events on Kafka: produce, dead letters, the consumer runner
  'pipeline/lake', // Kafka → MongoDB, verify, indexed reads of the lake
  'pipeline/warehouse',
  'pipeline/reco',
  'services', // local Kafka, the engine, Mailpit: install, start, probe
  'tooling', // the Jupyter kernel and environment
  'reports',
  'notebooks',
  'dashboard',
  'cli',
  'bench',
  'notebook.ts', // the library as notebooks import it
  'index.ts',
] as const;

/** The only modules that may import a driver's values (types may travel as parameters anywhere). */
const DRIVERS = new Set(['kafkajs', 'mongodb']);
const DRIVER_ADAPTERS = 'pipeline/adapters/';

const srcRoot = path.resolve(__dirname, '../../src');

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

const rel = (file: string) => path.relative(srcRoot, file).split(path.sep).join('/');

/** A relative specifier as the file it names (`x`, `x.ts`, `x/index.ts`), or the package name for a bare one. */
function resolveSpecifier(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return spec.startsWith('node:') ? undefined : spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') && fs.existsSync(candidate)) return rel(candidate);
  }
  return undefined; // a JSON file or an asset
}

/** Every import, export-from, dynamic import() and require() of a file, with whether it carries types only. */
function importsOf(file: string): Import[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: Import[] = [];
  const add = (spec: ts.Expression | undefined, typeOnly: boolean) => {
    if (!spec || !ts.isStringLiteralLike(spec)) return;
    const to = resolveSpecifier(file, spec.text);
    if (to) out.push({ from: rel(file), to, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = Boolean(clause && (clause.isTypeOnly || (!clause.name && named && named.length > 0 && named.every((e) => e.isTypeOnly))));
      add(node.moduleSpecifier, typeOnly);
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1) {
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isRequire || node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The index in LAYERS of a file of src/ (by its longest matching entry), or -1. */
function layerOf(file: string): number {
  let best = -1;
  LAYERS.forEach((entry, i) => {
    const matches = file === entry || file.startsWith(`${entry}/`);
    if (matches && (best < 0 || entry.length > LAYERS[best]!.length)) best = i;
  });
  return best;
}

/** The cycles of a graph, each as the path that closes it (Tarjan's components of more than one node, or a self-loop). */
function findCycles(edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (v: string) => {
    order.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!order.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) !== order.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || edges.get(v)?.has(v)) cycles.push(component.sort());
  };
  for (const v of edges.keys()) if (!order.has(v)) connect(v);
  return cycles;
}

describe('the import graph of src/', () => {
  const files = sourceFiles(srcRoot).map(rel);
  const imports = sourceFiles(srcRoot).flatMap(importsOf);
  const internal = imports.filter((i) => files.includes(i.to));

  it('places every module of src/ in a layer', () => {
    expect(files.filter((f) => layerOf(f) < 0)).toEqual([]);
  });

  it('has no cycle', () => {
    const edges = new Map<string, Set<string>>(files.map((f) => [f, new Set()]));
    for (const i of internal) edges.get(i.from)!.add(i.to);
    expect(findCycles(edges)).toEqual([]);
  });

  it('has no import from a lower layer to a higher one', () => {
    const upward = internal.filter((i) => layerOf(i.to) > layerOf(i.from)).map((i) => `${i.from} (${LAYERS[layerOf(i.from)]}) → ${i.to} (${LAYERS[layerOf(i.to)]})`);
    expect(upward).toEqual([]);
  });

  it('imports the drivers for their values only in the adapters', () => {
    const outside = imports.filter((i) => DRIVERS.has(i.to) && !i.typeOnly && !i.from.startsWith(DRIVER_ADAPTERS)).map((i) => `${i.from} → ${i.to}`);
    expect(outside).toEqual([]);
  });

  it('keeps src/pipeline/ to its stage folders (at most an index.ts beside them)', () => {
    const loose = fs.readdirSync(path.join(srcRoot, 'pipeline'), { withFileTypes: true }).filter((e) => e.isFile() && e.name !== 'index.ts');
    expect(loose.map((e) => e.name)).toEqual([]);
  });

  it('finds a cycle and an upward edge when there is one (the check itself)', () => {
    const edges = new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])], ['d', new Set<string>()]]);
    expect(findCycles(edges)).toEqual([['a', 'b', 'c']]);
    expect(layerOf('config/index.ts')).toBeLessThan(layerOf('pipeline/core/money.ts'));
    expect(layerOf('pipeline/reco/train.ts')).toBeGreaterThan(layerOf('pipeline/lake/write.ts'));
    expect(layerOf('notebook.ts')).toBeGreaterThan(layerOf('notebooks/render.ts'));
  });
});
