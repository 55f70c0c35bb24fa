/**
 * The injected-parameters cell and the parameters slug (pure). As papermill does, the values given for a run go into
 * a new code cell tagged `injected-parameters` right after the `parameters` cell, so the executed notebook shows what
 * it ran with and the defaults stay as written.
 */
import { createHash } from 'node:crypto';
import { cellSource, cellTags, firstLine, type Cell, type Notebook } from './ipynb';
import { findParametersCell, ParameterError, PARAMETERS_TAG, parseDeclarations, type ParamDecl, type ParamValue } from './params';

export const INJECTED_TAG = 'injected-parameters';

/**
 * `const period: string = "2018-01";`: a plain type for strings, numbers and booleans, as the kernel type-checks each
 * cell and a literal type ("2018-01") would make `period === 'latest'` further down a compile error.
 */
export function injectedCellSource(decls: readonly ParamDecl[], values: Readonly<Record<string, ParamValue>>): string {
  const lines = Object.entries(values).map(([name, v]) => {
    const type = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? `: ${typeof v}` : '';
    return `${decls.find((d) => d.name === name)?.keyword ?? 'const'} ${name}${type} = ${JSON.stringify(v)};`;
  });
  return ['// Parameters of this run (injected by npm run render)', ...lines].join('\n');
}

/**
 * A copy of the notebook with the run's values in an `injected-parameters` cell after the `parameters` cell; an
 * injected cell already there (a notebook rendered before) is replaced. No values: the notebook unchanged.
 */
export function injectParameters(nb: Notebook, decls: readonly ParamDecl[], values: Readonly<Record<string, ParamValue>>): Notebook {
  const cells = nb.cells.filter((c) => !cellTags(c).includes(INJECTED_TAG));
  if (!Object.keys(values).length) return { ...nb, cells };
  const at = findParametersCell({ ...nb, cells });
  if (at < 0) throw new ParameterError('the notebook has no cell tagged "parameters", so it takes no -p values');
  const cell: Cell = { cell_type: 'code', execution_count: null, metadata: { tags: [INJECTED_TAG] }, outputs: [], source: injectedCellSource(decls, values) };
  if (nb.nbformat_minor >= 5) cell.id = 'injected-parameters';
  return { ...nb, cells: [...cells.slice(0, at + 1), cell, ...cells.slice(at + 1)] };
}

const SAFE = /[^A-Za-z0-9.-]+/g;

/**
 * The output folder of a run: `branch=BR-WEST_period=2017-12` (names sorted), `defaults` without values. Safe on
 * every filesystem and in a URL; when a value had to be changed to get there (spaces, slashes, a long JSON) a short
 * hash of the exact values is appended, so two different runs never share a folder.
 */
export function parametersSlug(values: Readonly<Record<string, ParamValue>>): string {
  const names = Object.keys(values).sort();
  if (!names.length) return 'defaults';
  const text = (v: ParamValue) => (typeof v === 'string' ? v : JSON.stringify(v));
  const parts = names.map((n) => `${n.replace(SAFE, '-')}=${text(values[n]!).replace(SAFE, '-').replace(/^[-.]+|-+$/g, '')}`);
  const exact = names.every((n) => /^[A-Za-z0-9.-]+$/.test(n) && /^[A-Za-z0-9.-]+$/.test(text(values[n]!)));
  let slug = parts.join('_');
  if (exact && slug.length <= 80) return slug;
  const hash = createHash('sha256').update(JSON.stringify(names.map((n) => [n, values[n]]))).digest('hex').slice(0, 8);
  slug = slug.slice(0, 71).replace(/[_=-]+$/, '');
  return `${slug}~${hash}`;
}

const shown = (v: ParamValue) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));

/**
 * A cell as a progress line names it: its first line, except the parameters cells, which show the values the run
 * uses rather than the defaults as written (`parameters: branch = 'BR-NORTH' · period = '2017-12' (default)`), and
 * the injected cell its values (`injected-parameters: branch = 'BR-NORTH'`). A first line is cut to `width`; the
 * values never are.
 */
export function progressLabel(nb: Notebook, index: number, width = 70): string {
  const cell = nb.cells[index]!;
  const tags = cellTags(cell);
  const injected = nb.cells.find((c) => cellTags(c).includes(INJECTED_TAG));
  // A cell that is not literal declarations fails the render before the kernel starts; shown as written, it
  // is still a fair progress line.
  const declsOf = (c: Cell) => {
    try {
      return parseDeclarations(cellSource(c));
    } catch {
      return null;
    }
  };
  if (cell.cell_type === 'code' && tags.includes(INJECTED_TAG)) {
    const given = declsOf(cell);
    if (given) return `${INJECTED_TAG}: ${given.map((d) => `${d.name} = ${shown(d.default)}`).join(' · ')}`;
  } else if (cell.cell_type === 'code' && tags.includes(PARAMETERS_TAG)) {
    const decls = declsOf(cell);
    const given = new Map((injected ? (declsOf(injected) ?? []) : []).map((d) => [d.name, d.default]));
    if (decls) return `${PARAMETERS_TAG}: ${decls.map((d) => (given.has(d.name) ? `${d.name} = ${shown(given.get(d.name)!)}` : `${d.name} = ${shown(d.default)} (default)`)).join(' · ') || 'none'}`;
  }
  return firstLine(cell).slice(0, width);
}
