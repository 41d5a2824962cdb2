// Ranking bench (docs/supernet.md §6).
// 1. One-shot ranking trust: 8 candidates spread over the mnist space (the largest, the smallest, and 6 drawn
//    with Rng(seed) and picked at evenly spaced MAC quantiles of a pool of draws). For each: its one-shot
//    accuracy from the trained supernet (bench/out/sn-mnist) and the accuracy of the same architecture
//    trained alone from scratch (src/nn/standalone.ts: the supernet's forward and recipe, QAT, Adam 3e-3
//    cosine, batch 64, shifts +-2, same epochs for all 8). Both sides go through evaluateAccuracy on the
//    validation split (float in tfjs; quantized = exported integer model on the functional simulator with a
//    lossless ADC). Kendall tau-b between the two sides, on each metric.
// 2. Candidates evaluated per minute: evaluateAccuracy (validation split, 1,500 images, float + quantized +
//    PIM) of the same 8 candidates on a Piscina pool of 1 and of 2 workers.
//   node --import tsx bench/ranking.bench.ts [--supernet <dir>] [--epochs N] [--seed s] [--limit n] [--skip-standalone]
import { parseArgs } from 'node:util';
import { setupTfjs } from '../src/node/tfjs-setup.ts';
import { loadDataset } from '../src/node/dataset-files.ts';
import { hasSupernet, loadSupernetState } from '../src/node/supernet-files.ts';
import { createNodePool } from '../src/node/pool.ts';
import { pimExecutor } from '../src/pool/eval-pool.ts';
import { spacePreset } from '../src/space/presets.ts';
import { toModelSkeleton } from '../src/space/convert.ts';
import type { PimExecutor } from '../src/pim/run.ts';
import { Supernet, largestCandidate, smallestCandidate } from '../src/nn/supernet.ts';
import { evaluateAccuracy, type AccuracyResult } from '../src/nn/accuracy.ts';
import { kendallTauB, trainStandalone } from '../src/nn/standalone.ts';
import { Rng } from '../src/util/rng.ts';
import type { Candidate } from '../src/space/types.ts';

const { values } = parseArgs({ options: {
  supernet: { type: 'string' }, epochs: { type: 'string' }, seed: { type: 'string' }, limit: { type: 'string' }, 'skip-standalone': { type: 'boolean' },
} });
const dir = values.supernet ?? 'bench/out/sn-mnist';
const epochs = Number(values.epochs ?? 4);
const seed = Number(values.seed ?? 7);
const limit = Number(values.limit ?? 1500);

// Hand-worked check of the tau-b implementation (also in test/nn/standalone.test.ts).
{
  const t1 = kendallTauB([1, 2, 3, 4], [2, 1, 4, 3]); // C=4, D=2 -> 1/3
  const t2 = kendallTauB([1, 2, 2, 3], [1, 3, 2, 2]); // C=3, D=1, one tie in each -> 2/5
  if (Math.abs(t1 - 1 / 3) > 1e-12 || Math.abs(t2 - 0.4) > 1e-12) throw new Error(`kendallTauB self-check failed: ${t1}, ${t2}`);
  console.log(`kendallTauB self-check: [1,2,3,4] vs [2,1,4,3] = ${t1.toFixed(4)} (1/3); [1,2,2,3] vs [1,3,2,2] = ${t2.toFixed(4)} (0.4)`);
}

const setup = await setupTfjs();
console.log(`backend ${setup.backend}${setup.simd ? ' (SIMD)' : ''}, node ${process.version}`);
if (!hasSupernet(dir)) throw new Error(`no trained supernet in ${dir} (run bench/supernet.bench.ts or gibbon supernet train first)`);
const space = spacePreset('mnist');
const ds = await loadDataset('mnist');
const val = ds.validation;
const state = loadSupernetState(dir);
const sn = new Supernet(space, state.initSeed);
sn.setWeights(state.weights);
console.log(`supernet ${dir}: ${state.epoch} epochs; validation split ${val.count} images, evaluating the first ${Math.min(limit, val.count)}`);
const pct = (v: number) => (100 * v).toFixed(2);

