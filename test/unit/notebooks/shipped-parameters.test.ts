/** The shipped notebooks and the docs' examples declare what their parameters accept, and their values pass the checks. */
import fs from 'node:fs';
import path from 'node:path';
import { notebookJobParameters } from '../../../src/cli/schedule';
import { asPairs, checkNotebookParameters } from '../../../src/cli/notebook-report';
import { projectRoot } from '../../../src/config';
import { acceptsOf, checkAccepted, type ParamFacts } from '../../../src/notebooks/accepts';
import { readNotebook } from '../../../src/notebooks/ipynb';
import { declaredParameters } from '../../../src/notebooks/params';
import { isNotebookJob, parseSchedule } from '../../../src/reports/schedule';
import { listNotebooks } from '../../../src/tooling/jupyter';

/** The Superstore's warehouse as the checks see it (the integration tests read the same from a real one). */
const superstore = (dir: string): ParamFacts => ({
  branches: async () => ['BR-CENTRAL', 'BR-EAST', 'BR-SOUTH', 'BR-WEST'].map((id) => ({ id, name: id })),
  categories: async () => ['Furniture', 'Office Supplies', 'Technology'],
  saleDays: async () => ({ from: '2014-01-03', to: '2017-12-30' }),
  fileExists: (f) => fs.existsSync(path.resolve(dir, f)),
});

const notebooks = [...listNotebooks(path.join(projectRoot, 'notebooks')), path.join(projectRoot, 'docs', 'examples', 'category-review.ipynb')];

describe('the shipped notebooks', () => {
  it.each(notebooks.map((f) => [path.basename(f), f]))('%s declares what each parameter accepts, and its defaults are accepted on the Superstore', async (_name, file) => {
    const decls = declaredParameters(readNotebook(file));
    for (const d of decls) expect([d.name, acceptsOf(d)]).toEqual([d.name, expect.any(Array)]);
    await expect(checkAccepted(decls, {}, superstore(path.dirname(file)))).resolves.toBeUndefined();
  });

  it('06-branch-review refuses a branch the data does not have, listing those it has', async () => {
    const file = path.join(projectRoot, 'notebooks', '06-branch-review.ipynb');
    const { values } = checkNotebookParameters(file, ['branch=BR-NORTH']);
    await expect(checkAccepted(declaredParameters(readNotebook(file)), values, superstore(path.dirname(file)))).rejects.toThrow('BR-CENTRAL, BR-EAST, BR-SOUTH or BR-WEST');
  });
});

describe('the example schedule (docs/examples/schedule.json)', () => {
  const file = path.join(projectRoot, 'docs', 'examples', 'schedule.json');
  const jobs = parseSchedule(fs.readFileSync(file, 'utf8'), file).jobs.filter(isNotebookJob);

  it("gives each notebook job values its notebook accepts on the Superstore, before any kernel would start", async () => {
    for (const job of jobs) {
      const nb = path.join(projectRoot, job.notebook);
      const { values } = checkNotebookParameters(nb, asPairs(notebookJobParameters(job, null)));
      await expect(checkAccepted(declaredParameters(readNotebook(nb)), values, superstore(path.dirname(nb)))).resolves.toBeUndefined();
    }
  });

  it('says "formats": "none" for the 05 job that writes none of the executive report\'s files', () => {
    const job = jobs.find((j) => j.notebook.endsWith('05-executive-report.ipynb'));
    expect(job?.parameters.formats).toBe('none');
  });
});
