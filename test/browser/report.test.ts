// The report page in a real browser (headless Chromium via playwright-core, opened from a file: it needs
// no server): every plot lays out with a non-zero box and the expected number of points, and the page
// logs no console error. Saves a full-page screenshot to scratch/report.png for a human look. Needs
// /usr/bin/chromium (test/system-tools.ts: skipped without it, failed under CI).
import { test } from 'uvu';
import { testNeeding } from '../system-tools.ts';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runReportCommand } from '../../src/cli/report.ts';
import { readJournal } from '../../src/node/journal-file.ts';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = join(ROOT, 'test/report/fixtures/run-small');

testNeeding(CHROMIUM, 'chromium', 'test/browser/report.test.ts')('headless Chromium: every plot has a box and its points; no console error', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gibbon-report-browser-'));
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const out = join(tmp, 'report.html');
    await runReportCommand([FIXTURE, '--out', out], () => {});
    const records = readJournal<{ metrics: Record<string, number> }>(join(FIXTURE, 'journal.jsonl')).records;
    const fitting = records.filter((r) => r.metrics.fits !== 0).length;
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('requestfailed', (r) => errors.push(`request ${r.url()}`));
    await page.goto(pathToFileURL(out).href);
    const plots = await page.$$eval('svg[data-plot]', (svgs) => svgs.map((s) => {
      const box = s.getBoundingClientRect();
      const circles = Array.from(s.querySelectorAll('circle'));
      const inside = circles.every((c) => { const b = c.getBoundingClientRect(); return b.width > 0 && b.left >= box.left - 1 && b.right <= box.right + 1 && b.top >= box.top - 1 && b.bottom <= box.bottom + 1; });
      return { name: s.getAttribute('data-plot'), width: box.width, height: box.height, circles: circles.length, inside };
    }));
    assert.equal(plots.map((p) => p.name), ['accuracy-edp', 'accuracy-area', 'accuracy-latency', 'hypervolume']);
    for (const p of plots) {
      assert.ok(p.width > 100 && p.height > 80, `${p.name}: box ${p.width} x ${p.height}`);
      assert.is(p.circles, p.name === 'hypervolume' ? records.length : fitting, `${p.name}: points`);
      assert.ok(p.inside, `${p.name}: every point drawn inside the plot`);
    }
    const rows = await page.$$eval('table[data-table="front"] tbody tr', (r) => r.length);
    assert.is(rows, 3);
    mkdirSync(join(ROOT, 'scratch'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'scratch/report.png'), fullPage: true });
    assert.equal(errors, [], 'no console errors');
  } finally {
    await browser.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
