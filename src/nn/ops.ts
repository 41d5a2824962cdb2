// Differentiable building blocks with our own gradients (docs/training.md §2). All tensors are NHWC.
//
// * conv2d: any kernel (even ones included), stride, asymmetric padding [top, left, bottom, right]. The
//   forward is tfjs's conv with explicit padding. Its gradient is ours: the filter gradient through the
//   Conv2DBackpropFilter kernel (src/nn/backend.ts on wasm), the input gradient by phase decomposition:
//   s*s stride-1 convolutions of dy with sub-filters of the flipped kernel, interleaved. The stock wasm
//   Conv2DBackpropInput is 4-12x a forward conv; this costs about one.
// * grouped conv: the weights are stored [kh, kw, Cin/g, Cout], tiled to [kh, kw, Cin, Cout] and masked
//   block-diagonally, so the dense conv (and its gradient) does the work and the gradient of the stored
//   weights is exact.
// * batchNormTrain: batch statistics with a closed-form backward. The stock tf.batchNorm gradient tiles
//   per-channel tensors to the activation's shape; per-channel sums here are a global avgPool (fast on
//   wasm) plus a tiny sum.
// * fake quantization on the project's grid (docs/functional.md §1) with straight-through estimators.

import * as tf from '@tensorflow/tfjs';

/** Padding [top, left, bottom, right] (the model file's order). */
export type Pad4 = [number, number, number, number];

type Explicit = [[number, number], [number, number], [number, number], [number, number]];

/** What a custom-gradient forward returns (tfjs's CustomGradientFunc, which tfjs does not export). */
interface GradOp {
  value: tf.Tensor;
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
}

/** tf.customGrad with our types: `f` receives the inputs and then the save function. */
function customOp(f: (...args: never[]) => GradOp): (...inputs: tf.Tensor[]) => tf.Tensor {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...inputs: tf.Tensor[]) => tf.Tensor;
}
const explicit = (p: Pad4): Explicit => [[0, 0], [p[0], p[2]], [p[1], p[3]], [0, 0]];

/** Output side of a conv or pool: floor((in + a + b - k) / s) + 1. */
export function outSide(inSide: number, padA: number, padB: number, k: number, s: number): number {
  return Math.floor((inSide + padA + padB - k) / s) + 1;
}

