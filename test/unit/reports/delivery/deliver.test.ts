import { deliverRun, type DeliverOptions, type DeliveryJob } from '../../../../src/reports/delivery/deliver';
import { MailError, type Mailer, type OutgoingMail } from '../../../../src/reports/delivery/email';
import { deliveryContent, MB, memoryStore } from './fixture';

/** A mailer that records what it sends (or fails as told). */
function fakeMailer(fail?: MailError): Mailer & { sent: OutgoingMail[] } {
  const sent: OutgoingMail[] = [];
  return {
    sent,
    async send(m) {
      if (fail) throw fail;
      sent.push(m);
      return { messageId: `<${sent.length}@test>`, accepted: m.to, rejected: [] };
    },
    close() {},
  };
}

function fakeFetch(status = 200) {
  const bodies: string[] = [];
  const fn = (async (_url: string, init: RequestInit) => {
    bodies.push(String(init.body));
    return new Response('', { status });
  }) as unknown as typeof fetch;
  return { fn, bodies };
}

const job: DeliveryJob = {
  deliver: [{ email: { to: ['analyst@example.com'], attach: ['pdf', 'xlsx'] } }, { webhook: { url: 'http://127.0.0.1:9999/hook' } }],
  recipients: { 'BR-WEST': ['oeste@example.com'], 'BR-EAST': ['este@example.com'], '*': ['direccion@example.com'] },
  burst: 'branch',
};
const at = new Date('2018-01-01T07:00:00Z');

function options(over: Partial<DeliverOptions> = {}): DeliverOptions & { mailer: ReturnType<typeof fakeMailer> } {
  return {
    store: memoryStore(),
    mail: { smtpUrl: 'smtp://127.0.0.1:1', from: 'ERP Insights <reports@example.com>', attachLimitBytes: 10 * MB },
    mailer: fakeMailer(),
    webhookSecret: null,
    publicReportsUrl: 'http://127.0.0.1:3000/reports/files/',
    reportsDir: '/srv/reports',
    now: () => at,
    sleep: async () => undefined,
    fetch: fakeFetch().fn,
    ...over,
  } as DeliverOptions & { mailer: ReturnType<typeof fakeMailer> };
}

