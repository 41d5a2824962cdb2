// The browser app against Node on the same machine, side by side: (1) hardware evaluations per second of
// mnist-space candidates, in this thread / the page's thread and on a pool of 2 workers (Piscina threads /
// Web Workers), results checked equal; (2) one supernet epoch (the mnist space, seed 1) in Node's tfjs
// wasm and in the app's training worker in headless Chromium, weights checked bit-identical (SHA-256).
// Asserts nothing about time; the last line is one JSON object.
//   npm run bench:app [-- --candidates N] [--limit IMAGES] [--workers W] [--skip-epoch]
// (--limit caps the epoch's training images, default 7000: all of them; the epoch's time grows with it.)
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startAppServer } from '../src/cli/serve.ts';
import { resolveNetwork } from '../src/hw/network.ts';
import type { SimJob } from '../src/hw/simulator.ts';
import { loadDataset } from '../src/node/dataset-files.ts';
import { createNodePool } from '../src/node/pool.ts';
import { loadSimulatorNode } from '../src/node/simulator.ts';
import { setupTfjs } from '../src/node/tfjs-setup.ts';
import { Supernet, trainSupernet } from '../src/nn/supernet.ts';
import { toArch, toNetworkSpec } from '../src/space/convert.ts';
import { spacePreset } from '../src/space/presets.ts';
import { Rng } from '../src/util/rng.ts';

const { values } = parseArgs({ options: { candidates: { type: 'string' }, limit: { type: 'string' }, workers: { type: 'string' }, 'skip-epoch': { type: 'boolean' } } });
const CANDIDATES = Number(values.candidates ?? 2000);
const LIMIT = Number(values.limit ?? 7000);
const WORKERS = Number(values.workers ?? 2);
const RUNS = 5;
const CHROMIUM = '/usr/bin/chromium';
const ROOT = new URL('..', import.meta.url).pathname;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// ===== Inputs: random candidates of the mnist space that fit the chip (setup, untimed) =====
const space = spacePreset('mnist');
const sim = await loadSimulatorNode();
const rng = new Rng(20261206);
const jobs: SimJob[] = [];
while (jobs.length < CANDIDATES) {
  const c = space.sample(rng);
  const job: SimJob = { layers: resolveNetwork(toNetworkSpec(space, c), 'candidate').layers, arch: toArch(space, c), options: { model: 'gibbon' } };
  try { sim.simulate(job.layers, job.arch, job.options); jobs.push(job); } catch { /* does not fit the chip: a search scores it without simulating */ }
}

