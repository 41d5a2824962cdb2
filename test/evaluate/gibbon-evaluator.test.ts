// The real evaluator on a tiny trained supernet (as test/nn/accuracy.test.ts trains one): a 4-genome batch
// gives finite metrics whose hardware figures equal a direct Simulator.simulate of the same candidate and
// whose accuracy equals a direct evaluateAccuracy (both exact); a candidate that does not fit the chip
// gets the worst-case metrics and does not fail the batch; a short runSearch completes end to end.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../nn/helpers.ts';
import { loadDataset } from '../../src/node/dataset-files.ts';
import { loadSimulatorNode } from '../../src/node/simulator.ts';
import { spacePreset } from '../../src/space/presets.ts';
import { resolveSpace } from '../../src/space/space.ts';
import { toArch, toNetworkSpec } from '../../src/space/convert.ts';
import { resolveNetwork } from '../../src/hw/network.ts';
import { Supernet, largestCandidate, smallestCandidate, trainSupernet } from '../../src/nn/supernet.ts';
import { evaluateAccuracy } from '../../src/nn/accuracy.ts';
import { InThreadPimExecutor } from '../../src/pim/executor.ts';
import { InThreadPool, type EvalPool, type PackedBatch, type SimJob } from '../../src/pool/eval-pool.ts';
import type { SimDetail } from '../../src/hw/types.ts';
import type { PimTask } from '../../src/pim/run.ts';
import { createGibbonEvaluator, hardwareMetrics, DEFAULT_INFEASIBLE_PENALTY } from '../../src/evaluate/gibbon-evaluator.ts';
import { decisionsOfSpace, type Problem } from '../../src/search/problem.ts';
import { createAlgorithm } from '../../src/search/registry.ts';
import { memoryStore, runSearch } from '../../src/search/run-search.ts';
import type { Candidate } from '../../src/space/types.ts';
import { Rng } from '../../src/util/rng.ts';

const space = spacePreset('mnist');
const ds = await loadDataset('mnist');
const sn = new Supernet(space, 1);
await trainSupernet(sn, ds.train, { epochs: 1, limit: 640, seed: 1 });
const sim = await loadSimulatorNode();
const pool = new InThreadPool(sim);
const exec = new InThreadPimExecutor(sim);
/** Few images and calibration batches: the test checks plumbing and exactness, not accuracy. */
const ACC = { limit: 40, bnBatches: 2, calibrationBatches: 1 };
/** Fast hardware (256-row crossbars, 2-bit cells and DACs) with a few ADC resolutions. */
const hwOf = (adcBits: number) => ({ 'xbar.size': 256, 'adc.bits': adcBits, 'dac.bits': 2, 'device.cellBits': 2 });
const HW_KEYS = ['energy', 'latency', 'area', 'edp', 'power'] as const;

