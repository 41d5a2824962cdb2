// The app's search panel in headless Chromium against `node dist/cli.js search` with the same settings:
// a small search typed into the form and started with a click gives front.json (window.gibbonFront), and
// the downloaded front.csv and journal.jsonl, byte-identical to the CLI's files (supernet trained in the
// page's worker on the packed MNIST, the RNN predictor on), while a second tab is refused that run, naming it;
// a run stopped, resumed, cut off by a reload and resumed again ends with the same bytes; a bad space file
// shows the CLI's one line; bad values typed into the form the CLI's messages; an IDX dataset directory
// picked in the page gives the front of --dataset idx:<dir>. Needs /usr/bin/chromium.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { loadEmbeddedMnist } from '../../src/node/dataset-files.ts';
import type { Split } from '../../src/data/types.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { parseSearchArgs } from '../../src/cli/search.ts';
import { resolveSpace } from '../../src/space/space.ts';
import { GibbonError } from '../../src/util/errors.ts';
import { testNeeding } from '../system-tools.ts';
import { CHROMIUM, openApp, settled, settledCount } from './browser.ts';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
/** Small enough for the test budget: one epoch on 256 images, 12 evaluations of 50 validation images. */
const SETTINGS: Record<string, string> = { budget: '12', population: '4', seed: '3', limit: '50', 'test-limit': '50', workers: '2', 'supernet-epochs': '1', 'supernet-limit': '256' };

/** Types a flag's value into its form field as a user does (click, select all, delete, type). */
async function typeFlag(page: Page, flag: string, value: string): Promise<void> {
  const field = page.locator(`#search-form [data-flag="${flag}"]`);
  await field.click();
  await field.press('Control+A');
  await field.press('Backspace');
  if (value !== '') await field.pressSequentially(value);
}

/** Waits until the progress line shows `text`; fails with the page's state and message if the run ends first. */
async function progressShows(page: Page, text: string): Promise<void> {
  await page.waitForFunction((t) => (document.getElementById('search-progress')?.textContent ?? '').includes(t) || document.body.dataset.state !== 'running', text, { timeout: 90_000 });
  const now = await page.evaluate(() => ({ state: document.body.dataset.state, progress: document.getElementById('search-progress')?.textContent, message: document.getElementById('message')?.textContent }));
  if (now.state !== 'running' || !(now.progress ?? '').includes(text)) assert.unreachable(`waiting for "${text}": the run ended: ${JSON.stringify(now)}`);
}

/** A download button's file, as the browser saves it. */
async function downloaded(page: Page, name: string, dir: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(`button[data-download="${name}"]`)]);
  const path = join(dir, `browser-${name}`);
  await file.saveAs(path);
  return readFileSync(path, 'utf8');
}

const spaceMessage = (text: string, name: string): string => {
  try { resolveSpace(JSON.parse(text), name); } catch (e) { if (e instanceof GibbonError) return e.message; throw e; }
  throw new Error('the bad space resolved');
};

