// The predictor's forward pass in our WASM kernel (src/predictor/wasm-infer.ts, assembly/predictor.ts)
// against the tfjs forward (src/predictor/model.ts): the same normalized outputs within 1e-5 (absolute,
// on the normalized outputs) on random and trained weights, GRU and LSTM, both presets and odd sizes, with
// and without the max-pooled costs (costMaxPool) and the token input of the cost channels (costTokenInput);
// padding independence; bit-identical repeats; bad calls report a status and a message, never a trap.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { setupTfjs } from '../../src/node/tfjs-setup.ts';
import { loadSimulatorNode } from '../../src/node/simulator.ts';
import { spacePreset } from '../../src/space/presets.ts';
import type { Space } from '../../src/space/space.ts';
import type { Candidate } from '../../src/space/types.ts';
import { createPredictor, predictorFromState, rnnShapeOf, type Predictor } from '../../src/predictor/predictor.ts';
import { forward, weightShapes, type WeightName, type Weights } from '../../src/predictor/model.ts';
import { decodeFloats } from '../../src/predictor/tensor-data.ts';
import { sampleDistinct } from '../../src/predictor/labels.ts';
import { layerFeatureCount, tokenLayers, tokenLayout, tokenizeBatch } from '../../src/predictor/tokens.ts';
import { RNN_COST_HIDDEN_WEIGHTS, RNN_WEIGHT_ORDER, WasmPredictorKernel, type PaddedBatch } from '../../src/predictor/wasm-infer.ts';
import type { Prediction, PredictorOptions, PredictorSample, PredictorState } from '../../src/predictor/types.ts';
import * as R from '../../assembly/predictor-layout.ts';
import { GibbonError } from '../../src/util/errors.ts';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';

await setupTfjs('wasm');
const sim = await loadSimulatorNode();
const TOLERANCE = 1e-5; // absolute, on normalized outputs

/** Hardware labels from a simple formula of the layers (enough to move the weights away from their init). */
function sampleOf(space: Space, c: Candidate): PredictorSample {
  const ls = tokenLayers(space, c);
  const xbar = c.hardware['xbar.size'] as number, adc = c.hardware['adc.bits'] as number;
  let weights = 0, macs = 0;
  for (const l of ls) {
    if (l.type !== 'conv' && l.type !== 'fc') continue;
    const w = (l.kernel * l.kernel * l.inChannels * l.outChannels) / l.convGroups;
    weights += w; macs += w * l.outH * l.outW;
  }
  return {
    candidate: c,
    labels: { area_mm2: 0.5 + weights / (xbar * 100), energy_uJ: 1e-5 * macs * adc, latency_ms: 1e-3 * ls.length * adc, power_W: 0.1 + 0.02 * adc * ls.length, pimLoss: 0.01 * (10 - adc) },
  };
}

function weightsOf(p: Predictor): Map<WeightName, Float32Array> {
  const s = p.state();
  return new Map(Object.entries(s.weights).map(([name, d]) => [name as WeightName, decodeFloats(d, name)]));
}

/** Normalized outputs of the tfjs forward on a padded batch. */
function tfjsForward(p: Predictor, w: Map<WeightName, Float32Array>, b: PaddedBatch, hardwareFeatures: number): Float32Array {
  return tf.tidy(() => {
    const weights: Weights = new Map();
    for (const [name, shape] of weightShapes(p.options, hardwareFeatures)) weights.set(name, tf.tensor(w.get(name)!, shape) as tf.Variable);
    const x = { tokens: tf.tensor3d(b.tokens, [b.n, b.steps, layerFeatureCount(p.options.tileFeatures, p.options.latencyFeatures)]), hardware: tf.tensor2d(b.hardware, [b.n, hardwareFeatures]) };
    return forward(weights, p.options, x).dataSync() as Float32Array;
  });
}

