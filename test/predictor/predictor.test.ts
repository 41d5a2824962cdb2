// The RNN predictor (src/predictor/predictor.ts): determinism, exact save / restore / resume, learning a
// known formula of the features (regression and ranking), masked pimLoss, the loss's masking.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { setupTfjs } from '../../src/node/tfjs-setup.ts';
import { spacePreset } from '../../src/space/presets.ts';
import type { Candidate } from '../../src/space/types.ts';
import { kendallTauB } from '../../src/nn/standalone.ts';
import { throwsGibbon } from '../helpers.ts';
import { createPredictor, predictorFromState, stateOptions, PREDICTOR_DEFAULTS, type Predictor } from '../../src/predictor/predictor.ts';
import { readFileSync } from 'node:fs';
import { lossOf } from '../../src/predictor/model.ts';
import { sampleDistinct, candidateKey } from '../../src/predictor/labels.ts';
import { LATENCY_FEATURES, LAYER_FEATURE_COUNT, TILE_FEATURES, tokenLayers } from '../../src/predictor/tokens.ts';
import type { Prediction, PredictorOptions, PredictorSample, PredictorState } from '../../src/predictor/types.ts';

await setupTfjs('wasm');
const space = spacePreset('mnist');
const SMALL = { tokenSize: 16, hardwareSize: 8, hiddenSize: 16, mlpSize: 32 };

/** Labels from a known formula of the features: sums and maxima over layers, hardware knobs. */
function synthetic(c: Candidate, withPimLoss: boolean): PredictorSample {
  const ls = tokenLayers(space, c);
  const xbar = c.hardware['xbar.size'] as number, adc = c.hardware['adc.bits'] as number, dac = c.hardware['dac.bits'] as number;
  let weights = 0, macs = 0, slowest = 0;
  for (const l of ls) {
    if (l.type !== 'conv' && l.type !== 'fc') continue;
    const w = (l.kernel * l.kernel * l.inChannels * l.outChannels * l.weightBits) / l.convGroups;
    weights += w;
    macs += w * l.outH * l.outW;
    slowest = Math.max(slowest, (l.outH * l.outW * l.inputBits) / dac);
  }
  const labels = {
    area_mm2: 0.5 + weights / (xbar * 200) + 0.02 * adc,
    energy_uJ: macs * 1e-5 * (1 + adc / 4),
    latency_ms: slowest * 1e-3 * (xbar / 64) ** 0.5,
    power_W: 0.1 + ls.length * 0.05 * adc,
  };
  const pimLoss = Math.max(0, (10 - adc) * 0.03 - 0.002 * ls[0].weightBits);
  return { candidate: c, labels: withPimLoss ? { ...labels, pimLoss } : labels };
}

/**
 * fit(A) + state (JSON round trip) + restore + fit(B) equals fit(A + B): a predictor with `options` fitted
 * 1 epoch, saved, restored and fitted 2 more equals `reference` (fitted 3 epochs), state and predictions.
 */
async function assertResumesExactly(options: PredictorOptions, data: PredictorSample[], reference: Predictor, probe: Candidate[]): Promise<void> {
  const first = createPredictor(space, options);
  await first.fit(data, { epochs: 1 });
  const resumed = predictorFromState(space, JSON.parse(JSON.stringify(first.state())) as PredictorState);
  await resumed.fit(data, { epochs: 2 });
  assert.equal(resumed.state(), reference.state());
  assert.equal(resumed.predict(probe), reference.predict(probe));
  first.dispose();
  resumed.dispose();
}

const trainC = sampleDistinct(space, 160, 11, 'predictor-test-train');
const testC = sampleDistinct(space, 80, 11, 'predictor-test-eval', new Set(trainC.map((c) => candidateKey(space, c))));

test('same seed: identical initial weights, identical weights and predictions after training', async () => {
  const data = trainC.slice(0, 48).map((c) => synthetic(c, true));
  const a = createPredictor(space, { seed: 3, ...SMALL }), b = createPredictor(space, { seed: 3, ...SMALL }), c = createPredictor(space, { seed: 4, ...SMALL });
  assert.equal(a.state(), b.state());
  assert.not.equal(a.state().weights['rnn.U'], c.state().weights['rnn.U']);
  await a.fit(data, { epochs: 2 });
  await b.fit(data, { epochs: 2 });
  assert.equal(a.state(), b.state());
  assert.equal(a.predict(testC.slice(0, 10)), b.predict(testC.slice(0, 10)));
  // a prediction does not depend on the batch it comes in
  assert.equal(a.predict(testC.slice(3, 4)), a.predict(testC.slice(0, 10)).slice(3, 4));
  // nor on the token memo: the same network seen before on other hardware
  const seen = testC[0];
  const other = { ...seen, hardware: { ...seen.hardware, 'xbar.size': seen.hardware['xbar.size'] === 32 ? 256 : 32, 'dac.bits': 3 - (seen.hardware['dac.bits'] as number) } };
  const fresh = predictorFromState(space, a.state());
  a.predict([seen]);
  assert.equal(a.predict([other]), fresh.predict([other]));
  fresh.dispose();
  for (const p of [a, b, c]) p.dispose();
});

