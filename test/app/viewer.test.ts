// The app's run viewer in headless Chromium: a CLI run directory, picked as a directory or dropped as
// files, gives the page `gibbon report` writes for it (the same bytes but the header's path and the
// footer's time stamp); a damaged file gives one message naming the file and the field.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { runReportCommand } from '../../src/cli/report.ts';
import { testNeeding } from '../system-tools.ts';
import { CHROMIUM, openApp, settled, settledCount } from './browser.ts';

const FIXTURE = fileURLToPath(new URL('../report/fixtures/run-small', import.meta.url));

/** The page without what legitimately differs: the run's path in the header and the footer's time stamp. */
const normalized = (html: string) => html.replace(/<p class="sub">[^<]*<\/p>/, '<p class="sub">RUN</p>').replace(/gibbon report, \d{4}-\d\d-\d\dT[\d:.]+Z\./, 'gibbon report.');

/** Equal strings; else fails showing the first difference (not two whole pages). */
function sameText(got: string, want: string, what: string): void {
  if (got === want) return;
  let i = 0;
  while (i < got.length && got[i] === want[i]) i++;
  assert.unreachable(`${what}: differs at character ${i}: got ${JSON.stringify(got.slice(i, i + 120))}, want ${JSON.stringify(want.slice(i, i + 120))}`);
}

/** Drops files on the drop zone as a user's drag and drop does (a DataTransfer with the files). */
async function dropFiles(page: Page, files: Array<{ name: string; text: string }>): Promise<void> {
  const transfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([f.text], f.name));
    return dt;
  }, files);
  await page.dispatchEvent('#viewer-drop', 'drop', { dataTransfer: transfer });
}

testNeeding(CHROMIUM, 'chromium', 'test/app/viewer.test.ts')('run viewer: a CLI run directory gives gibbon report\'s page; a bad file one message', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gibbon-app-viewer-'));
  const s = await openApp();
  try {
    const out = join(tmp, 'report.html');
    await runReportCommand([FIXTURE, '--out', out], () => {});
    const cli = normalized(readFileSync(out, 'utf8'));

    const page = await s.page();
    await page.goto(`${s.app.url}?tab=viewer`);
    await page.waitForFunction(() => document.body.dataset.ready === '1');
    let before = await settledCount(page);
    await page.setInputFiles('#viewer-dir', FIXTURE);
    assert.is(await settled(page, before), 'done');
    sameText(normalized(await page.$eval('#viewer-report', (f) => (f as HTMLIFrameElement).srcdoc)), cli, 'picked directory');
    const frame = page.frameLocator('#viewer-report');
    assert.is(await frame.locator('svg[data-plot]').count(), 4);
    assert.is(await frame.locator('table[data-table="front"] tbody tr').count(), 3);
    await page.screenshot({ path: fileURLToPath(new URL('../../scratch/app-viewer.png', import.meta.url)) });

    const files = readdirSync(FIXTURE).map((name) => ({ name, text: readFileSync(join(FIXTURE, name), 'utf8') }));
    before = await settledCount(page);
    await dropFiles(page, files);
    assert.is(await settled(page, before), 'done');
    sameText(normalized(await page.$eval('#viewer-report', (f) => (f as HTMLIFrameElement).srcdoc)), cli, 'dropped files');

    const front = JSON.parse(files.find((f) => f.name === 'front.json')!.text);
    front[1].metrics.accuracy = 'high';
    before = await settledCount(page);
    await dropFiles(page, files.map((f) => (f.name === 'front.json' ? { name: f.name, text: JSON.stringify(front) } : f)));
    assert.is(await settled(page, before), 'error');
    assert.is(await page.textContent('#message'), 'front.json: [1].metrics.accuracy: got "high"; allowed: a fraction in [0, 1]');
    assert.ok(await page.locator('#viewer-report').isHidden());
    assert.equal(s.problems, []);
  } finally {
    await s.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
