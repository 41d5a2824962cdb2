// Stand-alone training of one candidate from scratch, with the supernet's recipe (docs/supernet.md §6), and
// Kendall's tau-b for comparing one-shot and stand-alone rankings. Web-standard.
//
// trainStandalone builds a fresh Supernet (new initial weights from `seed`) and trains only `candidate`'s
// sub-network in it: the same forward (ordinal slices, kernel crops, group masks, batch-statistics batch
// norm, QAT at the candidate's bits), Adam at 3e-3 with per-step cosine decay, batch 64, shifts of +-2 px,
// seeded shuffles and shifts. Only the slots the candidate uses are optimized, so the result is the
// candidate trained alone; evaluateAccuracy(candidate, thatSupernet, ...) then scores it through exactly the
// same pipeline as a one-shot sub-network (batch-norm recalibration, export, simulators).

import * as tf from '@tensorflow/tfjs';
import type { Split } from '../data/types.ts';
import type { Candidate } from '../space/types.ts';
import type { Space } from '../space/space.ts';
import { Rng } from '../util/rng.ts';
import { GibbonError } from '../util/errors.ts';
import { batchLabels, batchPixels } from './data.ts';
import { crossEntropy } from './ops.ts';
import { Supernet } from './supernet.ts';
import { learningRateAt } from './train.ts';

export interface StandaloneOptions {
  epochs: number;
  /** Initial weights and data order (default 1). */
  seed?: number;
  batchSize?: number;
  learningRate?: number;
  shift?: number;
  limit?: number;
  quant?: boolean;
  /**
   * Start from these weights instead of a fresh initialisation (fine-tuning a sub-network of a trained
   * supernet: `from.weights()`); the candidate's slots are then trained alone, the rest are left as they are.
   */
  from?: Float32Array[];
  /** Stop after this many steps (the cosine schedule spans them; default: `epochs` whole epochs). */
  steps?: number;
}

export interface StandaloneResult {
  /** The supernet holding the trained candidate (other slots stay at their initial values). Dispose it. */
  supernet: Supernet;
  history: Array<{ epoch: number; loss: number; seconds: number }>;
  seconds: number;
}

/** Trains `candidate` alone from scratch with the supernet recipe. */
export function trainStandalone(space: Space, candidate: Candidate, train: Split, opts: StandaloneOptions): StandaloneResult {
  const o = {
    epochs: opts.epochs, seed: opts.seed ?? 1, batchSize: opts.batchSize ?? 64, learningRate: opts.learningRate ?? 3e-3,
    shift: opts.shift ?? 2, limit: Math.min(opts.limit ?? train.count, train.count), quant: opts.quant ?? true,
  };
  if (!Number.isInteger(o.epochs) || o.epochs < 1) throw new GibbonError('E_OPTION', `standalone: epochs: got ${JSON.stringify(o.epochs)}; allowed: an integer >= 1`);
  if (opts.steps !== undefined && !(Number.isInteger(opts.steps) && opts.steps >= 1)) throw new GibbonError('E_OPTION', `standalone: steps: got ${JSON.stringify(opts.steps)}; allowed: an integer >= 1`);
  const c = space.validateCandidate(candidate);
  const sn = new Supernet(space, o.seed);
  if (opts.from) sn.setWeights(opts.from);
  const { channels, height, width } = space.spec.input;
  // the candidate's slots: one probe forward records them
  const used = new Set<string>();
  tf.tidy(() => { sn.forward(c, tf.zeros([1, height, width, channels]) as tf.Tensor4D, { quant: false }, used); });
  const vars: tf.Variable[] = [];
  for (const [name, s] of sn.slots) if (used.has(name)) vars.push(...(s.kind === 'conv' ? [s.w, s.gamma, s.beta] : [s.w, s.bias]));
  const steps = Math.ceil(o.limit / o.batchSize);
  const total = opts.steps ?? steps * o.epochs;
  const rng = new Rng(o.seed);
  const optimizer = tf.train.adam(o.learningRate);
  const history: StandaloneResult['history'] = [];
  const t0 = performance.now();
  try {
    for (let e = 1; e <= Math.ceil(total / steps); e++) {
      const order = rng.fork('shuffle', e).shuffle(Array.from({ length: o.limit }, (_, i) => i));
      const aug = rng.fork('shift', e);
      const te = performance.now();
      let lossSum = 0, seen = 0;
      for (let s = 0; s < steps && (e - 1) * steps + s < total; s++) {
        const idx = order.slice(s * o.batchSize, (s + 1) * o.batchSize);
        const px = batchPixels(train, space.spec.input, idx, o.shift, aug);
        const labels = batchLabels(train, idx);
        (optimizer as unknown as { learningRate: number }).learningRate = learningRateAt(o.learningRate, (e - 1) * steps + s, total, 'cosine');
        const cost = tf.tidy(() => optimizer.minimize(() => {
          const x = tf.tensor4d(px, [idx.length, height, width, channels]);
          return crossEntropy(sn.forward(c, x, { quant: o.quant }), labels);
        }, true, vars)!);
        lossSum += cost.dataSync()[0] * idx.length;
        seen += idx.length;
        cost.dispose();
      }
      history.push({ epoch: e, loss: lossSum / seen, seconds: (performance.now() - te) / 1000 });
    }
  } catch (err) {
    sn.dispose();
    throw err;
  } finally {
    optimizer.dispose();
  }
  return { supernet: sn, history, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Kendall's tau-b of two equally long score lists (ties handled: (C - D) / sqrt((n0 - n1)(n0 - n2))),
 * exact O(n^2). NaN when either list is constant or shorter than 2.
 */
export function kendallTauB(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new GibbonError('E_OPTION', `kendallTauB: lists of ${a.length} and ${b.length} values`);
  const n = a.length;
  let concordant = 0, discordant = 0, tiesA = 0, tiesB = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const da = Math.sign(a[j] - a[i]), db = Math.sign(b[j] - b[i]);
      if (da === 0) tiesA++;
      if (db === 0) tiesB++;
      if (da !== 0 && db !== 0) { if (da === db) concordant++; else discordant++; }
    }
  }
  const n0 = (n * (n - 1)) / 2;
  const denom = Math.sqrt((n0 - tiesA) * (n0 - tiesB));
  return denom === 0 ? NaN : (concordant - discordant) / denom;
}
