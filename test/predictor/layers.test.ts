// Per-layer supervision of the predictor (docs/predictor.md §3, "per-layer labels"): the simulator's
// per-layer figures line up with the tokens and sum to its totals; the auxiliary loss is masked exactly
// (no per-layer labels: the same training as without the term) and keeps fit / save / resume exact.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { setupTfjs } from '../../src/node/tfjs-setup.ts';
import { loadSimulatorNode } from '../../src/node/simulator.ts';
import { InThreadPool } from '../../src/pool/eval-pool.ts';
import { spacePreset } from '../../src/space/presets.ts';
import type { Candidate } from '../../src/space/types.ts';
import { simJobOf } from '../../src/evaluate/gibbon-evaluator.ts';
import { createPredictor, predictorFromState, LAYER_FLOOR } from '../../src/predictor/predictor.ts';
import { layerLossOf } from '../../src/predictor/model.ts';
import { sampleDistinct, hardwareSamples, layerLabelsOf } from '../../src/predictor/labels.ts';
import { tokenLayers } from '../../src/predictor/tokens.ts';
import { LAYER_TARGETS, type PredictorSample, type PredictorState } from '../../src/predictor/types.ts';

await setupTfjs('wasm');
const sim = await loadSimulatorNode();
const pool = new InThreadPool(sim);
const SMALL = { tokenSize: 16, hardwareSize: 8, hiddenSize: 16, mlpSize: 32 };
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

for (const name of ['mnist', 'gibbon-cifar'] as const) {
  test(`${name}: per-layer labels line up with the tokens and sum to the simulator's totals`, async () => {
    const space = spacePreset(name);
    const cs = sampleDistinct(space, 60, 21, 'predictor-layers-test');
    const full = await hardwareSamples(space, pool, cs);
    const totals = await hardwareSamples(space, pool, cs, { layers: false });
    assert.ok(full.length >= 30, `${full.length} samples fit`);
    assert.equal(full.map((s) => s.labels), totals.map((s) => s.labels)); // the same totals either way
    assert.ok(totals.every((s) => s.layers === undefined));
    for (const s of full) {
      const tokens = tokenLayers(space, s.candidate);
      const r = (await pool.simulateBatch([simJobOf(space, s.candidate)], { detail: 'full' }))[0];
      assert.equal(r.layers.map((l) => l.type), tokens.map((t) => t.type));
      assert.equal(layerLabelsOf(r), s.layers);
      const ls = s.layers!;
      for (const t of LAYER_TARGETS) {
        assert.is(ls[t].length, tokens.length, t);
        assert.ok(ls[t].every((x) => Number.isFinite(x) && x >= 0), t);
      }
      assert.ok(rel(sum(ls.energy_uJ), s.labels.energy_uJ) < 1e-9, `energy ${sum(ls.energy_uJ)} vs ${s.labels.energy_uJ}`);
      assert.ok(rel(sum(ls.power_W), s.labels.power_W) < 1e-9, `power ${sum(ls.power_W)} vs ${s.labels.power_W}`);
      assert.ok(rel(sum(ls.latency_ms), s.labels.latency_ms) < 1e-9, `latency ${sum(ls.latency_ms)} vs ${s.labels.latency_ms}`);
      assert.ok(ls.busy_ms.every((x) => x > 0) && Math.max(...ls.busy_ms) <= s.labels.latency_ms * 1.01, 'busy times');
      // area: the chip-level global accumulator is outside the layers (under 1 % here)
      assert.ok(sum(ls.area_mm2) <= s.labels.area_mm2 * (1 + 1e-12) && rel(sum(ls.area_mm2), s.labels.area_mm2) < 0.01, `area ${sum(ls.area_mm2)} vs ${s.labels.area_mm2}`);
    }
  });
}

const space = spacePreset('mnist');

