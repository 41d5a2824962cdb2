// A small feed-forward CNN in raw tfjs ops, described like a model file (docs/functional.md §2) so that it
// exports one to one: conv (even kernels, asymmetric padding, groups) + batch norm + ReLU, fc, max/avg
// pool, global average pool and residual add; optional fake quantization on the project's grid
// (docs/training.md §3). Parameters are initialised from the project's seeded Rng.

import * as tf from '@tensorflow/tfjs';
import { Rng } from '../util/rng.ts';
import { GibbonError } from '../util/errors.ts';
import {
  BnStatsPool, type GradPath, type Pad4, batchNormEval, batchNormTrain, conv2d, denseGroupKernel, fakeQuantAct, fakeQuantWeights, gridTop,
  groupMask, outSide, pool2d, quantizeWeights, samePad,
} from './ops.ts';

// ===== Specs =====

export interface ConvSpec {
  type: 'conv';
  name?: string;
  /** Relative producer indices (default [-1]; reaching -1 absolute = the network input). */
  inputs?: number[];
  outChannels: number;
  /** Square kernel side (even sides allowed). */
  kernel: number;
  stride?: number;
  /** [top, left, bottom, right], or 'same' (TF convention: the odd pixel goes bottom/right). Default 'same'. */
  padding?: Pad4 | 'same';
  groups?: number;
  /** Batch norm after the conv (default true; without it the conv has a bias). */
  bn?: boolean;
  /** Default true (ignored on the last layer). */
  relu?: boolean;
}

export interface FcSpec {
  type: 'fc';
  name?: string;
  inputs?: number[];
  outFeatures: number;
  /** Default false. */
  relu?: boolean;
}

export interface PoolSpec {
  type: 'pool';
  name?: string;
  inputs?: number[];
  mode: 'max' | 'avg';
  kernel: number;
  /** Default: the kernel. */
  stride?: number;
  padding?: Pad4;
}

/** Global average pool (exported as an avg pool whose kernel is the feature map; needs H = W). */
export interface GapSpec {
  type: 'gap';
  name?: string;
  inputs?: number[];
}

export interface AddSpec {
  type: 'add';
  name?: string;
  /** Two or more relative producer indices. */
  inputs: number[];
  relu?: boolean;
}

export type LayerSpec = ConvSpec | FcSpec | PoolSpec | GapSpec | AddSpec;

export interface NetSpec {
  name: string;
  input: { channels: number; height: number; width: number };
  /** The last layer (conv or fc) yields the logits. */
  layers: LayerSpec[];
}

/** Fake quantization: weights on the w-bit signed grid per output channel, activations on the a-bit grid. */
export interface QuantConfig {
  weightBits: number;
  actBits: number;
}

/** Batch-norm epsilon and running-average momentum (as mnist-notes.md). */
export const BN_EPS = 1e-3;
export const BN_MOMENTUM = 0.9;
/** Momentum of the activation-range EMA during QAT. */
export const ACT_MOMENTUM = 0.9;

/** The scale of the quantized network input: 1/255 (bytes exactly) when the grid holds them, else 1/T(a). */
export function inputScale(actBits: number): number {
  return gridTop(actBits) >= 255 ? 1 / 255 : 1 / gridTop(actBits);
}

/** The grid scale of a quantization point: amax / T(a) (1 / T(a) for an empty range). */
export function actScale(amax: number, actBits: number): number {
  return (amax > 0 ? amax : 1) / gridTop(actBits);
}

// ===== Resolved layers =====

/** A quantization point's range: the largest |value| seen (EMA in QAT, max in calibration). */
export interface ActRange {
  amax: number | undefined;
  signed: boolean;
}

interface LayerBase {
  index: number;
  name: string;
  /** Absolute producer indices; -1 = the network input. */
  inputs: number[];
  /** NHWC shapes without the batch: [H, W, C]. */
  inShape: [number, number, number];
  outShape: [number, number, number];
  isLast: boolean;
}

export interface ConvLayer extends LayerBase {
  type: 'conv';
  kernel: number;
  stride: number;
  padding: Pad4;
  groups: number;
  bn: boolean;
  relu: boolean;
  /** [k, k, Cin/groups, Cout] */
  w: tf.Variable;
  bias?: tf.Variable;
  gamma?: tf.Variable;
  beta?: tf.Variable;
  runMean?: Float32Array;
  runVar?: Float32Array;
  mask?: tf.Tensor4D;
  act: ActRange;
}

