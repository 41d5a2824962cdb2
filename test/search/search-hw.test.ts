// bench:search-hw's problem (bench/search-hw-problem.ts): constraints on a metric beyond METRIC_NAMES, the
// MAC floor and the smallest design's MACs and weights worked by hand, its objectives against the
// simulator's batch-totals entry, the per-step hypervolume curve against the hypervolume of each prefix's
// front, and determinism per seed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadSimulatorNode } from '../../src/node/simulator.ts';
import { resolveNetwork } from '../../src/hw/network.ts';
import { hypervolume } from '../../src/search/hypervolume.ts';
import { paretoFront } from '../../src/search/pareto.ts';
import { checkProblem, constraintsOf, violationOf, type Problem } from '../../src/search/problem.ts';
import { createAlgorithm } from '../../src/search/registry.ts';
import { runSearch } from '../../src/search/run-search.ts';
import { toNetworkSpec } from '../../src/space/convert.ts';
import { hypervolumeCurve } from '../../bench/compare.ts';
import { DEFAULT_MIN_MACS, hardwareOnly, memoEvaluator, referenceSpec } from '../../bench/search-hw-problem.ts';

const sim = await loadSimulatorNode();
const hw = hardwareOnly(sim);

test('a constraint may bound a metric the evaluator reports beyond METRIC_NAMES; a record without it is refused', () => {
  const p: Problem = { decisions: [{ id: 'a', kind: 'nn', size: 2 }], objectives: ['energy'], constraints: [{ metric: 'macs', min: 100 }] };
  assert.is(checkProblem(p), p);
  assert.equal(constraintsOf(p, { energy: 1, macs: 40 }), [0.6]);
  assert.equal(constraintsOf(p, { energy: 1, macs: 250 }), [-1.5]);
  assert.throws(() => constraintsOf(p, { energy: 1 }), /macs/);
  assert.throws(() => checkProblem({ ...p, constraints: [{ metric: '', min: 1 }] }), /constraints\[0\]\.metric/);
});

/** The smallest design: the first value of every decision, the most groups (16: depthwise at 16 channels). */
function smallestGenome(): number[] {
  return hw.problem.canonicalize!(hw.problem.decisions.map((d) => (d.id.endsWith('.convGroups') ? d.size - 1 : 0)));
}

test('the smallest design: MACs and weights by hand, far below the floor (cv by hand)', () => {
  const m = hw.metricsOf(smallestGenome());
  // 16 channels, 1x1 kernels, 1 block per stage, 32x32 -> 16x16 -> 8x8 (weights, MACs = weights x output pixels):
  //   stem 3->16: 48, 48 x 1024;  stage 0: two depthwise convs, 16 each, 16 x 1024 each;
  //   stage 1: two depthwise 16 x 256, the stride-2 shortcut projection 16x16 = 256, 256 x 256;
  //   stage 2: two depthwise 16 x 64, projection 256 x 64;  fc 16 -> 10: 160.
  const params = 48 + 2 * 16 + (2 * 16 + 256) + (2 * 16 + 256) + 160;
  const macs = 48 * 1024 + 2 * 16 * 1024 + (2 * 16 + 256) * 256 + (2 * 16 + 256) * 64 + 160;
  assert.is(m.params, params);
  assert.is(m.macs, macs);
  assert.is(m.macs, 174_240);
  const cv = violationOf(constraintsOf(hw.problem, m));
  assert.ok(Math.abs(cv - (DEFAULT_MIN_MACS - 174_240) / DEFAULT_MIN_MACS) < 1e-15, String(cv));
});

test('objectives: the batch-totals entry of the simulator on space.archOf, in uJ, ms and mm2', () => {
  const sizes = hw.problem.decisions.map((d) => d.size);
  // a mid-sized genome: the middle value of every decision
  const genome = hw.problem.canonicalize!(sizes.map((n) => Math.floor(n / 2)));
  const c = hw.space.decode(genome);
  const [s] = sim.simulateBatch([{ layers: resolveNetwork(toNetworkSpec(hw.space, c), 'test').layers, arch: hw.space.archOf(c), options: { model: 'gibbon' } }], { detail: 'totals' });
  const m = hw.metricsOf(genome);
  const close = (x: number, y: number) => Math.abs(x - y) <= 1e-9 * Math.abs(y);
  assert.ok(close(m.energy, s.totals.energyNj / 1e3), `${m.energy} ${s.totals.energyNj}`);
  assert.ok(close(m.latency, s.totals.latencyNs / 1e6));
  assert.ok(close(m.area, s.totals.areaUm2 / 1e6));
  assert.ok(m.macs >= DEFAULT_MIN_MACS === (violationOf(constraintsOf(hw.problem, m)) === 0));
});

test('hypervolumeCurve: at each step the hypervolume of the feasible front of the prefix; ESAPP is deterministic per seed', async () => {
  const spec = referenceSpec(hw, 300);
  assert.ok(spec.ideal.every((v, o) => v > 0 && v < spec.nadir[o]) && spec.log.every(Boolean));
  const steps = [40, 80, 120];
  const run = async (seed: number) => (await runSearch(createAlgorithm('esapp', hw.problem, seed, { populationSize: 20 }), hw.problem, memoEvaluator(hw.metricsOf), { budget: 120 })).evaluated;
  const a = await run(3);
  const curve = hypervolumeCurve(a, steps, spec);
  const direct = steps.map((s) => hypervolume(paretoFront(a.slice(0, s)).map((i) => a[i].F), spec));
  curve.forEach((h, i) => assert.ok(Math.abs(h - direct[i]) < 1e-12, `${h} ${direct[i]}`));
  assert.ok(curve[0] > 0 && curve[0] <= curve[1] && curve[1] <= curve[2], JSON.stringify(curve));
  assert.equal(hypervolumeCurve(await run(3), steps, spec), curve);
  assert.not.equal(hypervolumeCurve(await run(4), steps, spec), curve);
  // a step past the end repeats the last value
  assert.equal(hypervolumeCurve(a.slice(0, 80), steps, spec), [curve[0], curve[1], curve[1]]);
});

test.run();
