// One supernet training step split into per-sub-network gradients, so that the sub-networks of a step can
// be computed on several threads (docs/supernet.md §3). Web-standard: the threads are GradientHelpers,
// whatever the host runs them on (src/node/grad-helpers.ts: worker threads).
//
// Why the result does not depend on the number of threads: the step's gradient of a weight is the sum of
// the sub-networks' gradients taken in one fixed order, whoever computed them. The order is the one tfjs's
// tape uses when a single backward pass runs over the summed loss (the last recorded use first), and every
// sub-network reads each weight through exactly one op, so the sum is the same float32 additions in the
// same order as that single backward pass: the weights are bit-identical to a supernet trained before this
// split existed (test/nn/step-gradients.test.ts checks both).

import * as tf from '@tensorflow/tfjs';
import type { Candidate } from '../space/types.ts';
import type { Space } from '../space/space.ts';
import { toNetworkSpec } from '../space/convert.ts';
import type { Supernet } from './supernet.ts';
import { crossEntropy, distillationLoss, softmaxRows } from './ops.ts';

/** What one thread computes for one step: some of the step's sub-networks on the step's batch. */
export interface GradientRequest {
  /** NHWC pixels of the batch. */
  pixels: Float32Array;
  labels: Int32Array;
  subnets: Candidate[];
  quant: boolean;
  /** In-place distillation weight (trainSupernet's `distill`). */
  distill: number;
  /**
   * With distill > 0: the largest sub-network, whose forward on the batch gives the teacher's probabilities.
   * The helper runs it itself rather than wait for the trainer's (a forward gives the same logits, tape or not).
   */
  teacherOf?: Candidate;
}

/** Per sub-network of a request, the gradient of its loss for each variable (variables() order; null: not used). */
export type SubnetGradientArrays = (Float32Array | null)[][];

/** Another thread holding the same supernet (same space; its weights are sent with every request). */
export interface GradientHelper {
  /** Sets the helper's weights to `weights` (variables() order), then computes the request's sub-networks. */
  compute(weights: Float32Array[], request: GradientRequest): Promise<SubnetGradientArrays>;
  close(): Promise<void>;
}

/** The loss of a sub-network that is not the largest (the largest always learns from the labels). */
function studentLoss(logits: tf.Tensor2D, labels: Int32Array, distill: number, teacher: Float32Array | undefined): tf.Scalar {
  if (distill === 0) return crossEntropy(logits, labels);
  if (distill === 1) return distillationLoss(logits, teacher!);
  return tf.add(tf.mul(crossEntropy(logits, labels), 1 - distill), tf.mul(distillationLoss(logits, teacher!), distill)) as tf.Scalar;
}

export interface SubnetGradients {
  /** Per variable (variables() order): the gradient tensor, or null where the sub-network does not use it. */
  grads: (tf.Tensor | null)[];
  /** The loss's value and the logits, read back (the step's largest: accuracy, loss and the teacher). */
  loss: number;
  logits?: Float32Array;
}

/**
 * The gradient of one sub-network's loss on batch `x`: the labels' cross-entropy when `largest`, else the
 * student loss of `distill` against `teacher`. The tensors are the caller's to dispose.
 */
export function subnetGradients(sn: Supernet, c: Candidate, x: tf.Tensor4D, labels: Int32Array, o: { quant: boolean; largest: boolean; distill: number; teacher?: Float32Array }): SubnetGradients {
  const vars = sn.variables();
  let logitsOut: Float32Array | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const logits = sn.forward(c, x, { quant: o.quant });
    if (o.largest) logitsOut = logits.dataSync() as Float32Array;
    return o.largest ? crossEntropy(logits, labels) : studentLoss(logits, labels, o.distill, o.teacher);
  }, vars);
  const loss = value.dataSync()[0];
  value.dispose();
  return { grads: vars.map((v) => grads[v.name] ?? null), loss, logits: logitsOut };
}

