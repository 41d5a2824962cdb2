// The RNN predictor of a space (docs/predictor.md): createPredictor, fit, predict, state / restore.
// Deterministic: initial weights from Rng(seed), the batch order of epoch e from Rng(seed).fork('epoch', e)
// (and fork('epoch-accuracy', e) for the extra batches of accuracy-labelled samples),
// our own Adam; state() holds all of it, so fit(A) + state + restore + fit(B) equals fit(A + B) bit for bit.

import * as tf from '@tensorflow/tfjs';
import type { Space } from '../space/space.ts';
import type { Candidate } from '../space/types.ts';
import { fieldError } from '../util/errors.ts';
import { resolveOptions, type OptionRule } from '../util/options.ts';
import { Rng } from '../util/rng.ts';
import { Adam, COST_CHANNELS, forward, forwardWithCosts, initialWeights, layerLossOf, lossOf, weightShapes, type WeightName, type Weights } from './model.ts';
import { decodeFloats, encodeFloats } from './tensor-data.ts';
import { candidateTokens, hardwareFeatures, layerFeatureCount, tokenLayout, type TokenLayout } from './tokens.ts';
import {
  LAYER_TARGETS, LAYER_TOTALS, TARGETS, type FitOptions, type FitReport, type Prediction, type PredictorOptions, type PredictorSample, type PredictorState,
  type ResolvedPredictorOptions, type TargetName, type TargetScale, type TensorData,
} from './types.ts';
import { WasmPredictorKernel, type PaddedBatch, type PredictorWasmExports, type RnnShape } from './wasm-infer.ts';

/** Defaults (docs/predictor.md §2 has the measurements behind them). */
export const PREDICTOR_DEFAULTS: Readonly<Omit<ResolvedPredictorOptions, 'seed'>> = Object.freeze({
  cell: 'gru', tokenSize: 32, hardwareSize: 16, hiddenSize: 32, mlpSize: 64,
  learningRate: 5e-3, batchSize: 64, rankWeight: 1, weightDecay: 1e-5, accuracyWeight: 0.2, tieWeight: 0.1, pimLossFloor: 0.01,
  layerWeight: 1, learningRateDecay: 1, costMaxPool: 0, costTokenInput: 0, costHiddenSize: 0, tileFeatures: 1, latencyFeatures: 1,
});

/**
 * The value of an option that a saved state from before the option was added must mean (states without it
 * load and predict exactly as before, whatever the default is now).
 */
const LEGACY_OPTIONS: Partial<Omit<ResolvedPredictorOptions, 'seed'>> = { costMaxPool: 0, costTokenInput: 0, costHiddenSize: 0, tileFeatures: 0, latencyFeatures: 0 };

/** A saved state's options, with the options it predates at their legacy values. */
export function stateOptions(state: PredictorState): ResolvedPredictorOptions {
  return { ...LEGACY_OPTIONS, ...state.options };
}

/**
 * A per-layer label below this share of its sample's total (an add layer's area, 0; a layer that finishes
 * before an earlier one, latency share 0) is trained as that share: logs of zeros do not exist, and the
 * layer's channel should only be small next to the others.
 */
export const LAYER_FLOOR = 1e-3;

/** Candidates per forward pass in predict. */
const PREDICT_BATCH = 1024;
const SOURCE = 'predictor';

/** Hardware targets are regressed in log space; the accuracy targets as they are. */
const isLogTarget = (t: TargetName) => t !== 'pimLoss' && t !== 'quantized';

export interface Predictor {
  readonly space: Space;
  readonly options: ResolvedPredictorOptions;
  fit(samples: readonly PredictorSample[], opts: FitOptions): Promise<FitReport>;
  predict(candidates: readonly Candidate[]): Prediction[];
  state(): PredictorState;
  restore(state: PredictorState): void;
  /**
   * Runs `predict` in our WASM kernel (the exports of an instantiated gibbon.wasm, e.g. a Simulator's
   * `exports`) instead of tfjs; null goes back to tfjs. Training stays in tfjs; the weights are
   * re-uploaded after every fit or restore.
   */
  useWasm(exports: PredictorWasmExports | null): void;
  /** Which forward pass `predict` uses. */
  readonly inference: 'tfjs' | 'wasm';
  dispose(): void;
}

