import { ConfigError, loadConfig } from '../../../../src/config';

const load = (env: Record<string, string>) => loadConfig(env, () => undefined);

describe('delivery settings', () => {
  it('have no webhook secret and link files to this dashboard by default', () => {
    expect(load({}).delivery).toEqual({ webhookSecret: null, publicReportsUrl: 'http://127.0.0.1:3000/reports/files/' });
    expect(load({ DASHBOARD_HOST: '0.0.0.0', DASHBOARD_PORT: '3100' }).delivery.publicReportsUrl).toBe('http://127.0.0.1:3100/reports/files/');
  });

  it('take PUBLIC_REPORTS_URL with a trailing slash added, and refuse a URL that is not http(s)', () => {
    expect(load({ PUBLIC_REPORTS_URL: 'https://reports.example.com/files' }).delivery.publicReportsUrl).toBe('https://reports.example.com/files/');
    expect(() => load({ PUBLIC_REPORTS_URL: 'ftp://reports.example.com/' })).toThrow(/PUBLIC_REPORTS_URL="ftp:\/\/reports.example.com\/": expected an http\(s\) URL/);
  });

  it('take WEBHOOK_SECRET, and refuse a short one without showing it', () => {
    expect(load({ WEBHOOK_SECRET: 'a-long-enough-secret' }).delivery.webhookSecret).toBe('a-long-enough-secret');
    let error: unknown;
    try {
      load({ WEBHOOK_SECRET: 'hunter2' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/WEBHOOK_SECRET=\(hidden\): expected a secret of at least 16 characters/);
    expect((error as Error).message).not.toContain('hunter2');
  });
});