test('fit(A) + state (JSON round trip) + restore + fit(B) equals fit(A + B) bit for bit', async () => {
  const data = trainC.slice(0, 48).map((c, i) => synthetic(c, i % 2 === 0));
  const whole = createPredictor(space, { seed: 5, ...SMALL });
  await whole.fit(data, { epochs: 3 });
  const first = createPredictor(space, { seed: 5, ...SMALL });
  await first.fit(data, { epochs: 1 });
  const saved = JSON.parse(JSON.stringify(first.state())) as PredictorState;
  first.dispose();
  const resumed = predictorFromState(space, saved);
  await resumed.fit(data, { epochs: 2 });
  assert.equal(resumed.state(), whole.state());
  assert.equal(resumed.predict(testC.slice(0, 8)), whole.predict(testC.slice(0, 8)));
  // per epoch: one batch of all 48, one of the 24 with pimLoss
  assert.is(resumed.state().adam.step, 3 * 2);
  whole.dispose();
  resumed.dispose();
});

test('learns a known formula: the loss falls and held-out rankings are well above chance', async () => {
  const p = createPredictor(space, { seed: 1, ...SMALL, learningRate: 5e-3, batchSize: 16 });
  const report = await p.fit(trainC.map((c) => synthetic(c, true)), { epochs: 30 });
  assert.ok(report.lastLoss < 0.5 * report.firstLoss, `loss ${report.firstLoss} -> ${report.lastLoss}`);
  const truth = testC.map((c) => synthetic(c, true).labels);
  const pred = p.predict(testC);
  for (const k of ['pimLoss', 'area_mm2', 'energy_uJ', 'latency_ms', 'power_W'] as const) {
    const tau = kendallTauB(pred.map((x) => x[k]), truth.map((y) => y[k]!));
    assert.ok(tau > 0.5, `${k}: tau ${tau}`);
  }
  p.dispose();
});

test('masked pimLoss: samples without it train the hardware heads only', async () => {
  // a quarter labelled with pimLoss still ranks pimLoss; none: its scale stays unset, predictions finite
  const p = createPredictor(space, { seed: 2, ...SMALL, learningRate: 5e-3, batchSize: 32 });
  const r = await p.fit(trainC.map((c, i) => synthetic(c, i % 4 === 0)), { epochs: 30 });
  assert.is(r.pimLossSamples, 40);
  const pred = p.predict(testC);
  const tau = kendallTauB(pred.map((x) => x.pimLoss), testC.map((c) => synthetic(c, true).labels.pimLoss!));
  assert.ok(tau > 0.4, `pimLoss tau ${tau}`);
  p.dispose();
  const q = createPredictor(space, { seed: 2, ...SMALL });
  await q.fit(trainC.slice(0, 40).map((c) => synthetic(c, false)), { epochs: 1 });
  assert.is(q.state().scales.pimLoss, null);
  assert.ok(q.predict(testC.slice(0, 4)).every((x) => Number.isFinite(x.pimLoss) && x.area_mm2 > 0));
  q.dispose();
});

test('lossOf: masked entries never change the loss', () => {
  const [l1, l2] = tf.tidy(() => {
    const p = tf.tensor2d([[0.1, 0.5], [0.3, -0.2], [0.7, 0.0]]);
    const mask = tf.tensor2d([[1, 0], [1, 1], [1, 0]]);
    const y1 = tf.tensor2d([[0.0, 0], [1.0, 0.4], [0.2, 0]]);
    const y2 = tf.tensor2d([[0.0, 99], [1.0, 0.4], [0.2, -42]]);
    return [lossOf(p, y1, mask, 1).dataSync()[0], lossOf(p, y2, mask, 1).dataSync()[0]];
  });
  assert.is(l1, l2);
  // by hand, rank weight 0: target 0 (0.01 + 0.49 + 0.25) / 3, target 1 0.36 / 1, mean of the two
  const mse = tf.tidy(() => lossOf(tf.tensor2d([[0.1, 0.5], [0.3, -0.2], [0.7, 0.0]]), tf.tensor2d([[0.0, 0], [1.0, 0.4], [0.2, 0]]), tf.tensor2d([[1, 0], [1, 1], [1, 0]]), 0).dataSync()[0]);
  assert.ok(Math.abs(mse - ((0.01 + 0.49 + 0.25) / 3 + 0.36) / 2) < 1e-6, `mse ${mse}`);
});

