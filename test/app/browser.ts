// Shared by the app's browser tests: the built app served by `gibbon serve`'s server on 127.0.0.1 and a
// headless Debian Chromium driven by playwright-core (launch flags as in test/runtime/browser.test.ts).
import type { Browser, Page } from 'playwright-core';
import { startAppServer, type AppServer } from '../../src/cli/serve.ts';

export const CHROMIUM = '/usr/bin/chromium';

export interface AppSession {
  app: AppServer;
  browser: Browser;
  /** A new page (in a new context) that records console errors, page errors and failed requests in `problems`, as do other pages of its context. */
  page(viewport?: { width: number; height: number }): Promise<Page>;
  problems: string[];
  close(): Promise<void>;
}

export async function openApp(): Promise<AppSession> {
  const { chromium } = await import('playwright-core');
  const app = await startAppServer({ port: 0 });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems: string[] = [];
  return {
    app, browser, problems,
    async page(viewport = { width: 1300, height: 900 }) {
      // A context of its own: a test may open a second tab in it (page.context().newPage(): same IndexedDB, same Web Locks).
      const context = await browser.newContext({ viewport });
      const watch = (page: Page) => {
        page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
        page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
        page.on('requestfailed', (r) => problems.push(`request ${r.url()}: ${r.failure()?.errorText}`));
      };
      context.on('page', watch);
      return context.newPage();
    },
    async close() { await browser.close(); await app.close(); },
  };
}

/** How many runs of the page have ended so far (document.body.dataset.settled). */
export function settledCount(page: Page): Promise<number> {
  return page.evaluate(() => Number(document.body.dataset.settled ?? 0));
}

/** Waits until more than `before` runs have ended; returns the page state ("done" or "error"). */
export async function settled(page: Page, before = 0, timeoutMs = 60_000): Promise<string> {
  await page.waitForFunction((n) => Number(document.body.dataset.settled ?? 0) > n, before, { timeout: timeoutMs });
  return page.evaluate(() => document.body.dataset.state ?? '');
}