/** The kernel's view of a predictor's sizes. */
export function rnnShapeOf(o: ResolvedPredictorOptions, hardwareFeatures: number): RnnShape {
  return {
    cell: o.cell, layerFeatures: layerFeatureCount(o.tileFeatures, o.latencyFeatures), hardwareFeatures, tokenSize: o.tokenSize, hardwareSize: o.hardwareSize,
    hiddenSize: o.hiddenSize, mlpSize: o.mlpSize, costChannels: COST_CHANNELS, heads: TARGETS.length,
    costMaxPool: o.costMaxPool === 1 ? 1 : 0, costTokenInput: o.costTokenInput === 1 ? 1 : 0, costHiddenSize: o.costHiddenSize > 0 ? o.costHiddenSize : 0,
  };
}

const SIZE = { min: 1, max: 4096, integer: true }, WEIGHT = { min: 0, max: Infinity }, SWITCH = { oneOf: [0, 1] };

/** The rule of every option (docs/predictor.md §2). */
const PREDICTOR_RULES: { readonly [K in keyof ResolvedPredictorOptions]: OptionRule } = {
  seed: { min: 0, max: 0xffffffff, integer: true }, cell: { oneOf: ['gru', 'lstm'] },
  tokenSize: SIZE, hardwareSize: SIZE, hiddenSize: SIZE, mlpSize: SIZE, batchSize: SIZE, costHiddenSize: { min: 0, max: 4096, integer: true },
  learningRate: WEIGHT, rankWeight: WEIGHT, weightDecay: WEIGHT, accuracyWeight: WEIGHT, tieWeight: WEIGHT, pimLossFloor: WEIGHT, layerWeight: WEIGHT,
  costMaxPool: SWITCH, costTokenInput: SWITCH, tileFeatures: SWITCH, latencyFeatures: SWITCH,
  learningRateDecay: { min: 0, max: 1, minExclusive: true },
};

function resolvePredictorOptions(o: PredictorOptions): ResolvedPredictorOptions {
  // seed has no default: undefined here fails its rule
  return resolveOptions<ResolvedPredictorOptions>(SOURCE, o, { ...PREDICTOR_DEFAULTS, seed: o.seed }, PREDICTOR_RULES);
}

/** Tokens of one candidate: its layer count and features, unpadded. */
interface Tokens { count: number; layers: Float32Array; hardware: Float32Array }

/**
 * Layer tokens by network (the candidate without its hardware): searches revisit networks on other hardware.
 * With tile or latency features the tokens depend on the hardware too, and so does the key.
 */
