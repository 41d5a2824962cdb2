// The predictor network in tfjs ops (docs/predictor.md §3): token and hardware embedders, a GRU or LSTM
// over the layer tokens (masked: a padded step leaves the state exactly as it was), per-layer log-costs
// pooled by log-sum-exp (and optionally max), an MLP over [last state, mean and max of the states over the layers, pooled
// costs, hardware embedding], six linear heads (plus a direct path from the pooled costs). Initial
// weights come from our Rng (Glorot-uniform), Adam is ours too: weights and optimizer state are plain
// arrays we can save.

import * as tf from '@tensorflow/tfjs';
import { Rng } from '../util/rng.ts';
import { layerFeatureCount } from './tokens.ts';
import { TARGETS, type ResolvedPredictorOptions } from './types.ts';

export type WeightName =
  | 'embed.token.W' | 'embed.token.b' | 'embed.hw.W' | 'embed.hw.b'
  | 'rnn.Wtoken' | 'rnn.Whw' | 'rnn.U' | 'rnn.b'
  | 'cost.W' | 'cost.b' | 'mlp.W1' | 'mlp.b1' | 'mlp.W2' | 'mlp.b2' | 'head.W' | 'head.Wcost' | 'head.b'
  | 'cost.Wh' | 'cost.bh';

/** Per-layer log-costs pooled by log-sum-exp (an additive prior: a total is a sum of per-layer costs). */
export const COST_CHANNELS = 8;

/** Width of the pooled costs: [lse] or, with costMaxPool, [lse, max]. */
export const pooledCostWidth = (o: Pick<ResolvedPredictorOptions, 'costMaxPool'>) => (o.costMaxPool === 1 ? 2 : 1) * COST_CHANNELS;
/** Input width of the cost channels: h'_t or, with costTokenInput, [h'_t, token_t]. */
export const costInputWidth = (o: Pick<ResolvedPredictorOptions, 'hiddenSize' | 'tokenSize' | 'costTokenInput'>) => o.hiddenSize + (o.costTokenInput === 1 ? o.tokenSize : 0);

/**
 * Weight shapes, in creation (and seed-stream) order. Gates are laid out [z, r, n] (GRU) or [i, f, g, o] (LSTM).
 * With costHiddenSize > 0, cost.Wh and cost.bh come last (the other tensors keep their index, hence their
 * seed stream) and cost.W reads the hidden layer.
 */
export function weightShapes(o: ResolvedPredictorOptions, hardwareFeatures: number): [WeightName, number[]][] {
  const gates = (o.cell === 'gru' ? 3 : 4) * o.hiddenSize;
  const costHidden = o.costHiddenSize > 0 ? o.costHiddenSize : 0;
  const shapes: [WeightName, number[]][] = [
    ['embed.token.W', [layerFeatureCount(o.tileFeatures, o.latencyFeatures) + hardwareFeatures, o.tokenSize]], ['embed.token.b', [o.tokenSize]],
    ['embed.hw.W', [hardwareFeatures, o.hardwareSize]], ['embed.hw.b', [o.hardwareSize]],
    ['rnn.Wtoken', [o.tokenSize, gates]], ['rnn.Whw', [o.hardwareSize, gates]], ['rnn.U', [o.hiddenSize, gates]], ['rnn.b', [gates]],
    ['cost.W', [costHidden > 0 ? costHidden : costInputWidth(o), COST_CHANNELS]], ['cost.b', [COST_CHANNELS]],
    ['mlp.W1', [3 * o.hiddenSize + pooledCostWidth(o) + o.hardwareSize, o.mlpSize]], ['mlp.b1', [o.mlpSize]],
    ['mlp.W2', [o.mlpSize, o.mlpSize]], ['mlp.b2', [o.mlpSize]],
    ['head.W', [o.mlpSize, TARGETS.length]], ['head.Wcost', [pooledCostWidth(o), TARGETS.length]], ['head.b', [TARGETS.length]],
  ];
  if (costHidden > 0) shapes.push(['cost.Wh', [costInputWidth(o), costHidden]], ['cost.bh', [costHidden]]);
  return shapes;
}

/**
 * Initial values: matrices Glorot-uniform from rng.fork('init', k) (k = creation index), biases 0, except
 * the LSTM forget gate's bias 1.
 */
