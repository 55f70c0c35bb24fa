/**
 * Headless Chromium for PDFs, chart images and browser tests. Uses CHROME_PATH, else Debian's Chromium, else the
 * browser puppeteer downloaded for itself (for users who have it). Flags keep it from dialling out.
 */
import fs from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer';

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export class BrowserError extends Error {
  override name = 'BrowserError';
}

export function findChrome(configured?: string): string | undefined {
  if (configured) {
    if (!fs.existsSync(configured)) throw new BrowserError(`CHROME_PATH=${configured} does not exist`);
    return configured;
  }
  return candidates.find((c) => fs.existsSync(c));
}

export async function launchBrowser(chromePath?: string): Promise<Browser> {
  const executablePath = findChrome(chromePath);
  const args = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage', '--font-render-hinting=none'];
  // Our pages are local documents of our own (no site to isolate from another): one renderer process for them all, no
  // GPU rasteriser, no extensions, and not the omnibox popups Chromium preloads for a window a headless browser never
  // shows (each a renderer of its own, about 45 MB): fewer processes for a burst (see BENCHMARKS.md).
  const off = ['site-per-process', 'IsolateOrigins', 'Translate', 'MediaRouter', 'OptimizationHints', 'WebUIOmniboxPopup', 'WebUIOmniboxAimPopup'];
  // The network service runs in the browser process (our pages load nothing from a network): one process fewer.
  args.push('--disable-gpu', '--disable-software-rasterizer', '--renderer-process-limit=1', `--disable-features=${off.join(',')}`, '--enable-features=NetworkServiceInProcess2', '--disable-extensions');
  // Chromium refuses to run as root with its sandbox.
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  try {
    const browser = await puppeteer.launch({ headless: true, executablePath, args });
    // The blank tab Chromium opens holds a renderer of its own; every render opens the page it needs.
    await Promise.all((await browser.pages()).map((p) => p.close()));
    return browser;
  } catch (err) {
    throw new BrowserError(
      `could not start Chrome/Chromium (${executablePath ?? "puppeteer's own browser"}): ${(err as Error).message.split('\n')[0]}. ` +
        'Install it (`apt-get install chromium`, or `bash scripts/setup.sh`) or set CHROME_PATH.',
    );
  }
}
