// The browser check's page script: the web bundle in a real tab, its kernel in module Web Workers.
import * as G from '/dist/web/index.js';

const out = {};
try {
  const url = G.bundledWasmUrl();
  const sim = await G.loadSimulator(url);
  const vgg8 = G.resolveNetwork(G.ZOO.vgg8, 'network vgg8').layers;
  const mnsim = structuredClone(G.ARCH_PRESETS['mnsim-default']);
  const r = sim.simulate(vgg8, mnsim, { model: 'mnsim-2.0' });
  out.vgg8 = r.totals;
  out.vgg8Layers = r.layers.map((l) => [l.tiles, l.lastDoneNs, l.energyNj]);

  const jobs = [];
  for (const size of [128, 256, 512]) for (const bits of [4, 6, 8, 10]) {
    jobs.push({ layers: vgg8, arch: G.applySets(G.ARCH_PRESETS['gibbon-base'], [`xbar.size=${size}`, `adc.bits=${bits}`]) });
  }
  const module = await G.compileModule(url);
  const pool = await G.createWebPool({ workers: 2, module, jobsPerTask: 5 });
  const pooled = await pool.simulateBatch(jobs, { detail: 'totals' });
  out.poolTotals = pooled.map((p) => p.totals);
  out.inThreadTotals = sim.simulateBatch(jobs, { detail: 'totals' }).map((p) => p.totals);

  const model = G.parsePimModel(await (await fetch('/model.json')).json(), 'model.json');
  const inputs = new Uint8Array(await (await fetch('/inputs.bin')).arrayBuffer());
  const labels = new Uint8Array(await (await fetch('/labels.bin')).arrayBuffer());
  const arch = G.applySets(G.ARCH_PRESETS['gibbon-base'], ['adc.bits=6', 'nonideal.safHrsPct=1', 'nonideal.variationSigmaPctOfR=5']);
  const opts = { labels, trials: 2, seed: 7, batchSize: 8 };
  const viaPool = await G.runPim(G.pimExecutor(pool), model, arch, inputs, opts);
  const exec = new G.InThreadPimExecutor(sim);
  const inThread = await G.runPim(exec, model, arch, inputs, opts);
  out.pim = { logits: Array.from(viaPool.logits), accuracy: viaPool.accuracyMean, inThreadLogits: Array.from(inThread.logits) };
  await pool.destroy();

  // the search library and the run store in the page: a synthetic study into a memory store
  out.exports = ['Esapp', 'Nsga2', 'runSearch', 'runStudy', 'runGibbonSearch', 'memoryRunStore', 'createPredictor', 'Supernet'].map((n) => [n, typeof G[n]]);
  const store = G.memoryRunStore('page');
  await G.runStudy(store, { problem: G.syntheticProblem(), algorithm: 'esapp', options: { populationSize: 10 }, seed: 3, budget: 40, chunkSize: 4, hypervolume: { ref: [1.1, 1.1] } }, G.syntheticEvaluator());
  out.study = { front: store.data.documents.get('front.json'), summary: store.data.documents.get('summary.json'), journal: store.data.journal };
  out.crossOriginIsolated = self.crossOriginIsolated;
} catch (e) {
  out.error = String(e && e.stack || e);
}
console.log('RESULT ' + JSON.stringify(out));