/** TF-style 'same' padding for one axis (less before than after when the total is odd). */
export function samePad(inSide: number, k: number, s: number): [number, number] {
  const out = Math.ceil(inSide / s);
  const total = Math.max((out - 1) * s + k - inSide, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

// ===== conv2d =====

interface AxisPhase {
  /** Kernel taps of this phase, flipped (the order a correlation over dy uses). */
  taps: number[];
  /** Padding of dy before / after (negative = crop). */
  before: number;
  after: number;
}

/**
 * Input positions i = p + s*q (q = 0..M-1) of one axis: with i + padBefore = m*s + r, they receive
 * dy[m - j] * w[r + s*j] for j = 0..T-1. As a stride-1 correlation of dy (padded by `before`) with the
 * flipped taps, output q reads dy[q + c0 - (T-1) + t].
 */
function axisPhase(p: number, padBefore: number, s: number, k: number, dyLen: number, M: number): AxisPhase {
  const r = (p + padBefore) % s;
  const c0 = (p + padBefore - r) / s;
  const T = r < k ? Math.ceil((k - r) / s) : 0;
  const taps: number[] = [];
  for (let t = 0; t < T; t++) taps.push(r + s * (T - 1 - t));
  const before = T - 1 - c0;
  return { taps, before, after: M + T - 1 - before - dyLen };
}

/** dL/dx of conv2d(x, w, s, pad) by phase decomposition; x has shape xShape. */
export function convBackpropInput(dy: tf.Tensor4D, w: tf.Tensor4D, xShape: number[], s: number, pad: Pad4): tf.Tensor4D {
  return tf.tidy(() => {
    const [B, H, W, C] = xShape;
    const [kh, kw] = w.shape;
    const [, oh, ow] = dy.shape;
    const Mh = Math.ceil(H / s), Mw = Math.ceil(W / s);
    const wT = tf.transpose(w, [0, 1, 3, 2]) as tf.Tensor4D; // [kh, kw, O, C]
    const rows: tf.Tensor4D[] = [];
    for (let ph = 0; ph < s; ph++) {
      const A = axisPhase(ph, pad[0], s, kh, oh, Mh);
      const cols: tf.Tensor4D[] = [];
      for (let pw = 0; pw < s; pw++) {
        const Bw = axisPhase(pw, pad[1], s, kw, ow, Mw);
        if (A.taps.length === 0 || Bw.taps.length === 0) { cols.push(tf.zeros([B, Mh, Mw, C])); continue; }
        const sub = tf.gather(tf.gather(wT, A.taps, 0), Bw.taps, 1) as tf.Tensor4D;
        let d = dy;
        let [bt, at, bl, al] = [A.before, A.after, Bw.before, Bw.after];
        if (bt < 0 || at < 0 || bl < 0 || al < 0) {
          const r0 = Math.max(-bt, 0), c0 = Math.max(-bl, 0);
          const r1 = oh + Math.min(at, 0), c1 = ow + Math.min(al, 0);
          d = tf.slice(d, [0, r0, c0, 0], [B, r1 - r0, c1 - c0, d.shape[3]]);
          bt = Math.max(bt, 0); at = Math.max(at, 0); bl = Math.max(bl, 0); al = Math.max(al, 0);
        }
        cols.push(tf.conv2d(d, sub, 1, explicit([bt, bl, at, al])));
      }
      // Interleave the column phases: stacked on a new outer axis (one contiguous copy each; the wasm
      // backend's concat is JS and slow on an inner axis of a few channels), then moved inward by a rank-4
      // transpose (rank 5 is far slower there). Data movement only: the same values as stacking on axis 3.
      rows.push(s === 1 ? cols[0]
        : (tf.transpose(tf.stack(cols.map((c) => c.reshape([B * Mh, Mw, C])), 0), [1, 2, 0, 3]).reshape([B, Mh, s * Mw, C]) as tf.Tensor4D));
    }
    let dx = s === 1 ? rows[0]
      : (tf.transpose(tf.stack(rows.map((r) => r.reshape([B, Mh, s * Mw * C])), 0), [1, 2, 0, 3]).reshape([B, s * Mh, s * Mw, C]) as tf.Tensor4D);
    if (s * Mh !== H || s * Mw !== W) dx = tf.slice(dx, [0, 0, 0, 0], [B, H, W, C]);
    return dx;
  });
}

/** dL/dw of conv2d(x, w, s, pad) through the Conv2DBackpropFilter kernel. */
export function convBackpropFilter(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], s: number, pad: Pad4): tf.Tensor4D {
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy } as unknown as tf.NamedTensorMap,
    { strides: [s, s], pad: explicit(pad), dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/**
 * 2-D convolution, NHWC, weights [kh, kw, Cin, Cout], square stride, padding [top, left, bottom, right].
 * `needDx = false` skips the input gradient (first layer). 'stock' uses tfjs's own gradient (for
 * comparisons; on wasm it needs our Conv2DBackpropFilter kernel too).
 */
export function conv2d(x: tf.Tensor4D, w: tf.Tensor4D, stride: number, pad: Pad4, needDx = true, path: GradPath = 'fast'): tf.Tensor4D {
  if (path === 'stock') return tf.conv2d(x, w, stride, explicit(pad));
  const f = customOp((xx: tf.Tensor4D, ww: tf.Tensor4D, save: tf.GradSaveFunc) => {
    save([xx, ww]);
    return {
      value: tf.conv2d(xx, ww, stride, explicit(pad)),
      gradFunc: (dy, saved) => {
        const [xs, ws] = saved as tf.Tensor4D[];
        const dy4 = dy as tf.Tensor4D;
        return [
          needDx ? convBackpropInput(dy4, ws, xs.shape, stride, pad) : tf.zerosLike(xs),
          convBackpropFilter(xs, dy4, ws.shape, stride, pad),
        ];
      },
    };
  });
  return f(x, w) as tf.Tensor4D;
}

export type GradPath = 'fast' | 'stock';

/** The block-diagonal mask [1, 1, Cin, Cout] of a grouped conv (1 where input and output share a group). */
export function groupMask(cin: number, cout: number, groups: number): tf.Tensor4D {
  const gin = cin / groups, gout = cout / groups;
  const m = new Float32Array(cin * cout);
  for (let ci = 0; ci < cin; ci++) for (let co = 0; co < cout; co++) if (Math.floor(ci / gin) === Math.floor(co / gout)) m[ci * cout + co] = 1;
  return tf.tensor4d(m, [1, 1, cin, cout]);
}

/** Grouped weights [kh, kw, Cin/g, Cout] as the dense kernel [kh, kw, Cin, Cout] (0 off the group blocks). */
export function denseGroupKernel(w: tf.Tensor4D, groups: number, mask: tf.Tensor4D): tf.Tensor4D {
  if (groups === 1) return w;
  return tf.mul(tf.tile(w, [1, 1, groups, 1]), mask) as tf.Tensor4D;
}

// ===== batch norm =====

/** Per-channel sum over B, H, W of an NHWC tensor: a global avgPool (fast on wasm) and a [B, C] sum. */
export function channelSum(x: tf.Tensor4D): tf.Tensor1D {
  const [B, H, W, C] = x.shape;
  if (H === 1 && W === 1) return tf.sum(x.reshape([B, C]), 0) as tf.Tensor1D;
  const pooled = tf.avgPool(x, [H, W], [H, W], 'valid').reshape([B, C]);
  return tf.mul(tf.sum(pooled, 0), H * W) as tf.Tensor1D;
}

export interface BatchStats {
  mean: Float32Array;
  variance: Float32Array;
}

/**
 * Batch-norm statistics pooled over batches, per key (a layer) and channel, in float64: mean = avg(batch
 * means), variance = avg(batch variance + mean²) − mean² (floored at 0). The one home of the pooling rule of
 * batch-norm recalibration (Net's, and the supernet's quantized calibration, src/nn/subnet-export.ts).
 */
export class BnStatsPool {
  readonly #acc = new Map<number, { n: number; mean: Float64Array; sq: Float64Array }>();

  add(key: number, mean: ArrayLike<number>, variance: ArrayLike<number>): void {
    let a = this.#acc.get(key);
    if (!a) { a = { n: 0, mean: new Float64Array(mean.length), sq: new Float64Array(mean.length) }; this.#acc.set(key, a); }
    a.n++;
    for (let c = 0; c < mean.length; c++) { a.mean[c] += mean[c]; a.sq[c] += variance[c] + mean[c] * mean[c]; }
  }

  /** The pooled statistics of `key`, or undefined when no batch was added for it. */
  pooled(key: number): { mean: Float64Array; variance: Float64Array } | undefined {
    const a = this.#acc.get(key);
    if (!a || a.n === 0) return undefined;
    const mean = a.mean.map((m) => m / a.n);
    return { mean, variance: a.sq.map((q, c) => Math.max(q / a.n - mean[c] * mean[c], 0)) };
  }

  keys(): number[] { return [...this.#acc.keys()]; }

  clear(): void { this.#acc.clear(); }
}

/**
 * Training-mode batch norm with the batch's statistics (biased variance) and a closed-form backward:
 * with A = gamma*rstd, dx = A*dy + Bc*x + Cc, Bc = -A*rstd*dgamma/N, Cc = -A*dbeta/N - Bc*mean,
 * dbeta = sum(dy), dgamma = rstd*(sum(dy*x) - mean*dbeta). `onStats` receives the batch mean and
 * variance (copied out, for running averages). 'stock' is tf.moments + tf.batchNorm with tfjs's gradient.
 */
export function batchNormTrain(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number,
  onStats?: (s: BatchStats) => void, path: GradPath = 'fast'): tf.Tensor4D {
  if (path === 'stock') {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    if (onStats) onStats({ mean: mean.dataSync() as Float32Array, variance: variance.dataSync() as Float32Array });
    return tf.batchNorm(x, mean as tf.Tensor1D, variance as tf.Tensor1D, beta, gamma, eps) as tf.Tensor4D;
  }
  const N = x.size / x.shape[3];
  const f = customOp((xx: tf.Tensor4D, g: tf.Tensor1D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const mean = tf.div(channelSum(xx), N) as tf.Tensor1D;
    const variance = tf.relu(tf.sub(tf.div(channelSum(tf.square(xx)), N), tf.square(mean))) as tf.Tensor1D;
    if (onStats) onStats({ mean: mean.dataSync() as Float32Array, variance: variance.dataSync() as Float32Array });
    const rstd = tf.rsqrt(tf.add(variance, eps)) as tf.Tensor1D;
    save([xx, mean, rstd, g]);
    return {
      value: tf.batchNorm(xx, mean, variance, b, g, eps),
      gradFunc: (dyT, saved) => {
        const dy = dyT as tf.Tensor4D;
        const [xs, mu, rs, gg] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
        const dbeta = channelSum(dy);
        const dgamma = tf.mul(rs, tf.sub(channelSum(tf.mul(dy, xs) as tf.Tensor4D), tf.mul(mu, dbeta)));
        const A = tf.mul(gg, rs);
        const Bc = tf.div(tf.mul(tf.mul(A, rs), dgamma), -N);
        const Cc = tf.sub(tf.div(tf.mul(A, dbeta), -N), tf.mul(Bc, mu));
        return [tf.add(tf.add(tf.mul(dy, A), tf.mul(xs, Bc)), Cc), dgamma, dbeta];
      },
    };
  });
  return f(x, gamma, beta) as tf.Tensor4D;
}

/** Eval-mode batch norm from stored statistics: y = (x - mean) * gamma / sqrt(var + eps) + beta. */
export function batchNormEval(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, mean: Float32Array, variance: Float32Array, eps: number): tf.Tensor4D {
  return tf.tidy(() => tf.batchNorm(x, tf.tensor1d(mean), tf.tensor1d(variance), beta, gamma, eps));
}

// ===== pools =====

/**
 * Max or average pool with padding [top, left, bottom, right] as the model file defines it: max ignores
 * padded positions, avg counts them as 0 and divides by kernel^2.
 */
export function pool2d(x: tf.Tensor4D, mode: 'max' | 'avg', k: number, s: number, pad: Pad4): tf.Tensor4D {
  const padded = pad.every((p) => p === 0) ? x
    : tf.pad(x, explicit(pad), mode === 'max' ? -3.4e38 : 0);
  return mode === 'max' ? tf.maxPool(padded, k, s, 'valid') : tf.avgPool(padded, k, s, 'valid');
}

// ===== fake quantization (docs/functional.md §1) =====

/** T(n) = 2^(n-1) - 1: the largest magnitude on the n-bit signed symmetric grid. */
export function gridTop(bits: number): number { return 2 ** (bits - 1) - 1; }

/** Round half away from zero, elementwise (the project's only rounding). */
export function rhaT(v: tf.Tensor): tf.Tensor {
  return tf.mul(tf.sign(v), tf.floor(tf.add(tf.abs(v), 0.5)));
}

/**
 * Per-output-channel symmetric weight grid: scale[c] = max|w[..., c]| / T(bits) (1 for an all-zero
 * channel) and q = clamp(rha(w / scale), -T, T). Weights are [..., Cout] (conv [kh, kw, cin, cout], fc
 * [in, out]). Returns the integer tensor and the scales [Cout].
 */
export function quantizeWeights(w: tf.Tensor, bits: number): { q: tf.Tensor; scale: tf.Tensor1D } {
  return tf.tidy(() => {
    const top = gridTop(bits);
    const cout = w.shape[w.shape.length - 1];
    const flat = w.reshape([-1, cout]);
    const maxAbs = tf.max(tf.abs(flat), 0);
    const scale = tf.where(tf.greater(maxAbs, 0), tf.div(maxAbs, top), tf.onesLike(maxAbs)) as tf.Tensor1D;
    const q = tf.clipByValue(rhaT(tf.div(w, scale)), -top, top);
    return { q, scale };
  });
}

/** Fake-quantized weights q * scale with the straight-through estimator (identity gradient). */
export function fakeQuantWeights(w: tf.Tensor, bits: number): tf.Tensor {
  const f = customOp((ww: tf.Tensor) => ({
    value: tf.tidy(() => { const { q, scale } = quantizeWeights(ww, bits); return tf.mul(q, scale); }),
    gradFunc: (dy) => [dy],
  }));
  return f(w);
}

/**
 * Fake-quantized activations on the grid of `scale`: clamp(rha(x / scale), lo, T) * scale, lo = 0
 * (non-negative half, after a ReLU) or -T (signed). Gradient: straight through inside the range, 0 where
 * the value was clipped. On the unsigned grid the input comes from a ReLU, whose own gradient is 0 below
 * 0, so only the top is masked; and rha of a non-negative value is floor(v + 0.5) (fewer ops).
 */
export function fakeQuantAct(x: tf.Tensor, scale: number, bits: number, signed: boolean): tf.Tensor {
  const top = gridTop(bits);
  const hi = top * scale;
  const f = customOp((xx: tf.Tensor, save: tf.GradSaveFunc) => {
    save([xx]);
    return {
      value: tf.tidy(() => signed
        ? tf.mul(tf.clipByValue(rhaT(tf.div(xx, scale)), -top, top), scale)
        : tf.mul(tf.floor(tf.add(tf.clipByValue(tf.div(xx, scale), 0, top), 0.5)), scale)),
      gradFunc: (dy, saved) => {
        const xs = saved[0];
        // step(hi - |x|): 1 strictly inside the range (float ops: bool ones are slow on wasm)
        return [tf.mul(dy, tf.step(tf.sub(hi, signed ? tf.abs(xs) : xs)))];
      },
    };
  });
  return f(x);
}

/** Mean softmax cross-entropy of logits [B, classes] against integer labels. */
export function crossEntropy(logits: tf.Tensor2D, labels: Int32Array): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), logits.shape[1]);
    const logp = tf.logSoftmax(logits);
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logp), 1))) as tf.Scalar;
  });
}

/**
 * Mean soft cross-entropy of student logits [B, classes] against a teacher's class probabilities
 * [B * classes] (rows sum to 1): -mean_b sum_k p_bk log softmax(z_b)_k. The probabilities are constants,
 * so no gradient flows into the teacher (in-place distillation, docs/supernet.md §2).
 */
export function distillationLoss(logits: tf.Tensor2D, teacherProbs: Float32Array): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.tensor2d(teacherProbs, logits.shape);
    return tf.neg(tf.mean(tf.sum(tf.mul(p, tf.logSoftmax(logits)), 1))) as tf.Scalar;
  });
}

/** Softmax of each row of `logits` [rows * classes] (max-subtracted; float64 inside, float32 out). */
export function softmaxRows(logits: ArrayLike<number>, classes: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let r = 0; r < logits.length; r += classes) {
    let m = -Infinity;
    for (let k = 0; k < classes; k++) m = Math.max(m, logits[r + k]);
    let s = 0;
    for (let k = 0; k < classes; k++) s += Math.exp(logits[r + k] - m);
    for (let k = 0; k < classes; k++) out[r + k] = Math.exp(logits[r + k] - m) / s;
  }
  return out;
}