export function initialWeights(o: ResolvedPredictorOptions, hardwareFeatures: number): Map<WeightName, { shape: number[]; values: Float32Array }> {
  const out = new Map<WeightName, { shape: number[]; values: Float32Array }>();
  const root = new Rng(o.seed);
  weightShapes(o, hardwareFeatures).forEach(([name, shape], k) => {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (shape.length === 2) {
      const rng = root.fork('init', k);
      const limit = Math.sqrt(6 / (shape[0] + shape[1]));
      for (let i = 0; i < values.length; i++) values[i] = (2 * rng.next() - 1) * limit;
    } else if (name === 'rnn.b' && o.cell === 'lstm') {
      values.fill(1, o.hiddenSize, 2 * o.hiddenSize);
    }
    out.set(name, { shape, values });
  });
  return out;
}

export type Weights = Map<WeightName, tf.Variable>;

/** Inputs of one batch: tokens [B, T, F] with the presence flag last, hardware [B, H]. */
export interface BatchTensors {
  tokens: tf.Tensor3D;
  hardware: tf.Tensor2D;
}

const w2 = (w: Weights, n: WeightName) => w.get(n)! as tf.Tensor as tf.Tensor2D;
const w1 = (w: Weights, n: WeightName) => w.get(n)! as tf.Tensor as tf.Tensor1D;

/** Normalized predictions [B, 6] (TARGETS order). Call inside tf.tidy. */
export function forward(w: Weights, o: ResolvedPredictorOptions, x: BatchTensors): tf.Tensor2D {
  return forwardWithCosts(w, o, x).out;
}

/**
 * The forward pass with its per-layer log-costs: out [B, 6] as `forward`, costs [B, T, COST_CHANNELS]
 * (a padded step's cost is -1e4). Call inside tf.tidy.
 */
export function forwardWithCosts(w: Weights, o: ResolvedPredictorOptions, x: BatchTensors): { out: tf.Tensor2D; costs: tf.Tensor3D } {
  const [B, T, F] = x.tokens.shape;
  const Hs = o.hiddenSize;
  const flat = tf.reshape(x.tokens, [B * T, F]) as tf.Tensor2D;
  const mask = tf.reshape(tf.slice(flat, [0, F - 1], [B * T, 1]), [B, T]) as tf.Tensor2D;
  // A token is embedded with the hardware knobs beside it: a layer's cost depends on both at once.
  const hwPerLayer = tf.reshape(tf.tile(tf.expandDims(x.hardware, 1), [1, T, 1]), [B * T, x.hardware.shape[1]]);
  const tok = tf.relu(tf.add(tf.matMul(tf.concat([flat, hwPerLayer], 1), w2(w, 'embed.token.W')), w1(w, 'embed.token.b')));
  const hw = tf.relu(tf.add(tf.matMul(x.hardware, w2(w, 'embed.hw.W')), w1(w, 'embed.hw.b'))) as tf.Tensor2D;
  const gates = o.cell === 'gru' ? 3 * Hs : 4 * Hs;
  // Input part of every gate for every step at once; the hardware part is the same at every step.
  const xin = tf.reshape(tf.matMul(tok as tf.Tensor2D, w2(w, 'rnn.Wtoken')), [B, T, gates]);
  const hwGate = tf.add(tf.matMul(hw, w2(w, 'rnn.Whw')), w1(w, 'rnn.b'));
  const steps = tf.unstack(tf.add(xin, tf.expandDims(hwGate, 1)), 1) as tf.Tensor2D[];
  const masks = tf.unstack(tf.reshape(mask, [B, T, 1]), 1) as tf.Tensor2D[];
  const absent = tf.unstack(tf.reshape(tf.sub(1, mask), [B, T, 1]), 1) as tf.Tensor2D[];
  const U = w2(w, 'rnn.U');
  let h: tf.Tensor2D = tf.zeros([B, Hs]);
  let c: tf.Tensor2D = tf.zeros([B, Hs]);
  let sum: tf.Tensor2D = tf.zeros([B, Hs]);
  let max: tf.Tensor2D = tf.fill([B, Hs], -1); // states are in (-1, 1): a padded step's -1 never wins
  const costs: tf.Tensor2D[] = [];
  const costW = w2(w, 'cost.W'), costB = w1(w, 'cost.b');
  const tokSteps = o.costTokenInput === 1 ? tf.unstack(tf.reshape(tok, [B, T, o.tokenSize]), 1) as tf.Tensor2D[] : [];
  for (let t = 0; t < T; t++) {
    const g = steps[t];
    const hu = tf.matMul(h, U);
    const m = masks[t];
    let hNew: tf.Tensor2D;
    if (o.cell === 'gru') {
      const [gx, gr, gn] = tf.split(g, 3, 1);
      const [ux, ur, un] = tf.split(hu, 3, 1);
      const z = tf.sigmoid(tf.add(gx, ux));
      const r = tf.sigmoid(tf.add(gr, ur));
      const n = tf.tanh(tf.add(gn, tf.mul(r, un)));
      hNew = tf.add(n, tf.mul(z, tf.sub(h, n))) as tf.Tensor2D;
    } else {
      const [gi, gf, gg, go] = tf.split(tf.add(g, hu), 4, 1);
      const cNew = tf.add(tf.mul(tf.sigmoid(gf), c), tf.mul(tf.sigmoid(gi), tf.tanh(gg))) as tf.Tensor2D;
      hNew = tf.mul(tf.sigmoid(go), tf.tanh(cNew)) as tf.Tensor2D;
      c = tf.add(c, tf.mul(m, tf.sub(cNew, c))) as tf.Tensor2D;
    }
    h = tf.add(h, tf.mul(m, tf.sub(hNew, h))) as tf.Tensor2D;
    const seen = tf.mul(m, hNew);
    sum = tf.add(sum, seen) as tf.Tensor2D;
    max = tf.maximum(max, tf.sub(seen, absent[t])) as tf.Tensor2D;
    // a padded step's cost is pushed to -1e4: exp() of it vanishes next to any real layer's
    let costIn: tf.Tensor2D = o.costTokenInput === 1 ? tf.concat([hNew, tokSteps[t]], 1) : hNew;
    if (o.costHiddenSize > 0) costIn = tf.relu(tf.add(tf.matMul(costIn, w2(w, 'cost.Wh')), w1(w, 'cost.bh')));
    costs.push(tf.sub(tf.add(tf.matMul(costIn, costW), costB), tf.mul(absent[t], 1e4)) as tf.Tensor2D);
  }
  const count = tf.maximum(tf.sum(mask, 1, true), 1);
  const perLayer = tf.stack(costs, 1) as tf.Tensor3D; // [B, T, COST_CHANNELS]
  const lse = tf.logSumExp(perLayer, 1) as tf.Tensor2D; // [B, COST_CHANNELS]
  // the max over the real layers (a padded step's -1e4 never wins): the busiest layer, a pipeline's bottleneck
  const cost = o.costMaxPool === 1 ? tf.concat([lse, tf.max(perLayer, 1) as tf.Tensor2D], 1) : lse;
  const z0 = tf.concat([h, tf.div(sum, count) as tf.Tensor2D, max, cost, hw], 1);
  const z1 = tf.relu(tf.add(tf.matMul(z0, w2(w, 'mlp.W1')), w1(w, 'mlp.b1'))) as tf.Tensor2D;
  const z2 = tf.relu(tf.add(tf.matMul(z1, w2(w, 'mlp.W2')), w1(w, 'mlp.b2'))) as tf.Tensor2D;
  const out = tf.add(tf.add(tf.matMul(z2, w2(w, 'head.W')), tf.matMul(cost, w2(w, 'head.Wcost'))), w1(w, 'head.b')) as tf.Tensor2D;
  return { out, costs: perLayer };
}

