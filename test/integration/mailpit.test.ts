/**
 * The local mail server for real: a message with an attachment goes over SMTP (nodemailer, SMTP_URL) to Mailpit and
 * comes back through its REST API (MAILPIT_URL) byte for byte. Mailpit may be shared: this test only reads and deletes
 * its own message, found by a subject with a random suffix.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import nodemailer from 'nodemailer';
import { loadConfig } from '../../src/config';
import { mailAnswers, smtpGreets } from '../../src/services/health';
import { smtpEndpoint } from '../../src/services/mailpit';
import { mailpitClient } from '../support/mailpit';

const cfg = loadConfig();
const mailpit = mailpitClient(cfg.mail.mailpitUrl);
const suffix = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const subject = `it-mailpit ${suffix}: December 2017 executive report`;
const sent: string[] = [];

afterAll(async () => {
  if (sent.length) await mailpit.deleteMessages(sent);
});

describe('Mailpit', () => {
  it('answers on SMTP_URL with an SMTP greeting and on MAILPIT_URL with its API', async () => {
    expect(await smtpGreets(smtpEndpoint(cfg.mail.smtpUrl))).toBe(true);
    expect(await mailAnswers(cfg)).toBe(true);
  });

  it('a message sent over SMTP with an attachment reads back through the API: subject, text, file name and bytes', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(4096)]);
    const transport = nodemailer.createTransport(cfg.mail.smtpUrl);
    try {
      await transport.sendMail({
        from: cfg.mail.from,
        to: 'direccion@example.com',
        subject,
        text: `Revenue $83,829.32 (${suffix})`,
        html: `<p>Revenue <b>$83,829.32</b> (${suffix})</p>`,
        attachments: [{ filename: 'executive.pdf', content: pdf, contentType: 'application/pdf' }],
      });
    } finally {
      transport.close();
    }

    const [summary] = await mailpit.waitForMessages(1, 10000, `subject:"${suffix}"`);
    sent.push(summary!.ID);
    expect(summary!.Subject).toBe(subject);
    expect(summary!.Attachments).toBe(1);

    const message = await mailpit.readMessage(summary!.ID);
    expect(message.From.Address).toBe(/<([^>]+)>$/.exec(cfg.mail.from)?.[1] ?? cfg.mail.from);
    expect(message.To.map((t) => t.Address)).toEqual(['direccion@example.com']);
    expect(message.Text.trim()).toBe(`Revenue $83,829.32 (${suffix})`);
    expect(message.HTML).toContain('<b>$83,829.32</b>');
    expect(message.Attachments.map((a) => [a.FileName, a.ContentType])).toEqual([['executive.pdf', 'application/pdf']]);
    const bytes = await mailpit.downloadAttachment(message.ID, message.Attachments[0]!.PartID);
    expect(bytes.equals(pdf)).toBe(true);
  });

  it('the SMTP probe says no for a port where nothing greets', async () => {
    const silent = net.createServer(() => undefined); // accepts, never greets
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      expect(await smtpGreets({ host: '127.0.0.1', port }, 300)).toBe(false);
    } finally {
      silent.close();
    }
    expect(await smtpGreets({ host: '127.0.0.1', port }, 300)).toBe(false);
  });
});
