// The app's simulate panel in headless Chromium (served by gibbon serve's server): its result is
// byte-identical to `gibbon simulate --json` with the same choices: from the query, from real typing in a
// knob field, from picked network and arch files; bad input shows the CLI's one-line message on the page.
// Needs /usr/bin/chromium (test/system-tools.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSimulate } from '../../src/cli/simulate.ts';
import { ZOO } from '../../src/hw/zoo.ts';
import { GibbonError } from '../../src/util/errors.ts';
import { testNeeding } from '../system-tools.ts';
import { CHROMIUM, openApp, settled, settledCount } from './browser.ts';

/** What `gibbon simulate <args> --json` prints. */
async function cliJson(args: string[]): Promise<string> {
  let out = '';
  await runSimulate([...args, '--json'], (s) => { out += s; });
  return out;
}

async function cliError(args: string[]): Promise<string> {
  try { await cliJson(args); } catch (e) { if (e instanceof GibbonError) return e.message; throw e; }
  throw new Error(`gibbon simulate ${args.join(' ')} did not fail`);
}

testNeeding(CHROMIUM, 'chromium', 'test/app/simulate.test.ts')('simulate panel = gibbon simulate --json, byte for byte; bad input shows the CLI message', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gibbon-app-sim-'));
  const s = await openApp();
  try {
    const page = await s.page();
    const pageJson = () => page.evaluate(() => `${JSON.stringify(window.gibbonSimulation, null, 2)}`);

    // 1. pre-filled by the query, autorun
    await page.goto(`${s.app.url}?tab=simulate&net=vgg8&arch=gibbon-base&model=mnsim-2.0&no-pipeline=1&set=xbar.size=256&set=nonideal.safHrsPct=1&autorun=1`);
    assert.is(await settled(page), 'done');
    assert.is(await pageJson(), await cliJson(['--net', 'vgg8', '--arch', 'gibbon-base', '--model', 'mnsim-2.0', '--no-pipeline', '--set', 'xbar.size=256', '--set', 'nonideal.safHrsPct=1']));

    // 2. typing into a knob field re-simulates
    let before = await settledCount(page);
    await page.getByLabel('ADC bits').fill('6');
    assert.is(await settled(page, before), 'done');
    assert.is(await pageJson(), await cliJson(['--net', 'vgg8', '--arch', 'gibbon-base', '--model', 'mnsim-2.0', '--no-pipeline', '--set', 'xbar.size=256', '--set', 'adc.bits=6', '--set', 'nonideal.safHrsPct=1']));

    // 3. a bad value: the CLI's message on the page, state "error"
    before = await settledCount(page);
    await page.getByLabel('crossbar size').fill('5000');
    assert.is(await settled(page, before), 'error');
    const message = await page.textContent('#message');
    assert.is(message, await cliError(['--net', 'vgg8', '--arch', 'gibbon-base', '--set', 'xbar.size=5000']));
    assert.ok(!/\bat \S+:\d+/.test(message ?? ''), 'no stack trace on the page');

    // 4. network and arch from picked files, pipeline back on, model gibbon
    const netFile = join(tmp, 'my-lenet.json'), archFile = join(tmp, 'small-xbar.json');
    writeFileSync(netFile, JSON.stringify({ name: 'my-lenet', layers: ZOO.lenet.layers }));
    writeFileSync(archFile, JSON.stringify({ base: 'gibbon-base', xbar: { size: 64 } }));
    await page.getByLabel('crossbar size').fill('');
    await page.getByLabel('ADC bits').fill('');
    await page.locator('#sim-sets').fill('');
    await page.check('#sim-pipeline');
    await page.selectOption('#sim-model', 'gibbon');
    before = await settledCount(page);
    await page.setInputFiles('#sim-net-file', netFile);
    await page.waitForFunction((n) => Number(document.body.dataset.settled) > n, before);
    before = await settledCount(page);
    await page.setInputFiles('#sim-arch-file', archFile);
    assert.is(await settled(page, before), 'done');
    assert.is(await pageJson(), await cliJson(['--net', netFile, '--arch', archFile]));

    // 5. a network file with a bad field: the message names the file and the field
    writeFileSync(netFile, JSON.stringify({ layers: [{ type: 'conv', inChannels: 1, inSize: [28, 28], outChannels: 0, kernel: 3 }] }));
    before = await settledCount(page);
    await page.setInputFiles('#sim-net-file', netFile);
    assert.is(await settled(page, before), 'error');
    assert.is(await page.textContent('#message'), await cliError(['--net', netFile, '--arch', archFile]));

    // 6. an unknown query parameter
    await page.goto(`${s.app.url}?tab=simulate&nett=vgg8`);
    await page.waitForFunction(() => document.body.dataset.state === 'error');
    assert.match(await page.textContent('#message') ?? '', /^query: nett: got an unknown parameter; allowed for tab=simulate: tab, autorun, net, arch, model, no-pipeline, set$/);
    assert.equal(s.problems, []);
  } finally {
    await s.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