testNeeding(CHROMIUM, 'chromium', 'test/app/search.test.ts')('search panel = gibbon search, byte for byte (front.json, front.csv, journal.jsonl), after Stop, a reload and resumes too; one tab per run; a bad space file one line', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gibbon-app-search-'));
  const s = await openApp();
  let step = 'the first run';
  let node: Promise<unknown> | undefined;
  try {
    const t0 = performance.now();
    const args = Object.entries(SETTINGS).flatMap(([k, v]) => [`--${k}`, v]);
    // The CLI runs while the page runs (most of either's time is waiting for the shared cores), and is awaited before the first comparison.
    let tNode = 0;
    node = promisify(execFile)(process.execPath, [CLI, 'search', ...args, '--out', 'run'], { cwd: tmp }).then(() => { tNode = performance.now(); });
    const cli = (f: string) => readFileSync(join(tmp, 'run', f), 'utf8');

    const page = await s.page();
    await page.goto(`${s.app.url}?tab=search`);
    await page.waitForFunction(() => document.body.dataset.ready === '1');
    for (const [flag, value] of Object.entries(SETTINGS)) await typeFlag(page, flag, value);
    let before = await settledCount(page);
    await page.click('#search-run');
    // One tab per run: a second tab, while the first trains the run's supernet (its worker holds the run's
    // lock by then), is offered the run as running elsewhere, and a resume there is refused naming it.
    step = 'a second tab';
    await progressShows(page, 'supernet');
    const other = await page.context().newPage();
    await other.goto(`${s.app.url}?tab=search`);
    await other.waitForFunction(() => document.body.dataset.ready === '1');
    assert.match(await other.textContent('#search-kept-text') ?? '', /search-mnist-s3 .* It is running in another tab of this browser now\.$/);
    await other.click('#search-resume');
    assert.is(await settled(other, 0, 60_000), 'error');
    assert.is(await other.textContent('#message'), 'browser run "search-mnist-s3": run in use by gibbon search in another tab or window of this browser; one tab per run: continue it there, or close that tab and resume it here');
    await other.close();
    step = 'the first run';
    assert.is(await settled(page, before, 150_000), 'done', await page.textContent('#message') ?? '');
    const tBrowser = performance.now();
    await node;
    assert.is(await page.evaluate(() => window.gibbonFront), cli('front.json'), 'front.json');
    assert.is(await downloaded(page, 'front.csv', tmp), cli('front.csv'), 'front.csv');
    assert.is(await downloaded(page, 'journal.jsonl', tmp), cli('journal.jsonl'), 'journal.jsonl');
    assert.match(await downloaded(page, 'report.html', tmp), /<table data-table="front">/);
    assert.is(await page.locator('#search-front table[data-table="front"] tbody tr').count(), JSON.parse(cli('front.json')).length);
    assert.is(await page.locator('#search-plots svg[data-plot]').count(), 4);
    // a click on a front row: that design's per-layer hardware (the report's breakdown), its row highlighted
    const row = page.locator('#search-front tr[data-design]').first();
    const id = await row.getAttribute('data-design');
    await row.click();
    await page.waitForSelector('#search-breakdown table[data-table="breakdown"] tr.total');
    assert.is(await page.textContent('#search-breakdown h3'), `Per-layer hardware of design #${id}`);
    assert.is(await page.locator(`#search-front tr.chosen[data-design="${id}"]`).count(), 1);
    await page.screenshot({ path: fileURLToPath(new URL('../../scratch/app-search.png', import.meta.url)), fullPage: true });

    // A second run of the same settings (its supernet kept), stopped after its first generation ...
    step = 'stop';
    await typeFlag(page, 'out', 'cut-off');
    before = await settledCount(page);
    await page.click('#search-run');
    await progressShows(page, 'evaluations 4/12');
    await page.click('#search-stop');
    assert.is(await settled(page, before, 60_000), 'done', await page.textContent('#message') ?? '');
    assert.match(await page.textContent('#message') ?? '', /\| stopped \(Resume continues it\) \|/);
    const stoppedAt = Number(/(\d+) evaluations/.exec(await page.textContent('#message') ?? '')![1]);
    assert.ok(stoppedAt < 12, `stopped before the budget (${stoppedAt})`);
    // ... offered for resume, resumed, and cut off by a reload while it evaluates ...
    step = 'resume, then reload';
    assert.match(await page.textContent('#search-kept-text') ?? '', new RegExp(`cut-off \\(space mnist, ${stoppedAt} of 12 evaluations journaled`));
    await page.click('#search-resume');
    // in its next generation (stopped at 8, only the last is left: cut off while its worker starts)
    if (stoppedAt === 4) await progressShows(page, 'evaluations 8/12');
    else await page.waitForTimeout(1000);
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === '1');
    // ... offered again, resumed: the uninterrupted CLI run's front.
    step = 'resume after the reload';
    const offer = await page.textContent('#search-kept-text') ?? '';
    assert.match(offer, /An unfinished run is kept in this browser: cut-off \(space mnist, \d+ of 12 evaluations journaled/);
    const journaled = Number(/(\d+) of 12/.exec(offer)![1]);
    before = await settledCount(page);
    await page.click('#search-resume');
    assert.is(await settled(page, before, 60_000), 'done', await page.textContent('#message') ?? '');
    assert.is(await page.evaluate(() => window.gibbonFront), cli('front.json'), 'front.json after stop, resume, reload and resume');
    assert.ok(await page.locator('#search-kept').isHidden(), 'nothing left to resume');
    const tResume = performance.now();

    step = 'a bad space file';
    // A bad space file: one line naming the file, shown at once.
    const bad = JSON.stringify({ name: 'bad', input: { channels: 1, height: 28, width: 28 }, stages: 'three' });
    before = await settledCount(page);
    await page.setInputFiles('#search-space-file', { name: 'bad-space.json', mimeType: 'application/json', buffer: Buffer.from(bad) });
    assert.is(await settled(page, before), 'error');
    assert.is(await page.textContent('#message'), spaceMessage(bad, 'bad-space.json'));
    assert.equal(s.problems, []);
    console.log(`search test (node and chromium side by side): node ${((tNode - t0) / 1000).toFixed(1)} s, chromium ${((tBrowser - t0) / 1000).toFixed(1)} s, stop, resume, reload, resume ${((tResume - Math.max(tNode, tBrowser)) / 1000).toFixed(1)} s (stopped at ${stoppedAt}, ${journaled} of 12 journaled at the reload)`);
  } catch (error) {
    (error as Error).message = `${step}: ${(error as Error).message}`;
    throw error;
  } finally {
    await s.close();
    await node?.catch(() => undefined); // as below: the CLI run ends before its directory goes
    rmSync(tmp, { recursive: true, force: true });
  }
});

