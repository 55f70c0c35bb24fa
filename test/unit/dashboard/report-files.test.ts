import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { contentDisposition, fileHeaders, readReportFile, reportFileSegments, reportFileUrl } from '../../../src/dashboard/files';
import { pageRuntime } from '../../../src/reports/page-runtime';

describe('report file paths', () => {
  it.each([
    ['/reports/files/2017-12/executive.pdf', ['2017-12', 'executive.pdf']],
    ['/reports/files/notebooks/06-branch-review/branch%3DBR-WEST_period%3D2017-12/06-branch-review.html', ['notebooks', '06-branch-review', 'branch=BR-WEST_period=2017-12', '06-branch-review.html']],
    ['/reports/files/a%20b/c~1a2b.pdf?x=1', ['a b', 'c~1a2b.pdf']],
  ])('%s names the file under the reports folder', (target, segments) => {
    expect(reportFileSegments(target)).toEqual(segments);
  });

  it.each([
    ['a parent segment', '/reports/files/../../etc/passwd'],
    ['a parent segment in the middle', '/reports/files/2017-12/../../secret.txt'],
    ['an encoded parent segment', '/reports/files/%2e%2e/%2e%2e/etc/passwd'],
    ['a half-encoded parent segment', '/reports/files/.%2E/secret.txt'],
    ['an encoded slash', '/reports/files/..%2F..%2Fetc%2Fpasswd'],
    ['an encoded slash inside a name', '/reports/files/2017-12%2fexecutive.pdf'],
    ['an encoded backslash', '/reports/files/..%5c..%5csecret.txt'],
    ['a backslash', '/reports/files/..\\..\\secret.txt'],
    ['an absolute path', '/reports/files//etc/passwd'],
    ['an encoded absolute path', '/reports/files/%2Fetc%2Fpasswd'],
    ['a drive letter', '/reports/files/C:/Windows/win.ini'],
    ['a NUL byte', '/reports/files/executive.pdf%00.html'],
    ['a current-folder segment', '/reports/files/./2017-12/executive.pdf'],
    ['a hidden file (the scheduler state, a write in progress)', '/reports/files/.schedule-state.json'],
    ['a trailing slash', '/reports/files/2017-12/'],
    ['nothing', '/reports/files/'],
    ['a malformed escape', '/reports/files/%E0%A4%A'],
    ['another prefix', '/reports/filesx/2017-12/executive.pdf'],
    ['an absolute-form target', 'http://evil.example/reports/files/2017-12/executive.pdf'],
  ])('%s is refused', (_what, target) => {
    expect(reportFileSegments(target)).toBeNull();
  });

  it('an output path becomes a URL that names the same segments', () => {
    const rel = 'notebooks/06-branch-review/branch=BR-WEST_period=2017-12/06 review.pdf';
    expect(reportFileUrl(rel)).toBe('/reports/files/notebooks/06-branch-review/branch%3DBR-WEST_period%3D2017-12/06%20review.pdf');
    expect(reportFileSegments(reportFileUrl(rel))).toEqual(rel.split('/'));
  });

  it('the download name is kept ASCII-safe, with the exact one in filename*', () => {
    expect(contentDisposition({ name: 'révision "x".xlsx', inline: false })).toBe(`attachment; filename="r_vision _x_.xlsx"; filename*=UTF-8''r%C3%A9vision%20%22x%22.xlsx`);
    expect(contentDisposition({ name: 'executive.pdf', inline: true })).toMatch(/^inline; /);
  });
});

describe('reading a report file', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'report-files-'));
  const root = path.join(tmp, 'reports');
  const outside = path.join(tmp, 'outside');
  beforeAll(() => {
    fs.mkdirSync(path.join(root, '2017-12'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(root, '2017-12', 'executive.pdf'), '%PDF-1.7 report');
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, '2017-12', 'secret.txt'));
    fs.symlinkSync(outside, path.join(root, 'linked'));
    fs.symlinkSync(path.join(root, '2017-12'), path.join(root, 'latest'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads a file in the reports folder, with its type', async () => {
    const f = await readReportFile(root, ['2017-12', 'executive.pdf']);
    expect(f && { type: f.type, inline: f.inline, body: f.body.toString() }).toEqual({ type: 'application/pdf', inline: true, body: '%PDF-1.7 report' });
  });

  it('follows a symlink that stays inside the reports folder', async () => {
    expect((await readReportFile(root, ['latest', 'executive.pdf']))?.body.toString()).toBe('%PDF-1.7 report');
  });

  it.each([
    ['a symlink to a file outside', ['2017-12', 'secret.txt']],
    ['a symlinked folder outside', ['linked', 'secret.txt']],
    ['a folder', ['2017-12']],
    ['a missing file', ['2017-12', 'missing.pdf']],
    ['parent segments, if ever given', ['..', 'outside', 'secret.txt']],
  ])('%s is not found', async (_what, segments) => {
    expect(await readReportFile(root, segments)).toBeNull();
  });
});

describe("a report file's headers", () => {
  it("lets an HTML report run the report pages' chart runtime, by its hashes, in a sandbox of its own; an SVG nothing", () => {
    const html = fileHeaders({ type: 'text/html; charset=utf-8' })['content-security-policy']!;
    expect(html).toBe(`default-src 'none'; script-src ${pageRuntime().hashes.join(' ')}; style-src 'unsafe-inline'; img-src data:; font-src data:; sandbox allow-scripts`);
    expect(html).not.toMatch(/unsafe-eval|allow-same-origin/);
    expect(fileHeaders({ type: 'image/svg+xml' })['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; sandbox");
    expect(fileHeaders({ type: 'application/pdf' })).toEqual({ 'x-content-type-options': 'nosniff' });
  });
});