describe('delivering a run', () => {
  it('sends the mail and the webhook and returns a sent record for each', async () => {
    const o = options();
    const ds = await deliverRun(deliveryContent(), job, o);
    expect(ds).toEqual([
      { channel: 'email', target: 'analyst@example.com, oeste@example.com, direccion@example.com', recipients: ['analyst@example.com', 'oeste@example.com', 'direccion@example.com'], status: 'sent', message_id: '<1@test>', content_hash: expect.stringMatching(/^[0-9a-f]{64}$/), at, error: null, attempts: 1 },
      { channel: 'webhook', target: 'http://127.0.0.1:9999/hook', recipients: [], status: 'sent', message_id: null, content_hash: expect.stringMatching(/^[0-9a-f]{64}$/), at, error: null, attempts: 1 },
    ]);
    expect(o.mailer.sent[0]!.subject).toBe('Executive sales report · West · Los Angeles · December 2017');
  });

  it("routes each branch of a burst to that branch's recipients and everyone's", async () => {
    const o = options();
    const east = deliveryContent({ branch: { id: 'BR-EAST', name: 'East · New York City' } });
    await deliverRun(deliveryContent(), job, o);
    await deliverRun(east, job, o);
    expect(o.mailer.sent.map((m) => m.to)).toEqual([
      ['analyst@example.com', 'oeste@example.com', 'direccion@example.com'],
      ['analyst@example.com', 'este@example.com', 'direccion@example.com'],
    ]);
  });

  it("without a burst, mails the channel's to and everyone's recipients only", async () => {
    const o = options();
    await deliverRun(deliveryContent(), { ...job, burst: undefined }, o);
    expect(o.mailer.sent[0]!.to).toEqual(['analyst@example.com', 'direccion@example.com']);
  });

  it('skips a channel whose same content was delivered before, and sends nothing', async () => {
    const first = await deliverRun(deliveryContent(), job, options());
    const o = options({ store: memoryStore(first.map((d) => ({ ...d, job: 'monthly-executive' }))) });
    const again = await deliverRun(deliveryContent(), job, o);
    expect(again.map((d) => [d.channel, d.status, d.message_id, d.attempts])).toEqual([
      ['email', 'skipped', '<1@test>', 0],
      ['webhook', 'skipped', null, 0],
    ]);
    expect(again.map((d) => d.content_hash)).toEqual(first.map((d) => d.content_hash));
    expect(o.mailer.sent).toEqual([]);
  });

  it('sends again when the figures changed since the last delivery', async () => {
    const first = await deliverRun(deliveryContent(), job, options());
    const o = options({ store: memoryStore(first.map((d) => ({ ...d, job: 'monthly-executive' }))) });
    const c = deliveryContent();
    c.figures = c.figures.map((k) => (k.key === 'revenue' ? { ...k, value: 83929.32 } : k));
    expect((await deliverRun(c, job, o)).map((d) => d.status)).toEqual(['sent', 'sent']);
  });

  it('a failed delivery does not count as delivered: the next run sends it', async () => {
    const failed = await deliverRun(deliveryContent(), job, options({ mailer: fakeMailer(new MailError('535 authentication failed', false)) }));
    const o = options({ store: memoryStore(failed.map((d) => ({ ...d, job: 'monthly-executive' }))) });
    expect((await deliverRun(deliveryContent(), job, o))[0]!.status).toBe('sent');
  });

  it('resend delivers again what was delivered before', async () => {
    const first = await deliverRun(deliveryContent(), job, options());
    const o = options({ store: memoryStore(first.map((d) => ({ ...d, job: 'monthly-executive' }))), resend: true });
    expect((await deliverRun(deliveryContent(), job, o)).map((d) => d.status)).toEqual(['sent', 'sent']);
    expect(o.mailer.sent).toHaveLength(1);
  });

  it('the same content delivered for another job is not skipped', async () => {
    const first = await deliverRun(deliveryContent(), job, options());
    const o = options({ store: memoryStore(first.map((d) => ({ ...d, job: 'another-job' }))) });
    expect((await deliverRun(deliveryContent(), job, o)).map((d) => d.status)).toEqual(['sent', 'sent']);
  });

  it('a mail server that refuses gives a failed record with the reason, and the webhook still goes', async () => {
    const o = options({ mailer: fakeMailer(new MailError('connect ECONNREFUSED 127.0.0.1:2599', true)) });
    const ds = await deliverRun(deliveryContent(), job, o);
    expect(ds.map((d) => [d.channel, d.status, d.attempts, d.error])).toEqual([
      ['email', 'failed', 3, 'connect ECONNREFUSED 127.0.0.1:2599'],
      ['webhook', 'sent', 1, null],
    ]);
  });

  it('a webhook answering 4xx gives a failed record after one attempt', async () => {
    const ds = await deliverRun(deliveryContent(), job, options({ fetch: fakeFetch(404).fn }));
    expect(ds[1]).toMatchObject({ channel: 'webhook', status: 'failed', attempts: 1, error: 'http://127.0.0.1:9999/hook answered HTTP 404' });
  });

  it('an e-mail channel with nobody to send to fails and says where recipients go', async () => {
    const ds = await deliverRun(deliveryContent(), { deliver: [{ email: { to: [], attach: ['pdf'] } }], recipients: {}, burst: 'branch' }, options());
    expect(ds[0]).toMatchObject({ status: 'failed', recipients: [], attempts: 0, error: expect.stringContaining('recipients["BR-WEST"] or recipients["*"]') });
  });

  it('a run history that does not answer gives a failed record rather than a throw or a second mail', async () => {
    const store = { findDelivered: async () => Promise.reject(new Error('connection closed')) };
    const o = options({ store });
    const ds = await deliverRun(deliveryContent(), job, o);
    expect(ds.map((d) => d.status)).toEqual(['failed', 'failed']);
    expect(ds[0]!.error).toMatch(/cannot tell whether it was delivered before.*connection closed/);
    expect(o.mailer.sent).toEqual([]);
  });

  it('signs the webhook when a secret is configured', async () => {
    const f = fakeFetch();
    const seen: Record<string, string>[] = [];
    const fetchSpy = (async (url: string, init: RequestInit) => {
      seen.push(init.headers as Record<string, string>);
      return f.fn(url, init);
    }) as unknown as typeof fetch;
    await deliverRun(deliveryContent(), { deliver: [job.deliver[1]!], recipients: {} }, options({ fetch: fetchSpy, webhookSecret: 'a-long-enough-secret' }));
    expect(seen[0]!['X-ERP-Signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
  });
});
