import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../src/index.js';
import { EXCEPTION_REASON, sampleModel } from './sample-model.js';

/** Debian's chromium package; CK8S_CHROMIUM points elsewhere on other systems. */
const CHROMIUM = process.env.CK8S_CHROMIUM ?? '/usr/bin/chromium';
// the machines that run this have no internet: nothing in the background may try to reach it
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const WIDTH = 1280;

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('the report in headless Chromium', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ck8s-report-browser-'));
  const file = path.join(dir, 'report.html');
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  let browser: Browser | undefined;
  let page: Page;

  let missing: Error | undefined;
  /** Every test fails (vitest would count them as skipped if beforeAll threw) when there is no browser. */
  function needBrowser(): void {
    if (missing) throw missing;
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      missing = new Error(
        `chromium not found at ${CHROMIUM}: install Debian's package (apt-get install -y --no-install-recommends chromium; \`npm run setup\` does it when run as root) or set CK8S_CHROMIUM to a Chromium binary`,
      );
      return;
    }
    writeFileSync(file, renderReport(sampleModel()));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60_000 });
    page = await browser.newPage({ viewport: { width: WIDTH, height: 900 } });
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the key sections as headings', async () => {
    needBrowser();
    await expect(page.getByRole('heading', { level: 1, name: 'ck8s fleet report' }).isVisible()).resolves.toBe(true);
    for (const name of ['Clusters', 'Validation', 'Cluster demo-wc', 'Cluster demo-sc', 'Recent changes']) {
      await expect(page.getByRole('heading', { level: 2, name, exact: true }).isVisible(), name).resolves.toBe(true);
    }
    const cluster = page.getByRole('region', { name: 'Cluster demo-wc' });
    for (const name of ['Components', 'Controls', 'Policy exceptions', 'Secrets']) {
      await expect(cluster.getByRole('heading', { level: 3, name, exact: true }).isVisible(), name).resolves.toBe(true);
    }
  });

  it('shows a control with its status, an exception with its reason and a commit', async () => {
    needBrowser();
    const row = page.locator('#demo-wc-ck8s-rbac-001');
    await expect(row.getByText('CK8S-RBAC-001').isVisible()).resolves.toBe(true);
    await expect(row.getByText('fail', { exact: true }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('cell', { name: EXCEPTION_REASON, exact: true }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('cell', { name: 'demo-sc: registry storage' }).isVisible()).resolves.toBe(true);
    // escaped markup is text on the page, never an element
    await expect(page.getByText('reason with markup <script>alert("owned")</script>').isVisible()).resolves.toBe(true);
    await expect(page.locator('script').count()).resolves.toBe(0);
  });

  it('loads nothing but itself and fits the window', async () => {
    needBrowser();
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(consoleErrors).toEqual([]);
    // evaluated as a string: the tests compile without the DOM library
    await expect(page.evaluate<number>('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(WIDTH);
  });

  it('takes a screenshot of the whole page', async () => {
    needBrowser();
    const shot = path.join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    const png = readFileSync(shot);
    const { width, height } = pngSize(png);
    expect(width).toBe(WIDTH);
    expect(height).toBeGreaterThan(1500);
    // a blank or unstyled page compresses to a few kilobytes
    expect(statSync(shot).size).toBeGreaterThan(50_000);
  });
});