// ----- candidates -----
const size = (c: Candidate) => {
  const net = sn.subnetNet(c);
  try { return { macs: net.macs(), params: net.paramCount() }; } finally { net.dispose(); }
};
const describe = (c: Candidate) => {
  const sk = toModelSkeleton(space, c);
  const convs = sk.layers.filter((l) => l.type === 'conv').map((l) => `${l.outChannels}k${l.kernel}${l.convGroups > 1 ? `g${l.convGroups}` : ''}w${l.weightBits}`);
  return `${convs.join(' ')} in${sk.input.bits}`;
};
const rng = new Rng(seed).fork('ranking-candidates');
const draws = Array.from({ length: 60 }, () => space.sample(rng)).map((c) => ({ c, ...size(c) }));
draws.sort((a, b) => a.macs - b.macs);
const picked: typeof draws = [];
for (let k = 1; k <= 6; k++) {
  // evenly spaced MAC quantiles (1/7 .. 6/7), stepping past any architecture already picked
  let i = Math.round((k * (draws.length - 1)) / 7);
  while (picked.some((p) => describe(p.c) === describe(draws[i].c))) i++;
  picked.push(draws[i]);
}
const L = largestCandidate(space), S = smallestCandidate(space);
const cands: Array<{ name: string; c: Candidate; macs: number; params: number }> = [
  { name: 'largest', c: L, ...size(L) },
  ...picked.map((p, k) => ({ name: `q${k + 1}/7`, c: p.c, macs: p.macs, params: p.params })),
  { name: 'smallest', c: S, ...size(S) },
];
console.log(`\ncandidates (6 of 60 draws of space.sample(new Rng(${seed}).fork('ranking-candidates')) at MAC quantiles 1/7..6/7):`);
console.log('name | MACs | params | convs (outChannels k kernel g groups w weightBits), input bits | hardware');
for (const x of cands) console.log(`${x.name} | ${x.macs} | ${x.params} | ${describe(x.c)} | ${JSON.stringify(x.c.hardware)}`);

