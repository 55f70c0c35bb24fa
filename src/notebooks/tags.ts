/**
 * What a rendered report shows of a cell (pure), by the tags Jupyter Book and nbconvert use: `remove-cell` drops the
 * cell, `remove-input` its code, `remove-output` its outputs; code is shown only with `--code show`. The parameters
 * cells are a run's settings, shown in the report's header instead.
 */
import { cellTags, type Cell } from './ipynb';
import { INJECTED_TAG } from './inject';
import { PARAMETERS_TAG } from './params';

export type CodeMode = 'hide' | 'show';

export interface CellView {
  input: boolean;
  outputs: boolean;
}

export function cellView(cell: Cell, code: CodeMode): CellView {
  const tags = cellTags(cell);
  if (tags.includes('remove-cell')) return { input: false, outputs: false };
  if (cell.cell_type !== 'code') return { input: cell.cell_type === 'markdown', outputs: false };
  const settings = tags.includes(PARAMETERS_TAG) || tags.includes(INJECTED_TAG);
  return {
    input: code === 'show' && !tags.includes('remove-input') && !tags.includes('hide-input'),
    outputs: !tags.includes('remove-output') && !(settings && code === 'hide'),
  };
}