export interface FcLayer extends LayerBase {
  type: 'fc';
  relu: boolean;
  /** [in, out], inputs flattened in (h, w, c) order. */
  w: tf.Variable;
  bias: tf.Variable;
  act: ActRange;
}

export interface PoolLayer extends LayerBase {
  type: 'pool';
  mode: 'max' | 'avg';
  kernel: number;
  stride: number;
  padding: Pad4;
}

export interface AddLayer extends LayerBase {
  type: 'add';
  relu: boolean;
  act: ActRange;
}

export type NetLayer = ConvLayer | FcLayer | PoolLayer | AddLayer;

/**
 * How a forward pass treats batch norm and the activation ranges:
 * * train: batch statistics (running averages updated), QAT ranges updated by EMA;
 * * eval: running statistics, fixed ranges;
 * * bn-stats: batch statistics accumulated for a recalibration, fixed ranges;
 * * observe: running statistics, activations not quantized, ranges' maxima recorded (calibration).
 */
export type ForwardMode = 'train' | 'eval' | 'bn-stats' | 'observe';

interface Grid { scale: number; signed: boolean }

const SOURCE = 'nn';

/** rha(v) = sign(v) * floor(|v| + 0.5), the project's rounding (docs/functional.md). */
export function rha(v: number): number { return v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5); }

/**
 * A conv/fc layer as the integer pipeline sees it (docs/functional.md §2-§3), for an input grid of scale
 * `sx`: batch norm folded (a = gamma / sqrt(var + eps), b = beta - a * mean + a * bias), the weights'
 * integers per output channel times sign(a), weight scales s * |a| and the bias in accumulator units
 * rha(b / (sx * s * |a|)). Exact with respect to the fake quantizer: a positive per-channel factor scales
 * max|w| and the grid alike.
 */
export interface FoldedLayer {
  /** Integers in the tfjs layout ([k, k, cin/g, cout] or [in, out]), before the sign of a. */
  q: Float32Array;
  /** Per output channel: the quantizer's scale, the folded factor a, its sign (0 for a = 0). */
  qScale: Float32Array;
  fold: Float64Array;
  sign: Float64Array;
  /** The model file's weightScale and integer bias. */
  weightScale: Float64Array;
  biasInt: Float64Array;
}

export function foldLayer(l: ConvLayer | FcLayer, sx: number, weightBits: number): FoldedLayer {
  const { q, scale } = quantizeWeights(l.w, weightBits);
  const qv = q.dataSync() as Float32Array, qScale = scale.dataSync() as Float32Array;
  q.dispose();
  scale.dispose();
  const cout = l.outShape[2];
  const fold = new Float64Array(cout).fill(1), shift = new Float64Array(cout);
  if (l.type === 'conv' && l.bn) {
    const gamma = l.gamma!.dataSync(), beta = l.beta!.dataSync();
    for (let c = 0; c < cout; c++) {
      fold[c] = gamma[c] / Math.sqrt(l.runVar![c] + BN_EPS);
      shift[c] = beta[c] - fold[c] * l.runMean![c];
    }
  }
  const bias = l.bias ? l.bias.dataSync() : undefined;
  const sign = new Float64Array(cout), weightScale = new Float64Array(cout), biasInt = new Float64Array(cout);
  for (let c = 0; c < cout; c++) {
    const a = fold[c];
    sign[c] = a > 0 ? 1 : a < 0 ? -1 : 0;
    const sw = a === 0 ? qScale[c] : qScale[c] * Math.abs(a);
    const b = shift[c] + a * (bias ? bias[c] : 0);
    const bi = rha(b / (sx * sw));
    if (!Number.isSafeInteger(bi) || !(sw > 0) || !Number.isFinite(sw)) {
      throw new GibbonError('E_MODEL', `${SOURCE}: ${l.name}.bias[${c}]: got bias ${b} with input scale ${sx} and weight scale ${sw}; allowed: a finite bias in accumulator units`,
        { source: SOURCE, path: `${l.name}.bias[${c}]` });
    }
    weightScale[c] = sw;
    biasInt[c] = bi + 0; // + 0 turns -0 into 0
  }
  return { q: qv, qScale, fold, sign, weightScale, biasInt };
}