// ----- throughput: candidates per minute on 1 and 2 workers -----
/** Wall time during which the executor had work in flight (the PIM part of evaluateAccuracy). */
function timed(exec: PimExecutor) {
  let inFlight = 0, since = 0, busy = 0;
  return {
    get busyMs() { return busy; },
    exec: { run: async (task) => {
      if (inFlight++ === 0) since = performance.now();
      try { return await exec.run(task); } finally { if (--inFlight === 0) busy += performance.now() - since; }
    } } as PimExecutor,
  };
}
const oneShot = new Map<string, AccuracyResult>();
const throughput: Array<{ workers: number; seconds: number; pimSeconds: number; perMinute: number }> = [];
let pool2: Awaited<ReturnType<typeof createNodePool>> | undefined;
for (const workers of [1, 2]) {
  const pool = await createNodePool({ workers });
  const t = timed(pimExecutor(pool));
  // warm-up: one small evaluation so worker start-up and wasm instantiation are not timed
  await evaluateAccuracy(S, sn, val, { executor: t.exec, calibration: ds.train, limit: 50 });
  const busy0 = t.busyMs;
  console.log(`\nevaluateAccuracy on ${workers} worker${workers > 1 ? 's' : ''} (validation, ${Math.min(limit, val.count)} images; float + quantized + PIM):`);
  console.log('name | float % | quantized % | PIM % | s');
  const t0 = performance.now();
  for (const x of cands) {
    const ts = performance.now();
    const r = await evaluateAccuracy(x.c, sn, val, { executor: t.exec, calibration: ds.train, limit });
    if (workers === 2) oneShot.set(x.name, r);
    console.log(`${x.name} | ${pct(r.float)} | ${pct(r.quantized)} | ${pct(r.pim)} | ${((performance.now() - ts) / 1000).toFixed(1)}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const pimSeconds = (t.busyMs - busy0) / 1000;
  throughput.push({ workers, seconds, pimSeconds, perMinute: (60 * cands.length) / seconds });
  console.log(`${workers} worker(s): ${cands.length} candidates in ${seconds.toFixed(1)} s (PIM part ${pimSeconds.toFixed(1)} s) = ${(60 * cands.length / seconds).toFixed(2)} candidates/min`);
  if (workers === 2) pool2 = pool; else await pool.destroy();
}
const speedup = throughput[1].perMinute / throughput[0].perMinute;
console.log(`\ncandidates/min: 1 worker ${throughput[0].perMinute.toFixed(2)}, 2 workers ${throughput[1].perMinute.toFixed(2)}, ratio ${speedup.toFixed(2)}x; PIM part ${throughput[0].pimSeconds.toFixed(1)} s -> ${throughput[1].pimSeconds.toFixed(1)} s (${(throughput[0].pimSeconds / throughput[1].pimSeconds).toFixed(2)}x)`);

// ----- ranking trust: stand-alone training -----
const rows: Array<Record<string, number | string>> = [];
let tauFloat = NaN, tauQuant = NaN, trainSeconds = 0;
if (!values['skip-standalone']) {
  const exec = pimExecutor(pool2!);
  console.log(`\nstand-alone training from scratch: ${epochs} epochs each, 7,000 digits, QAT at the candidate's bits, Adam 3e-3 cosine, batch 64, shifts +-2, init seed 1`);
  console.log('name | MACs | params | one-shot float % | stand-alone float % | one-shot quantized % | stand-alone quantized % | train s | last loss');
  for (const x of cands) {
    const r = trainStandalone(space, x.c, ds.train, { epochs, seed: 1 });
    trainSeconds += r.seconds;
    const a = await evaluateAccuracy(x.c, r.supernet, val, { executor: exec, calibration: ds.train, limit });
    r.supernet.dispose();
    const o = oneShot.get(x.name)!;
    const row = { name: x.name, macs: x.macs, params: x.params, oneShotFloat: o.float, standaloneFloat: a.float, oneShotQuantized: o.quantized, standaloneQuantized: a.quantized, standalonePim: a.pim, trainSeconds: r.seconds };
    rows.push(row);
    console.log(`${x.name} | ${x.macs} | ${x.params} | ${pct(o.float)} | ${pct(a.float)} | ${pct(o.quantized)} | ${pct(a.quantized)} | ${r.seconds.toFixed(1)} | ${r.history.at(-1)!.loss.toFixed(4)}`);
  }
  tauFloat = kendallTauB(rows.map((r) => r.oneShotFloat as number), rows.map((r) => r.standaloneFloat as number));
  tauQuant = kendallTauB(rows.map((r) => r.oneShotQuantized as number), rows.map((r) => r.standaloneQuantized as number));
  const tauMacsOne = kendallTauB(rows.map((r) => r.macs as number), rows.map((r) => r.oneShotQuantized as number));
  const tauMacsAlone = kendallTauB(rows.map((r) => r.macs as number), rows.map((r) => r.standaloneQuantized as number));
  console.log(`\nKendall tau-b, one-shot vs stand-alone (n = ${rows.length}, validation): quantized ${tauQuant.toFixed(3)}, float ${tauFloat.toFixed(3)}`);
  console.log(`(reference: tau-b of MACs vs accuracy (quantized): one-shot ${tauMacsOne.toFixed(3)}, stand-alone ${tauMacsAlone.toFixed(3)})`);
  console.log(`stand-alone training: ${trainSeconds.toFixed(0)} s in all (${(trainSeconds / rows.length / epochs).toFixed(1)} s/epoch on average)`);
}
await pool2!.destroy();
sn.dispose();
console.log(JSON.stringify({
  supernet: dir, supernetEpochs: state.epoch, split: 'validation', images: Math.min(limit, val.count), seed, standaloneEpochs: epochs,
  candidates: cands.map((x) => ({ name: x.name, macs: x.macs, params: x.params })),
  ranking: { rows, kendallTauBQuantized: tauQuant, kendallTauBFloat: tauFloat, standaloneTrainSeconds: trainSeconds },
  throughput: { candidates: cands.length, byWorkers: throughput, ratio2to1: speedup },
}));
