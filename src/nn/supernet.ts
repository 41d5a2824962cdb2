// The one-shot weight-sharing supernet over a co-exploration space (docs/supernet.md). Web-standard.
//
// One set of weights per layer slot of the space's full skeleton (stem, every possible block's convs, each
// stage's projection shortcut, the fc), at the largest widths and the largest kernel. A candidate runs a
// sub-network of it:
// * ordinal channel masks: the first c input / output channels (tf.slice of the kernel, gamma, beta, fc);
// * kernel sharing: the k x k kernel is cropped out of the largest (3 -> 2 -> 1). Odd kernels take the
//   centre; an even kernel takes the taps its padding lines up with (docs/space.md §4): for kernel 2,
//   padSide 0 pads [0,0,1,1] and reads x[i..i+1], i.e. taps 1..2 of the 3x3; padSide 1 reads x[i-1..i],
//   taps 0..1. In general the crop starts at (K-1)/2 - padTop;
// * grouped convolution from the shared dense kernel: a block-diagonal 0/1 mask (weights off the group
//   blocks are neither used nor updated by that sub-network);
// * inactive blocks are skipped; the projection shortcut runs where the candidate's graph has one;
// * batch norm: training uses each sub-network's own batch statistics (no running statistics are kept);
//   evaluation recalibrates them per sub-network on training images (subnetNet + recalibrateBn);
// * per-layer fake quantization at the candidate's bits on the project grid (straight-through
//   estimator): weights per output channel at weightBits, every requantized tensor (conv and add outputs,
//   the network input) at its outputBits with the batch's own range.
// The layer graph is toModelSkeleton(space, candidate), so the forward, the exported model file and both
// simulators see the same layers.

import * as tf from '@tensorflow/tfjs';
import type { Split } from '../data/types.ts';
import type { Candidate, SkeletonLayer } from '../space/types.ts';
import { type Space, convPadding } from '../space/space.ts';
import { toModelSkeleton } from '../space/convert.ts';
import { Rng } from '../util/rng.ts';
import { GibbonError } from '../util/errors.ts';
import { checkTrainingMemory, measureStepMemory } from './memory.ts';
import { argmaxRows, batchLabels, batchPixels } from './data.ts';
import { type LayerSpec, Net, type NetSpec, actScale, inputScale } from './net.ts';
import { type BatchStats, batchNormTrain, conv2d, crossEntropy, fakeQuantAct, fakeQuantWeights, groupMask, softmaxRows } from './ops.ts';
import { learningRateAt, type EpochProgress } from './train.ts';
import { type GradientHelper, shareSubnets, subnetGradients, sumStepGradients, trainingCost } from './step-gradients.ts';

const SOURCE = 'supernet';
const BN_EPS = 1e-3;

interface ConvSlot { kind: 'conv'; kmax: number; inMax: number; outMax: number; w: tf.Variable; gamma: tf.Variable; beta: tf.Variable }
interface FcSlot { kind: 'fc'; hw: number; inMax: number; classes: number; w: tf.Variable; bias: tf.Variable }
type Slot = ConvSlot | FcSlot;

/** Picks, per decision, the value index of the largest (or smallest) sub-network. */
function extremeCandidate(space: Space, which: 'largest' | 'smallest'): Candidate {
  const big = which === 'largest';
  const genome = space.decisions.map((d) => {
    if (d.kind === 'hw') return 0;
    const vals = d.values.map(Number);
    // more groups = fewer weights: the largest sub-network is dense, the smallest as grouped as allowed
    const wantMax = d.field === 'convGroups' ? !big : big;
    const target = wantMax ? Math.max(...vals) : Math.min(...vals);
    return vals.indexOf(target);
  });
  return space.decode(genome);
}

/** The largest sub-network: widest, deepest, largest kernels, dense, most bits. */
export function largestCandidate(space: Space): Candidate { return extremeCandidate(space, 'largest'); }
/** The smallest sub-network: narrowest, shallowest, smallest kernels, most groups, fewest bits. */
export function smallestCandidate(space: Space): Candidate { return extremeCandidate(space, 'smallest'); }

let instances = 0;

/** Normal(0, std) values from the project's Rng. */
function normals(rng: Rng, n: number, std: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * std;
  return a;
}

