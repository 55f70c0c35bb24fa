import { verifySignature } from '../../../../src/reports/delivery/sign';
import { maskUrl, postWebhook, webhookPayload } from '../../../../src/reports/delivery/webhook';
import { deliveryContent } from './fixture';

type Answer = number | Error;
/** A fetch that answers each call with the next status (or throws the next error), recording the requests. */
function fakeFetch(answers: Answer[]) {
  const calls: { url: string; headers: Record<string, string>; body: string }[] = [];
  const fn = (async (url: string, init: RequestInit) => {
    calls.push({ url, headers: init.headers as Record<string, string>, body: String(init.body) });
    const a = answers[Math.min(calls.length - 1, answers.length - 1)]!;
    if (a instanceof Error) throw a;
    return new Response(a >= 400 ? 'receiver says no' : 'ok', { status: a });
  }) as unknown as typeof fetch;
  return { fn, calls };
}

const refused = () => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
const url = 'http://127.0.0.1:9999/hooks/reports';

describe('the webhook', () => {
  const waits: number[] = [];
  const sleep = async (ms: number) => void waits.push(ms);
  beforeEach(() => (waits.length = 0));

  it('carries the title, period, branch, key figures, what changed, plain findings and links to the outputs', () => {
    const p = webhookPayload(deliveryContent(), 'https://reports.example.com/files/');
    expect(p).toMatchObject({ event: 'report', job: 'monthly-executive', title: 'Executive sales report', heading: 'Executive sales report · West · Los Angeles · December 2017', period: { id: '2017-12', label: 'December 2017' }, branch: { id: 'BR-WEST' } });
    expect(p.figures[0]).toEqual({ key: 'revenue', label: 'Revenue', format: 'money', value: 83829.32, previous: 118447.83, last_year: 96999.04, vs_previous: '−29.2 %', vs_last_year: '−13.6 %' });
    expect(p.what_changed[1]).toBe('November 2017 revenue restated: $118,447.83 → $118,547.83 (+0.08 %), 1 order changed.');
    expect(p.findings.every((f) => !f.text.includes('**'))).toBe(true);
    expect(p.outputs.map((o) => o.url)).toEqual(['https://reports.example.com/files/2017-12/BR-WEST/executive.html', 'https://reports.example.com/files/2017-12/BR-WEST/executive.pdf', 'https://reports.example.com/files/2017-12/BR-WEST/executive.xlsx']);
  });

  it('is signed in X-ERP-Signature when a secret is set, over the exact body sent', async () => {
    const f = fakeFetch([200]);
    const r = await postWebhook(url, '{"a":1}', { secret: 'a-long-enough-secret', fetch: f.fn, sleep });
    expect(r).toEqual({ ok: true, attempts: 1, status: 200, error: null });
    expect(verifySignature(f.calls[0]!.body, 'a-long-enough-secret', f.calls[0]!.headers['X-ERP-Signature'])).toBe(true);
    expect(f.calls[0]!.headers['content-type']).toBe('application/json');
  });

  it('has no signature header without a secret', async () => {
    const f = fakeFetch([204]);
    await postWebhook(url, '{}', { secret: null, fetch: f.fn, sleep });
    expect(f.calls[0]!.headers).not.toHaveProperty('X-ERP-Signature');
  });

  it('is retried after a 5xx and a network error, waiting 1 s then 4 s, and succeeds on the third attempt', async () => {
    const f = fakeFetch([503, refused(), 200]);
    const r = await postWebhook(url, '{}', { secret: null, fetch: f.fn, sleep });
    expect(r).toEqual({ ok: true, attempts: 3, status: 200, error: null });
    expect(waits).toEqual([1000, 4000]);
  });

  it('gives up after three attempts with the last reason', async () => {
    const f = fakeFetch([refused()]);
    const r = await postWebhook(url, '{}', { secret: null, fetch: f.fn, sleep });
    expect(r).toEqual({ ok: false, attempts: 3, status: null, error: 'http://127.0.0.1:9999/hooks/reports: fetch failed: ECONNREFUSED' });
  });

  it('is not retried after a 4xx: the request itself is wrong', async () => {
    const f = fakeFetch([400, 200]);
    const r = await postWebhook(url, '{}', { secret: null, fetch: f.fn, sleep });
    expect(r).toEqual({ ok: false, attempts: 1, status: 400, error: 'http://127.0.0.1:9999/hooks/reports answered HTTP 400: receiver says no' });
    expect(waits).toEqual([]);
  });

  it('is shown without the user, password or query of its URL', () => {
    expect(maskUrl('https://user:pw@hooks.example.com/x/y?token=abc')).toBe('https://hooks.example.com/x/y?***');
    expect(maskUrl('not a url')).toBe('(not a URL)');
  });
});