/** Synthetic labels: per-layer costs from the tokens (adds cost no area), totals their sums. */
function synthetic(c: Candidate): PredictorSample {
  const ls = tokenLayers(space, c);
  const xbar = c.hardware['xbar.size'] as number, adc = c.hardware['adc.bits'] as number;
  const w = ls.map((l) => (l.type === 'conv' || l.type === 'fc' ? (l.kernel * l.kernel * l.inChannels * l.outChannels) / l.convGroups : 0));
  const layers = {
    area_mm2: w.map((x, i) => (ls[i].type === 'add' ? 0 : 1e-3 + x / (xbar * 1e4))),
    energy_uJ: w.map((x, i) => 1e-3 + (x * ls[i].outH * ls[i].outW * adc) / 1e7),
    latency_ms: ls.map((l, i) => (i % 3 === 2 ? 0 : (l.outH * l.outW) / 1e3)),
    power_W: ls.map((l) => 0.01 * adc + l.outChannels / 1e3),
    busy_ms: ls.map((l) => (l.outH * l.outW * l.inputBits) / 1e3),
  };
  return {
    candidate: c,
    labels: { area_mm2: sum(layers.area_mm2), energy_uJ: sum(layers.energy_uJ), latency_ms: sum(layers.latency_ms), power_W: sum(layers.power_W) },
    layers,
  };
}

const data = sampleDistinct(space, 48, 12, 'predictor-layers-fit').map(synthetic);
const withoutLayers = data.map(({ candidate, labels }) => ({ candidate, labels }));

test('no per-layer labels (or layerWeight 0): training is exactly the one without the layer term', async () => {
  const a = createPredictor(space, { seed: 7, ...SMALL });
  const b = createPredictor(space, { seed: 7, ...SMALL, layerWeight: 0 });
  const c = createPredictor(space, { seed: 7, ...SMALL, layerWeight: 0 });
  const d = createPredictor(space, { seed: 7, ...SMALL });
  const ra = await a.fit(withoutLayers, { epochs: 2 }); // default layerWeight, no labels
  const rb = await b.fit(withoutLayers, { epochs: 2 });
  await c.fit(data, { epochs: 2 }); // labels, weight 0
  const rd = await d.fit(data, { epochs: 2 }); // labels, default weight: the term acts
  const strip = (s: PredictorState) => ({ ...s, options: { ...s.options, layerWeight: 0 } });
  assert.equal(strip(a.state()), b.state());
  assert.equal(c.state(), b.state());
  assert.is(ra.lastLoss, rb.lastLoss);
  assert.not.equal(d.state().weights['cost.W'], a.state().weights['cost.W']);
  assert.ok(rd.lastLoss > ra.lastLoss, `the layer term adds to the loss: ${rd.lastLoss} vs ${ra.lastLoss}`);
  // half of the samples with per-layer labels: a different training, still deterministic
  const half = data.map((s, i) => (i % 2 === 0 ? s : withoutLayers[i]));
  const e = createPredictor(space, { seed: 7, ...SMALL }), f = createPredictor(space, { seed: 7, ...SMALL });
  await e.fit(half, { epochs: 2 });
  await f.fit(half, { epochs: 2 });
  assert.equal(e.state(), f.state());
  assert.not.equal(e.state().weights['cost.W'], a.state().weights['cost.W']);
  assert.not.equal(e.state().weights['cost.W'], d.state().weights['cost.W']);
  for (const p of [a, b, c, d, e, f]) p.dispose();
});