class TokenCache {
  readonly #map = new Map<string, { count: number; layers: Float32Array }>();
  constructor(private readonly space: Space, private readonly withTiles: number, private readonly withLatency: number, private readonly limit = 50000) {}
  layers(c: Candidate): { count: number; layers: Float32Array } {
    const byHardware = this.withTiles === 1 || this.withLatency === 1;
    const key = JSON.stringify(byHardware ? [c.stem, c.stages, c.head, c.hardware] : [c.stem, c.stages, c.head]);
    let hit = this.#map.get(key);
    if (hit === undefined) {
      hit = candidateTokens(this.space, c, this.withTiles, this.withLatency);
      if (this.#map.size >= this.limit) this.#map.clear();
      this.#map.set(key, hit);
    }
    return hit;
  }
}

function tokensOf(cache: TokenCache, layout: TokenLayout, c: Candidate): Tokens {
  return { ...cache.layers(c), hardware: Float32Array.from(hardwareFeatures(layout, c)) };
}

/** A batch padded to its own longest sequence (padding never changes a result: masked steps keep the state). */
function padBatch(layout: TokenLayout, F: number, items: readonly Tokens[]): PaddedBatch {
  const T = Math.max(1, ...items.map((t) => t.count)), H = layout.hardwareFeatureCount;
  const tokens = new Float32Array(items.length * T * F);
  const hardware = new Float32Array(items.length * H);
  items.forEach((it, i) => { tokens.set(it.layers, i * T * F); hardware.set(it.hardware, i * H); });
  return { n: items.length, steps: T, tokens, hardware };
}

function batchTensors(layout: TokenLayout, F: number, items: readonly Tokens[]): { tokens: tf.Tensor3D; hardware: tf.Tensor2D } {
  const b = padBatch(layout, F, items);
  return { tokens: tf.tensor3d(b.tokens, [b.n, b.steps, F]), hardware: tf.tensor2d(b.hardware, [b.n, layout.hardwareFeatureCount]) };
}

/** The regressed value of a label: log of a hardware target; a negative pimLoss (PIM luckier than quantized: noise) as 0. */
const transform = (t: TargetName, v: number) => (isLogTarget(t) ? Math.log(v) : t === 'pimLoss' ? Math.max(0, v) : v);

function scaleOf(values: number[]): TargetScale {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return { mean, std: sd > 1e-9 ? sd : 1 };
}

class RnnPredictor implements Predictor {
  readonly space: Space;
  readonly options: ResolvedPredictorOptions;
  readonly #layout: TokenLayout;
  readonly #tokens: TokenCache;
  /** Numbers per layer token (the options' tile and latency features). */
  readonly #tokenWidth: number;
  readonly #weights: Weights = new Map();
  /** tf variable name -> weight name (variableGrads keys by the former). */
  readonly #names = new Map<string, WeightName>();
  #adam: Adam;
  #scales: Record<TargetName, TargetScale | null> = { pimLoss: null, quantized: null, area_mm2: null, energy_uJ: null, latency_ms: null, power_W: null };
  #epoch = 0;
  #kernel: WasmPredictorKernel | null = null;
  /** Whether the kernel holds the current weights. */
  #kernelFresh = false;

