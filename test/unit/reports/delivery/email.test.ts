import { MailError, maskSmtpUrl, scrubSecret, sendWithRetries, type Mailer, type OutgoingMail } from '../../../../src/reports/delivery/email';

const mail: OutgoingMail = { to: ['a@example.com'], subject: 's', html: '<p>h</p>', text: 't', attachments: [] };

function mailer(results: (string | MailError)[]): Mailer & { sent: number } {
  const m = {
    sent: 0,
    async send() {
      const r = results[Math.min(m.sent++, results.length - 1)]!;
      if (r instanceof MailError) throw r;
      return { messageId: r, accepted: ['a@example.com'], rejected: [] };
    },
    close() {},
  };
  return m;
}

describe('the e-mail adapter', () => {
  const waits: number[] = [];
  const o = { delaysMs: [1000, 4000], sleep: async (ms: number) => void waits.push(ms) };
  beforeEach(() => (waits.length = 0));

  it('shows an SMTP URL without its login', () => {
    expect(maskSmtpUrl('smtps://reports:p%40ss@mail.example.com:465')).toBe('smtps://***@mail.example.com:465');
    expect(maskSmtpUrl('smtp://127.0.0.1:1025')).toBe('smtp://127.0.0.1:1025');
  });

  it('removes the password from an error text, as written and decoded', () => {
    const url = 'smtps://reports:p%40ss-w0rd@mail.example.com:465';
    const text = `Invalid login for reports:p@ss-w0rd at ${url} (p%40ss-w0rd)`;
    const scrubbed = scrubSecret(text, url);
    expect(scrubbed).not.toMatch(/p@ss-w0rd|p%40ss-w0rd/);
    expect(scrubbed).toContain('smtps://***@mail.example.com:465');
  });

  it('retries a mail the server never got (1 s, then 4 s) and returns its message id', async () => {
    const m = mailer([new MailError('ECONNREFUSED', true), new MailError('421 try later', true), '<id@x>']);
    expect(await sendWithRetries(m, mail, o)).toEqual({ ok: true, attempts: 3, messageId: '<id@x>', error: null });
    expect(waits).toEqual([1000, 4000]);
  });

  it('does not retry a failure that a retry cannot mend (a bad login, a refused address)', async () => {
    const m = mailer([new MailError('535 authentication failed', false), '<id@x>']);
    expect(await sendWithRetries(m, mail, o)).toEqual({ ok: false, attempts: 1, messageId: null, error: '535 authentication failed' });
    expect(waits).toEqual([]);
  });

  it('gives up after three attempts with the last reason', async () => {
    const m = mailer([new MailError('connect ECONNREFUSED 127.0.0.1:2599', true)]);
    expect(await sendWithRetries(m, mail, o)).toEqual({ ok: false, attempts: 3, messageId: null, error: 'connect ECONNREFUSED 127.0.0.1:2599' });
  });
});
