/**
 * JupyterLab 4 as analysts use it: the project's Jupyter environment serving the notebooks on loopback with a token
 * (its own runtime, config and data dirs, this checkout's tslab kernel), driven in headless Chromium through its
 * menus: 01-explore-superstore run with Run → Run All Cells, its charts drawn as Vega views with tooltips; key
 * figures and tables keeping their look in an untrusted notebook.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, ElementHandle, Page } from 'puppeteer';
import { loadConfig, projectRoot } from '../../src/config';
import { freePort } from '../../src/io/free-port';
import { serializeNotebook, type Notebook } from '../../src/notebooks/ipynb';
import { chartBundle, kpisBundle, tableBundle } from '../../src/notebooks/bundle';
import { discountChart } from '../../src/reports/charts';
import { launchBrowser } from '../../src/reports/browser';
import { ensureSelfLink, findPython, writeLocalKernelSpec } from '../../src/tooling/jupyter';
import { startJupyterLab, type LabServer } from '../../src/tooling/jupyterlab';

const shots = path.join(projectRoot, 'test-artifacts', 'screenshots');

/**
 * Waits until every code cell has run: no `[*]` prompt left, and as many Vega views as the notebook has charts.
 * Polled from here with short calls: one long in-page wait would outlast puppeteer's protocol timeout.
 */
async function waitForRunAll(page: Page, charts: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const state = await page.evaluate(() => ({
      prompts: Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')).map((e) => e.textContent?.trim() ?? ''),
      views: document.querySelectorAll('.vega-embed').length,
    }));
    last = `prompts ${state.prompts.join(' ')}, ${state.views} Vega views`;
    if (state.prompts.length && !state.prompts.some((p) => p.includes('*')) && state.views >= charts) return;
    await new Promise((r) => setTimeout(r, 2000));
  }
  await page.screenshot({ path: path.join(shots, 'jupyterlab-01-timeout.png') });
  throw new Error(`Run All Cells did not finish within ${timeoutMs / 1000} s: ${last}`);
}

/** Waits until the notebook's session has its tslab kernel started and idle (Run All before that asks for a kernel). */
async function waitForKernel(server: LabServer, notebook: string, timeoutMs: number): Promise<void> {
  const url = new URL(server.url());
  const headers = { Authorization: `token ${url.searchParams.get('token')}` };
  const deadline = Date.now() + timeoutMs;
  let seen = 'no session';
  while (Date.now() < deadline) {
    const sessions = (await (await fetch(`${url.origin}/api/sessions`, { headers })).json()) as { path: string; kernel: { name: string; execution_state: string } | null }[];
    const s = sessions.find((x) => x.path.endsWith(notebook));
    seen = s ? `${s.kernel?.name ?? 'no kernel'} ${s.kernel?.execution_state ?? ''}` : 'no session';
    if (s?.kernel?.name === 'tslab' && s.kernel.execution_state === 'idle') return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`the tslab kernel of ${notebook} was not ready within ${timeoutMs / 1000} s (${seen})`);
}

/** Moves the mouse over a grid of points of the element until Vega's tooltip shows; its text, or null. */
async function hoverForTooltip(page: Page, selector: string): Promise<string | null> {
  const el = await page.$(selector);
  const box = await el?.boundingBox();
  if (!box) return null;
  for (let y = 0.15; y < 0.9; y += 0.05) {
    for (let x = 0.1; x < 0.95; x += 0.04) {
      await page.mouse.move(box.x + box.width * x, box.y + box.height * y);
      const text = await page.evaluate(() => {
        const t = document.getElementById('vg-tooltip-element');
        return t && t.classList.contains('visible') && getComputedStyle(t).display !== 'none' ? t.textContent : null;
      });
      if (text) return text;
    }
  }
  return null;
}

/** Answers "No" to JupyterLab's first-run question about news, so that it covers no output in the screenshot. */
async function dismissNews(page: Page): Promise<void> {
  const no = await page.evaluateHandle(() => Array.from(document.querySelectorAll('.jp-toast-button, .Toastify button')).find((b) => b.textContent?.trim() === 'No') ?? null);
  const el = no.asElement() as ElementHandle<Element> | null;
  if (el) await el.click();
}