test('lossOf: the tie term, |p_i - p_j| over pairs with equal labels, for the targets tieTargets selects', () => {
  const [withTies, off] = tf.tidy(() => {
    const p = tf.tensor2d([[0.1], [0.5], [0.3]]), y = tf.tensor2d([[0], [0], [1]]), mask = tf.tensor2d([[1], [1], [1]]);
    return [lossOf(p, y, mask, 0, undefined, 1).dataSync()[0], lossOf(p, y, mask, 0, undefined, 1, tf.tensor1d([0])).dataSync()[0]];
  });
  // by hand: mse (0.01 + 0.25 + 0.49) / 3 = 0.25; tied ordered pairs (0, 1) and (1, 0), |0.1 - 0.5| each: 0.4
  assert.ok(Math.abs(withTies - 0.65) < 1e-6, `loss ${withTies}`);
  assert.ok(Math.abs(off - 0.25) < 1e-6, `loss without the tie target ${off}`);
});

test('pimLossFloor: a predicted pimLoss at or below it is 0, the other targets unchanged', async () => {
  const data = trainC.slice(0, 40).map((c) => synthetic(c, true));
  const a = createPredictor(space, { seed: 4, ...SMALL, pimLossFloor: 0 });
  await a.fit(data, { epochs: 2 });
  const pa = a.predict(testC);
  const floor = [...pa.map((x) => x.pimLoss)].sort((x, y) => x - y)[Math.floor(pa.length / 2)]; // half of them at or below
  const b = createPredictor(space, { seed: 4, ...SMALL, pimLossFloor: Math.max(floor, 0) });
  await b.fit(data, { epochs: 2 });
  const pb = b.predict(testC);
  assert.ok(pb.filter((x) => x.pimLoss === 0).length >= pa.length / 2);
  pa.forEach((x, i) => {
    assert.is(pb[i].pimLoss, x.pimLoss <= Math.max(floor, 0) ? 0 : x.pimLoss);
    assert.is(pb[i].area_mm2, x.area_mm2);
  });
  a.dispose();
  b.dispose();
});

test('LSTM cell: trains, and resumes exactly too', async () => {
  const data = trainC.slice(0, 40).map((c) => synthetic(c, true));
  const whole = createPredictor(space, { seed: 6, ...SMALL, cell: 'lstm' });
  const r = await whole.fit(data, { epochs: 2 });
  assert.ok(Number.isFinite(r.lastLoss));
  const first = createPredictor(space, { seed: 6, ...SMALL, cell: 'lstm' });
  await first.fit(data, { epochs: 1 });
  const resumed = predictorFromState(space, JSON.parse(JSON.stringify(first.state())) as PredictorState);
  await resumed.fit(data, { epochs: 1 });
  assert.equal(resumed.state().weights, whole.state().weights);
  for (const p of [whole, first, resumed]) p.dispose();
});

