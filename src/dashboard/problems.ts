/**
 * What a page's banner says about a missing service or a failed read: a message of the catalogs with its values
 * (the driver's own error text stays as the driver wrote it), told in each reader's language.
 */
import { t, type Locale, type MessageKey, type MessageValues } from '../i18n';

export interface Problem {
  key: MessageKey;
  values?: MessageValues;
}

export const problemText = (locale: Locale, p: Problem): string => t(locale, p.key, p.values);

/** A failed read of MongoDB, as the live pages report it in their banner. */
export const queryFailed = (err: unknown): Problem => ({ key: 'dashboard.problem.query', values: { error: (err as Error).message } });
