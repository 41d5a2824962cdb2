// Random but valid PimModels for tests and benchmarks: a LeNet-like layer list in, a model with uniform
// random integer weights, per-output weight scales, small integer biases and output scales that keep a
// typical activation near a third of its grid out. The result goes through parsePimModel, so it obeys
// every rule of docs/functional.md §2. All randomness comes from the given Rng.

import type { PimModel } from './types.ts';
import { parsePimModel } from './model-file.ts';
import type { Rng } from '../util/rng.ts';

type Padding = number | [number, number, number, number];

export type RandomLayerSpec =
  | { type: 'conv'; outChannels: number; kernel: number; stride?: number; padding?: Padding; convGroups?: number; relu?: boolean; inputs?: number[] }
  | { type: 'pool'; mode?: 'max' | 'avg'; kernel: number; stride?: number; padding?: Padding; inputs?: number[] }
  | { type: 'fc'; outFeatures: number; relu?: boolean; inputs?: number[] }
  | { type: 'add'; inputs: number[]; relu?: boolean };

export interface RandomModelSpec {
  name?: string;
  input: { channels: number; height: number; width: number; bits?: number; signed?: boolean };
  /** Weight bits of every conv/fc (default 8). */
  weightBits?: number;
  /** Output bits of every conv/fc/add but the last (default 8). */
  activationBits?: number;
  /** The last must be a conv or fc (it yields the logits). */
  layers: RandomLayerSpec[];
}

/** LeNet-5 for 1x28x28 digits, as the functional simulator's tests use it. */
export const LENET_SPEC: RandomModelSpec = {
  name: 'lenet-random',
  input: { channels: 1, height: 28, width: 28, bits: 9 },
  weightBits: 9,
  activationBits: 9,
  layers: [
    { type: 'conv', outChannels: 6, kernel: 5, padding: 2 },
    { type: 'pool', kernel: 2 },
    { type: 'conv', outChannels: 16, kernel: 5 },
    { type: 'pool', kernel: 2 },
    { type: 'fc', outFeatures: 120 },
    { type: 'fc', outFeatures: 84 },
    { type: 'fc', outFeatures: 10 },
  ],
};

const DEFAULT_BITS = 8;
/** A typical |activation| is about this share of the grid's top, T(bits) / 3. */
const TYPICAL_SHARE = 1 / 3;

const gridMax = (bits: number): number => 2 ** (bits - 1) - 1;
const pad4 = (p: Padding | undefined): [number, number, number, number] => (Array.isArray(p) ? [...p] : [p ?? 0, p ?? 0, p ?? 0, p ?? 0]);

interface Tensor { c: number; h: number; w: number; scale: number; bits: number }

/** A random valid model of the given layer list (docs/functional.md §2). Throws E_MODEL if the list itself is invalid. */
export function randomPimModel(spec: RandomModelSpec, rng: Rng): PimModel {
  const wBits = spec.weightBits ?? DEFAULT_BITS;
  const aBits = spec.activationBits ?? DEFAULT_BITS;
  const wTop = gridMax(wBits);
  const inBits = spec.input.bits ?? DEFAULT_BITS;
  const input = { channels: spec.input.channels, height: spec.input.height, width: spec.input.width, bits: inBits, scale: 1 / gridMax(inBits), signed: spec.input.signed ?? false };
  const tensors: Tensor[] = [];
  const producer = (i: number, rel: number): Tensor => {
    const abs = i + rel;
    return abs === -1 ? { c: input.channels, h: input.height, w: input.width, scale: input.scale, bits: input.bits } : tensors[abs];
  };
  const layers = spec.layers.map((layer, i) => {
    const isLast = i === spec.layers.length - 1;
    const rels = layer.inputs ?? [-1];
    const x = producer(i, rels[0]);
    const inputs = layer.inputs ? { inputs: layer.inputs } : {};
    if (layer.type === 'pool') {
      const padding = pad4(layer.padding);
      const stride = layer.stride ?? layer.kernel;
      const h = Math.floor((x.h + padding[0] + padding[2] - layer.kernel) / stride) + 1;
      const w = Math.floor((x.w + padding[1] + padding[3] - layer.kernel) / stride) + 1;
      tensors.push({ ...x, h, w });
      return { type: 'pool', ...inputs, mode: layer.mode ?? 'max', kernel: layer.kernel, stride, padding };
    }
    if (layer.type === 'add') {
      const scales = rels.map((r) => producer(i, r).scale);
      const outputScale = Math.max(...scales) * (1 + rng.next());
      tensors.push({ ...x, scale: outputScale, bits: aBits });
      return { type: 'add', inputs: layer.inputs, outputScale, outputBits: aBits, relu: layer.relu ?? true };
    }
    let shape: Record<string, unknown>;
    let fanIn: number;
    let count: number;
    let out: { c: number; h: number; w: number };
    if (layer.type === 'conv') {
      const padding = pad4(layer.padding);
      const stride = layer.stride ?? 1;
      const convGroups = layer.convGroups ?? 1;
      fanIn = (x.c / convGroups) * layer.kernel * layer.kernel;
      count = layer.outChannels * fanIn;
      out = {
        c: layer.outChannels,
        h: Math.floor((x.h + padding[0] + padding[2] - layer.kernel) / stride) + 1,
        w: Math.floor((x.w + padding[1] + padding[3] - layer.kernel) / stride) + 1,
      };
      shape = { inChannels: x.c, outChannels: layer.outChannels, kernel: layer.kernel, stride, padding, convGroups };
    } else {
      fanIn = x.c * x.h * x.w;
      count = layer.outFeatures * fanIn;
      out = { c: layer.outFeatures, h: 1, w: 1 };
      shape = { inFeatures: fanIn, outFeatures: layer.outFeatures };
    }
    const weights = Array.from({ length: count }, () => rng.int(2 * wTop + 1) - wTop);
    // Real weights of std about sqrt(2 / fanIn) (He), at a per-output scale within ±25 %.
    const baseScale = Math.sqrt(2 / fanIn) / (wTop / Math.sqrt(3));
    const weightScale = Array.from({ length: out.c }, () => baseScale * (0.75 + 0.5 * rng.next()));
    // Accumulator std of uniform weights on activations near TYPICAL_SHARE of their top.
    const accStd = Math.sqrt(fanIn) * (wTop / Math.sqrt(3)) * gridMax(x.bits) * TYPICAL_SHARE;
    const biasMax = Math.max(1, Math.round(accStd / 4));
    const bias = Array.from({ length: out.c }, () => rng.int(2 * biasMax + 1) - biasMax);
    const outputScale = (x.scale * baseScale * accStd) / (gridMax(aBits) * TYPICAL_SHARE);
    tensors.push({ ...out, scale: outputScale, bits: aBits });
    const output = isLast ? {} : { outputScale, outputBits: aBits, relu: layer.relu ?? true };
    return { type: layer.type, ...inputs, ...shape, weightBits: wBits, weights, weightScale, bias, ...output };
  });
  const name = spec.name ?? 'random';
  return parsePimModel({ format: 'gibbon-pim-model', version: 1, name, input, layers }, `random model ${name}`);
}