function specError(path: string, msg: string): GibbonError {
  return new GibbonError('E_NETWORK', `${SOURCE}: ${path}: ${msg}`, { source: SOURCE, path });
}

/** Normal(0, std) weights from the project's Rng. */
function normalInit(rng: Rng, n: number, std: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * std;
  return a;
}

export class Net {
  readonly spec: NetSpec;
  readonly layers: NetLayer[];
  readonly classes: number;
  /** Fake quantization (null = float). */
  quant: QuantConfig | null = null;
  /** 'fast' = our conv / batch-norm gradients, 'stock' = tfjs's (for comparisons). */
  gradPath: GradPath = 'fast';
  readonly #bnPool = new BnStatsPool();

  constructor(spec: NetSpec, seed = 1) {
    this.spec = spec;
    const rng = new Rng(seed).fork('nn-init');
    const { channels, height, width } = spec.input;
    const shapes: [number, number, number][] = [];
    const shapeOf = (abs: number): [number, number, number] => (abs < 0 ? [height, width, channels] : shapes[abs]);
    this.layers = [];
    if (spec.layers.length === 0) throw specError('layers', 'got no layers; allowed: 1 or more, the last a conv or fc');
    spec.layers.forEach((ls, index) => {
      const path = `layers[${index}]`;
      const isLast = index === spec.layers.length - 1;
      if (isLast && ls.type !== 'conv' && ls.type !== 'fc') throw specError(`${path}.type`, `got ${JSON.stringify(ls.type)}; allowed: "conv" or "fc" (the last layer yields the logits)`);
      const rel = ls.inputs ?? [-1];
      const inputs = rel.map((r) => {
        if (!Number.isInteger(r) || r > -1 || index + r < -1) throw specError(`${path}.inputs`, `got ${JSON.stringify(rel)}; allowed: integers in ${-(index + 1)}..-1`);
        return index + r;
      });
      if (ls.type === 'add' ? inputs.length < 2 : inputs.length !== 1) throw specError(`${path}.inputs`, `got ${JSON.stringify(rel)}; allowed: ${ls.type === 'add' ? '2 or more producers' : 'exactly one producer'}`);
      const inShape = shapeOf(inputs[0]);
      const name = ls.name ?? `${ls.type}${index}`;
      const base = { index, name, inputs, inShape, isLast };
      const lrng = rng.fork('layer', index);
      let layer: NetLayer;
      switch (ls.type) {
        case 'conv': {
          const [H, W, C] = inShape;
          const k = ls.kernel, s = ls.stride ?? 1, g = ls.groups ?? 1, cout = ls.outChannels;
          if (!Number.isInteger(k) || k < 1 || k > 15) throw specError(`${path}.kernel`, `got ${k}; allowed: an integer in 1..15`);
          if (C % g !== 0 || cout % g !== 0) throw specError(`${path}.groups`, `got ${g}; allowed: a divisor of ${C} and ${cout}`);
          let pad: Pad4;
          if (ls.padding === undefined || ls.padding === 'same') {
            const [t, b] = samePad(H, k, s), [l, r] = samePad(W, k, s);
            pad = [t, l, b, r];
          } else pad = [...ls.padding];
          const oh = outSide(H, pad[0], pad[2], k, s), ow = outSide(W, pad[1], pad[3], k, s);
          if (oh < 1 || ow < 1) throw specError(`${path}.kernel`, `got ${k}; allowed: at most the padded input`);
          const bn = ls.bn ?? true;
          const relu = isLast ? false : ls.relu ?? true;
          const gin = C / g, fanIn = k * k * gin;
          const std = relu ? Math.sqrt(2 / fanIn) : Math.sqrt(1 / fanIn);
          layer = {
            ...base, type: 'conv', outShape: [oh, ow, cout], kernel: k, stride: s, padding: pad, groups: g, bn, relu,
            w: tf.variable(tf.tensor4d(normalInit(lrng, k * k * gin * cout, std), [k, k, gin, cout]), true),
            act: { amax: undefined, signed: !relu },
          };
          if (g > 1) layer.mask = groupMask(C, cout, g);
          if (bn) {
            layer.gamma = tf.variable(tf.ones([cout]), true);
            layer.beta = tf.variable(tf.zeros([cout]), true);
            layer.runMean = new Float32Array(cout);
            layer.runVar = new Float32Array(cout).fill(1);
          } else layer.bias = tf.variable(tf.zeros([cout]), true);
          break;
        }
        case 'fc': {
          const fin = inShape[0] * inShape[1] * inShape[2];
          const relu = isLast ? false : ls.relu ?? false;
          const std = relu ? Math.sqrt(2 / fin) : Math.sqrt(1 / fin);
          layer = {
            ...base, type: 'fc', outShape: [1, 1, ls.outFeatures], relu,
            w: tf.variable(tf.tensor2d(normalInit(lrng, fin * ls.outFeatures, std), [fin, ls.outFeatures]), true),
            bias: tf.variable(tf.zeros([ls.outFeatures]), true),
            act: { amax: undefined, signed: !relu },
          };
          break;
        }
        case 'pool': {
          const [H, W, C] = inShape;
          const k = ls.kernel, s = ls.stride ?? k, pad: Pad4 = ls.padding ? [...ls.padding] : [0, 0, 0, 0];
          if (pad.some((p) => p >= k)) throw specError(`${path}.padding`, `got ${JSON.stringify(pad)}; allowed: each below the kernel ${k}`);
          layer = { ...base, type: 'pool', mode: ls.mode, kernel: k, stride: s, padding: pad,
            outShape: [outSide(H, pad[0], pad[2], k, s), outSide(W, pad[1], pad[3], k, s), C] };
          break;
        }
        case 'gap': {
          const [H, W, C] = inShape;
          if (H !== W) throw specError(`${path}.type`, `got "gap" on a ${H}x${W} map; allowed: a square feature map`);
          layer = { ...base, type: 'pool', mode: 'avg', kernel: H, stride: H, padding: [0, 0, 0, 0], outShape: [1, 1, C] };
          break;
        }
        case 'add': {
          const shapes2 = inputs.map(shapeOf);
          if (shapes2.some((sh) => sh.join('x') !== inShape.join('x'))) throw specError(`${path}.inputs`, `got producers of shapes ${shapes2.map((sh) => sh.join('x')).join(', ')}; allowed: one shape`);
          const relu = ls.relu ?? false;
          layer = { ...base, type: 'add', relu, outShape: [...inShape], act: { amax: undefined, signed: !relu } };
          break;
        }
      }
      shapes.push(layer.outShape);
      this.layers.push(layer);
    });
    const last = this.layers[this.layers.length - 1];
    this.classes = last.outShape[0] * last.outShape[1] * last.outShape[2];
  }

