// The app's training worker (dist/app/train-worker.js) in headless Chromium trains the supernet to the
// very weights Node's tfjs trains (SHA-256 of every weight tensor): same data (the packed MNIST), same
// tfjs wasm setup (SIMD, one thread per worker), same library code; on one worker and with a gradient helper
// worker (grad-helper.js) alike. A tiny run: the mnist space, 1 epoch, 32 images.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { loadEmbeddedMnist } from '../../src/node/dataset-files.ts';
import { setupTfjs } from '../../src/node/tfjs-setup.ts';
import { Supernet, trainSupernet } from '../../src/nn/supernet.ts';
import { spacePreset } from '../../src/space/presets.ts';
import { testNeeding } from '../system-tools.ts';
import { CHROMIUM, openApp } from './browser.ts';

const IMAGES = 32;

testNeeding(CHROMIUM, 'chromium', 'test/app/train-worker.test.ts')('training worker in Chromium = Node: the same supernet weights, bit for bit, on 1 and 2 threads', async () => {
  const space = spacePreset('mnist');
  await setupTfjs();
  const sn = new Supernet(space, 1);
  const state = await trainSupernet(sn, (await loadEmbeddedMnist()).train, { epochs: 1, seed: 1, limit: IMAGES });
  sn.dispose();
  const h = createHash('sha256');
  for (const w of state.weights) h.update(new Uint8Array(w.buffer, w.byteOffset, w.byteLength));

  const s = await openApp();
  try {
    const page = await s.page();
    await page.goto(s.app.url);
    const sha = h.digest('hex');
    for (const threads of [1, 2]) {
      // A string, not a function: tsx would add helpers the page lacks.
      const inPage = await page.evaluate(`new Promise((resolve) => {
        const worker = new Worker('train-worker.js', { type: 'module' });
        let progress = 0;
        worker.onmessage = (e) => {
          if (e.data.type === 'progress') progress++;
          else { worker.terminate(); resolve({ ...e.data, state: undefined, epoch: e.data.state?.epoch, progress }); }
        };
        worker.postMessage({ type: 'train', spaceSpec: ${JSON.stringify(space.spec)}, epochs: 1, seed: 1, limit: ${IMAGES}, threads: ${threads} });
      })`) as { type: string; message?: string; weightsSha256?: string; simd?: boolean; epoch?: number; progress: number; threads?: number };
      assert.is(inPage.type, 'done', inPage.message);
      assert.is(inPage.epoch, 1);
      assert.ok(inPage.simd, 'SIMD binary, as in Node');
      assert.ok(inPage.progress > 0, 'progress events');
      assert.is(inPage.threads, threads);
      assert.is(inPage.weightsSha256, sha, `${threads} thread(s)`);
    }
    assert.equal(s.problems, []);
  } finally {
    await s.close();
  }
});

test.run();