/** An executed-looking notebook nobody signed: JupyterLab opens it untrusted, as a colleague's copy. */
async function untrustedNotebook(): Promise<Notebook> {
  const bands = [
    { band: '0%', lines: 4798, revenue: 1087908.47, profit: 320987.6, margin: 0.295 },
    { band: '1-20%', lines: 3803, revenue: 792152.89, profit: 91756.3, margin: 0.116 },
    { band: '21-50%', lines: 537, revenue: 232764.77, profit: -36163.8, margin: -0.155 },
    { band: '>50%', lines: 856, revenue: 184374.7, profit: -90183.07, margin: -0.489 },
  ];
  const output = (data: object) => ({ output_type: 'display_data', data, metadata: {} });
  const cell = (id: string, source: string, data: object) => ({ cell_type: 'code', id, metadata: {}, execution_count: 1, source: [source], outputs: [output(data)] });
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: [
      cell('k', 'show.kpis(…)', kpisBundle([{ label: 'Revenue', value: 2297200.86, format: 'money', previous: 1900000, lastYear: 2100000 }, { label: 'Orders', value: 5009 }])),
      cell('t', 'show.table(…)', tableBundle(bands, [{ key: 'band' }, { key: 'revenue', format: 'money' }, { key: 'margin', label: 'margin', format: 'percent' }])),
      cell('c', 'await show.chart(…)', await chartBundle(discountChart(bands as never, 595))),
    ],
  } as unknown as Notebook;
}