  /** Trainable variables, in layer order. */
  variables(): tf.Variable[] {
    const out: tf.Variable[] = [];
    for (const l of this.layers) {
      if (l.type === 'conv') { out.push(l.w); if (l.bias) out.push(l.bias); if (l.gamma) out.push(l.gamma, l.beta!); }
      if (l.type === 'fc') out.push(l.w, l.bias);
    }
    return out;
  }

  paramCount(): number { return this.variables().reduce((n, v) => n + v.size, 0); }

  /** Multiply-accumulates per image of the conv and fc layers. */
  macs(): number {
    let n = 0;
    for (const l of this.layers) {
      if (l.type === 'conv') n += l.outShape[0] * l.outShape[1] * l.outShape[2] * l.kernel * l.kernel * (l.inShape[2] / l.groups);
      if (l.type === 'fc') n += l.w.size;
    }
    return n;
  }

  /** The range holders of the quantization points (conv/fc outputs except the last, adds). */
  actRanges(): ActRange[] {
    return this.layers.flatMap((l) => (l.type === 'pool' || l.isLast ? [] : [l.act]));
  }

  /** Whether every quantization point has a range. */
  calibrated(): boolean { return this.actRanges().every((a) => a.amax !== undefined && a.amax > 0); }

  /** Turns fake quantization on (or off with null). A change of bits forgets the activation ranges. */
  setQuant(q: QuantConfig | null): void {
    if (q && (!Number.isInteger(q.weightBits) || q.weightBits < 2 || q.weightBits > 16 || !Number.isInteger(q.actBits) || q.actBits < 2 || q.actBits > 16)) {
      throw new GibbonError('E_OPTION', `${SOURCE}: quant: got ${JSON.stringify(q)}; allowed: weightBits and actBits integers in 2..16`, { source: SOURCE, path: 'quant' });
    }
    if (q && this.quant && (q.actBits !== this.quant.actBits)) this.resetActRanges();
    this.quant = q ? { ...q } : null;
  }