export interface SupernetForwardOptions {
  /** Fake quantization at the candidate's bits (default true). */
  quant?: boolean;
  /** Called per conv (its index in the candidate's layer graph) with the batch statistics its batch norm used. */
  onBnStats?: (layer: number, stats: BatchStats) => void;
  /** Called per requantized tensor (its layer index) with the range its grid used: the batch's largest (|)value(|). */
  onRange?: (layer: number, amax: number) => void;
}

export class Supernet {
  readonly space: Space;
  readonly seed: number;
  /** Slot name (the skeleton's layer name) -> shared parameters, in a fixed order. */
  readonly slots = new Map<string, Slot>();
  readonly classes: number;
  readonly #masks = new Map<string, tf.Tensor4D>();

  constructor(space: Space, seed = 1) {
    this.space = space;
    this.seed = seed;
    const id = instances++;
    const rng = new Rng(seed).fork('supernet-init');
    const { input } = space.spec;
    this.classes = input.classes;
    // Max widths: the largest-width candidate's graph; a stage's projection may be absent there (equal
    // widths at stride 1) but present in narrower ones, so every stage gets one.
    const large = toModelSkeleton(space, largestCandidate(space)).layers;
    const kmaxAll = Math.max(...large.map((l) => (l.type === 'conv' ? l.kernel : 1)));
    const outOf = new Map<string, { inMax: number; outMax: number }>();
    for (const l of large) if (l.type === 'conv') outOf.set(l.name, { inMax: l.inChannels, outMax: l.outChannels });
    let index = 0;
    const addConv = (name: string, kmax: number, inMax: number, outMax: number, relu: boolean) => {
      const lrng = rng.fork('slot', index);
      const fanIn = kmax * kmax * inMax;
      const std = Math.sqrt((relu ? 2 : 1) / fanIn);
      const p = `sn${id}/${index++}`;
      this.slots.set(name, {
        kind: 'conv', kmax, inMax, outMax,
        w: tf.variable(tf.tensor4d(normals(lrng, kmax * kmax * inMax * outMax, std), [kmax, kmax, inMax, outMax]), true, `${p}/w`),
        gamma: tf.variable(tf.ones([outMax]), true, `${p}/gamma`),
        beta: tf.variable(tf.zeros([outMax]), true, `${p}/beta`),
      });
    };
    let prevOut = input.channels;
    for (const l of large) {
      if (l.type === 'conv') {
        if (l.name.endsWith('.proj')) continue;
        const m = outOf.get(l.name)!;
        addConv(l.name, kmaxAll, m.inMax, m.outMax, l.relu);
        const match = /^stage(\d+)\.block0\.conv0$/.exec(l.name);
        if (match) {
          // the stage's projection: block 0's input -> the stage width (the block's last conv's width)
          const s = Number(match[1]);
          const lastConv = large.filter((x) => x.type === 'conv' && x.name.startsWith(`stage${s}.block0.conv`)).pop() as Extract<SkeletonLayer, { type: 'conv' }>;
          addConv(`stage${s}.block0.proj`, 1, m.inMax, lastConv.outChannels, false);
        }
        prevOut = m.outMax;
      } else if (l.type === 'fc') {
        const hw = l.inFeatures / prevOut;
        const lrng = rng.fork('slot', index);
        const p = `sn${id}/${index++}`;
        const fin = l.inFeatures;
        this.slots.set(l.name, {
          kind: 'fc', hw, inMax: prevOut, classes: l.outFeatures,
          w: tf.variable(tf.tensor3d(normals(lrng, fin * l.outFeatures, Math.sqrt(1 / fin)), [hw, prevOut, l.outFeatures]), true, `${p}/w`),
          bias: tf.variable(tf.zeros([l.outFeatures]), true, `${p}/bias`),
        });
      }
    }
  }

  /** Every trainable variable, in slot order. */
  variables(): tf.Variable[] {
    const out: tf.Variable[] = [];
    for (const s of this.slots.values()) {
      if (s.kind === 'conv') out.push(s.w, s.gamma, s.beta);
      else out.push(s.w, s.bias);
    }
    return out;
  }

  paramCount(): number { return this.variables().reduce((n, v) => n + v.size, 0); }