/** A helper's side of a request: every sub-network's gradients, read back as arrays. */
export function requestGradients(sn: Supernet, req: GradientRequest): SubnetGradientArrays {
  const { channels, height, width } = sn.space.spec.input;
  const out: SubnetGradientArrays = [];
  const x = tf.tensor4d(req.pixels, [req.labels.length, height, width, channels]);
  try {
    const teacher = req.teacherOf && tf.tidy(() => softmaxRows(sn.forward(req.teacherOf!, x, { quant: req.quant }).dataSync(), sn.classes));
    for (const c of req.subnets) {
      const g = subnetGradients(sn, c, x, req.labels, { quant: req.quant, largest: false, distill: req.distill, teacher });
      out.push(g.grads.map((t) => (t ? (t.dataSync() as Float32Array).slice() : null)));
      for (const t of g.grads) t?.dispose();
    }
  } finally {
    x.dispose();
  }
  return out;
}

/**
 * The step's gradient of every variable, named for the optimizer: the sub-networks' terms summed in the
 * tape's order (the last sub-network first), zeros for a variable no sub-network used (Adam pairs its
 * moments with the gradient list by position, so every variable gets one). Call inside tf.tidy.
 */
export function sumStepGradients(vars: tf.Variable[], perSubnet: (tf.Tensor | null)[][]): { name: string; tensor: tf.Tensor }[] {
  return vars.map((v, i) => {
    let acc: tf.Tensor | undefined;
    for (let k = perSubnet.length - 1; k >= 0; k--) {
      const g = perSubnet[k][i];
      if (g) acc = acc ? tf.add(acc, g) : g;
    }
    return { name: v.name, tensor: acc ?? tf.zerosLike(v) };
  });
}

/**
 * A sub-network's share of a step's time, for splitting a step between threads: its multiply-accumulates
 * at the supernet's dense kernels (grouped convs run as masked dense convs), plus a fixed cost per layer
 * for the ops around each conv. Only the speed depends on it, never the result.
 */
export function trainingCost(space: Space, c: Candidate): number {
  const PER_LAYER = 200_000;
  let cost = 0;
  let h = space.spec.input.height, w = space.spec.input.width;
  for (const l of toNetworkSpec(space, c).layers) {
    if (l.inSize) [h, w] = l.inSize;
    if (l.type === 'conv') {
      const k = l.kernel ?? 1, s = l.stride ?? 1;
      const p = typeof l.padding === 'number' || l.padding === undefined ? [l.padding ?? 0, l.padding ?? 0, l.padding ?? 0, l.padding ?? 0] : l.padding;
      const oh = Math.floor((h + p[0] + p[2] - k) / s) + 1, ow = Math.floor((w + p[1] + p[3] - k) / s) + 1;
      cost += oh * ow * k * k * (l.inChannels ?? 1) * (l.outChannels ?? 1) + PER_LAYER;
    } else if (l.type === 'fc') cost += (l.inFeatures ?? 0) * (l.outFeatures ?? 0) + PER_LAYER;
  }
  return cost;
}

/**
 * Splits a step's sub-networks between `threads` threads (0 = the caller): longest first, each to the
 * least-loaded thread (ties: the lowest thread). Sub-network 0, the largest, always stays with thread 0,
 * since its logits are read back there. `helperStart` is a load every helper thread starts with (the
 * teacher's forward under distillation). Returns the sub-network indices per thread, ascending.
 */
export function shareSubnets(costs: number[], threads: number, helperStart = 0): number[][] {
  const share: number[][] = Array.from({ length: threads }, () => []);
  const load = Array.from({ length: threads }, (_, t) => (t === 0 ? 0 : helperStart));
  if (costs.length === 0) return share;
  share[0].push(0);
  load[0] = costs[0];
  const rest = costs.map((c, k) => ({ c, k })).slice(1).sort((a, b) => b.c - a.c || a.k - b.k);
  for (const { c, k } of rest) {
    let t = 0;
    for (let j = 1; j < threads; j++) if (load[j] < load[t]) t = j;
    share[t].push(k);
    load[t] += c;
  }
  for (const s of share) s.sort((a, b) => a - b);
  return share;
}