  resetActRanges(): void { for (const a of this.actRanges()) a.amax = undefined; }

  /**
   * Logits [B, classes] of an NHWC batch with pixel values in [0, 1]. Call inside tf.tidy (or an
   * optimizer's minimize); side effects of the mode (running statistics, ranges) happen in JS.
   */
  forward(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor2D {
    const q = this.quant;
    const quantActs = q !== null && mode !== 'observe';
    const grids: Grid[] = [];
    const inGrid: Grid = { scale: q ? inputScale(q.actBits) : 1, signed: false };
    let x0: tf.Tensor = x;
    if (quantActs) x0 = fakeQuantAct(x, inGrid.scale, q.actBits, false);
    const outs: tf.Tensor[] = [];
    const src = (abs: number): tf.Tensor => (abs < 0 ? x0 : outs[abs]);
    const gridOf = (abs: number): Grid => (abs < 0 ? inGrid : grids[abs]);
    const finish = (l: ConvLayer | FcLayer | AddLayer, y: tf.Tensor): tf.Tensor => {
      if (l.relu) y = tf.relu(y);
      if (l.isLast) { grids.push({ scale: 1, signed: true }); return y; }
      if (mode === 'observe' || (mode === 'train' && q)) {
        const m = (l.act.signed ? tf.max(tf.abs(y)) : tf.max(y)).dataSync()[0];
        if (mode === 'observe') l.act.amax = Math.max(l.act.amax ?? 0, m);
        else l.act.amax = l.act.amax === undefined ? m : ACT_MOMENTUM * l.act.amax + (1 - ACT_MOMENTUM) * m;
      }
      if (!quantActs) { grids.push({ scale: 1, signed: l.act.signed }); return y; }
      const amax = l.act.amax;
      if (amax === undefined) throw new GibbonError('E_OPTION', `${SOURCE}: ${l.name}: got no activation range; allowed: a calibrated or QAT-trained net (calibrateActivations)`, { source: SOURCE, path: l.name });
      const scale = actScale(amax, q.actBits);
      grids.push({ scale, signed: l.act.signed });
      return fakeQuantAct(y, scale, q.actBits, l.act.signed);
    };
    for (const l of this.layers) {
      const xin = src(l.inputs[0]);
      let y: tf.Tensor;
      switch (l.type) {
        case 'conv': {
          let w: tf.Tensor4D = l.w as tf.Tensor4D;
          if (q) w = fakeQuantWeights(w, q.weightBits) as tf.Tensor4D;
          if (l.groups > 1) w = denseGroupKernel(w, l.groups, l.mask!);
          y = conv2d(xin as tf.Tensor4D, w, l.stride, l.padding, l.inputs[0] >= 0, this.gradPath);
          if (quantActs && mode === 'eval') y = this.#foldedAffine(l, y, gridOf(l.inputs[0]).scale, q.weightBits);
          else {
            if (l.bias) y = tf.add(y, l.bias);
            if (l.bn) y = this.#batchNorm(l, y as tf.Tensor4D, mode);
          }
          outs.push(finish(l, y));
          break;
        }
        case 'fc': {
          const flat = tf.reshape(xin, [xin.shape[0], -1]) as tf.Tensor2D;
          const w = (q ? fakeQuantWeights(l.w, q.weightBits) : l.w) as tf.Tensor2D;
          y = tf.matMul(flat, w);
          y = quantActs && mode === 'eval' ? this.#foldedAffine(l, y, gridOf(l.inputs[0]).scale, q.weightBits) : tf.add(y, l.bias);
          outs.push(finish(l, y));
          break;
        }
        case 'pool': {
          y = pool2d(xin as tf.Tensor4D, l.mode, l.kernel, l.stride, l.padding);
          const g = gridOf(l.inputs[0]);
          // avg pool: rha(sum / K^2) on the producer's grid (docs/functional.md §2)
          if (quantActs && l.mode === 'avg') y = fakeQuantAct(y, g.scale, q.actBits, g.signed);
          grids.push(g);
          outs.push(y);
          break;
        }
        case 'add': {
          y = tf.addN(l.inputs.map(src));
          outs.push(finish(l, y));
          break;
        }
      }
    }
    const logits = outs[outs.length - 1];
    return tf.reshape(logits, [logits.shape[0], this.classes]) as tf.Tensor2D;
  }

  /** Batch norm by mode: batch statistics (train: running averages updated; bn-stats: accumulated) or running ones. */
  #batchNorm(l: ConvLayer, y: tf.Tensor4D, mode: ForwardMode): tf.Tensor4D {
    if (mode === 'eval' || mode === 'observe') return batchNormEval(y, l.gamma as tf.Tensor1D, l.beta as tf.Tensor1D, l.runMean!, l.runVar!, BN_EPS);
    const onStats = mode === 'train'
      ? ({ mean, variance }: { mean: Float32Array; variance: Float32Array }) => {
        for (let c = 0; c < mean.length; c++) {
          l.runMean![c] = BN_MOMENTUM * l.runMean![c] + (1 - BN_MOMENTUM) * mean[c];
          l.runVar![c] = BN_MOMENTUM * l.runVar![c] + (1 - BN_MOMENTUM) * variance[c];
        }
      }
      : ({ mean, variance }: { mean: Float32Array; variance: Float32Array }) => this.#accumulateBn(l, mean, variance);
    return batchNormTrain(y, l.gamma as tf.Tensor1D, l.beta as tf.Tensor1D, BN_EPS, onStats, this.gradPath);
  }

