// Built-in spaces (docs/space.md §2): `gibbon-cifar`, the paper's TCAD Table II values on a chosen
// ResNet-like skeleton (gibbon.md §2.1, §2.4), and `mnist`, the embedded default, small enough for the
// 10-minute search with supernet training on 2 cores (mnist-notes.md).

import type { SpaceSpec } from './types.ts';
import { resolveSpace, type Space } from './space.ts';

/** Crossbar size, ADC bits, DAC bits, cell bits: TCAD Table II (gibbon.md §2.1), ascending. */
const GIBBON_HARDWARE: SpaceSpec['hardware'] = {
  'xbar.size': [32, 64, 128, 256],
  'adc.bits': [4, 6, 8, 10],
  'dac.bits': [1, 2],
  'device.cellBits': [1, 2],
};

/** Odd bit widths: a sign plus 4, 6 or 8 magnitude bits, divisible by 1- and 2-bit cells and DACs (gibbon.md §2.2). */
const GIBBON_BITS = [5, 7, 9];

/**
 * CIFAR-10 (3x32x32): stem conv, then 3 residual stages of 1 or 2 basic blocks (2 convs each) at 32x32,
 * 16x16 and 8x8, global average pool, fc 10. Every per-layer decision takes the Table II values.
 */
const GIBBON_CIFAR: SpaceSpec = {
  name: 'gibbon-cifar',
  input: { channels: 3, height: 32, width: 32, classes: 10 },
  padSeed: 1,
  stem: { stride: 1 },
  stages: [
    { blocks: [1, 2], stride: 1, convsPerBlock: 2, residual: true },
    { blocks: [1, 2], stride: 2, convsPerBlock: 2, residual: true },
    { blocks: [1, 2], stride: 2, convsPerBlock: 2, residual: true },
  ],
  head: { pool: 'avg' },
  decisions: {
    channels: [16, 32, 48, 64, 80, 96],
    kernel: [1, 2, 3],
    convGroups: [1, 2, 4, 8, 16],
    weightBits: GIBBON_BITS,
    activationBits: GIBBON_BITS,
  },
  hardware: GIBBON_HARDWARE,
  fixedArch: { base: 'gibbon-base', sets: [] },
};

/**
 * MNIST (1x28x28): stem conv 8 or 16 wide at 28x28, then 2 residual stages of 1 or 2 one-conv blocks
 * at 14x14 and 7x7, 8..32 wide, and an fc over the flattened 7x7 map (mnist-notes.md net (a) is the
 * largest 1-block candidate's shape). Groups stop at 8, so every group value divides every width.
 */
const MNIST: SpaceSpec = {
  name: 'mnist',
  input: { channels: 1, height: 28, width: 28, classes: 10 },
  padSeed: 1,
  stem: { stride: 1, channels: [8, 16] },
  stages: [
    { blocks: [1, 2], stride: 2, convsPerBlock: 1, residual: true },
    { blocks: [1, 2], stride: 2, convsPerBlock: 1, residual: true },
  ],
  head: { pool: 'none' },
  decisions: {
    channels: [8, 16, 24, 32],
    kernel: [1, 2, 3],
    convGroups: [1, 2, 4, 8],
    weightBits: GIBBON_BITS,
    activationBits: GIBBON_BITS,
  },
  hardware: GIBBON_HARDWARE,
  fixedArch: { base: 'gibbon-base', sets: [] },
};

export type SpacePresetName = 'gibbon-cifar' | 'mnist';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/** The built-in space documents, frozen (resolveSpace copies what it keeps). */
export const SPACE_PRESETS: Readonly<Record<SpacePresetName, SpaceSpec>> = deepFreeze({
  'gibbon-cifar': GIBBON_CIFAR,
  mnist: MNIST,
});

/** The default space of the embedded (MNIST) search. */
export const DEFAULT_SPACE: SpacePresetName = 'mnist';

/** A built-in space, resolved. */
export function spacePreset(name: SpacePresetName): Space {
  return resolveSpace(SPACE_PRESETS[name], `space ${name}`);
}
