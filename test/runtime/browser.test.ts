// The web bundle in a real browser tab (headless Chromium, driven by playwright-core): the hardware
// simulator in the page and on a pool of module Web Workers, and the functional simulator through that
// pool, all equal to Node's results; and the search library with a web-standard run store (a study into a
// memory store) giving Node's front, summary and journal. Needs /usr/bin/chromium (test/system-tools.ts: skipped without it, failed under CI).
import { test } from 'uvu';
import { testNeeding } from '../system-tools.ts';
import * as assert from 'uvu/assert';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulator, zooLayers, arch as archOf } from '../helpers.ts';
import { applySets, ARCH_PRESETS } from '../../src/hw/arch.ts';
import { randomPimModel, LENET_SPEC } from '../../src/pim/random-model.ts';
import { serializePimModel, parsePimModel } from '../../src/pim/model-file.ts';
import { InThreadPimExecutor } from '../../src/pim/executor.ts';
import { runPim } from '../../src/pim/run.ts';
import { Rng } from '../../src/util/rng.ts';
import { memoryRunStore } from '../../src/run/store.ts';
import { runStudy } from '../../src/run/study.ts';
import { syntheticEvaluator, syntheticProblem } from '../../src/search/synthetic.ts';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.json': 'application/json' };

const model = randomPimModel(LENET_SPEC, new Rng(31));
const rng = new Rng(32);
const N = 24;
const inputs = Uint8Array.from({ length: N * 784 }, () => (rng.next() < 0.7 ? 0 : rng.int(256)));
const labels = Uint8Array.from({ length: N }, () => rng.int(10));

function serve(): Promise<{ server: Server; port: number }> {
  const extra: Record<string, [string, Buffer | string]> = {
    '/': ['text/html', '<!doctype html><meta charset="utf-8"><script type="module" src="/test/browser/page.js"></script>'],
    '/model.json': ['application/json', JSON.stringify(serializePimModel(model))],
    '/inputs.bin': ['application/octet-stream', Buffer.from(inputs)],
    '/labels.bin': ['application/octet-stream', Buffer.from(labels)],
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const fixed = extra[path];
    if (fixed) { res.writeHead(200, { 'content-type': fixed[0] }); res.end(fixed[1]); return; }
    const file = join(ROOT, path);
    if (!file.startsWith(ROOT) || !(path.startsWith('/dist/') || path.startsWith('/test/browser/')) || !existsSync(file)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port })));
}

testNeeding(CHROMIUM, 'chromium', 'test/runtime/browser.test.ts')('headless Chromium: simulator, Web Worker pool and functional simulator equal Node', async () => {
  const { chromium } = await import('playwright-core');
  const { server, port } = await serve();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    const result = new Promise<string>((resolve) => page.on('console', (m) => { if (m.text().startsWith('RESULT ')) resolve(m.text().slice(7)); }));
    await page.goto(`http://127.0.0.1:${port}/`);
    const out = JSON.parse(await Promise.race([result, new Promise<string>((_, rej) => setTimeout(() => rej(new Error('no RESULT from the page in 60 s')), 60000))]));
    assert.is(out.error, undefined, out.error);
    const sim = await simulator();
    const node = sim.simulate(zooLayers('vgg8'), archOf(), { model: 'mnsim-2.0' });
    assert.equal(out.vgg8, node.totals, 'VGG8 totals in the page = in Node');
    assert.equal(out.vgg8Layers, node.layers.map((l) => [l.tiles, l.lastDoneNs, l.energyNj]));
    assert.is(out.vgg8.tiles, 322);
    assert.equal(out.poolTotals, out.inThreadTotals, 'Web Worker pool = in-page');
    const jobs = [];
    for (const size of [128, 256, 512]) for (const bits of [4, 6, 8, 10]) jobs.push({ layers: zooLayers('vgg8'), arch: applySets(ARCH_PRESETS['gibbon-base'], [`xbar.size=${size}`, `adc.bits=${bits}`]) });
    assert.equal(out.poolTotals, sim.simulateBatch(jobs, { detail: 'totals' }).map((p) => p.totals), 'browser pool = Node');
    const a = applySets(ARCH_PRESETS['gibbon-base'], ['adc.bits=6', 'nonideal.safHrsPct=1', 'nonideal.variationSigmaPctOfR=5']);
    const exec = new InThreadPimExecutor(sim);
    const nodePim = await runPim(exec, parsePimModel(serializePimModel(model), 'model.json'), a, inputs, { labels, trials: 2, seed: 7, batchSize: 8 });
    exec.dispose();
    assert.equal(out.pim.logits, Array.from(nodePim.logits), 'functional simulator through Web Workers = Node');
    assert.equal(out.pim.inThreadLogits, Array.from(nodePim.logits));
    assert.is(out.pim.accuracy, nodePim.accuracyMean);
    for (const [name, type] of out.exports as [string, string][]) assert.is(type, 'function', `gibbon-ts/web exports ${name}`);
    const nodeStore = memoryRunStore('node');
    await runStudy(nodeStore, { problem: syntheticProblem(), algorithm: 'esapp', options: { populationSize: 10 }, seed: 3, budget: 40, chunkSize: 4, hypervolume: { ref: [1.1, 1.1] } }, syntheticEvaluator());
    assert.is(out.study.front, nodeStore.data.documents.get('front.json'), 'a study in the page = in Node (front.json)');
    assert.is(out.study.summary, nodeStore.data.documents.get('summary.json'));
    assert.equal(out.study.journal, nodeStore.data.journal);
  } finally {
    await browser.close();
    server.close();
  }
});

test.run();
