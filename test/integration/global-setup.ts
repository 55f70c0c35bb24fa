/** Integration tests need the real services: start the local ones unless the configured endpoints already answer. */
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { ensureServices } from '../../src/services';

export default async function globalSetup(): Promise<void> {
  const cfg = loadConfig();
  await ensureServices(cfg, createLogger('warn', 'test-services'));
}
