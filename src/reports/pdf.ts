/** The HTML report printed to an A4 PDF by Chromium: vector charts, running header and page-numbered footer. */
import type { Browser, Page } from 'puppeteer';
import { t, type Locale } from '../i18n';
import { esc } from './format';
import { onAbort, throwIfAborted, untilAborted } from '../io/abort';

export interface PageOptions {
  /** Closes the page and rejects with RenderAbortedError (the browser itself is the caller's). */
  signal?: AbortSignal;
}

/** Runs `work` in a new page of `browser`, closed afterwards or as soon as the signal aborts. */
async function inPage<T>(browser: Browser, signal: AbortSignal | undefined, work: (page: Page) => Promise<T>): Promise<T> {
  throwIfAborted(signal);
  const page = await browser.newPage();
  // A closed page makes what runs in it fail ("Target closed"); the caller sees the abort instead. Closing fails only
  // when the browser is already gone (the caller closed it on the same abort), which is the same outcome.
  let closing: Promise<void> | undefined;
  const closeOnAbort = () => (closing ??= page.close().catch(() => undefined));
  const forget = onAbort(signal, () => void closeOnAbort());
  try {
    throwIfAborted(signal); // cancelled while the page opened: nothing to start in it
    return await untilAborted(work(page), signal);
  } finally {
    forget();
    // A cancelled render rejects once its page is closed: the caller's browser is left as it was given.
    await (signal?.aborted ? closeOnAbort() : page.close());
  }
}

/** The running header's title and period, and the locale of the footer's "Page 1 of 3" (`en` by default). */
export interface PdfHeader {
  title: string;
  period: string;
  locale?: Locale;
}

/** "Page <n> of <total>" in the reader's words, Chromium filling in the numbers. */
function pageOfPages(locale: Locale): string {
  const words = esc(t(locale, 'report.pdf.page', { page: '\u0001', pages: '\u0002' }));
  return words.replace('\u0001', '<span class="pageNumber"></span>').replace('\u0002', '<span class="totalPages"></span>');
}

export async function renderPdf(browser: Browser, html: string, header: PdfHeader, o: PageOptions = {}): Promise<Buffer> {
  return inPage(browser, o.signal, async (page) => {
    await page.setContent(html, { waitUntil: 'load' });
    await page.emulateMediaType('print');
    const style = 'font-family:DejaVu Sans,Helvetica,Arial,sans-serif;font-size:8px;color:#5b6578;width:100%;padding:0 12mm;display:flex;justify-content:space-between';
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: `<div style="${style}"><span>${esc(header.title)}</span><span>${esc(header.period)}</span></div>`,
      footerTemplate: `<div style="${style}"><span>${esc(header.period)}</span><span>${pageOfPages(header.locale ?? 'en')}</span></div>`,
      margin: { top: '16mm', bottom: '16mm', left: '12mm', right: '12mm' },
      // A tagged PDF (structure for screen readers) with an outline of its headings, for the readers it is mailed to.
      tagged: true,
      outline: true,
    });
    return Buffer.from(pdf);
  });
}