  /**
   * Eval with fake quantization mirrors the exported model: y = conv(x, wq) * a + biasInt * sx * weightScale,
   * i.e. batch norm folded and the bias rounded to accumulator units (foldLayer).
   */
  #foldedAffine(l: ConvLayer | FcLayer, y: tf.Tensor, sx: number, weightBits: number): tf.Tensor {
    const f = foldLayer(l, sx, weightBits);
    const bq = Float32Array.from(f.biasInt, (b, c) => b * sx * f.weightScale[c]);
    const scaled = l.type === 'conv' && l.bn ? tf.mul(y, tf.tensor1d(Float32Array.from(f.fold))) : y;
    return tf.add(scaled, tf.tensor1d(bq));
  }

  #accumulateBn(l: ConvLayer, mean: Float32Array, variance: Float32Array): void { this.#bnPool.add(l.index, mean, variance); }

  /** Starts a batch-norm recalibration (forward passes in 'bn-stats' mode accumulate). */
  beginBnRecalibration(): void { this.#bnPool.clear(); }

  /** Sets the running statistics to the pooled batch statistics (BnStatsPool). */
  endBnRecalibration(): void {
    for (const l of this.layers) {
      if (l.type !== 'conv' || !l.bn) continue;
      const st = this.#bnPool.pooled(l.index);
      if (!st) continue;
      l.runMean!.set(st.mean);
      l.runVar!.set(st.variance);
    }
    this.#bnPool.clear();
  }

  dispose(): void {
    for (const l of this.layers) {
      if (l.type === 'conv') { l.w.dispose(); l.bias?.dispose(); l.gamma?.dispose(); l.beta?.dispose(); l.mask?.dispose(); }
      if (l.type === 'fc') { l.w.dispose(); l.bias.dispose(); }
    }
  }
}

// ===== The LeNet of the MNIST study =====

export interface LeNetOptions {
  /** Channels of the two convs (default 8, 16). */
  channels?: [number, number];
  /** Conv kernel (default 5, 'same' padding). */
  kernel?: number;
  classes?: number;
  input?: { channels: number; height: number; width: number };
}

/**
 * LeNet-style: conv k x k (1 -> 8) + BN + ReLU + maxpool 2, conv k x k (8 -> 16) + BN + ReLU + maxpool 2,
 * fc -> 10. On 1x28x28: 16 x 7 x 7 = 784 features into the fc.
 */
export function lenetSpec(opts: LeNetOptions = {}): NetSpec {
  const [c1, c2] = opts.channels ?? [8, 16];
  const k = opts.kernel ?? 5;
  return {
    name: `lenet-${c1}-${c2}-k${k}`,
    input: opts.input ?? { channels: 1, height: 28, width: 28 },
    layers: [
      { type: 'conv', name: 'conv1', outChannels: c1, kernel: k },
      { type: 'pool', name: 'pool1', mode: 'max', kernel: 2 },
      { type: 'conv', name: 'conv2', outChannels: c2, kernel: k },
      { type: 'pool', name: 'pool2', mode: 'max', kernel: 2 },
      { type: 'fc', name: 'fc', outFeatures: opts.classes ?? 10 },
    ],
  };
}