// ===== Both sides: Chromium loads the web bundle and the app's training worker, served as `gibbon serve` serves =====
const app = await startAppServer({ root: ROOT, port: 0 });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const nodePool = await createNodePool({ workers: WORKERS });
const ms = { nodeThread: [] as number[], nodePool: [] as number[], webThread: [] as number[], webPool: [] as number[] };
let nodeTotals = '', webTotals = '';
let nodeEpoch: { seconds: number; sha: string } | undefined;
let webEpoch: { seconds: number; sha: string; simd: boolean } | undefined;
try {
  const page = await browser.newPage();
  await page.route('**/bench.html', (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>bench</title>' }));
  await page.goto(`${app.url}bench.html`);
  page.setDefaultTimeout(0);
  // Strings, not functions: tsx would add helpers the page lacks. window.B keeps the page's side.
  await page.evaluate(`(async ({ jobs, workers }) => {
    const G = await import('/dist/web/index.js');
    const sim = await G.loadSimulator(G.bundledWasmUrl());
    const pool = await G.createWebPool({ workers, module: G.bundledWasmUrl() });
    const time = async (run) => { const t0 = performance.now(); await run(); return performance.now() - t0; };
    window.B = {
      totals: JSON.stringify(sim.simulateBatch(jobs, { detail: 'totals' }).map((r) => r.totals)),
      thread: () => time(() => sim.simulateBatch(jobs, { detail: 'totals' })),
      pool: () => time(() => pool.simulateBatch(jobs, { detail: 'totals' })),
    };
  })(${JSON.stringify({ jobs, workers: WORKERS })})`);
  webTotals = await page.evaluate('window.B.totals') as string;
  nodeTotals = JSON.stringify(sim.simulateBatch(jobs, { detail: 'totals' }).map((r) => r.totals));
  const time = async (run: () => unknown) => { const t0 = performance.now(); await run(); return performance.now() - t0; };
  // Interleaved rounds (the first is a warm-up), so a change of load on the shared machine hits both sides.
  for (let round = 0; round <= RUNS; round++) {
    const r = {
      nodeThread: await time(() => sim.simulateBatch(jobs, { detail: 'totals' })),
      webThread: await page.evaluate('window.B.thread()') as number,
      nodePool: await time(() => nodePool.simulateBatch(jobs, { detail: 'totals' })),
      webPool: await page.evaluate('window.B.pool()') as number,
    };
    if (round > 0) for (const k of Object.keys(ms) as Array<keyof typeof ms>) ms[k].push(r[k]);
  }
  if (!values['skip-epoch']) {
    await setupTfjs();
    const ds = await loadDataset('mnist');
    const sn = new Supernet(space, 1);
    const t0 = performance.now();
    const state = await trainSupernet(sn, ds.train, { epochs: 1, seed: 1, limit: LIMIT });
    const seconds = (performance.now() - t0) / 1000;
    const h = createHash('sha256');
    for (const w of state.weights) h.update(new Uint8Array(w.buffer, w.byteOffset, w.byteLength));
    nodeEpoch = { seconds, sha: h.digest('hex') };
    sn.dispose();
    webEpoch = await page.evaluate(`new Promise((resolve, reject) => {
      const worker = new Worker('/dist/app/train-worker.js', { type: 'module' });
      worker.onmessage = (e) => {
        if (e.data.type === 'done') { worker.terminate(); resolve({ seconds: e.data.seconds, sha: e.data.weightsSha256, simd: e.data.simd }); }
        else if (e.data.type === 'error') reject(new Error(e.data.message));
      };
      worker.postMessage({ type: 'train', spaceSpec: ${JSON.stringify(space.spec)}, epochs: 1, seed: 1, limit: ${LIMIT}, threads: 1 });
    })`);
  }
} finally {
  await nodePool.destroy();
  await browser.close();
  await app.close();
}

const perS = (ms: number) => CANDIDATES / (ms / 1000);
const rows = [
  ['hardware evaluations/s, 1 thread', perS(median(ms.nodeThread)), perS(median(ms.webThread))],
  [`hardware evaluations/s, ${WORKERS} workers`, perS(median(ms.nodePool)), perS(median(ms.webPool))],
  ...(nodeEpoch && webEpoch ? [[`supernet epoch (${Math.min(LIMIT, 7000)} images), s`, nodeEpoch.seconds, webEpoch.seconds]] : []),
] as Array<[string, number, number]>;
console.log(`${CANDIDATES} mnist-space candidates (median of ${RUNS} interleaved runs after a warm-up); Node ${process.version}, Chromium ${browser.version()}`);
console.log(`${'case'.padEnd(40)} ${'Node'.padStart(12)} ${'Chromium'.padStart(12)} ${'Chromium/Node'.padStart(14)}`);
for (const [name, n, c] of rows) console.log(`${name.padEnd(40)} ${n.toFixed(name.endsWith(', s') ? 1 : 0).padStart(12)} ${c.toFixed(name.endsWith(', s') ? 1 : 0).padStart(12)} ${(c / n).toFixed(2).padStart(14)}`);
const sameTotals = webTotals === nodeTotals;
const sameWeights = nodeEpoch && webEpoch ? nodeEpoch.sha === webEpoch.sha : null;
console.log(`hardware totals identical: ${sameTotals}; supernet weights identical: ${sameWeights ?? 'not run'}`);
console.log(JSON.stringify({
  name: 'app', candidates: CANDIDATES, workers: WORKERS,
  nodeEvalsPerS: { thread: perS(median(ms.nodeThread)), pool: perS(median(ms.nodePool)) }, chromiumEvalsPerS: { thread: perS(median(ms.webThread)), pool: perS(median(ms.webPool)) },
  epoch: nodeEpoch && webEpoch ? { images: Math.min(LIMIT, 7000), nodeS: nodeEpoch.seconds, chromiumS: webEpoch.seconds, chromiumSimd: webEpoch.simd, weightsSha256: { node: nodeEpoch.sha, chromium: webEpoch.sha } } : null,
  sameTotals, sameWeights,
}));
