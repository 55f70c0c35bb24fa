/** Small notebooks built in code for the notebook unit tests. */
import type { Cell, Notebook } from '../../../src/notebooks/ipynb';

export const code = (source: string, tags: string[] = [], outputs: Cell['outputs'] = []): Cell => ({ cell_type: 'code', source, metadata: tags.length ? { tags } : {}, outputs, execution_count: null });
export const md = (source: string, tags: string[] = []): Cell => ({ cell_type: 'markdown', source, metadata: tags.length ? { tags } : {} });
export const notebook = (...cells: Cell[]): Notebook => ({ cells, metadata: { kernelspec: { name: 'tslab' } }, nbformat: 4, nbformat_minor: 5 });