test('a 4-genome batch: finite metrics; hardware == Simulator.simulate, accuracy == evaluateAccuracy (exact)', async () => {
  const rng = new Rng(7);
  const candidates: Candidate[] = [
    { ...smallestCandidate(space), hardware: hwOf(4) },
    { ...space.sample(rng), hardware: hwOf(8) },
    { ...space.sample(rng), hardware: hwOf(6) },
    { ...space.sample(rng), hardware: hwOf(10) },
  ];
  const genomes = candidates.map((c) => space.encode(c));
  let batchCalls = 0;
  const counting = {
    size: pool.size,
    simulateBatch: (jobs: SimJob[], o?: { detail?: SimDetail }) => { batchCalls++; return pool.simulateBatch(jobs, o); },
    runPacked: (b: PackedBatch) => pool.runPacked(b),
    runPim: (t: PimTask) => pool.runPim(t),
    destroy: async () => {},
  } as EvalPool;
  const ev = createGibbonEvaluator({ space, supernet: sn, pool: counting, dataset: ds, split: 'validation', model: 'gibbon', ...ACC });
  const metrics = await ev.evaluate(genomes);
  assert.is(metrics.length, 4);
  assert.is(ev.evaluations, 4);
  // The hardware of the whole batch is one simulateBatch call (the accuracy side runs through runPim).
  assert.is(batchCalls, 1);
  for (let i = 0; i < 4; i++) {
    const m = metrics[i];
    for (const [k, v] of Object.entries(m)) assert.ok(Number.isFinite(v), `genome ${i}: ${k} = ${v}`);
    const c = ev.candidate(genomes[i]);
    assert.equal(c, space.decode(genomes[i]));
    // Hardware: the same candidate simulated directly, in this thread, full detail.
    const direct = sim.simulate(resolveNetwork(toNetworkSpec(space, c), 'direct').layers, toArch(space, c), { model: 'gibbon' });
    const want = hardwareMetrics({ model: direct.model, pipeline: direct.pipeline, totals: direct.totals });
    for (const k of HW_KEYS) assert.is(m[k], want[k], `genome ${i}: ${k}`);
    assert.is(m.energy_uJ, direct.totals.energyNj * 1e-3);
    assert.is(m.latency_ms, direct.totals.latencyNs * 1e-6);
    assert.is(m.area_mm2, direct.totals.areaUm2 * 1e-6);
    assert.is(m.power_W, direct.totals.powerW);
    assert.is(m.edp_mJms, direct.totals.energyNj * 1e-6 * (direct.totals.latencyNs * 1e-6));
    assert.ok(m.energy > 0 && m.latency > 0 && m.area > 0 && m.power > 0);
    assert.is(m.fits, 1);
    // Accuracy: a direct evaluateAccuracy on another executor.
    const r = await evaluateAccuracy(c, sn, ds.validation, { executor: exec, calibration: ds.train, ...ACC });
    assert.is(m.accuracy, r.pim);
    assert.is(m.float, r.float);
    assert.is(m.quantized, r.quantized);
    assert.is(m.pimLoss, r.pimLoss);
    assert.ok(m.accuracy >= 0 && m.accuracy <= 1);
  }
});

test('a candidate that does not fit the chip gets worst-case metrics; the rest of the batch is unaffected', async () => {
  const spec = JSON.parse(JSON.stringify(space.spec));
  spec.fixedArch = { base: 'gibbon-base', sets: ['chip.tileRows=6', 'chip.tileCols=6'] };
  const small = resolveSpace(spec, 'small chip');
  // 36 tiles: the largest network on 32-row crossbars with 1-bit cells needs 182; the smallest on 256-row ones 6.
  const tooBig = { ...largestCandidate(small), hardware: { 'xbar.size': 32, 'adc.bits': 4, 'dac.bits': 1, 'device.cellBits': 1 } };
  const fits = { ...smallestCandidate(small), hardware: hwOf(8) };
  const ev = createGibbonEvaluator({ space: small, supernet: sn, pool, dataset: ds, ...ACC });
  const [bad, good] = await ev.evaluate([small.encode(tooBig), small.encode(fits)]);
  assert.is(bad.fits, 0);
  assert.is(bad.accuracy, 0);
  for (const k of HW_KEYS) assert.is(bad[k], DEFAULT_INFEASIBLE_PENALTY);
  assert.is(good.fits, 1);
  const direct = sim.simulate(resolveNetwork(toNetworkSpec(small, fits), 'direct').layers, toArch(small, fits));
  for (const k of HW_KEYS) assert.is(good[k], hardwareMetrics(direct)[k]);
  const r = await evaluateAccuracy(fits, sn, ds.validation, { executor: exec, calibration: ds.train, arch: toArch(small, fits), ...ACC });
  assert.is(good.accuracy, r.pim);
  // Fitting candidates dominate it in every objective.
  for (const k of HW_KEYS) assert.ok(good[k] < bad[k]);
  // Other errors are not swallowed: a penalty that is not finite is refused up front.
  assert.throws(() => createGibbonEvaluator({ supernet: sn, pool, dataset: ds, infeasiblePenalty: Infinity }), /infeasiblePenalty/);
});