  #slot(name: string): Slot {
    const s = this.slots.get(name);
    if (!s) throw new GibbonError('E_SPACE', `${SOURCE}: layer ${JSON.stringify(name)} has no slot in the supernet of space ${JSON.stringify(this.space.name)}`, { source: SOURCE, path: name });
    return s;
  }

  /** The sub-network's dense kernel [k, k, cin, cout] (cropped, sliced; grouped convs masked block-diagonally). */
  convKernel(l: Extract<SkeletonLayer, { type: 'conv' }>): tf.Tensor4D {
    const s = this.#slot(l.name) as ConvSlot;
    const k = l.kernel;
    const off = (s.kmax - 1) / 2 - l.padding[0];
    const offW = (s.kmax - 1) / 2 - l.padding[1];
    if (off < 0 || offW < 0 || off + k > s.kmax || offW + k > s.kmax || !Number.isInteger(off)) {
      throw new GibbonError('E_SPACE', `${SOURCE}: ${l.name}: kernel ${k} with padding ${JSON.stringify(l.padding)} does not fit the shared ${s.kmax}x${s.kmax} kernel`, { source: SOURCE, path: l.name });
    }
    let w = tf.slice(s.w, [off, offW, 0, 0], [k, k, l.inChannels, l.outChannels]) as tf.Tensor4D;
    if (l.convGroups > 1) w = tf.mul(w, this.groupMask(l.inChannels, l.outChannels, l.convGroups)) as tf.Tensor4D;
    return w;
  }

  groupMask(cin: number, cout: number, g: number): tf.Tensor4D {
    const key = `${cin}/${cout}/${g}`;
    let m = this.#masks.get(key);
    if (!m) { m = tf.keep(groupMask(cin, cout, g)); this.#masks.set(key, m); }
    return m;
  }

  /** The fc matrix [hw * c, classes] for the first c channels, rows in (h, w, c) order. */
  fcMatrix(l: Extract<SkeletonLayer, { type: 'fc' }>): tf.Tensor2D {
    const s = this.#slot(l.name) as FcSlot;
    const c = l.inFeatures / s.hw;
    return tf.reshape(tf.slice(s.w, [0, 0, 0], [s.hw, c, s.classes]), [s.hw * c, s.classes]) as tf.Tensor2D;
  }

  /**
   * Training-mode logits [B, classes] of `candidate` on an NHWC batch (pixels in [0, 1]): batch
   * statistics in every batch norm, fake quantization at the candidate's bits unless `quant: false`.
   * Call inside tf.tidy or an optimizer's minimize. `used` collects the slots the sub-network touched.
   */
  forward(candidate: Candidate, x: tf.Tensor4D, opts: SupernetForwardOptions = {}, used?: Set<string>): tf.Tensor2D {
    const quant = opts.quant ?? true;
    const sk = toModelSkeleton(this.space, candidate);
    const q = (i: number, y: tf.Tensor, bits: number, signed: boolean): tf.Tensor => {
      if (!quant) return y;
      const amax = (signed ? tf.max(tf.abs(y)) : tf.max(y)).dataSync()[0];
      opts.onRange?.(i, amax);
      return fakeQuantAct(y, actScale(amax, bits), bits, signed);
    };
    const x0 = quant ? fakeQuantAct(x, inputScale(sk.input.bits), sk.input.bits, false) : x;
    const outs: tf.Tensor[] = [];
    sk.layers.forEach((l, i) => {
      const rel = 'inputs' in l && l.inputs ? l.inputs : [-1];
      const src = (r: number) => (i + r < 0 ? x0 : outs[i + r]);
      used?.add(l.name);
      switch (l.type) {
        case 'conv': {
          const s = this.#slot(l.name) as ConvSlot;
          let w = this.convKernel(l);
          if (quant) w = fakeQuantWeights(w, l.weightBits) as tf.Tensor4D;
          let y: tf.Tensor = conv2d(src(rel[0]) as tf.Tensor4D, w, l.stride, l.padding, i + rel[0] >= 0);
          y = batchNormTrain(y as tf.Tensor4D, tf.slice(s.gamma, [0], [l.outChannels]) as tf.Tensor1D, tf.slice(s.beta, [0], [l.outChannels]) as tf.Tensor1D, BN_EPS,
            opts.onBnStats && ((stats) => opts.onBnStats!(i, stats)));
          if (l.relu) y = tf.relu(y);
          outs.push(q(i, y, l.outputBits, !l.relu));
          break;
        }
        case 'add': {
          let y: tf.Tensor = tf.addN(l.inputs.map(src));
          if (l.relu) y = tf.relu(y);
          outs.push(q(i, y, l.outputBits, !l.relu));
          break;
        }
        case 'pool': {
          const xin = src(rel[0]) as tf.Tensor4D;
          const padded = l.padding.every((p) => p === 0) ? xin : tf.pad(xin, [[0, 0], [l.padding[0], l.padding[2]], [l.padding[1], l.padding[3]], [0, 0]], l.mode === 'max' ? -3.4e38 : 0);
          outs.push(l.mode === 'max' ? tf.maxPool(padded, l.kernel, l.stride, 'valid') : tf.avgPool(padded, l.kernel, l.stride, 'valid'));
          break;
        }
        case 'fc': {
          const s = this.#slot(l.name) as FcSlot;
          const xin = src(rel[0]);
          let w = this.fcMatrix(l);
          if (quant) w = fakeQuantWeights(w, l.weightBits) as tf.Tensor2D;
          outs.push(tf.add(tf.matMul(tf.reshape(xin, [xin.shape[0], -1]) as tf.Tensor2D, w), s.bias));
          break;
        }
      }
    });
    return outs[outs.length - 1] as tf.Tensor2D;
  }

  /**
   * The sub-network as a stand-alone Net (float; its weights copied out of the supernet: grouped kernels
   * as [k, k, cin/g, cout]). Batch-norm running statistics are the Net's defaults: call recalibrateBn.
   */
  subnetNet(candidate: Candidate): Net {
    const sk = toModelSkeleton(this.space, candidate);
    const layers: LayerSpec[] = sk.layers.map((l): LayerSpec => {
      const inputs = 'inputs' in l && l.inputs ? { inputs: [...l.inputs] } : {};
      switch (l.type) {
        case 'conv': return { type: 'conv', name: l.name, ...inputs, outChannels: l.outChannels, kernel: l.kernel, stride: l.stride, padding: [...l.padding], groups: l.convGroups, bn: true, relu: l.relu };
        case 'add': return { type: 'add', name: l.name, inputs: [...l.inputs], relu: l.relu };
        case 'pool': return { type: 'pool', name: l.name, ...inputs, mode: l.mode, kernel: l.kernel, stride: l.stride, padding: [...l.padding] };
        case 'fc': return { type: 'fc', name: l.name, ...inputs, outFeatures: l.outFeatures };
      }
    });
    const spec: NetSpec = { name: `${this.space.name}-subnet`, input: { channels: sk.input.channels, height: sk.input.height, width: sk.input.width }, layers };
    const net = new Net(spec, this.seed);
    net.layers.forEach((nl, i) => {
      const l = sk.layers[i];
      if (nl.type === 'conv' && l.type === 'conv') {
        const s = this.#slot(l.name) as ConvSlot;
        tf.tidy(() => {
          let w = this.convKernel(l);
          const g = l.convGroups;
          if (g > 1) {
            const gin = l.inChannels / g, gout = l.outChannels / g;
            const parts: tf.Tensor4D[] = [];
            for (let k = 0; k < g; k++) parts.push(tf.slice(w, [0, 0, k * gin, k * gout], [l.kernel, l.kernel, gin, gout]));
            w = tf.concat(parts, 3);
          }
          nl.w.assign(w);
          nl.gamma!.assign(tf.slice(s.gamma, [0], [l.outChannels]));
          nl.beta!.assign(tf.slice(s.beta, [0], [l.outChannels]));
        });
      } else if (nl.type === 'fc' && l.type === 'fc') {
        const s = this.#slot(l.name) as FcSlot;
        tf.tidy(() => { nl.w.assign(this.fcMatrix(l)); nl.bias.assign(s.bias); });
      }
    });
    return net;
  }

  /** The weights as plain arrays, in variables() order. */
  weights(): Float32Array[] { return this.variables().map((v) => Float32Array.from(v.dataSync() as Float32Array)); }

  setWeights(values: Float32Array[]): void {
    const vars = this.variables();
    if (values.length !== vars.length) throw new GibbonError('E_FILE', `${SOURCE}: checkpoint holds ${values.length} weight tensors; the supernet of space ${this.space.name} has ${vars.length}`);
    vars.forEach((v, i) => {
      if (values[i].length !== v.size) throw new GibbonError('E_FILE', `${SOURCE}: checkpoint tensor ${i} holds ${values[i].length} values; expected ${v.size}`);
      tf.tidy(() => v.assign(tf.tensor(values[i], v.shape)));
    });
  }

  dispose(): void {
    for (const v of this.variables()) v.dispose();
    for (const m of this.#masks.values()) m.dispose();
    this.#masks.clear();
  }
}

// ===== Training =====

export interface SupernetTrainOptions {
  /** Total epochs of the run (the cosine schedule spans them). */
  epochs: number;
  batchSize?: number;
  /** Peak Adam learning rate (default 3e-3), per-step cosine decay to 0. */
  learningRate?: number;
  seed?: number;
  /** Random shifts of up to this many pixels (default 2). */
  shift?: number;
  /** Train on the first `limit` images only. */
  limit?: number;
  /** Random sub-networks per step besides the largest and the smallest (default 2). */
  randomSubnets?: number;
  /**
   * Whether every step trains the smallest sub-network (default true: the sandwich rule). False spends the
   * step on the largest and the random ones only (docs/supernet.md §7.2 measures it).
   */
  smallest?: boolean;
  /** Fake quantization at each sub-network's bits (default true). */
  quant?: boolean;
  /**
   * In-place distillation: the weight d in [0, 1] of the largest sub-network's soft predictions in the loss
   * of every other sub-network of the step, (1 - d) * CE(labels) + d * CE(softmax(largest)). The largest
   * always learns from the labels. Default DEFAULT_DISTILL (0: off, the recipe before distillation existed).
   */
  distill?: number;
  /** Train the largest sub-network alone (no sandwich; for timing it, bench/supernet.bench.ts). */
  largestOnly?: boolean;
  /** Progress every `progressEvery` steps and after each epoch. */
  onProgress?: (p: SupernetProgress) => void;
  progressEvery?: number;
  /**
   * Threads that compute some of each step's sub-networks (src/nn/step-gradients.ts; Node:
   * src/node/grad-helpers.ts). The weights do not depend on how many there are. The caller closes them.
   */
  helpers?: GradientHelper[];
  /** Called after each epoch with the state to checkpoint (awaited). */
  onEpoch?: (state: SupernetState) => void | Promise<void>;
  /** Stop after this epoch (for tests and time limits); the schedule still spans `epochs`. */
  stopAfter?: number;
  /**
   * Before the first step, measure a step's memory (src/nn/memory.ts) and refuse a batch whose step would
   * not fit tfjs's wasm heap, with one line naming the space and a batch size that fits (wasm backend only:
   * past its 4 GiB the backend aborts the process). The CLI's trainers set it.
   */
  checkMemory?: boolean;
}

/** The supernet's progress: the epoch progress of stand-alone training (loss and accuracy of its largest sub-network). */
export type SupernetProgress = EpochProgress;

export interface SupernetEpochRecord { epoch: number; loss: number; trainAccuracy: number; seconds: number }

/** Everything a run needs to resume exactly (the RNG streams are forks keyed by the epoch). */
export interface SupernetState {
  format: 'gibbon-supernet';
  version: 1;
  space: string;
  /** The space document (resolveSpace rebuilds the space from it). */
  spaceSpec: unknown;
  /** Initialisation seed and the training options. */
  initSeed: number;
  /** `distill` is absent in checkpoints written before in-place distillation (they resume with 0). */
  options: { epochs: number; batchSize: number; learningRate: number; seed: number; shift: number; limit: number; randomSubnets: number; quant: boolean; distill?: number; smallest?: boolean };
  /** Epochs completed. */
  epoch: number;
  /** Counter of the run's root Rng (its per-epoch streams are forks, restarted from the epoch). */
  rngCounter: number;
  history: SupernetEpochRecord[];
  weights: Float32Array[];
  /** Adam's state: iterations, beta1^t and beta2^t, then the first and second moments in variables() order. */
  optimizer: Float32Array[];
}

function optionError(path: string, value: unknown, allowed: string): GibbonError {
  return new GibbonError('E_OPTION', `${SOURCE}: ${path}: got ${JSON.stringify(value)}; allowed: ${allowed}`, { source: SOURCE, path });
}

/**
 * Default weight of in-place distillation: 0 (off). Measured on a 4-epoch proxy (docs/supernet.md §7) it moved
 * the 12 ranking candidates' one-shot accuracy by +0.2 points on average (noise) and cost the largest 0.9.
 */
export const DEFAULT_DISTILL = 0;

/**
 * A short tag of the default training recipe, for cache keys: a supernet trained by another recipe must not
 * be handed to code that expects this one. Change it whenever the defaults of trainSupernet change.
 */
export const SUPERNET_RECIPE = supernetRecipe();

/** The recipe tag of the default recipe with in-place distillation `distill` (`kd<d>`; SUPERNET_RECIPE at the default). */
export function supernetRecipe(distill: number = DEFAULT_DISTILL): string { return `kd${distill}`; }

/** Images per training step by default (a supernet's cache key holds the batch size: it changes the weights). */
export const DEFAULT_SUPERNET_BATCH = 64;

/** Random sub-networks per step besides the largest and the smallest, by default. */
export const DEFAULT_RANDOM_SUBNETS = 2;

/**
 * The sub-networks each step of trainSupernet trains under these options; a resumed run's own options win,
 * as in trainSupernet. (More training threads than this would idle.)
 */
export function subnetsPerStep(opts: Pick<SupernetTrainOptions, 'randomSubnets' | 'smallest' | 'largestOnly'>, resume?: SupernetState): number {
  if (opts.largestOnly) return 1;
  const smallest = resume ? resume.options.smallest ?? true : opts.smallest ?? true;
  const random = resume ? resume.options.randomSubnets : opts.randomSubnets ?? DEFAULT_RANDOM_SUBNETS;
  return 1 + (smallest ? 1 : 0) + random;
}

/**
 * Refuses a batch whose training step would not fit tfjs's wasm heap: two probe steps (batch 1 and 2) of
 * `forwards` passes of the largest sub-network (the step's largest share; the others are smaller) with
 * gradients of every weight, applied to nothing, predict the step's peak at `batch` (src/nn/memory.ts).
 */
async function checkStepMemory(sn: Supernet, largest: Candidate, forwards: number, quant: boolean, batch: number, vars: tf.Variable[]): Promise<void> {
  const { channels, height, width } = sn.space.spec.input;
  const m = await measureStepMemory((n) => {
    const g = tf.variableGrads(() => {
      const x = tf.zeros([n, height, width, channels]) as tf.Tensor4D;
      const labels = new Int32Array(n);
      let sum: tf.Scalar | undefined;
      for (let k = 0; k < forwards; k++) { const l = crossEntropy(sn.forward(largest, x, { quant }, new Set()), labels); sum = sum ? tf.add(sum, l) : l; }
      return sum!;
    }, vars);
    g.value.dataSync();
  });
  checkTrainingMemory(m, batch, `space ${sn.space.name}`);
}

/**
 * Trains the supernet with the sandwich rule: every step sums the losses of the largest, the smallest and
 * `randomSubnets` random sub-networks on one batch and takes one Adam step. The largest learns from the
 * labels; with `distill` > 0 the others also (or only) learn from its soft predictions (in-place
 * distillation). Seeded and deterministic; `resume` continues a checkpointed run identically.
 */
export async function trainSupernet(sn: Supernet, train: Split, opts: SupernetTrainOptions, resume?: SupernetState): Promise<SupernetState> {
  const o = {
    epochs: opts.epochs, batchSize: opts.batchSize ?? DEFAULT_SUPERNET_BATCH, learningRate: opts.learningRate ?? 3e-3, seed: opts.seed ?? 1,
    shift: opts.shift ?? 2, limit: Math.min(opts.limit ?? train.count, train.count), randomSubnets: opts.randomSubnets ?? DEFAULT_RANDOM_SUBNETS, quant: opts.quant ?? true,
    distill: opts.distill ?? DEFAULT_DISTILL,
  };
  // `smallest` is kept out of `o`, and written only when false, so a default run's checkpoint header is what
  // it was before the option existed
  const { smallest: resumedSmallest, ...resumed } = resume?.options ?? {};
  if (resume) Object.assign(o, resumed, { epochs: opts.epochs, distill: resume.options.distill ?? 0 });
  const withSmallest = resume ? resumedSmallest ?? true : opts.smallest ?? true;
  const savedOptions = () => ({ ...o, ...(withSmallest ? {} : { smallest: false }) });
  if (!Number.isInteger(o.epochs) || o.epochs < 1) throw optionError('epochs', o.epochs, 'an integer >= 1');
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw optionError('batchSize', o.batchSize, 'an integer >= 1');
  if (!(o.limit >= 1)) throw optionError('limit', opts.limit, 'an integer >= 1');
  if (!(o.distill >= 0 && o.distill <= 1)) throw optionError('distill', o.distill, 'a number in [0, 1]');
  const { channels, height, width } = sn.space.spec.input;
  const steps = Math.ceil(o.limit / o.batchSize);
  const total = steps * o.epochs;
  const rng = new Rng(o.seed);
  const vars = sn.variables();
  const optimizer = tf.train.adam(o.learningRate);
  const history: SupernetEpochRecord[] = resume ? [...resume.history] : [];
  let start = 1;
  if (resume) {
    if (resume.space !== sn.space.name) throw new GibbonError('E_FILE', `${SOURCE}: the checkpoint is for space ${JSON.stringify(resume.space)}, not ${JSON.stringify(sn.space.name)}`);
    sn.setWeights(resume.weights);
    rng.counter = resume.rngCounter;
    start = resume.epoch + 1;
    if (resume.optimizer.length > 0) {
      const [iter, acc1, acc2, ...moments] = resume.optimizer;
      const n = vars.length;
      if (moments.length !== 2 * n) throw new GibbonError('E_FILE', `${SOURCE}: the checkpoint's optimizer state holds ${moments.length} moments; expected ${2 * n}`);
      await optimizer.setWeights([
        { name: 'iter', tensor: tf.scalar(iter[0], 'int32') },
        ...moments.map((m, i) => ({ name: `${vars[i % n].name}/${i < n ? 'm' : 'v'}`, tensor: tf.tensor(m, vars[i % n].shape) })),
      ]);
      // setWeights recomputes beta^t with pow; the saved products resume bit-exactly
      const acc = optimizer as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
      tf.tidy(() => { acc.accBeta1.assign(tf.scalar(acc1[0])); acc.accBeta2.assign(tf.scalar(acc2[0])); });
    }
  }
  const setLr = (lr: number) => { (optimizer as unknown as { learningRate: number }).learningRate = lr; };
  const largest = largestCandidate(sn.space), smallest = smallestCandidate(sn.space);
  const helpers = opts.helpers ?? [];
  let state: SupernetState | undefined = resume;
  const stopAfter = Math.min(opts.stopAfter ?? o.epochs, o.epochs);
  if (opts.checkMemory && start <= stopAfter && tf.getBackend() === 'wasm') {
    try {
      await checkStepMemory(sn, largest, subnetsPerStep(opts, resume), o.quant, Math.min(o.batchSize, o.limit), vars);
    } catch (e) { optimizer.dispose(); throw e; }
  }
  let trainSeconds = 0, epochsTimed = 0;
  try {
    for (let e = start; e <= stopAfter; e++) {
      const order = rng.fork('shuffle', e).shuffle(Array.from({ length: o.limit }, (_, i) => i));
      const aug = rng.fork('shift', e);
      const archRng = rng.fork('subnets', e);
      const te = performance.now();
      let lossSum = 0, correct = 0, seen = 0, lr = o.learningRate;
      for (let s = 0; s < steps; s++) {
        const idx = order.slice(s * o.batchSize, (s + 1) * o.batchSize);
        const px = batchPixels(train, sn.space.spec.input, idx, o.shift, aug);
        const labels = batchLabels(train, idx);
        const subnets = opts.largestOnly || !withSmallest ? [largest] : [largest, smallest];
        for (let r = 0; r < (opts.largestOnly ? 0 : o.randomSubnets); r++) subnets.push(sn.space.sample(archRng));
        lr = learningRateAt(o.learningRate, (e - 1) * steps + s, total, 'cosine');
        setLr(lr);
        let preds: Int32Array | undefined;
        let bigLoss = 0;
        // Each sub-network's gradient on its own, on this thread or a helper's, then one sum in a fixed
        // order (src/nn/step-gradients.ts): the same weights for any number of helpers.
        // (with distillation each helper first runs the largest's forward for its teacher: about a third of
        // the largest's step, added to its load)
        const costs = helpers.length > 0 ? subnets.map((c) => trainingCost(sn.space, c)) : [];
        const share = helpers.length > 0 ? shareSubnets(costs, 1 + helpers.length, o.distill > 0 ? costs[0] / 3 : 0) : [subnets.map((_, k) => k)];
        const perSubnet: (tf.Tensor | null)[][] = new Array(subnets.length);
        const x = tf.tensor4d(px, [idx.length, height, width, channels]);
        let teacher: Float32Array | undefined;
        const runHere = (k: number) => {
          const g = subnetGradients(sn, subnets[k], x, labels, { quant: o.quant, largest: k === 0, distill: o.distill, teacher });
          if (k === 0) {
            preds = argmaxRows(g.logits!, sn.classes);
            bigLoss = g.loss;
            // the teacher's probabilities as plain numbers: a constant, so no gradient reaches the largest
            if (o.distill > 0) teacher = softmaxRows(g.logits!, sn.classes);
          }
          perSubnet[k] = g.grads;
        };
        try {
          const weightsNow = helpers.length > 0 ? sn.weights() : [];
          const replies = helpers.map((h, j) => (share[j + 1].length === 0 ? Promise.resolve([])
            : h.compute(weightsNow, { pixels: px, labels, subnets: share[j + 1].map((k) => subnets[k]), quant: o.quant, distill: o.distill,
              ...(o.distill > 0 ? { teacherOf: largest } : {}) })));
          // if this thread's part throws first, a helper's later failure must not be an unhandled rejection
          for (const r of replies) r.catch(() => {});
          // share[0] is ascending and starts with the largest, whose logits are the teacher of the rest here
          for (const k of share[0]) runHere(k);
          (await Promise.all(replies)).forEach((r, j) => share[j + 1].forEach((k, m) => {
            perSubnet[k] = r[m].map((a, i) => (a ? tf.tensor(a, vars[i].shape) : null));
          }));
          tf.tidy(() => optimizer.applyGradients(sumStepGradients(vars, perSubnet)));
        } finally {
          x.dispose();
          for (const g of perSubnet) for (const t of g ?? []) t?.dispose();
        }
        lossSum += bigLoss * idx.length;
        for (let i = 0; i < idx.length; i++) if (preds![i] === labels[i]) correct++;
        seen += idx.length;
        if (opts.onProgress && opts.progressEvery && (s + 1) % opts.progressEvery === 0 && s + 1 < steps) {
          const epochSeconds = (performance.now() - te) / 1000;
          const perStep = (trainSeconds + epochSeconds) / (epochsTimed * steps + s + 1);
          opts.onProgress({ kind: 'step', epoch: e, epochs: o.epochs, step: s + 1, steps, loss: lossSum / seen, trainAccuracy: correct / seen,
            epochSeconds, etaSeconds: perStep * ((stopAfter - e + 1) * steps - s - 1), learningRate: lr });
        }
      }
      const seconds = (performance.now() - te) / 1000;
      trainSeconds += seconds;
      epochsTimed++;
      const rec: SupernetEpochRecord = { epoch: e, loss: lossSum / seen, trainAccuracy: correct / seen, seconds };
      history.push(rec);
      const optWeights = await optimizer.getWeights();
      const accB = optimizer as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
      const accs = [Float32Array.from(accB.accBeta1.dataSync()), Float32Array.from(accB.accBeta2.dataSync())];
      state = {
        format: 'gibbon-supernet', version: 1, space: sn.space.name, spaceSpec: sn.space.spec, initSeed: sn.seed, options: savedOptions(), epoch: e, rngCounter: rng.counter,
        history: [...history], weights: sn.weights(),
        optimizer: optWeights.map((w) => Float32Array.from(w.tensor.dataSync() as ArrayLike<number>)).flatMap((w, i) => (i === 0 ? [w, ...accs] : [w])),
      };
      optWeights[0].tensor.dispose(); // the iterations scalar is a copy; the moments are Adam's own variables
      await opts.onEpoch?.(state);
      opts.onProgress?.({ kind: 'epoch', epoch: e, epochs: o.epochs, step: steps, steps, loss: rec.loss, trainAccuracy: rec.trainAccuracy,
        epochSeconds: seconds, etaSeconds: (trainSeconds / epochsTimed) * (stopAfter - e), learningRate: lr });
    }
  } finally {
    optimizer.dispose();
  }
  if (!state) {
    state = { format: 'gibbon-supernet', version: 1, space: sn.space.name, spaceSpec: sn.space.spec, initSeed: sn.seed, options: savedOptions(), epoch: 0, rngCounter: rng.counter, history, weights: sn.weights(), optimizer: [] };
  }
  return state;
}
