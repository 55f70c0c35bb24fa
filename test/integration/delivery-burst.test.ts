/**
 * Reports that reach their readers, end to end: a schedule job bursting the December 2017 executive report over the
 * four branches, mailed through the real local SMTP server (Mailpit, read back through its API) and posted to a local
 * webhook receiver; nothing mailed twice; a corrected December line restated in the next report; an alert rule fired
 * once; an SMTP server that is down recorded as a failed delivery and alerted through the webhook.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { fromUnits, roundCents } from '../../src/pipeline/core/money';
import { marts } from '../../src/pipeline/warehouse/build';
import type { DailyDoc } from '../../src/pipeline/warehouse/daily';
import { formatValue } from '../../src/reports/format';
import { runsCollection, type ReportRun } from '../../src/reports/runs/record';
import { freePort } from '../../src/io/free-port';
import { mailpitClient, type MailpitClient } from '../support/mailpit';
import { createTestEnv, type TestEnv } from './helpers';
import { runCli } from '../support/cli';
import { writeSuperstoreLake } from './superstore-lake';

describe('delivering reports to their readers', () => {
  let env: TestEnv;
  let childEnv: Record<string, string>;
  let mail: MailpitClient;
  let domain: string;
  const hooks: { body: Record<string, unknown>; signature: string | undefined }[] = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hooks.push({ body: JSON.parse(body) as Record<string, unknown>, signature: req.headers['x-erp-signature'] as string | undefined });
      res.end('ok');
    });
  });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'deliver-'));
  const reports = path.join(scratch, 'reports');
  const runs = () => env.mongo.db.collection<ReportRun>(runsCollection);
  let schedule: string;
  const mine = () => `to:"@${domain}"`;

  beforeAll(async () => {
    env = await createTestEnv('mail');
    domain = `${env.id}.example.com`;
    mail = mailpitClient(env.cfg.mail.mailpitUrl);
    await writeSuperstoreLake(env.mongo.db);
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const hook = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
    childEnv = { ...env.env, REPORTS_DIR: reports, MODELS_DIR: path.join(scratch, 'models'), DATA_DIR: path.join(scratch, 'data'), WEBHOOK_SECRET: 'test-secret-of-the-delivery-suite' };
    schedule = path.join(scratch, 'burst.json');
    fs.writeFileSync(
      schedule,
      JSON.stringify({
        tz: 'Europe/Madrid',
        jobs: [
          {
            name: 'branches-monthly',
            report: 'executive',
            period: '2017-12',
            formats: ['html', 'pdf', 'xlsx'],
            cron: '0 7 1 * *',
            trigger: ['cron', 'data'],
            burst: 'branch',
            retries: 0,
            deliver: [{ email: { to: [], attach: ['pdf', 'xlsx'] } }, { webhook: { url: hook } }],
            recipients: { 'BR-WEST': [`oeste@${domain}`], 'BR-EAST': [`este@${domain}`], 'BR-CENTRAL': [`centro@${domain}`], 'BR-SOUTH': [`sur@${domain}`], '*': [`direccion@${domain}`] },
            alerts: [{ kpi: 'margin', below: 0.1 }],
          },
        ],
      }),
    );
  }, 300_000);
  afterAll(async () => {
    receiver.close();
    const own = await mail?.listMessages(mine()).catch(() => null);
    if (own?.messages.length) await mail.deleteMessages(own.messages.map((m) => m.ID));
    await env?.cleanup();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('a burst over four branches mails four reports, each with its branch revenue and a PDF and workbook that open', async () => {
    const r = await runCli('report-schedule.ts', childEnv, ['--schedule', schedule, '--once']);
    expect(r.code).toBe(0);
    // The one line on stderr is the alert (a warning): Central lost money in December 2017.
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/WARN .*alert: Executive sales report · Central · Chicago · December 2017: margin -6\.6 %, below 10\.0 %\./)]);
    const reportsMail = (await mail.waitForMessages(4, 30_000, `${mine()} subject:"Executive sales report"`)).filter((m) => !m.Subject.startsWith('Alert'));
    expect(reportsMail).toHaveLength(4);
    const days = await env.mongo.db.collection<DailyDoc>(marts.daily).find({ date: { $gte: '2017-12-01', $lte: '2017-12-31' } }).toArray();
    for (const summary of reportsMail) {
      const m = await mail.readMessage(summary.ID);
      const branch = days.flatMap((d) => d.by_branch).find((b) => m.Subject.includes(b.branch_name))!;
      const revenue = roundCents(fromUnits(days.flatMap((d) => d.by_branch).filter((b) => b.branch_id === branch.branch_id).reduce((s, b) => s + b.revenue_e4, 0)));
      expect(m.Text).toContain(formatValue(revenue, 'money'));
      expect(m.HTML).toContain(formatValue(revenue, 'money'));
      expect(m.HTML).not.toMatch(/<script/i);
      expect(m.To.map((t) => t.Address)).toContain(`direccion@${domain}`);
      const pdf = m.Attachments.find((a) => a.FileName.endsWith('.pdf'))!;
      const xlsx = m.Attachments.find((a) => a.FileName.endsWith('.xlsx'))!;
      const pdfFile = path.join(scratch, `${summary.ID}.pdf`);
      fs.writeFileSync(pdfFile, await mail.downloadAttachment(m.ID, pdf.PartID));
      expect(execFileSync('pdftotext', [pdfFile, '-'], { encoding: 'utf8' })).toContain(formatValue(revenue, 'money'));
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await mail.downloadAttachment(m.ID, xlsx.PartID)) as never);
      expect(wb.getWorksheet('Summary')).toBeDefined();
    }
    const west = await mail.listMessages(`to:"oeste@${domain}"`);
    expect(west.messages.filter((m) => !m.Subject.startsWith('Alert'))).toHaveLength(1);
    const recorded = await runs().find({ job: 'branches-monthly' }).toArray();
    expect(recorded.map((d) => d.branch).sort()).toEqual(['BR-CENTRAL', 'BR-EAST', 'BR-SOUTH', 'BR-WEST']);
    for (const d of recorded) expect(d.deliveries?.map((x) => [x.channel, x.status])).toEqual([['email', 'sent'], ['webhook', 'sent']]);
    expect(hooks.filter((h) => !('alert' in h.body))).toHaveLength(4);
    expect(hooks.every((h) => h.signature?.startsWith('sha256='))).toBe(true);
  }, 300_000);

  it('running --once again sends nothing new', async () => {
    const before = (await mail.listMessages(mine())).messages.length;
    const r = await runCli('report-schedule.ts', childEnv, ['--schedule', schedule, '--once']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/✓ branches-monthly/);
    expect((await mail.listMessages(mine())).messages.length).toBe(before);
  }, 120_000);

  it('an alert rule fires once per branch and incident, not again on the next run', async () => {
    const alerts = (await mail.listMessages(`${mine()} subject:Alert`)).messages;
    const lowMargin = (await runs().find({ job: 'branches-monthly', 'alerts.0': { $exists: true } }).toArray()).flatMap((r) => r.alerts ?? []);
    // Central lost money in December 2017: its margin is below 10 %.
    expect(lowMargin.some((a) => a.text.includes('Central') && a.text.includes('below 10.0 %'))).toBe(true);
    expect(alerts.length).toBe(lowMargin.length);
  });

  it('a corrected December line is restated in the next report, in the report and in the mail, with both figures', async () => {
    const line = await env.mongo.db.collection('sales_items').findOne({ order_date: { $gte: '2017-12-01', $lte: '2017-12-31' }, branch_id: 'BR-WEST' });
    await env.mongo.db.collection('sales_items').updateOne({ _id: line!._id }, { $inc: { line_total_e4: 1_000_000 } });
    expect((await runCli('warehouse.ts', childEnv, ['--full', '--no-reports'])).code).toBe(0);
    const alertsBefore = (await mail.listMessages(`${mine()} subject:Alert`)).messages.length;
    const r = await runCli('report-schedule.ts', childEnv, ['--schedule', schedule, '--once']);
    expect(r.code).toBe(0);
    const west = (await runs().find({ job: 'branches-monthly', branch: 'BR-WEST' }).sort({ started_at: -1 }).limit(1).toArray())[0]!;
    expect(west.trigger).toBe('data');
    // $100 more on one line: the revenue, and with it the margin, restated; the previous report's figures named.
    expect(west.what_changed).toEqual([expect.stringMatching(/^December 2017 restated: revenue \$29,652\.10 → \$29,752\.10 \(\+0\.34 %\), margin 14\.1 % → 14\.0 % \(−0\.1 pts\); 1 order changed\.$/)]);
    const restated = west.what_changed![0]!;
    const html = fs.readFileSync(path.join(reports, '2017-12', 'BR-WEST', 'executive.html'), 'utf8');
    expect(html.split('id="what-changed"')[1]).toContain(restated.replace('→', '→'));
    const mails = (await mail.listMessages(`to:"oeste@${domain}" subject:"Executive sales report"`)).messages;
    expect(mails).toHaveLength(2);
    expect((await mail.readMessage(mails[0]!.ID)).Text).toContain(restated);
    expect((await mail.listMessages(`${mine()} subject:Alert`)).messages.length).toBe(alertsBefore);
  }, 300_000);

  it('with the SMTP server down the run still succeeds, its delivery is recorded failed and alerted through the webhook', async () => {
    const closed = await freePort();
    hooks.length = 0;
    await env.mongo.db.collection('sales_items').updateOne({ order_date: { $gte: '2017-12-01', $lte: '2017-12-31' }, branch_id: 'BR-EAST' }, { $inc: { line_total_e4: 10_000 } });
    expect((await runCli('warehouse.ts', childEnv, ['--full', '--no-reports'])).code).toBe(0);
    const r = await runCli('report-schedule.ts', { ...childEnv, SMTP_URL: `smtp://127.0.0.1:${closed}` }, ['--schedule', schedule, '--once']);
    expect(r.code).toBe(0);
    const east = (await runs().find({ job: 'branches-monthly', branch: 'BR-EAST' }).sort({ started_at: -1 }).limit(1).toArray())[0]!;
    expect(east.status).toBe('succeeded');
    expect(east.deliveries!.find((d) => d.channel === 'email')).toMatchObject({ status: 'failed' });
    expect(fs.existsSync(path.join(reports, '2017-12', 'BR-EAST', 'executive.pdf'))).toBe(true);
    expect(hooks.some((h) => typeof h.body.alert === 'string' && /delivery to .* failed/.test(h.body.alert as string))).toBe(true);
  }, 300_000);
});