for (const cost of [{ costMaxPool: 1 }, { costTokenInput: 1 }, { costMaxPool: 1, costTokenInput: 1 }, { costTokenInput: 1, costHiddenSize: 8 }] as { costMaxPool?: number; costTokenInput?: number; costHiddenSize?: number }[]) {
  test(`${JSON.stringify(cost)}: deterministic, stored in the state, and fit(A) + JSON round trip + fit(B) equals fit(A + B)`, async () => {
    const data = trainC.slice(0, 48).map((c, i) => synthetic(c, i % 2 === 0));
    const a = createPredictor(space, { seed: 5, ...SMALL, ...cost }), b = createPredictor(space, { seed: 5, ...SMALL, ...cost });
    const plain = createPredictor(space, { seed: 5, ...SMALL });
    await a.fit(data, { epochs: 3 });
    await b.fit(data, { epochs: 3 });
    assert.equal(a.state(), b.state());
    assert.equal(a.predict(testC.slice(0, 8)), b.predict(testC.slice(0, 8)));
    const s = a.state();
    assert.is(s.options.costMaxPool, cost.costMaxPool ?? 0);
    assert.is(s.options.costTokenInput, cost.costTokenInput ?? 0);
    assert.equal(s.weights['head.Wcost'].shape, [cost.costMaxPool === 1 ? 16 : 8, 6]);
    const costIn = cost.costTokenInput === 1 ? SMALL.hiddenSize + SMALL.tokenSize : SMALL.hiddenSize;
    assert.equal(s.weights['cost.W'].shape, [cost.costHiddenSize ?? costIn, 8]);
    assert.equal(s.weights['cost.Wh']?.shape, cost.costHiddenSize === undefined ? undefined : [costIn, cost.costHiddenSize]);
    assert.is(s.options.costHiddenSize, cost.costHiddenSize ?? 0);
    assert.equal(s.weights['mlp.W1'].shape, [3 * SMALL.hiddenSize + (cost.costMaxPool === 1 ? 16 : 8) + SMALL.hardwareSize, SMALL.mlpSize]);
    assert.throws(() => plain.restore(s), /options\.cost/);
    await assertResumesExactly({ seed: 5, ...SMALL, ...cost }, data, a, testC.slice(0, 8));
    for (const p of [a, b, plain]) p.dispose();
  });
}

test('tileFeatures 1 (the default): wider tokens, deterministic, stored in the state, and fit(A) + JSON round trip + fit(B) equals fit(A + B)', async () => {
  const data = trainC.slice(0, 48).map((c, i) => synthetic(c, i % 2 === 0));
  const tiles = { seed: 5, ...SMALL, tileFeatures: 1, latencyFeatures: 0 };
  const a = createPredictor(space, tiles), b = createPredictor(space, tiles), plain = createPredictor(space, { seed: 5, ...SMALL, tileFeatures: 0, latencyFeatures: 0 });
  await a.fit(data, { epochs: 3 });
  await b.fit(data, { epochs: 3 });
  assert.equal(a.state(), b.state());
  const s = a.state();
  assert.is(s.options.tileFeatures, 1);
  assert.equal(s.weights['embed.token.W'].shape, [LAYER_FEATURE_COUNT + TILE_FEATURES.length + 16, SMALL.tokenSize]);
  const byDefault = createPredictor(space, { seed: 5 });
  assert.is(byDefault.options.tileFeatures, 1);
  byDefault.dispose();
  assert.equal(plain.state().weights['embed.token.W'].shape, [LAYER_FEATURE_COUNT + 16, SMALL.tokenSize]);
  assert.throws(() => plain.restore(s), /options\.tileFeatures/);
  const probe = testC.slice(0, 8);
  assert.equal(a.predict(probe), b.predict(probe));
  await assertResumesExactly(tiles, data, a, probe);
  for (const p of [a, b, plain]) p.dispose();
});

test('latencyFeatures 1 (the default): wider tokens, deterministic, stored in the state, refused by a predictor without it, and fit(A) + JSON round trip + fit(B) equals fit(A + B)', async () => {
  const data = trainC.slice(0, 48).map((c, i) => synthetic(c, i % 2 === 0));
  const lat = { seed: 5, ...SMALL, latencyFeatures: 1 };
  const a = createPredictor(space, lat), b = createPredictor(space, lat), without = createPredictor(space, { seed: 5, ...SMALL, latencyFeatures: 0 });
  await a.fit(data, { epochs: 3 });
  await b.fit(data, { epochs: 3 });
  assert.equal(a.state(), b.state());
  const s = a.state();
  assert.is(s.options.latencyFeatures, 1);
  assert.equal(s.weights['embed.token.W'].shape, [LAYER_FEATURE_COUNT + TILE_FEATURES.length + LATENCY_FEATURES.length + 16, SMALL.tokenSize]);
  assert.equal(without.state().weights['embed.token.W'].shape, [LAYER_FEATURE_COUNT + TILE_FEATURES.length + 16, SMALL.tokenSize]);
  const alone = createPredictor(space, { seed: 5, ...SMALL, tileFeatures: 0, latencyFeatures: 1 });
  assert.equal(alone.state().weights['embed.token.W'].shape, [LAYER_FEATURE_COUNT + LATENCY_FEATURES.length + 16, SMALL.tokenSize]);
  assert.throws(() => without.restore(s), /options\.latencyFeatures/);
  const byDefault = createPredictor(space, { seed: 5 });
  assert.is(byDefault.options.latencyFeatures, 1);
  byDefault.dispose();
  const probe = testC.slice(0, 8);
  assert.equal(a.predict(probe), b.predict(probe));
  assert.not.equal(a.predict(probe), without.predict(probe));
  await assertResumesExactly(lat, data, a, probe);
  // the token memo is keyed by the hardware too: the same network on two ADCs gets two latency token sets
  const c = testC[0], other = { ...c, hardware: { ...c.hardware, 'adc.bits': c.hardware['adc.bits'] === 4 ? 10 : 4 } };
  const fresh = predictorFromState(space, a.state());
  assert.equal(fresh.predict([c, other]), [...a.predict([c]), ...a.predict([other])]);
  for (const p of [a, b, without, alone, fresh]) p.dispose();
});