describe('JupyterLab 4, the notebook front end', () => {
  const cfg = loadConfig();
  // Inside the checkout, so that `import 'erp-insights'` resolves as from notebooks/; copies, so that autosave
  // never writes outputs into the committed notebooks.
  const dir = fs.mkdtempSync(path.join(projectRoot, '.cache', 'jupyterlab-test-'));
  const own = path.join(dir, '.jupyter');
  let lab: LabServer;
  let browser: Browser;
  let labLog = '';

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(projectRoot, 'node_modules/typescript/bin/tsc'), '-p', path.join(projectRoot, 'tsconfig.build.json')]);
    ensureSelfLink(projectRoot);
    fs.copyFileSync(path.join(projectRoot, 'notebooks', '01-explore-superstore.ipynb'), path.join(dir, '01-explore-superstore.ipynb'));
    fs.writeFileSync(path.join(dir, 'untrusted.ipynb'), serializeNotebook(await untrustedNotebook()));
    for (const d of ['config', 'data', 'runtime']) fs.mkdirSync(path.join(own, d), { recursive: true });
    const env = {
      // This checkout's tslab, under the kernel name users have ('tslab'), ahead of any registered one.
      JUPYTER_PATH: writeLocalKernelSpec(projectRoot),
      JUPYTER_CONFIG_DIR: path.join(own, 'config'),
      JUPYTER_DATA_DIR: path.join(own, 'data'),
      JUPYTER_RUNTIME_DIR: path.join(own, 'runtime'),
    };
    lab = await startJupyterLab({ root: dir, port: await freePort(), browser: false, env, log: (s) => void (labLog += s), readyTimeoutMs: 120_000 });
    browser = await launchBrowser(cfg.chromePath);
    fs.mkdirSync(shots, { recursive: true });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await lab?.close();
    fs.writeFileSync(path.join(projectRoot, 'test-artifacts', 'jupyterlab.log'), labLog);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('serves JupyterLab 4.6.6 from the project environment, with tslab as the default kernel, only to a client with its token', async () => {
    expect(findPython()).toBe(path.join(cfg.jupyterVenv, 'bin', 'python'));
    const base = new URL(lab.url()).origin;
    const token = new URL(lab.url()).searchParams.get('token')!;
    expect((await fetch(`${base}/api/kernelspecs`)).status).toBe(403);
    const specs = (await (await fetch(`${base}/api/kernelspecs`, { headers: { Authorization: `token ${token}` } })).json()) as { default: string; kernelspecs: Record<string, { spec: { argv: string[] } }> };
    expect(specs.default).toBe('tslab');
    expect(specs.kernelspecs.tslab!.spec.argv[0]).toBe(path.join(projectRoot, 'node_modules', '.bin', 'tslab'));
    expect(await (await fetch(lab.url())).text()).toContain('"appVersion": "4.6.6"');
  });

  it('runs 01-explore-superstore with Run → Run All Cells: each chart is a Vega view, and hovering a bar shows its tooltip', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(lab.url('01-explore-superstore.ipynb'), { waitUntil: 'networkidle2', timeout: 120_000 });
    await page.waitForSelector('.jp-Notebook .jp-CodeCell', { timeout: 120_000 });
    await waitForKernel(lab, '01-explore-superstore.ipynb', 180_000);
    const runMenu = await page.evaluateHandle(() => Array.from(document.querySelectorAll('.lm-MenuBar-item')).find((e) => e.textContent?.trim() === 'Run'));
    await (runMenu.asElement() as ElementHandle<Element>).click();
    await page.waitForSelector('.lm-Menu-item[data-command="runmenu:run-all"]', { visible: true });
    await page.click('.lm-Menu-item[data-command="runmenu:run-all"]');
    await waitForRunAll(page, 3, 360_000);
    const errors = await page.$$eval('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]', (els) => els.map((e) => e.textContent));
    expect(errors).toEqual([]);
    const views = await page.$$eval('.vega-embed', (els) => els.map((e) => e.querySelectorAll('svg.marks, canvas.marks').length));
    expect(views).toHaveLength(3);
    expect(views.every((n) => n === 1)).toBe(true);
    // The discount chart (the second): bars with a tooltip each.
    const chart = (await page.$$('.vega-embed'))[1]!;
    await chart.scrollIntoView();
    await page.evaluate((el) => el.setAttribute('data-test-chart', 'discounts'), chart);
    // Money in the findings is text, not TeX (`$2,504.74 to $22,638.48` once came out as math).
    expect(await page.$$eval('.jp-OutputArea-output mjx-container, .jp-OutputArea-output .MathJax', (els) => els.length)).toBe(0);
    await dismissNews(page);
    const tooltip = await hoverForTooltip(page, '[data-test-chart="discounts"] .marks');
    expect(tooltip).toMatch(/band/);
    expect(tooltip).toMatch(/revenue/);
    await page.screenshot({ path: path.join(shots, 'jupyterlab-01.png') });
    await page.close();
  }, 600_000);

  it('shows key figures and tables in their own look in an untrusted notebook, and its chart as a Vega view', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 1000 });
    await page.goto(lab.url('untrusted.ipynb'), { waitUntil: 'networkidle2', timeout: 120_000 });
    await page.waitForSelector('.jp-OutputArea-output .kpi-label', { timeout: 60_000 });
    await page.waitForSelector('.vega-embed .marks', { timeout: 60_000 });
    const seen = await page.evaluate(() => {
      const style = (sel: string) => {
        const e = document.querySelector(sel);
        if (!e) return null;
        const s = getComputedStyle(e);
        return { text: e.textContent?.trim(), color: s.color, background: s.backgroundColor, transform: s.textTransform, align: s.textAlign };
      };
      return { styleTags: document.querySelectorAll('.jp-OutputArea-output style').length, label: style('.kpi-label'), card: style('.kpi'), up: style('.kpi .up'), th: style('th'), num: style('td.num') };
    });
    expect(seen.styleTags).toBe(0); // the sanitiser dropped the stylesheet: the look below needs no trust
    expect(seen.label).toMatchObject({ text: 'Revenue', color: 'rgb(91, 101, 120)', transform: 'uppercase' });
    expect(seen.card?.background).toBe('rgb(246, 248, 251)');
    expect(seen.up?.color).toBe('rgb(30, 125, 69)');
    expect(seen.th?.background).toBe('rgb(246, 248, 251)');
    expect(seen.num?.align).toBe('right');
    await page.screenshot({ path: path.join(shots, 'jupyterlab-untrusted.png') });
    await page.close();
  }, 180_000);
});