for (const extra of [{}, { learningRateDecay: 0.8 }]) {
  test(`with per-layer labels${'learningRateDecay' in extra ? ' and a learning-rate decay' : ''}: fit(A) + state (JSON) + restore + fit(B) equals fit(A + B) bit for bit`, async () => {
    const opts = { seed: 8, ...SMALL, layerWeight: 0.5, ...extra };
    const whole = createPredictor(space, opts);
    await whole.fit(data, { epochs: 3 });
    const first = createPredictor(space, opts);
    await first.fit(data, { epochs: 1 });
    const resumed = predictorFromState(space, JSON.parse(JSON.stringify(first.state())) as PredictorState);
    await resumed.fit(data, { epochs: 2 });
    assert.equal(resumed.state(), whole.state());
    assert.equal(resumed.predict(data.slice(0, 6).map((s) => s.candidate)), whole.predict(data.slice(0, 6).map((s) => s.candidate)));
    if ('learningRateDecay' in extra) {
      const constant = createPredictor(space, { ...opts, learningRateDecay: 1 });
      await constant.fit(data, { epochs: 3 });
      assert.not.equal(constant.state().weights['cost.W'], whole.state().weights['cost.W']);
      constant.dispose();
    }
    for (const p of [whole, first, resumed]) p.dispose();
  });
}

test('layerLossOf: masked entries never matter; by hand', () => {
  const [a, b, byHand] = tf.tidy(() => {
    const costs = tf.tensor3d([[[0.5, 1, 9], [-1e4, -1e4, -1e4]], [[0.2, -0.3, 9], [1.5, 0.5, 9]]]); // [2, 2, 3]: the third channel is free
    const mask = tf.tensor3d([[[1, 0], [0, 0]], [[1, 1], [0, 1]]]);
    const y1 = tf.tensor3d([[[0, 0], [0, 0]], [[1, 0], [0, 1]]]);
    const y2 = tf.tensor3d([[[0, 7], [3, 3]], [[1, 0], [-5, 1]]]);
    const std = tf.tensor1d([1, 2]);
    return [layerLossOf(costs, y1, mask, std).dataSync()[0], layerLossOf(costs, y2, mask, std).dataSync()[0],
      // channel 0: (0.25 + 0.64) / 2; channel 1: ((0.09 + 0.25) / 4) / 2; mean of the two
      ((0.25 + 0.64) / 2 + (0.09 + 0.25) / 4 / 2) / 2];
  });
  assert.is(a, b);
  assert.ok(Math.abs(a - byHand) < 1e-6, `${a} vs ${byHand}`);
  // fractional weights (the trainer's layer shares): a weighted mean per channel
  const weighted = tf.tidy(() => layerLossOf(tf.tensor3d([[[1], [3]]]), tf.tensor3d([[[0], [0]]]), tf.tensor3d([[[0.75], [0.25]]]), tf.tensor1d([1])).dataSync()[0]);
  assert.ok(Math.abs(weighted - (0.75 * 1 + 0.25 * 9)) < 1e-6, `weighted ${weighted}`);
  const none = tf.tidy(() => layerLossOf(tf.ones([2, 3, 8]) as tf.Tensor3D, tf.zeros([2, 3, 4]) as tf.Tensor3D, tf.zeros([2, 3, 4]) as tf.Tensor3D, tf.ones([4]) as tf.Tensor1D).dataSync()[0]);
  assert.is(none, 0);
});

test('per-layer labels must match the tokens', async () => {
  const p = createPredictor(space, { seed: 1, ...SMALL });
  const bad = data.slice(0, 4).map((s) => ({ ...s, layers: { ...s.layers!, energy_uJ: s.layers!.energy_uJ.slice(1) } }));
  let error: unknown;
  try { await p.fit(bad, { epochs: 1 }); } catch (e) { error = e; }
  assert.match(String(error), /samples\[0\]\.layers\.energy_uJ: got "\d+ values"; allowed: \d+ numbers \(one per layer token\)/);
  const negative = data.slice(0, 4).map((s) => ({ ...s, layers: { ...s.layers!, power_W: s.layers!.power_W.map((x) => -x) } }));
  error = undefined;
  try { await p.fit(negative, { epochs: 1 }); } catch (e) { error = e; }
  assert.match(String(error), /layers\.power_W/);
  assert.ok(LAYER_FLOOR > 0 && LAYER_FLOOR < 0.01);
  p.dispose();
});

test.after(() => pool.destroy());
test.run();
