import { ConfigError, loadConfig } from '../../../src/config';

const noCreds = () => undefined;
const mailOf = (env: Record<string, string>) => loadConfig({ SERVICES_DIR: '/srv/erp', ...env }, noCreds).mail;

describe('mail settings', () => {
  it('default to the local Mailpit: SMTP on 127.0.0.1:1025, web UI on 8025, 10 MB of attachments', () => {
    const c = loadConfig({ SERVICES_DIR: '/srv/erp' }, noCreds);
    expect(c.mail).toEqual({
      smtpUrl: 'smtp://127.0.0.1:1025',
      from: 'ERP Insights <reports@erp-insights.local>',
      mailpitUrl: 'http://127.0.0.1:8025',
      attachLimitBytes: 10 * 1024 * 1024,
    });
    expect(c.skipMailpit).toBe(false);
  });

  it('take an smtps:// server with a login, a bare sender address, a Mailpit URL without its trailing slash and a limit in MB', () => {
    expect(mailOf({ SMTP_URL: 'smtps://reports:s3cret@smtp.example.com:465', SMTP_FROM: 'reports@example.com', MAILPIT_URL: 'http://127.0.0.1:9025/', MAIL_ATTACH_LIMIT_MB: '2.5' })).toEqual({
      smtpUrl: 'smtps://reports:s3cret@smtp.example.com:465',
      from: 'reports@example.com',
      mailpitUrl: 'http://127.0.0.1:9025',
      attachLimitBytes: 2.5 * 1024 * 1024,
    });
  });

  it('refuse an SMTP_URL that is not smtp:// or smtps://, naming it and showing its password masked', () => {
    for (const bad of ['mail.example.com:25', 'http://127.0.0.1:1025', 'smtp://', 'smtp://host:99999']) {
      expect(() => mailOf({ SMTP_URL: bad })).toThrow(`SMTP_URL=${JSON.stringify(bad)}: expected smtp://host:port or smtps://user:password@host:port`);
    }
    let message = '';
    try {
      mailOf({ SMTP_URL: 'smtpx://reports:s3cret@smtp.example.com' });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('SMTP_URL="smtpx://***@smtp.example.com"');
    expect(message).not.toContain('s3cret');
  });

  it('refuse a sender without an address, a MAILPIT_URL that is not http(s) and a limit that is not above 0, naming each', () => {
    expect(() => mailOf({ SMTP_FROM: 'ERP Insights', MAILPIT_URL: 'ftp://127.0.0.1', MAIL_ATTACH_LIMIT_MB: '0' })).toThrow(
      /SMTP_FROM="ERP Insights": expected an address[\s\S]*MAILPIT_URL="ftp:\/\/127.0.0.1": expected an http:\/\/ URL[\s\S]*MAIL_ATTACH_LIMIT_MB="0": expected a size in MB above 0/,
    );
    expect(() => mailOf({ MAIL_ATTACH_LIMIT_MB: 'ten' })).toThrow('MAIL_ATTACH_LIMIT_MB="ten": expected a size in MB above 0, e.g. 10');
  });
});
