/**
 * Report delivery for real: a mail with its PDF and workbook through a real SMTP server (Mailpit), read back through
 * Mailpit's API; a signed webhook to a local HTTP receiver; deliveries recorded in report_runs, so a second delivery of
 * the same content sends nothing; an unreachable SMTP server recorded as a failed delivery. Mailpit may be shared: the
 * test reads and deletes only its own messages, found by recipients with a random suffix.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { connectMongo, type MongoHandle } from '../../src/pipeline/adapters/mongo';
import { deliverRun, type DeliverOptions, type DeliveryJob } from '../../src/reports/delivery/deliver';
import { verifySignature } from '../../src/reports/delivery/sign';
import { ensureDeliveryIndexes, mongoDeliveryStore, recordDeliveries } from '../../src/reports/delivery/store';
import type { WebhookPayload } from '../../src/reports/delivery/webhook';
import { runsCollection, type ReportRun } from '../../src/reports/runs/record';
import { startRun } from '../../src/reports/runs/store';
import { mailpitClient } from '../support/mailpit';
import { deliveryContent } from '../unit/reports/delivery/fixture';
import { testConfig } from './helpers';

const cfg = testConfig();
const mailpit = mailpitClient(cfg.mail.mailpitUrl);
const toQuery = (address: string) => `to:"${address}"`;

/** A local webhook receiver: answers 503 to its first `failing` requests (to be retried), then 200; keeps every request. */
function startReceiver(failing = 0): Promise<{ url: string; requests: { body: string; signature: string | undefined }[]; close: () => Promise<void> }> {
  const requests: { body: string; signature: string | undefined }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ body: Buffer.concat(chunks).toString('utf8'), signature: req.headers['x-erp-signature'] as string | undefined });
      res.writeHead(requests.length <= failing ? 503 : 200).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}/hooks/reports`, requests, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
function closedPort(): Promise<number> {
  const s = net.createServer();
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => {
    const { port } = s.address() as net.AddressInfo;
    s.close(() => resolve(port));
  }));
}

describe('report delivery (Mailpit, a local webhook receiver, report_runs)', () => {
  const suffix = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  /** Each test mails its own address and delivers for its own job, so none depends on another. */
  const addresses: string[] = [];
  const address = (name: string) => {
    const a = `${name}-${suffix}@example.com`;
    addresses.push(a);
    return a;
  };
  const secret = `whsec-${suffix}-0123456789`;
  const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'deliver-'));
  const dir = path.join(reports, '2017-12', 'BR-WEST');
  const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(2048), Buffer.from('\n%%EOF\n')]);
  let xlsx: Buffer;
  let mongo: MongoHandle;
  const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];
  const receiver = async (failing = 0) => {
    const r = await startReceiver(failing);
    receivers.push(r);
    return r;
  };
  /** A burst job mailing West's report to `to` (through recipients["BR-WEST"]), and posting to `hook` when given. */
  const westJob = (to: string, hook?: string): DeliveryJob => ({
    deliver: [{ email: { to: [], attach: ['pdf', 'xlsx'] } }, ...(hook ? [{ webhook: { url: hook } }] : [])],
    recipients: { 'BR-WEST': [to], 'BR-EAST': ['nobody@example.com'] },
    burst: 'branch',
  });
  const content = (name: string) => {
    const c = deliveryContent({ job: `it-${name}-${suffix}` });
    c.outputs = [
      { format: 'pdf', path: '2017-12/BR-WEST/executive.pdf', size: pdf.length, sha256: 'b'.repeat(64) },
      { format: 'xlsx', path: '2017-12/BR-WEST/executive.xlsx', size: xlsx.length, sha256: 'c'.repeat(64) },
    ];
    return c;
  };
  const options = (over: Partial<DeliverOptions> = {}): DeliverOptions => ({
    store: mongoDeliveryStore(mongo.db),
    mail: cfg.mail,
    webhookSecret: secret,
    publicReportsUrl: 'http://127.0.0.1:3000/reports/files/',
    reportsDir: reports,
    delaysMs: [50, 100],
    ...over,
  });
  /** Delivers as the scheduler would: a run recorded, then its deliveries appended to it. */
  const deliverRecorded = async (name: string, j: DeliveryJob, o: DeliverOptions) => {
    const c = content(name);
    const run = await startRun(mongo.db, { job: c.job, kind: 'executive', period: c.period.id, trigger: 'manual', facts: { asOf: '2017-12-30', builtAt: null, dataChangedAt: null } });
    const ds = await deliverRun({ ...c, runId: run._id }, j, o);
    await recordDeliveries(mongo.db, run._id, ds);
    return ds;
  };

  beforeAll(async () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'executive.pdf'), pdf);
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Summary').addRow(['Revenue', 83829.32]);
    xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    fs.writeFileSync(path.join(dir, 'executive.xlsx'), xlsx);
    mongo = await connectMongo(testConfig({ MONGODB_DB: `it_deliver_${suffix}` }).mongo);
    await ensureDeliveryIndexes(mongo.db);
  });
  afterAll(async () => {
    const ids = (await Promise.all(addresses.map(async (a) => (await mailpit.listMessages(toQuery(a))).messages.map((m) => m.ID)))).flat();
    if (ids.length) await mailpit.deleteMessages(ids);
    await Promise.all(receivers.map((r) => r.close()));
    await mongo?.db.dropDatabase().catch(() => undefined);
    await mongo?.close();
    fs.rmSync(reports, { recursive: true, force: true });
  });

  it('a mail with the PDF and the workbook attached arrives, with the figures in its HTML and text and the chart inline', async () => {
    const to = address('oeste');
    const [d] = await deliverRecorded('mail', westJob(to), options());
    expect(d).toMatchObject({ channel: 'email', status: 'sent', recipients: [to], attempts: 1, error: null, message_id: expect.stringMatching(/^<.+>$/) });
    const [summary] = await mailpit.waitForMessages(1, 10_000, toQuery(to));
    const m = await mailpit.readMessage(summary!.ID);
    expect(m.Subject).toBe('Executive sales report · West · Los Angeles · December 2017');
    expect(m.To.map((t) => t.Address)).toEqual([to]);
    expect(m.Text).toContain('Revenue        $83,829.32');
    expect(m.Text).toContain('November 2017 revenue restated: $118,447.83 → $118,547.83');
    expect(m.HTML).toContain('id="what-changed"');
    expect(m.HTML).toContain('<strong>$118,447.83 → $118,547.83</strong>');
    expect(m.Attachments.map((a) => [a.FileName, a.ContentType])).toEqual([
      ['executive-2017-12-BR-WEST.pdf', 'application/pdf'],
      ['executive-2017-12-BR-WEST.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ]);
    expect(m.Inline.map((i) => [i.FileName, i.ContentType])).toEqual([['trend.png', 'image/png']]);
    expect(m.HTML).toMatch(/<img src="cid:chart-trend@erp-insights"/);
    const bytes = await mailpit.downloadAttachment(m.ID, m.Attachments[0]!.PartID);
    expect(bytes.equals(pdf)).toBe(true);
    const book = new ExcelJS.Workbook();
    const workbook = await mailpit.downloadAttachment(m.ID, m.Attachments[1]!.PartID);
    await book.xlsx.load(workbook as never); // exceljs's Buffer type predates Node's generic one
    expect(book.getWorksheet('Summary')!.getCell('B1').value).toBe(83829.32);
  });

  it('a webhook is received with a valid signature after a 503 is retried', async () => {
    const hook = await receiver(1);
    const [d] = await deliverRecorded('hook', { deliver: [{ webhook: { url: hook.url } }], recipients: {} }, options());
    expect(d).toMatchObject({ channel: 'webhook', status: 'sent', attempts: 2, error: null, target: hook.url });
    expect(hook.requests).toHaveLength(2);
    const last = hook.requests[1]!;
    expect(verifySignature(last.body, secret, last.signature)).toBe(true);
    const payload = JSON.parse(last.body) as WebhookPayload;
    expect(payload).toMatchObject({ heading: 'Executive sales report · West · Los Angeles · December 2017', period: { id: '2017-12' }, branch: { id: 'BR-WEST' } });
    expect(payload.outputs.map((o) => o.url)).toEqual(['http://127.0.0.1:3000/reports/files/2017-12/BR-WEST/executive.pdf', 'http://127.0.0.1:3000/reports/files/2017-12/BR-WEST/executive.xlsx']);
  });

  it('a second delivery of the same content sends nothing: both channels are skipped, as recorded in report_runs', async () => {
    const to = address('twice');
    const hook = await receiver();
    const job = westJob(to, hook.url);
    const first = await deliverRecorded('twice', job, options());
    const second = await deliverRecorded('twice', job, options());
    expect(first.map((d) => [d.channel, d.status])).toEqual([['email', 'sent'], ['webhook', 'sent']]);
    expect(second.map((d) => [d.channel, d.status, d.message_id])).toEqual([['email', 'skipped', first[0]!.message_id], ['webhook', 'skipped', null]]);
    await new Promise((r) => setTimeout(r, 1500)); // a second message, had one been sent, would have arrived by now
    expect((await mailpit.listMessages(toQuery(to))).messages).toHaveLength(1);
    expect(hook.requests).toHaveLength(1);
    const runs = await mongo.db.collection<ReportRun>(runsCollection).find({ job: `it-twice-${suffix}` }).sort({ started_at: 1 }).toArray();
    expect(runs.map((r) => (r.deliveries ?? []).map((d) => d.status))).toEqual([['sent', 'sent'], ['skipped', 'skipped']]);
  });

  it('resend delivers the same content again', async () => {
    const to = address('resend');
    await deliverRecorded('resend', westJob(to), options());
    const again = await deliverRecorded('resend', westJob(to), options({ resend: true }));
    expect(again.map((d) => d.status)).toEqual(['sent']);
    expect(await mailpit.waitForMessages(2, 10_000, toQuery(to))).toHaveLength(2);
  });

  it('an unreachable SMTP server gives a failed delivery record, without the password, and the report files stay', async () => {
    const port = await closedPort();
    const mail = { smtpUrl: `smtp://reports:pw-${suffix}@127.0.0.1:${port}`, from: 'reports@erp-insights.local', attachLimitBytes: 10 * 1024 * 1024 };
    const ds = await deliverRun(content('down'), westJob(address('down')), options({ mail }));
    expect(ds).toEqual([expect.objectContaining({ channel: 'email', status: 'failed', attempts: 3, message_id: null, error: expect.stringMatching(/ECONNREFUSED/) })]);
    expect(ds[0]!.error).not.toContain(`pw-${suffix}`);
    expect(ds[0]!.error).toContain(`smtp://***@127.0.0.1:${port}`);
    expect(fs.readdirSync(dir).sort()).toEqual(['executive.pdf', 'executive.xlsx']);
  });
});