  constructor(space: Space, options: PredictorOptions) {
    this.space = space;
    this.options = resolvePredictorOptions(options);
    this.#layout = tokenLayout(space);
    this.#tokens = new TokenCache(space, this.options.tileFeatures, this.options.latencyFeatures);
    this.#tokenWidth = layerFeatureCount(this.options.tileFeatures, this.options.latencyFeatures);
    for (const [name, { shape, values }] of initialWeights(this.options, this.#layout.hardwareFeatureCount)) {
      const init = tf.tensor(values, shape);
      const v = tf.variable(init, true);
      init.dispose();
      this.#weights.set(name, v);
      this.#names.set(v.name, name);
    }
    this.#adam = new Adam(this.#weights, this.options.learningRate, this.options.weightDecay);
  }

  async fit(samples: readonly PredictorSample[], opts: FitOptions): Promise<FitReport> {
    const t0 = performance.now();
    const { epochs } = opts;
    if (!Number.isInteger(epochs) || epochs < 0) throw fieldError('E_OPTION', SOURCE, 'epochs', epochs, 'an integer >= 0');
    const n = samples.length;
    this.#kernelFresh = false;
    const tokens = samples.map((s) => tokensOf(this.#tokens, this.#layout, s.candidate));
    const K = TARGETS.length;
    // Scales are fixed by the first fit that sees a target labelled (later fits keep them: resumable).
    for (const t of TARGETS) {
      if (this.#scales[t] !== null) continue;
      const vals = samples.map((s) => s.labels[t]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      if (vals.length >= 2) this.#scales[t] = scaleOf(vals.map((v) => transform(t, v)));
    }
    const y = new Float32Array(n * K), mask = new Float32Array(n * K);
    samples.forEach((s, i) => TARGETS.forEach((t, k) => {
      const v = s.labels[t], sc = this.#scales[t];
      if (typeof v !== 'number' || !Number.isFinite(v) || sc === null) return;
      if (isLogTarget(t) && !(v > 0)) throw fieldError('E_OPTION', SOURCE, `samples[${i}].labels.${t}`, v, 'a number > 0');
      y[i * K + k] = (transform(t, v) - sc.mean) / sc.std;
      mask[i * K + k] = 1;
    }));
    // Per-layer targets (samples with `layers`; docs/predictor.md §3): cost channel k predicts
    // log(layer's LAYER_TARGETS[k]) minus its total's log-mean (LAYER_TOTALS), so that its log-sum-exp over
    // the layers is the total's log up to that mean; each layer weighs its share of the sample's total.
    const L = LAYER_TARGETS.length;
    const useLayers = this.options.layerWeight > 0;
    const layerW: (Float32Array | null)[] = samples.map(() => null);
    const layerY: (Float32Array | null)[] = samples.map((s, i) => {
      if (!useLayers || s.layers === undefined) return null;
      const count = tokens[i].count;
      const out = new Float32Array(count * L), wts = new Float32Array(count * L);
      layerW[i] = wts;
      let any = false;
      LAYER_TARGETS.forEach((t, k) => {
        const v = s.layers![t], sc = this.#scales[LAYER_TOTALS[t]];
        if (!Array.isArray(v) || v.length !== count) throw fieldError('E_OPTION', SOURCE, `samples[${i}].layers.${t}`, Array.isArray(v) ? `${v.length} values` : v, `${count} numbers (one per layer token)`);
        let sum = 0;
        for (const x of v) {
          if (!(Number.isFinite(x) && x >= 0)) throw fieldError('E_OPTION', SOURCE, `samples[${i}].layers.${t}`, x, 'finite numbers >= 0');
          sum += x;
        }
        if (sc === null || !(sum > 0)) { for (let l = 0; l < count; l++) { out[l * L + k] = NaN; wts[l * L + k] = 0; } return; }
        for (let l = 0; l < count; l++) {
          const x = Math.max(v[l], LAYER_FLOOR * sum);
          out[l * L + k] = Math.log(x) - sc.mean;
          wts[l * L + k] = x / sum; // the layer's share: the layers that make the total weigh most
        }
        any = true;
      });
      return any ? out : null;
    });
    const layerStd = tf.tensor1d(LAYER_TARGETS.map((t) => this.#scales[LAYER_TOTALS[t]]?.std ?? 1));
    const pimLossSamples = samples.filter((s) => typeof s.labels.pimLoss === 'number').length;
    const B = this.options.batchSize;
    let firstLoss = NaN, lastLoss = NaN;
    const vars = [...this.#weights.values()];
    const targetWeights = tf.tensor1d(TARGETS.map((t) => (isLogTarget(t) ? 1 : this.options.accuracyWeight)));
    // the tie term is for the accuracy targets only (their exact zeros); equal hardware labels are coincidences
    const tieTargets = tf.tensor1d(TARGETS.map((t) => (isLogTarget(t) ? 0 : 1)));
    // Samples with an accuracy label also get batches of their own each epoch: mixed into thousands of
    // hardware-only samples they would be ~5 % of a batch, too few pairs for the ranking term.
    const accuracyLabelled = samples.map((s, i) => (typeof s.labels.pimLoss === 'number' || typeof s.labels.quantized === 'number' ? i : -1)).filter((i) => i >= 0);
    const extra = accuracyLabelled.length >= 2 && accuracyLabelled.length < n;
    for (let e = 0; e < epochs; e++) {
      const root = new Rng(this.options.seed);
      const order = root.fork('epoch', this.#epoch).shuffle(Array.from({ length: n }, (_, i) => i));
      const batches: number[][] = [];
      for (let start = 0; start < n; start += B) batches.push(order.slice(start, start + B));
      if (extra) {
        const acc = root.fork('epoch-accuracy', this.#epoch).shuffle([...accuracyLabelled]);
        for (let start = 0; start < acc.length; start += B) batches.push(acc.slice(start, start + B));
      }
      let total = 0, steps = 0;
      // a pure function of the epoch counter: fit(A) + fit(B) still equals fit(A + B)
      const lr = this.options.learningRateDecay === 1 ? this.options.learningRate : this.options.learningRate * this.options.learningRateDecay ** this.#epoch;
      for (const idx of batches) {
        if (idx.length < 2) continue; // a lone sample has no pairs and a noisy gradient
        const yb = new Float32Array(idx.length * K), mb = new Float32Array(idx.length * K);
        idx.forEach((j, r) => { yb.set(y.subarray(j * K, j * K + K), r * K); mb.set(mask.subarray(j * K, j * K + K), r * K); });
        const x = batchTensors(this.#layout, this.#tokenWidth, idx.map((j) => tokens[j]));
        const yt = tf.tensor2d(yb, [idx.length, K]), mt = tf.tensor2d(mb, [idx.length, K]);
        const lt = this.#layerBatch(idx.map((j) => layerY[j]), idx.map((j) => layerW[j]), x.tokens.shape[1]);
        const { value, grads } = tf.variableGrads(() => {
          const { out, costs } = forwardWithCosts(this.#weights, this.options, x);
          const main = lossOf(out, yt, mt, this.options.rankWeight, targetWeights, this.options.tieWeight, tieTargets);
          return lt === null ? main : tf.add(main, tf.mul(layerLossOf(costs, lt.y, lt.weight, layerStd), this.options.layerWeight)) as tf.Scalar;
        }, vars);
        this.#adam.apply(grads, this.#names, lr);
        total += value.dataSync()[0];
        steps++;
        tf.dispose([value, ...Object.values(grads), x.tokens, x.hardware, yt, mt]);
        if (lt !== null) tf.dispose([lt.y, lt.weight]);
      }
      this.#epoch++;
      this.#kernelFresh = false;
      const loss = steps > 0 ? total / steps : NaN;
      if (e === 0) firstLoss = loss;
      lastLoss = loss;
      opts.onProgress?.({ epoch: e + 1, epochs, loss });
      await Promise.resolve();
    }
    targetWeights.dispose();
    tieTargets.dispose();
    layerStd.dispose();
    return { epochs, samples: n, pimLossSamples, firstLoss, lastLoss, seconds: (performance.now() - t0) / 1000 };
  }

  /**
   * Per-layer targets and their weights [n, steps, LAYER_TARGETS] of a batch (weight 0: no label), or null
   * when no sample of the batch has per-layer labels (the loss is then exactly the one without the layer term).
   */
  #layerBatch(items: readonly (Float32Array | null)[], weights: readonly (Float32Array | null)[], steps: number): { y: tf.Tensor3D; weight: tf.Tensor3D } | null {
    if (items.every((it) => it === null)) return null;
    const L = LAYER_TARGETS.length;
    const y = new Float32Array(items.length * steps * L), weight = new Float32Array(items.length * steps * L);
    items.forEach((it, i) => {
      if (it === null) return;
      for (let j = 0; j < it.length; j++) {
        if (Number.isNaN(it[j])) continue;
        y[i * steps * L + j] = it[j];
        weight[i * steps * L + j] = weights[i]![j];
      }
    });
    return { y: tf.tensor3d(y, [items.length, steps, L]), weight: tf.tensor3d(weight, [items.length, steps, L]) };
  }

  predict(candidates: readonly Candidate[]): Prediction[] {
    // Batches of similar length (sorted by layer count): less padding, same results (padding is exact).
    const items = candidates.map((c) => tokensOf(this.#tokens, this.#layout, c));
    const order = items.map((_, i) => i).sort((a, b) => items[a].count - items[b].count || a - b);
    const out: Prediction[] = new Array(candidates.length);
    const K = TARGETS.length;
    for (let start = 0; start < order.length; start += PREDICT_BATCH) {
      const idx = order.slice(start, start + PREDICT_BATCH);
      const values = this.#forward(idx.map((i) => items[i]));
      idx.forEach((i, r) => {
        const p = {} as Prediction;
        TARGETS.forEach((t, k) => {
          const sc = this.#scales[t] ?? { mean: 0, std: 1 };
          const v = values[r * K + k] * sc.std + sc.mean;
          // a pimLoss at or below the floor (the labels' resolution) is reported as no loss: 0
          p[t] = isLogTarget(t) ? Math.exp(v) : t === 'pimLoss' && v <= this.options.pimLossFloor ? 0 : v;
        });
        out[i] = p;
      });
    }
    return out;
  }

  /** Normalized predictions [items, TARGETS] of one batch, in WASM when attached, else tfjs. */
  #forward(items: readonly Tokens[]): Float32Array {
    if (this.#kernel === null) return tf.tidy(() => forward(this.#weights, this.options, batchTensors(this.#layout, this.#tokenWidth, items))).dataSync() as Float32Array;
    if (!this.#kernelFresh) {
      const values = new Map<WeightName, Float32Array>([...this.#weights].map(([name, v]) => [name, v.dataSync() as Float32Array]));
      this.#kernel.upload(rnnShapeOf(this.options, this.#layout.hardwareFeatureCount), values);
      this.#kernelFresh = true;
    }
    return this.#kernel.forward(padBatch(this.#layout, this.#tokenWidth, items));
  }

  get inference(): 'tfjs' | 'wasm' { return this.#kernel === null ? 'tfjs' : 'wasm'; }

  useWasm(exports: PredictorWasmExports | null): void {
    this.#kernel?.dispose();
    this.#kernel = exports === null ? null : new WasmPredictorKernel(exports);
    this.#kernelFresh = false;
  }

  state(): PredictorState {
    const enc = (m: Map<WeightName, tf.Variable>) => Object.fromEntries([...m].map(([k, v]) => [k, encodeFloats(v.shape, v.dataSync() as Float32Array)]));
    return {
      format: 'gibbon-predictor-state', version: 1, options: { ...this.options }, space: this.space.name,
      weights: enc(this.#weights), adam: { step: this.#adam.step, m: enc(this.#adam.m), v: enc(this.#adam.v) },
      scales: structuredClone(this.#scales), epoch: this.#epoch,
    };
  }

  restore(state: PredictorState): void {
    const src = 'predictor state';
    if (state?.format !== 'gibbon-predictor-state' || state.version !== 1) throw fieldError('E_FILE', src, 'format', state?.format, '"gibbon-predictor-state" (version 1)');
    if (state.space !== this.space.name) throw fieldError('E_FILE', src, 'space', state.space, JSON.stringify(this.space.name));
    const saved = stateOptions(state);
    for (const k of Object.keys(PREDICTOR_DEFAULTS) as (keyof typeof PREDICTOR_DEFAULTS)[]) {
      if ((saved[k] ?? PREDICTOR_DEFAULTS[k]) !== this.options[k]) throw fieldError('E_FILE', src, `options.${k}`, state.options[k], `${JSON.stringify(this.options[k])} (this predictor's; create it with the state's options)`);
    }
    const load = (m: Map<WeightName, tf.Variable>, data: Record<string, TensorData>, what: string) => {
      for (const [name, v] of m) {
        const d = data[name];
        if (d === undefined || d.shape.join(',') !== v.shape.join(',')) throw fieldError('E_FILE', src, `${what}.${name}.shape`, d?.shape, `[${v.shape.join(', ')}]`);
        tf.tidy(() => v.assign(tf.tensor(decodeFloats(d, `${what}.${name}`), v.shape)));
      }
    };
    load(this.#weights, state.weights, 'weights');
    load(this.#adam.m, state.adam.m, 'adam.m');
    load(this.#adam.v, state.adam.v, 'adam.v');
    this.#adam.step = state.adam.step;
    this.#scales = structuredClone(state.scales);
    this.#epoch = state.epoch;
    this.#kernelFresh = false;
  }

  dispose(): void {
    this.#kernel?.dispose();
    this.#kernel = null;
    for (const v of this.#weights.values()) v.dispose();
    this.#adam.dispose();
  }
}

/** A predictor for the candidates of `space` (options: docs/predictor.md §2). */
export function createPredictor(space: Space, options: PredictorOptions): Predictor {
  return new RnnPredictor(space, options);
}

/** A predictor with the options and state of a saved one. */
export function predictorFromState(space: Space, state: PredictorState): Predictor {
  const p = createPredictor(space, stateOptions(state));
  p.restore(state);
  return p;
}

export { weightShapes };
