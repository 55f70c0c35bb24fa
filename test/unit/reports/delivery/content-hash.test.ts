import { contentHash, type ChannelIdentity } from '../../../../src/reports/delivery/content-hash';
import { deliveryContent, pngHeader } from './fixture';

const email: ChannelIdentity = { kind: 'email', attach: ['pdf', 'xlsx'] };
const to = ['oeste@example.com', 'direccion@example.com'];

describe('the content hash of a delivery', () => {
  const base = contentHash(deliveryContent(), email, to);

  it('is a sha256 in hex, the same for the same content', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(contentHash(deliveryContent(), email, to)).toBe(base);
  });

  it("does not change with the files' bytes, sizes or run (a PDF differs with its generation time) nor the chart images", () => {
    const c = deliveryContent({ runId: 'another-run', charts: [{ name: 'trend', title: 'x', png: pngHeader(10, 10) }] });
    c.outputs = c.outputs.map((o) => ({ ...o, sha256: 'f'.repeat(64), size: o.size + 1 }));
    expect(contentHash(c, email, to)).toBe(base);
  });

  it('does not change with the order or case of the recipients, nor the order of the attachments', () => {
    expect(contentHash(deliveryContent(), { kind: 'email', attach: ['xlsx', 'pdf'] }, ['Direccion@example.com', 'oeste@example.com'])).toBe(base);
  });

  it('changes with a key figure', () => {
    const c = deliveryContent();
    c.figures = c.figures.map((k) => (k.key === 'revenue' ? { ...k, value: 83929.32 } : k));
    expect(contentHash(c, email, to)).not.toBe(base);
  });

  it('changes with the recipients', () => {
    expect(contentHash(deliveryContent(), email, [...to, 'cfo@example.com'])).not.toBe(base);
    expect(contentHash(deliveryContent(), email, to.slice(1))).not.toBe(base);
  });

  it('changes with what changed, the findings, the branch, the period, the job and the channel', () => {
    const variants = [
      deliveryContent({ whatChanged: [] }),
      deliveryContent({ findings: [] }),
      deliveryContent({ branch: { id: 'BR-EAST', name: 'East · New York City' } }),
      deliveryContent({ period: { id: '2017-11', label: 'November 2017', from: '2017-11-01', to: '2017-11-30' } }),
      deliveryContent({ job: 'another-job' }),
    ];
    const hashes = new Set([base, ...variants.map((c) => contentHash(c, email, to)), contentHash(deliveryContent(), { kind: 'email', attach: ['pdf'] }, to), contentHash(deliveryContent(), { kind: 'webhook', url: 'http://127.0.0.1:9/hook' }, [])]);
    expect(hashes.size).toBe(8);
  });
});