test('non-idealities and trials: accuracy == evaluateAccuracy on the arch with them; accuracy_std only with trials > 1', async () => {
  const c = { ...smallestCandidate(space), hardware: hwOf(8) };
  const nonideal = { safLrsPct: 10, variationSigmaPctOfR: 5 };
  const ev = createGibbonEvaluator({ space, supernet: sn, pool, dataset: ds, ...ACC, nonideal, trials: 3 });
  const [m] = await ev.evaluate([space.encode(c)]);
  const base = toArch(space, c);
  const arch = { ...base, nonideal: { ...base.nonideal, ...nonideal } };
  const r = await evaluateAccuracy(c, sn, ds.validation, { executor: exec, calibration: ds.train, arch, trials: 3, ...ACC });
  assert.is(m.accuracy, r.pim);
  assert.is(m.accuracy_std, r.pimStd);
  assert.is(m.quantized, r.quantized);
  // the hardware figures ignore device non-idealities
  const ideal = await createGibbonEvaluator({ space, supernet: sn, pool, dataset: ds, ...ACC }).evaluate([space.encode(c)]);
  for (const k of HW_KEYS) assert.is(m[k], ideal[0][k]);
  assert.is(ideal[0].accuracy_std, undefined);
});

test('accuracyOnly (a front\'s test accuracy): { accuracy } alone, equal to the full evaluation\'s, with trials and non-idealities too', async () => {
  const rng = new Rng(11);
  const genomes = [space.encode({ ...space.sample(rng), hardware: hwOf(6) }), space.encode({ ...largestCandidate(space), hardware: hwOf(4) })];
  for (const more of [{}, { nonideal: { safHrsPct: 5 }, trials: 2 }]) {
    const full = await createGibbonEvaluator({ space, supernet: sn, pool, dataset: ds, split: 'test', ...ACC, ...more }).evaluate(genomes);
    const only = await createGibbonEvaluator({ space, supernet: sn, pool, dataset: ds, split: 'test', ...ACC, ...more, accuracyOnly: true }).evaluate(genomes);
    assert.equal(only, full.map((m) => ('trials' in more ? { accuracy: m.accuracy, accuracy_std: m.accuracy_std } : { accuracy: m.accuracy })));
  }
});

test('runSearch end to end: nsga2, population 4, budget 8, accuracy vs energy', async () => {
  const problem: Problem = { decisions: decisionsOfSpace(space.decisions), objectives: ['accuracy', 'energy'], constraints: [] };
  const ev = createGibbonEvaluator({ space, supernet: sn, pool, dataset: ds, split: 'validation', model: 'gibbon', limit: 20, bnBatches: 1, calibrationBatches: 1 });
  const store = memoryStore();
  const result = await runSearch(createAlgorithm('nsga2', problem, 3, { populationSize: 4 }), problem, ev, { budget: 8, store });
  assert.ok(result.complete);
  assert.is(result.evaluated.length, 8);
  assert.is(store.data.records.length, 8);
  assert.ok(result.front.length >= 1);
  for (const e of result.evaluated) {
    assert.is(e.F.length, 2);
    assert.ok(e.F.every(Number.isFinite));
    assert.is(e.F[0], 1 - e.metrics.accuracy);
    assert.is(e.F[1], e.metrics.energy);
    assert.ok('float' in e.metrics && 'quantized' in e.metrics && 'pimLoss' in e.metrics);
  }
  // The journal round-trips through JSON (what a run directory stores).
  assert.equal(JSON.parse(JSON.stringify(store.data.records)), store.data.records);
});

test.after(async () => { exec.dispose(); await pool.destroy(); sn.dispose(); });
test.run();
