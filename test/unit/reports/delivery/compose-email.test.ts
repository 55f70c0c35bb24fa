import path from 'node:path';
import { attachmentName, composeEmail, emailSubject, type ComposeOptions } from '../../../../src/reports/delivery/compose-email';
import { firstRunNote } from '../../../../src/reports/delivery/content';
import { formatBytes } from '../../../../src/reports/delivery/email-body';
import { expectGolden } from '../../../support/golden';
import { deliveryContent, MB } from './fixture';

/** Golden files are accepted only on purpose: UPDATE_GOLDEN=1 npx jest test/unit/reports/delivery/compose-email. */
const golden = (name: string) => path.join(__dirname, 'golden', name);
const opts: ComposeOptions = { attach: ['pdf', 'xlsx'], attachLimitBytes: 10 * MB, reportsDir: '/srv/reports', publicReportsUrl: 'https://reports.example.com/files/' };

describe('the report mail', () => {
  it('its HTML body for a fixed report matches the golden file', () => {
    expectGolden(golden('executive-west-2017-12.html'), composeEmail(deliveryContent(), opts).html);
  });

  it('its plain-text body for a fixed report matches the golden file', () => {
    expectGolden(golden('executive-west-2017-12.txt'), composeEmail(deliveryContent(), opts).text);
  });

  it('the subject names the report, the branch and the period', () => {
    expect(emailSubject(deliveryContent())).toBe('Executive sales report · West · Los Angeles · December 2017');
    expect(emailSubject(deliveryContent({ branch: null }))).toBe('Executive sales report · December 2017');
  });

  it('the HTML has no script, no style sheet, no class and no external resource; the what-changed section has its id', () => {
    const { html } = composeEmail(deliveryContent(), opts);
    expect(html).not.toMatch(/<script|<style|<link|class=|\bsrc="(?!cid:)/i);
    expect(html).toContain('id="what-changed"');
    expect(html.indexOf('id="what-changed"')).toBeLessThan(html.indexOf('id="key-figures"'));
  });

  it('every tag is well formed: a quote inside a style attribute would end it and drop the styles after it', () => {
    const { html } = composeEmail(deliveryContent(), opts);
    const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
    expect(tags.length).toBeGreaterThan(50);
    const malformed = tags.filter((t) => !/^<[a-z][a-z0-9]*(\s+[a-z-]+(="[^"<>]*")?)*\s*\/?>$/i.test(t));
    expect(malformed).toEqual([]);
  });

  it('charts travel as inline PNG images referenced by cid:, sized at half their pixels', () => {
    const m = composeEmail(deliveryContent(), opts);
    const inline = m.attachments.filter((a) => a.cid);
    expect(inline).toEqual([expect.objectContaining({ filename: 'trend.png', contentType: 'image/png', cid: 'chart-trend@erp-insights' })]);
    expect(m.html).toContain('<img src="cid:chart-trend@erp-insights" alt="Revenue and profit over the period" width="608" height="194"');
  });

  it('the chosen files are attached by path under the reports folder, named with the period and the branch', () => {
    const files = composeEmail(deliveryContent(), opts).attachments.filter((a) => !a.cid);
    expect(files).toEqual([
      { filename: 'executive-2017-12-BR-WEST.pdf', contentType: 'application/pdf', path: path.join('/srv/reports', '2017-12', 'BR-WEST', 'executive.pdf') },
      { filename: 'executive-2017-12-BR-WEST.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', path: path.join('/srv/reports', '2017-12', 'BR-WEST', 'executive.xlsx') },
    ]);
  });

  it('a chosen file above the size limit is linked instead of attached, and the mail says why', () => {
    const c = deliveryContent();
    c.outputs[1]!.size = 12.5 * MB;
    const m = composeEmail(c, opts);
    expect(m.attachments.map((a) => a.filename)).toEqual(['executive-2017-12-BR-WEST.xlsx', 'trend.png']);
    const link = 'https://reports.example.com/files/2017-12/BR-WEST/executive.pdf';
    expect(m.html).toContain(`<a href="${link}"`);
    expect(m.html).toContain('PDF, 12.5 MB; above the 10 MB attachment limit');
    expect(m.text).toContain(`executive-2017-12-BR-WEST.pdf (12.5 MB, above the 10 MB attachment limit): ${link}`);
  });

  it('a file exactly at the limit is still attached', () => {
    const c = deliveryContent();
    c.outputs[1]!.size = 10 * MB;
    expect(composeEmail(c, opts).attachments.map((a) => a.filename)).toContain('executive-2017-12-BR-WEST.pdf');
  });

  it('files not chosen for attachment are linked, with their path encoded', () => {
    const c = deliveryContent({ outputs: [{ format: 'html', path: 'notebooks/06-branch-review/branch=BR-WEST_period=2017-12/06 review.html', size: 1000, sha256: 'a'.repeat(64) }] });
    const m = composeEmail(c, { ...opts, publicReportsUrl: 'http://127.0.0.1:3000/reports/files' });
    expect(m.attachments.filter((a) => !a.cid)).toEqual([]);
    expect(m.text).toContain('http://127.0.0.1:3000/reports/files/notebooks/06-branch-review/branch%3DBR-WEST_period%3D2017-12/06%20review.html');
  });

  it('a first run says there is nothing to compare with yet, in both bodies', () => {
    const m = composeEmail(deliveryContent({ whatChanged: [] }), opts);
    expect(m.html).toContain(firstRunNote);
    expect(m.text).toContain(firstRunNote);
  });

  it('text from the data is escaped in the HTML and left as written in the text', () => {
    const c = deliveryContent({ whatChanged: ['<script>alert("x")</script> & **Co** moved'] });
    const m = composeEmail(c, opts);
    expect(m.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; <strong>Co</strong> moved');
    expect(m.text).toContain('- <script>alert("x")</script> & Co moved');
  });

  it('the text alternative holds every figure, finding and change of the HTML', () => {
    const c = deliveryContent();
    const m = composeEmail(c, opts);
    for (const k of c.figures) expect(m.text).toContain(k.label);
    expect(m.text).toContain('$83,829.32');
    for (const f of c.findings) expect(m.text).toContain(f.text.replace(/\*\*/g, ''));
    expect(m.text).not.toContain('**');
  });

  it('attachment names do not repeat a period or branch the folder name already has', () => {
    const o = { format: 'pdf', path: 'notebooks/06-branch-review/branch=BR-WEST_period=2017-12/06-branch-review_2017-12_BR-WEST.pdf', size: 1, sha256: '' };
    expect(attachmentName(o, deliveryContent())).toBe('06-branch-review_2017-12_BR-WEST.pdf');
    expect(attachmentName({ ...o, path: '2017-12/executive.pdf' }, deliveryContent({ branch: null }))).toBe('executive-2017-12.pdf');
  });

  it('sizes read as a person says them', () => {
    expect([formatBytes(980), formatBytes(14_540), formatBytes(12.5 * MB)]).toEqual(['980 B', '14.2 KB', '12.5 MB']);
  });
});