/**
 * The per-layer auxiliary loss (docs/predictor.md §3): the first L cost channels of `costs` [B, T, C]
 * against per-layer targets `y` [B, T, L], as squared errors divided by `std` [L] squared (the total
 * target's standard deviation: errors in the units of the regression term), weighted by `weight`
 * [B, T, L] (0: no label; the trainer passes each layer's share of its sample's total); per channel the
 * weighted mean over its layers, then the mean over the channels with labels.
 */
export function layerLossOf(costs: tf.Tensor3D, y: tf.Tensor3D, weight: tf.Tensor3D, std: tf.Tensor1D): tf.Scalar {
  const [B, T, L] = y.shape;
  const c = tf.slice(costs, [0, 0, 0], [B, T, L]);
  const err = tf.div(tf.mul(weight, tf.squaredDifference(c, y)), tf.square(std));
  const labelled = tf.sum(weight, [0, 1]); // [L]
  const perChannel = tf.div(tf.sum(err, [0, 1]), tf.maximum(labelled, 1e-12));
  const present = tf.cast(tf.greater(labelled, 0), 'float32');
  return tf.div(tf.sum(tf.mul(perChannel, present)), tf.maximum(tf.sum(present), 1e-9)) as tf.Scalar;
}

/**
 * The training loss of normalized predictions `p` against normalized targets `y` where `mask` is 1:
 * per target the mean squared error over its labelled samples, averaged over the targets that have
 * labels (so a target labelled on few samples, pimLoss, weighs as much as the others; `targetWeights`
 * weighs them), plus rankWeight x the pairwise logistic ranking loss
 * log(1 + exp(-sign(y_i - y_j) (p_i - p_j))) averaged over ordered pairs of labelled samples with
 * different labels, per target, averaged over the targets that have such pairs; plus tieWeight x the mean
 * |p_i - p_j| over ordered pairs (i != j) with equal labels, per target, averaged over the targets with such
 * pairs weighted by `tieTargets` (default: targetWeights).
 */