/** The tokens p reads (with or without its tile features). */
function batchOf(space: Space, p: Predictor, candidates: readonly Candidate[]): PaddedBatch {
  const layout = tokenLayout(space);
  const t = tokenizeBatch(space, layout, candidates, p.options.tileFeatures, p.options.latencyFeatures);
  return { n: t.n, steps: layout.maxLayers, tokens: t.layers, hardware: t.hardware };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.is(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

const kernel = new WasmPredictorKernel(sim.exports);

/** Uploads p's weights and checks the kernel against tfjs on `n` candidates; returns the largest difference. */
function check(space: Space, p: Predictor, n: number, label: string): number {
  const H = tokenLayout(space).hardwareFeatureCount;
  const w = weightsOf(p);
  kernel.upload(rnnShapeOf(p.options, H), w);
  const b = batchOf(space, p, sampleDistinct(space, n, 7, label));
  const got = kernel.forward(b), want = tfjsForward(p, w, b, H);
  const d = maxAbsDiff(got, want);
  assert.ok(d <= TOLERANCE, `${space.name} ${JSON.stringify(p.options)}: max |wasm - tfjs| ${d}`);
  let scale = 0;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  assert.ok(scale > 1e-3, 'outputs are not all zero'); // a vacuous comparison would pass
  return d;
}

const ODD = { tokenSize: 5, hardwareSize: 3, hiddenSize: 7, mlpSize: 9 };
const WIDE = { tokenSize: 33, hardwareSize: 17, hiddenSize: 21, mlpSize: 18 };
const COSTS = [{}, { tileFeatures: 0 }, { latencyFeatures: 0 }, { tileFeatures: 0, latencyFeatures: 0 }, { costMaxPool: 1 }, { costTokenInput: 1 }, { costMaxPool: 1, costTokenInput: 1 }, { costHiddenSize: 6 }, { costMaxPool: 1, costTokenInput: 1, costHiddenSize: 5 }];

test('the weight order is model.ts weightShapes order', () => {
  assert.equal(weightShapes(createPredictorOptions({ seed: 1 }), 16).map(([n]) => n), [...RNN_WEIGHT_ORDER]);
  assert.equal(weightShapes(createPredictorOptions({ seed: 1, costHiddenSize: 4 }), 16).map(([n]) => n), [...RNN_WEIGHT_ORDER, ...RNN_COST_HIDDEN_WEIGHTS]);
});

function createPredictorOptions(o: PredictorOptions) {
  const p = createPredictor(spacePreset('mnist'), o);
  const r = p.options;
  p.dispose();
  return r;
}

for (const preset of ['mnist', 'gibbon-cifar'] as const) {
  for (const cell of ['gru', 'lstm'] as const) {
    test(`${preset} ${cell}: random weights, default, odd and wide sizes, with and without tile and latency features, each cost pooling and input, equal tfjs within ${TOLERANCE}`, () => {
      const space = spacePreset(preset);
      for (const sizes of [{}, ODD, WIDE]) {
        for (const cost of COSTS) {
          const p = createPredictor(space, { seed: 3, cell, ...sizes, ...cost });
          try { check(space, p, 64, `wasm-random-${cell}`); } finally { p.dispose(); }
        }
      }
    });
    test(`${preset} ${cell}: trained weights (small fit) equal tfjs within ${TOLERANCE}`, async () => {
      const space = spacePreset(preset);
      const samples = sampleDistinct(space, 160, 5, 'wasm-train').map((c) => sampleOf(space, c));
      for (const sizes of [{}, ODD, { tileFeatures: 0 }, { latencyFeatures: 0 }, { costMaxPool: 1 }, { ...ODD, costMaxPool: 1, costTokenInput: 1 }, { costMaxPool: 1, costTokenInput: 1, costHiddenSize: 8 }]) {
        const p = createPredictor(space, { seed: 4, cell, batchSize: 32, ...sizes });
        try {
          await p.fit(samples, { epochs: 2 });
          check(space, p, 96, `wasm-trained-${cell}`);
        } finally { p.dispose(); }
      }
    });
  }
}

test('predict with useWasm: the same predictions as tfjs; weights re-uploaded after fit and restore', async () => {
  const space = spacePreset('gibbon-cifar');
  const samples = sampleDistinct(space, 128, 6, 'wasm-predict-train').map((c) => sampleOf(space, c));
  const fresh = sampleDistinct(space, 300, 6, 'wasm-predict');
  const p = createPredictor(space, { seed: 2, batchSize: 32 });
  try {
    await p.fit(samples, { epochs: 1 });
    const close = (what: string) => {
      p.useWasm(null);
      const want = p.predict(fresh);
      p.useWasm(sim.exports);
      assert.is(p.inference, 'wasm');
      const got = p.predict(fresh);
      got.forEach((g, i) => {
        for (const k of ['pimLoss', 'quantized'] as const) assert.ok(Math.abs(g[k] - want[i][k]) <= 1e-4, `${what}: ${k} ${g[k]} vs ${want[i][k]}`);
        for (const k of ['area_mm2', 'energy_uJ', 'latency_ms', 'power_W'] as const) {
          assert.ok(Math.abs(g[k] / want[i][k] - 1) <= 1e-4, `${what}: ${k} ${g[k]} vs ${want[i][k]}`);
        }
      });
    };
    close('after the first fit');
    const before = p.state();
    p.useWasm(sim.exports);
    const first = p.predict(fresh);
    await p.fit(samples, { epochs: 1 }); // changes the weights: predict must see the new ones
    const second = p.predict(fresh);
    assert.ok(first.some((f, i) => f.area_mm2 !== second[i].area_mm2), 'predictions changed after fit');
    close('after the second fit');
    p.useWasm(sim.exports);
    p.restore(before);
    assert.equal(p.predict(fresh), first, 'after restore: the restored weights');
  } finally { p.dispose(); }
});

test('tileFeatures 1: the kernel reads the wider tokens (F from the shape record) and gives the tfjs predictions', async () => {
  const space = spacePreset('gibbon-cifar');
  const samples = sampleDistinct(space, 96, 7, 'wasm-tiles-train').map((c) => sampleOf(space, c));
  const fresh = sampleDistinct(space, 200, 7, 'wasm-tiles');
  const p = createPredictor(space, { seed: 3, batchSize: 32, tileFeatures: 1 });
  try {
    await p.fit(samples, { epochs: 1 });
    const want = p.predict(fresh);
    p.useWasm(sim.exports);
    const got = p.predict(fresh);
    got.forEach((g, i) => {
      for (const k of ['pimLoss', 'quantized'] as const) assert.ok(Math.abs(g[k] - want[i][k]) <= 1e-4, `${k} ${g[k]} vs ${want[i][k]}`);
      for (const k of ['area_mm2', 'energy_uJ', 'latency_ms', 'power_W'] as const) assert.ok(Math.abs(g[k] / want[i][k] - 1) <= 1e-4, `${k} ${g[k]} vs ${want[i][k]}`);
    });
  } finally { p.dispose(); }
});

test('padding independence: more padding steps, other batch mates, give identical bits', () => {
  const space = spacePreset('gibbon-cifar');
  const p = createPredictor(space, { seed: 9 });
  try {
    kernel.upload(rnnShapeOf(p.options, tokenLayout(space).hardwareFeatureCount), weightsOf(p));
    const cands = sampleDistinct(space, 40, 9, 'wasm-pad');
    const b = batchOf(space, p, cands);
    const base = kernel.forward(b);
    // 9 extra zero steps per candidate
    const F = layerFeatureCount(p.options.tileFeatures, p.options.latencyFeatures), T = b.steps, T2 = T + 9;
    const tokens = new Float32Array(b.n * T2 * F);
    for (let i = 0; i < b.n; i++) tokens.set(b.tokens.subarray(i * T * F, (i + 1) * T * F), i * T2 * F);
    assert.equal(kernel.forward({ ...b, steps: T2, tokens }), base);
    // each candidate alone, padded only to its own length
    const K = base.length / b.n, H = b.hardware.length / b.n;
    cands.forEach((c, i) => {
      const steps = tokenLayers(space, c).length;
      const alone = kernel.forward({ n: 1, steps, tokens: b.tokens.slice(i * T * F, i * T * F + steps * F), hardware: b.hardware.slice(i * H, (i + 1) * H) });
      assert.equal(alone, base.slice(i * K, (i + 1) * K), `candidate ${i}`);
    });
  } finally { p.dispose(); }
});

test('determinism: the same input twice gives identical bits (and a fresh kernel too)', () => {
  const space = spacePreset('mnist');
  const p = createPredictor(space, { seed: 11, cell: 'lstm' });
  try {
    const shape = rnnShapeOf(p.options, tokenLayout(space).hardwareFeatureCount);
    kernel.upload(shape, weightsOf(p));
    const b = batchOf(space, p, sampleDistinct(space, 50, 11, 'wasm-det'));
    const a1 = kernel.forward(b), a2 = kernel.forward(b);
    assert.equal(new Uint32Array(a1.buffer), new Uint32Array(a2.buffer));
    const other = new WasmPredictorKernel(sim.exports);
    other.upload(shape, weightsOf(p));
    assert.equal(new Uint32Array(other.forward(b).buffer), new Uint32Array(a1.buffer));
    other.dispose();
  } finally { p.dispose(); }
});

test('bad calls: a status and a clear message, never a trap', () => {
  const space = spacePreset('mnist');
  const p = createPredictor(space, { seed: 1 });
  try {
    const H = tokenLayout(space).hardwareFeatureCount;
    const shape = rnnShapeOf(p.options, H);
    const w = weightsOf(p);
    const b = batchOf(space, p, sampleDistinct(space, 4, 1, 'wasm-bad'));
    const fresh = new WasmPredictorKernel(sim.exports);
    assert.throws(() => fresh.forward(b), /no weights uploaded/);
    // a missing weight; a weight of the wrong size (the count no longer matches the shape)
    const missing = new Map(w); missing.delete('rnn.U');
    assert.throws(() => fresh.upload(shape, missing), /rnn\.U is missing/);
    const short = new Map(w); short.set('mlp.b2', new Float32Array(3));
    fresh.upload(shape, short);
    assert.throws(() => fresh.forward(b), (e: unknown) => e instanceof GibbonError && /weight count: got \d+/.test(e.message));
    // a shape field out of range
    fresh.upload({ ...shape, hiddenSize: 0 }, w);
    assert.throws(() => fresh.forward(b), /shape field hiddenSize: got 0/);
    // a candidate without a present layer
    fresh.upload(shape, w);
    const empty = { ...b, tokens: b.tokens.slice() };
    empty.tokens.fill(0, 2 * b.steps * layerFeatureCount(p.options.tileFeatures, p.options.latencyFeatures), 3 * b.steps * layerFeatureCount(p.options.tileFeatures, p.options.latencyFeatures));
    assert.throws(() => fresh.forward(empty), /candidate 2 has no present layer/);
    // raw calls: null pointers, negative counts, pointers past the end of memory
    const X = sim.exports;
    const err = X.gibbon_alloc(R.RE_LEN * 8);
    const errorRecord = () => { X.gibbon_rnn_error(err); return [...new Float64Array(X.memory.buffer, err, R.RE_LEN)]; };
    assert.is(X.gibbon_rnn_forward(0, 8, 8, 8, 1, 1, 8), R.RN_BAD_CALL);
    assert.equal(errorRecord().slice(0, 2), [R.RN_BAD_CALL, R.RA_SHAPE_PTR]);
    const shapePtr = X.gibbon_alloc(R.RS_LEN * 8);
    const rec = new Float64Array(X.memory.buffer, shapePtr, R.RS_LEN);
    rec.set([R.RNN_GRU, 21, 16, 4, 4, 4, 4, 8, 6, 0, 0, 0, 0]);
    assert.is(X.gibbon_rnn_forward(shapePtr, 8, 8, 8, 1, 1, 8), R.RN_SHAPE_FIELD);
    assert.equal(errorRecord().slice(0, 2), [R.RN_SHAPE_FIELD, R.RS_WEIGHT_COUNT]);
    new Float64Array(X.memory.buffer, shapePtr, R.RS_LEN)[R.RS_COST_MAX_POOL] = 2;
    assert.is(X.gibbon_rnn_forward(shapePtr, 8, 8, 8, 1, 1, 8), R.RN_SHAPE_FIELD);
    assert.equal(errorRecord().slice(0, 3), [R.RN_SHAPE_FIELD, R.RS_COST_MAX_POOL, 2]);
    new Float64Array(X.memory.buffer, shapePtr, R.RS_LEN)[R.RS_COST_MAX_POOL] = 0;
    new Float64Array(X.memory.buffer, shapePtr, R.RS_LEN)[R.RS_COST_TOKEN_INPUT] = -1;
    assert.is(X.gibbon_rnn_forward(shapePtr, 8, 8, 8, 1, 1, 8), R.RN_SHAPE_FIELD);
    assert.equal(errorRecord().slice(0, 3), [R.RN_SHAPE_FIELD, R.RS_COST_TOKEN_INPUT, -1]);
    new Float64Array(X.memory.buffer, shapePtr, R.RS_LEN)[R.RS_COST_TOKEN_INPUT] = 0;
    new Float64Array(X.memory.buffer, shapePtr, R.RS_LEN)[R.RS_COST_HIDDEN_SIZE] = 2.5;
    assert.is(X.gibbon_rnn_forward(shapePtr, 8, 8, 8, 1, 1, 8), R.RN_SHAPE_FIELD);
    assert.equal(errorRecord().slice(0, 3), [R.RN_SHAPE_FIELD, R.RS_COST_HIDDEN_SIZE, 2.5]);
    new Float64Array(X.memory.buffer, shapePtr, R.RS_LEN)[R.RS_COST_HIDDEN_SIZE] = 0;
    new Float64Array(X.memory.buffer, shapePtr, R.RS_LEN)[R.RS_CELL] = 2;
    assert.is(X.gibbon_rnn_forward(shapePtr, 8, 8, 8, 1, 1, 8), R.RN_SHAPE_FIELD);
    assert.equal(errorRecord().slice(0, 3), [R.RN_SHAPE_FIELD, R.RS_CELL, 2]);
    new Float64Array(X.memory.buffer, shapePtr, R.RS_LEN)[R.RS_HIDDEN_SIZE] = 1.5;
    new Float64Array(X.memory.buffer, shapePtr, R.RS_LEN)[R.RS_CELL] = R.RNN_LSTM;
    assert.is(X.gibbon_rnn_forward(shapePtr, 8, 8, 8, 1, 1, 8), R.RN_SHAPE_FIELD);
    assert.equal(errorRecord().slice(0, 3), [R.RN_SHAPE_FIELD, R.RS_HIDDEN_SIZE, 1.5]);
    // a valid shape (all sizes 1) with bad arguments
    const one = new Float64Array(X.memory.buffer, shapePtr, R.RS_LEN);
    one.set([R.RNN_GRU, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
    // §3 shapes with F = 2, H = 1 and every size 1: embed.token.W 3, embed.hw.W 1, the gate matrices 3 each, mlp.W1 5
    const count = 3 + 1 + 1 + 1 + 3 + 3 + 3 + 3 + 1 + 1 + 5 + 1 + 1 + 1 + 1 + 1 + 1;
    one[R.RS_WEIGHT_COUNT] = count;
    const wPtr = X.gibbon_alloc(count * 4), io = X.gibbon_alloc(64);
    assert.is(X.gibbon_rnn_forward(shapePtr, wPtr, io, io, -1, 1, io), R.RN_BAD_CALL);
    assert.equal(errorRecord().slice(0, 2), [R.RN_BAD_CALL, R.RA_BATCH]);
    assert.is(X.gibbon_rnn_forward(shapePtr, wPtr, io, io, 1, 0, io), R.RN_BAD_CALL);
    assert.equal(errorRecord().slice(0, 2), [R.RN_BAD_CALL, R.RA_STEPS]);
    assert.is(X.gibbon_rnn_forward(shapePtr, wPtr, 0, io, 1, 1, io), R.RN_BAD_CALL);
    assert.equal(errorRecord().slice(0, 2), [R.RN_BAD_CALL, R.RA_TOKENS_PTR]);
    assert.is(X.gibbon_rnn_forward(shapePtr, wPtr, io, io, 1 << 20, 64, io), R.RN_BAD_CALL); // past the end of memory
    assert.is(X.gibbon_rnn_forward(shapePtr, 0xfffffff0, io, io, 1, 1, io), R.RN_BAD_CALL);
    assert.equal(errorRecord().slice(0, 2), [R.RN_BAD_CALL, R.RA_WEIGHTS_PTR]);
    assert.is(X.gibbon_rnn_forward(shapePtr, wPtr, io, io, 0, 1, 0), R.RN_OK); // an empty batch
    for (const ptr of [err, shapePtr, wPtr, io]) X.gibbon_free(ptr);
    fresh.dispose();
  } finally { p.dispose(); }
});

test('a state saved before costMaxPool / costTokenInput / costHiddenSize: the kernel gives its tfjs predictions', () => {
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/legacy-state.json', import.meta.url), 'utf8')) as { state: PredictorState; probe: Candidate[]; predictions: Prediction[] };
  const p = predictorFromState(spacePreset('mnist'), fixture.state);
  try {
    p.useWasm(sim.exports);
    p.predict(fixture.probe).forEach((g, i) => {
      const want = fixture.predictions[i];
      for (const k of ['pimLoss', 'quantized'] as const) assert.ok(Math.abs(g[k] - want[k]) <= 1e-4, `${k} ${g[k]} vs ${want[k]}`);
      for (const k of ['area_mm2', 'energy_uJ', 'latency_ms', 'power_W'] as const) assert.ok(Math.abs(g[k] / want[k] - 1) <= 1e-4, `${k} ${g[k]} vs ${want[k]}`);
    });
  } finally { p.dispose(); }
});

test('docs/abi.md §10 lists every constant of assembly/predictor-layout.ts with its value', async () => {
  const doc = await readFile(new URL('../../docs/abi.md', import.meta.url), 'utf8');
  const missing = Object.entries(R).filter(([name, value]) =>
    !doc.includes(`| ${value} | \`${name}\` |`) && !doc.includes(`\`${name}\` = ${value}`)).map(([n, v]) => `${n} = ${v}`);
  assert.equal(missing, [], 'document these in docs/abi.md');
});

test.run();
