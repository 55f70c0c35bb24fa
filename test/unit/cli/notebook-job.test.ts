/** Issue 31: a scheduled notebook job's "locale" reaches its notebook as the locale parameter. */
import { notebookJobParameters } from '../../../src/cli/schedule';

describe('a notebook job\'s parameters', () => {
  it('carry the job\'s locale as the notebook\'s locale parameter, with the branch of its burst', () => {
    expect(notebookJobParameters({ parameters: { period: 'latest' }, locale: 'es' }, { id: 'BR-WEST' })).toEqual({ locale: 'es', period: 'latest', branch: 'BR-WEST' });
  });

  it('are the job\'s own when it names no locale (the notebook\'s default, English, holds)', () => {
    expect(notebookJobParameters({ parameters: { period: '2017-12' }, locale: undefined }, null)).toEqual({ period: '2017-12' });
  });

  it('keep a locale the job gives among its parameters: the more specific', () => {
    expect(notebookJobParameters({ parameters: { locale: 'en' }, locale: 'es' }, null)).toEqual({ locale: 'en' });
  });
});