export function lossOf(p: tf.Tensor2D, y: tf.Tensor2D, mask: tf.Tensor2D, rankWeight: number, targetWeights?: tf.Tensor1D, tieWeight = 0, tieTargets?: tf.Tensor1D): tf.Scalar {
  // regression: per target, the mean over its labelled samples; then the (weighted) mean over targets with labels
  const labelled = tf.sum(mask, 0);
  const tw = targetWeights ?? tf.onesLike(labelled);
  const hasLabels = tf.mul(tf.cast(tf.greater(labelled, 0), 'float32'), tw);
  const perTargetMse = tf.div(tf.sum(tf.mul(mask, tf.squaredDifference(p, y)), 0), tf.maximum(labelled, 1));
  const mse = tf.div(tf.sum(tf.mul(perTargetMse, tw)), tf.maximum(tf.sum(hasLabels), 1e-9));
  if (rankWeight === 0 && tieWeight === 0) return mse as tf.Scalar;
  const dp = tf.sub(tf.expandDims(p, 1), tf.expandDims(p, 0)); // [B, B, K]
  const sy = tf.sign(tf.sub(tf.expandDims(y, 1), tf.expandDims(y, 0)));
  const both = tf.mul(tf.expandDims(mask, 1), tf.expandDims(mask, 0));
  // per target: the mean of `perPair` over the pairs where `pairs` is 1, then the weighted mean over targets with pairs
  const meanOverPairs = (pairs: tf.Tensor, perPair: tf.Tensor, weights: tf.Tensor = tw) => {
    const pairCount = tf.sum(pairs, [0, 1]); // [K]
    const perTarget = tf.div(tf.sum(tf.mul(pairs, perPair), [0, 1]), tf.maximum(pairCount, 1));
    const present = tf.mul(tf.cast(tf.greater(pairCount, 0), 'float32'), weights);
    return tf.div(tf.sum(tf.mul(perTarget, present)), tf.maximum(tf.sum(present), 1e-9));
  };
  let loss: tf.Tensor = mse;
  if (rankWeight > 0) loss = tf.add(loss, tf.mul(meanOverPairs(tf.mul(both, tf.abs(sy)), tf.softplus(tf.neg(tf.mul(sy, dp)))), rankWeight));
  if (tieWeight > 0) {
    // tied pairs (equal labels, i != j): |p_i - p_j|, which pulls equal labels (pimLoss: the many exact zeros) to one prediction
    const B = p.shape[0];
    const offDiagonal = tf.expandDims(tf.sub(1, tf.eye(B)), 2);
    loss = tf.add(loss, tf.mul(meanOverPairs(tf.mul(tf.mul(both, tf.sub(1, tf.abs(sy))), offDiagonal), tf.abs(dp), tieTargets ?? tw), tieWeight));
  }
  return loss as tf.Scalar;
}

/** Adam (Kingma & Ba) with bias correction; L2 weight decay added to the gradient of every matrix (g += weightDecay * w). */
export class Adam {
  readonly m = new Map<WeightName, tf.Variable>();
  readonly v = new Map<WeightName, tf.Variable>();
  step = 0;
  constructor(private readonly weights: Weights, private readonly lr: number, private readonly weightDecay: number,
    private readonly beta1 = 0.9, private readonly beta2 = 0.999, private readonly epsilon = 1e-8) {
    for (const [name, w] of weights) {
      this.m.set(name, tf.variable(tf.zeros(w.shape), false));
      this.v.set(name, tf.variable(tf.zeros(w.shape), false));
    }
  }

  /** One step; `lr` (default: the constructor's) lets the caller schedule the learning rate. */
  apply(grads: Record<string, tf.Tensor>, names: Map<string, WeightName>, lr: number = this.lr): void {
    this.step++;
    const { beta1: b1, beta2: b2 } = this;
    const lrT = (lr * Math.sqrt(1 - b2 ** this.step)) / (1 - b1 ** this.step);
    tf.tidy(() => {
      for (const [varName, g0] of Object.entries(grads)) {
        const name = names.get(varName)!;
        const w = this.weights.get(name)!;
        const g = w.shape.length === 2 && this.weightDecay > 0 ? tf.add(g0, tf.mul(w, this.weightDecay)) : g0;
        const m = this.m.get(name)!, v = this.v.get(name)!;
        m.assign(tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)));
        v.assign(tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2)));
        w.assign(tf.sub(w, tf.mul(tf.div(m, tf.add(tf.sqrt(v), this.epsilon)), lrT)));
      }
    });
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}