/** An IDX file: the magic (unsigned bytes, dims), big-endian sizes, the bytes. */
function idx(dims: number[], bytes: Uint8Array): Uint8Array {
  const head = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  head.setUint32(0, 0x0800 + dims.length);
  dims.forEach((d, i) => head.setUint32(4 + 4 * i, d));
  return new Uint8Array([...new Uint8Array(head.buffer), ...bytes]);
}

/** The first n images of an MNIST split as IDX files (images, labels). */
const idxPair = (s: Split, n: number) => [idx([n, 28, 28], s.images.subarray(0, n * 784)), idx([n], s.labels.subarray(0, n))];

testNeeding(CHROMIUM, 'chromium', 'test/app/search.test.ts')('a dataset directory picked in the page (IDX files, one gzipped) = gibbon search --dataset idx:<dir>, byte for byte', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gibbon-app-search-idx-'));
  const s = await openApp();
  let node: Promise<unknown> | undefined;
  try {
    const mnist = await loadEmbeddedMnist();
    const dir = join(tmp, 'digits');
    mkdirSync(dir);
    const [trainImages, trainLabels] = idxPair(mnist.train, 600), [testImages, testLabels] = idxPair(mnist.test, 100);
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(trainImages));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), trainLabels);
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), testImages);
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), testLabels);
    const settings: Record<string, string> = { budget: '4', population: '4', seed: '2', limit: '30', 'test-limit': '30', workers: '2', 'supernet-epochs': '1', 'supernet-limit': '128' };
    const args = [...Object.entries(settings).flatMap(([k, v]) => [`--${k}`, v]), '--no-predictor', '--dataset', `idx:${dir}`, '--out', 'run'];
    node = promisify(execFile)(process.execPath, [CLI, 'search', ...args], { cwd: tmp });

    const page = await s.page();
    await page.goto(`${s.app.url}?tab=search`);
    await page.waitForFunction(() => document.body.dataset.ready === '1');
    await page.setInputFiles('#search-dataset-dir', dir);
    // the page reads the picked files asynchronously (File.arrayBuffer) before it sets the dataset field: wait
    // for it to say so (or fail), else a loaded machine reads the field before the pick is done
    await page.waitForFunction(() => (document.getElementById('message')?.textContent ?? '').includes('file(s) picked') || document.body.dataset.state === 'error', null, { timeout: 60_000 });
    assert.is(await page.textContent('#message'), 'dataset idx:digits: 4 file(s) picked');
    assert.is(await page.inputValue('#search-dataset'), 'idx:digits');
    for (const [flag, value] of Object.entries(settings)) await typeFlag(page, flag, value);
    await page.click('#search-form [data-flag="no-predictor"]');
    const before = await settledCount(page);
    await page.click('#search-run');
    assert.is(await settled(page, before, 120_000), 'done', await page.textContent('#message') ?? '');
    await node;
    assert.is(await page.evaluate(() => window.gibbonFront), readFileSync(join(tmp, 'run', 'front.json'), 'utf8'));
    assert.equal(s.problems, []);
  } finally {
    await s.close();
    // the CLI run must end before its directory goes: else a failed assertion above is hidden by its crash
    await node?.catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
});

/** What `gibbon search <args>` says of bad flags. */
function cliMessage(args: string[]): string {
  try { parseSearchArgs(args); } catch (e) { if (e instanceof GibbonError) return e.message; throw e; }
  throw new Error(`gibbon search ${args.join(' ')} was accepted`);
}

testNeeding(CHROMIUM, 'chromium', 'test/app/search.test.ts')('bad values typed into the search form: the CLI\'s one line, nothing started', async () => {
  const s = await openApp();
  try {
    const page = await s.page();
    await page.goto(`${s.app.url}?tab=search`);
    await page.waitForFunction(() => document.body.dataset.ready === '1');
    const cases: Array<[string, string]> = [['max-edp', 'x'], ['budget', '0'], ['time', '10 minutes'], ['algorithm-options', '{"temprature":1}'], ['supernet-limit', '0'], ['objectives', 'accuracy,speed']];
    for (const [flag, value] of cases) {
      await typeFlag(page, flag, value);
      const before = await settledCount(page);
      await page.click('#search-run');
      assert.is(await settled(page, before), 'error', `--${flag} ${value}`);
      assert.is(await page.textContent('#message'), cliMessage([`--${flag}`, value]));
      await typeFlag(page, flag, ''); // cleared: the CLI's default again
    }
    assert.ok(await page.locator('#search-kept').isHidden(), 'no run was kept');
    assert.equal(s.problems, []);
  } finally {
    await s.close();
  }
});

test.run();