test('costMaxPool and costTokenInput: 0 or 1; costHiddenSize an integer >= 0', () => {
  assert.throws(() => createPredictor(space, { seed: 1, tileFeatures: 2 }), /tileFeatures: got 2; allowed: 0 or 1/);
  assert.throws(() => createPredictor(space, { seed: 1, latencyFeatures: 0.5 }), /latencyFeatures: got 0\.5; allowed: 0 or 1/);
  assert.throws(() => createPredictor(space, { seed: 1, costHiddenSize: -1 }), /costHiddenSize: got -1; allowed: an integer in 0\.\.4096/);
  assert.throws(() => createPredictor(space, { seed: 1, costMaxPool: 2 }), /costMaxPool: got 2; allowed: 0 or 1/);
  assert.throws(() => createPredictor(space, { seed: 1, costTokenInput: 0.5 }), /costTokenInput: got 0\.5; allowed: 0 or 1/);
});

test('a state saved before costMaxPool / costTokenInput / costHiddenSize: loads as 0 and predicts bit-identically, whatever the defaults', () => {
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/legacy-state.json', import.meta.url), 'utf8')) as { state: PredictorState; probe: Candidate[]; predictions: Prediction[] };
  assert.not.ok('costMaxPool' in fixture.state.options);
  // whatever the defaults: the state's options plus the legacy values name every option, so no default reaches a loaded state
  const loaded = stateOptions(fixture.state);
  for (const k of Object.keys(PREDICTOR_DEFAULTS)) assert.ok(k in loaded, k);
  const p = predictorFromState(space, fixture.state);
  assert.is(p.options.costMaxPool, 0);
  assert.is(p.options.costTokenInput, 0);
  assert.is(p.options.costHiddenSize, 0);
  assert.is(p.options.tileFeatures, 0);
  assert.is(p.options.latencyFeatures, 0);
  assert.equal(p.predict(fixture.probe), fixture.predictions);
  // and restore into a predictor created with the options at 0
  const q = createPredictor(space, { ...fixture.state.options, costMaxPool: 0, costTokenInput: 0, costHiddenSize: 0, tileFeatures: 0, latencyFeatures: 0 });
  q.restore(fixture.state);
  assert.equal(q.predict(fixture.probe), fixture.predictions);
  for (const x of [p, q]) x.dispose();
});

test('the defaults are frozen; an unknown option and a missing seed are refused with the options.<name> line', () => {
  assert.ok(Object.isFrozen(PREDICTOR_DEFAULTS));
  assert.throws(() => { (PREDICTOR_DEFAULTS as Record<string, unknown>).hiddenSize = 1; }, TypeError);
  throwsGibbon(() => createPredictor(space, { seed: 1, hiddenSise: 8 } as never), 'E_OPTION', `predictor: options.hiddenSise: got an unknown option; allowed: ${[...Object.keys(PREDICTOR_DEFAULTS), 'seed'].join(', ')}`);
  throwsGibbon(() => createPredictor(space, {} as never), 'E_OPTION', 'predictor: options.seed: got nothing; allowed: an integer in 0..4294967295');
  throwsGibbon(() => createPredictor(space, { seed: 1, learningRateDecay: 0 }), 'E_OPTION', 'predictor: options.learningRateDecay: got 0; allowed: a number in (0, 1]');
});

test('restore refuses a state of other options or another space', () => {
  const a = createPredictor(space, { seed: 1, ...SMALL });
  const b = createPredictor(space, { seed: 1, ...SMALL, hiddenSize: 8 });
  assert.throws(() => b.restore(a.state()), /options\.hiddenSize: got 16; allowed: 8/);
  const c = createPredictor(spacePreset('gibbon-cifar'), { seed: 1, ...SMALL });
  assert.throws(() => c.restore(a.state()), /space: got "mnist"; allowed: "gibbon-cifar"/);
  for (const p of [a, b, c]) p.dispose();
});

test.run();
