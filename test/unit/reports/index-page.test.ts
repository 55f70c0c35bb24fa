import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeGroupAtomic } from '../../support/atomic';
import { listNotebookReports, listReports, writeReportIndex } from '../../../src/reports/index-page';

describe('reports index', () => {
  it('lists notebook reports by notebook and parameters, with their files, beside the executive reports', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'index-'));
    writeGroupAtomic(path.join(dir, '2017-12'), { 'executive.html': 'x' });
    writeGroupAtomic(path.join(dir, 'notebooks', '06-branch-review', 'branch=BR-WEST_period=2017-12'), { '06-branch-review.pdf': 'p', '06-branch-review.html': 'h' });
    // A folder without a manifest (a killed run) is never listed.
    fs.mkdirSync(path.join(dir, 'notebooks', '06-branch-review', 'branch=BR-EAST_period=2017-12'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'notebooks', '06-branch-review', 'branch=BR-EAST_period=2017-12', '06-branch-review.html'), 'half');
    expect(listReports(dir).map((r) => r.id)).toEqual(['2017-12']);
    expect(listNotebookReports(dir).map((r) => [r.notebook, r.slug, r.files])).toEqual([['06-branch-review', 'branch=BR-WEST_period=2017-12', ['06-branch-review.html', '06-branch-review.pdf']]]);
    const html = fs.readFileSync(writeReportIndex(dir), 'utf8');
    expect(html).toContain('<a href="2017-12/executive.html">HTML</a>');
    expect(html).toContain('<a href="notebooks/06-branch-review/branch%3DBR-WEST_period%3D2017-12/06-branch-review.pdf">PDF</a>');
    expect(html).not.toContain('BR-EAST');
  });

  it("lists each branch's report from its folder under the period, after the company's, with links into it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'index-'));
    writeGroupAtomic(path.join(dir, '2017-12'), { 'executive.html': 'x', 'executive.pdf': 'p' });
    writeGroupAtomic(path.join(dir, '2017-12', 'BR-WEST'), { 'executive.pdf': 'w' });
    writeGroupAtomic(path.join(dir, '2017-11', 'BR-EAST'), { 'executive.html': 'e' });
    // A branch folder without a manifest (a killed run) is never listed.
    fs.mkdirSync(path.join(dir, '2017-12', 'BR-SOUTH'));
    fs.writeFileSync(path.join(dir, '2017-12', 'BR-SOUTH', 'executive.html'), 'half');
    expect(listReports(dir).map((r) => [r.id, r.branch, r.formats])).toEqual([
      ['2017-12', null, ['html', 'pdf']],
      ['2017-12', 'BR-WEST', ['pdf']],
      ['2017-11', 'BR-EAST', ['html']],
    ]);
    const html = fs.readFileSync(writeReportIndex(dir), 'utf8');
    expect(html).toContain('<td>BR-WEST</td><td><a href="2017-12/BR-WEST/executive.pdf">PDF</a></td>');
    expect(html).toContain('<td>all branches</td><td><a href="2017-12/executive.html">HTML</a>');
    expect(html).not.toContain('BR-SOUTH');
  });
});
