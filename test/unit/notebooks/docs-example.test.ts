/** The 15-line example of docs/notebook-reports.md is the notebook docs/examples/category-review.ipynb, line for line. */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../src/config';
import { cellSource, readNotebook } from '../../../src/notebooks/ipynb';
import { declaredParameters } from '../../../src/notebooks/params';

const doc = fs.readFileSync(path.join(projectRoot, 'docs', 'notebook-reports.md'), 'utf8');
const example = readNotebook(path.join(projectRoot, 'docs', 'examples', 'category-review.ipynb'));

describe('the docs example notebook', () => {
  const block = /## A report in 15 lines[\s\S]*?````\n([\s\S]*?)````/.exec(doc)![1]!.split('\n');

  it('has every line of the example, in the order the docs show them', () => {
    const lines = example.cells.flatMap((c) => cellSource(c).split('\n')).filter((l) => l.trim());
    let at = 0;
    for (const line of lines) {
      const found = block.findIndex((b, i) => i >= at && (b === line || b.startsWith(`${line} `)));
      expect([line, found >= 0]).toEqual([line, true]);
      at = found + 1;
    }
    expect(lines.length).toBeLessThanOrEqual(16);
  });

  it('declares the two parameters the docs render it with', () => {
    expect(declaredParameters(example).map((d) => [d.name, d.type, d.default])).toEqual([
      ['category', 'string', 'Furniture'],
      ['period', 'string', '2017-12'],
    ]);
    expect(doc).toContain('npm run render -- docs/examples/category-review.ipynb -p category=Technology -p period=2017-11');
  });
});
