// Built-in networks, as hardware layer lists (relu, bn, view and dropout fold into their producers).
// vgg8, vgg16, alexnet and resnet18 follow MNSIM-2.0's `MNSIM/Interface/network.py` (get_net) for
// CIFAR-10, input 3x32x32, all weights and activations 9 bits (MNSIM's default quantize config).

import type { LayerSpec, NetworkSpec } from './types.ts';

export type ZooName = 'lenet' | 'vgg8' | 'vgg16' | 'alexnet' | 'resnet18';

/** MNSIM's weight_bit and activation_bit for every layer (mnsim-model.md §1.8). */
const MNSIM_BITS = 9;

interface ConvOptions {
  kernel?: number;
  stride?: number;
  padding?: number;
  inputs?: number[];
}

/** A square conv, 3x3 pad 1 stride 1 unless told. */
function conv(inChannels: number, outChannels: number, inSide: number, options: ConvOptions = {}): LayerSpec {
  const { kernel = 3, stride = 1, padding = 1, inputs } = options;
  return {
    type: 'conv', inChannels, inSize: [inSide, inSide], outChannels, kernel, stride, padding,
    weightBits: MNSIM_BITS, activationBits: MNSIM_BITS, ...(inputs ? { inputs } : {}),
  };
}

/** MNSIM's pooling as used by every zoo network: MAX, kernel 2, stride 2. */
function maxPool2(channels: number, inSide: number): LayerSpec {
  return { type: 'pool', inChannels: channels, inSize: [inSide, inSide], kernel: 2, stride: 2, poolMode: 'max', activationBits: MNSIM_BITS };
}

function fc(inFeatures: number, outFeatures: number): LayerSpec {
  return { type: 'fc', inFeatures, outFeatures, weightBits: MNSIM_BITS, activationBits: MNSIM_BITS };
}

/** MNSIM's element_sum; `inputs` are relative hardware-layer indices. */
function add(inputs: number[]): LayerSpec {
  return { type: 'add', inputs, activationBits: MNSIM_BITS };
}

/**
 * LeNet-5 for MNIST (input 1x28x28), 7 layers: conv 1->6 k5 pad 2 (28x28), max pool 2 (14), conv 6->16 k5
 * (10), max pool 2 (5), fc 400->120, fc 120->84, fc 84->10. (MNSIM's own `lenet` is a CIFAR variant:
 * 3x32x32 input, conv 16->120 k5 instead of fc 400->120.)
 */
const LENET: NetworkSpec = {
  name: 'lenet',
  layers: [
    conv(1, 6, 28, { kernel: 5, padding: 2 }),
    maxPool2(6, 28),
    conv(6, 16, 14, { kernel: 5, padding: 0 }),
    maxPool2(16, 10),
    fc(400, 120),
    fc(120, 84),
    fc(84, 10),
  ],
};

/** VGG8, 12 layers (mnsim-model.md §2.7): the 512->1024 conv has pad 0 (4x4 -> 2x2). */
const VGG8: NetworkSpec = {
  name: 'vgg8',
  layers: [
    conv(3, 128, 32),
    conv(128, 128, 32),
    maxPool2(128, 32),
    conv(128, 256, 16),
    conv(256, 256, 16),
    maxPool2(256, 16),
    conv(256, 512, 8),
    conv(512, 512, 8),
    maxPool2(512, 8),
    conv(512, 1024, 4, { padding: 0 }),
    maxPool2(1024, 2),
    fc(1024, 10),
  ],
};

/**
 * VGG16 as MNSIM-2.0 builds it, 18 layers: 13 convs 3x3 pad 1 with a max pool after convs 2, 4, 7 and 10
 * only (no pool after the last block), so the last conv outputs 512x2x2, then a single fc 2048->10.
 */
const VGG16: NetworkSpec = {
  name: 'vgg16',
  layers: [
    conv(3, 64, 32),
    conv(64, 64, 32),
    maxPool2(64, 32),
    conv(64, 128, 16),
    conv(128, 128, 16),
    maxPool2(128, 16),
    conv(128, 256, 8),
    conv(256, 256, 8),
    conv(256, 256, 8),
    maxPool2(256, 8),
    conv(256, 512, 4),
    conv(512, 512, 4),
    conv(512, 512, 4),
    maxPool2(512, 4),
    conv(512, 512, 2),
    conv(512, 512, 2),
    conv(512, 512, 2),
    fc(2048, 10),
  ],
};

/**
 * AlexNet as MNSIM-2.0 builds it for CIFAR, 10 layers: conv 3->64 stride 2 (32 -> 16), pool, conv 64->192,
 * pool, conv 192->384, 384->256, 256->256 (4x4), pool (2x2), fc 1024->512, fc 512->10.
 */
const ALEXNET: NetworkSpec = {
  name: 'alexnet',
  layers: [
    conv(3, 64, 32, { stride: 2 }),
    maxPool2(64, 16),
    conv(64, 192, 8),
    maxPool2(192, 8),
    conv(192, 384, 4),
    conv(384, 256, 4),
    conv(256, 256, 4),
    maxPool2(256, 4),
    fc(1024, 512),
    fc(512, 10),
  ],
};

/**
 * ResNet18 for CIFAR, 31 hardware layers (mnsim-model.md §6.1): conv, max pool, then 8 basic blocks.
 * A block is conv, conv, add [-1, -3] (identity shortcut); a downsampling block is conv s2, conv, a 3x3
 * stride-2 shortcut conv reading the block input (inputs [-3]), add [-1, -2]. Then fc 2048->512, fc 512->10.
 */
function resnet18(): NetworkSpec {
  const layers: LayerSpec[] = [conv(3, 64, 32), maxPool2(64, 32)];
  const identityBlock = (channels: number, side: number): void => {
    layers.push(conv(channels, channels, side), conv(channels, channels, side), add([-1, -3]));
  };
  const downBlock = (inChannels: number, outChannels: number, inSide: number): void => {
    const outSide = inSide / 2;
    layers.push(
      conv(inChannels, outChannels, inSide, { stride: 2 }),
      conv(outChannels, outChannels, outSide),
      conv(inChannels, outChannels, inSide, { stride: 2, inputs: [-3] }),
      add([-1, -2]),
    );
  };
  identityBlock(64, 16);
  identityBlock(64, 16);
  downBlock(64, 128, 16);
  identityBlock(128, 8);
  downBlock(128, 256, 8);
  identityBlock(256, 4);
  downBlock(256, 512, 4);
  identityBlock(512, 2);
  layers.push(fc(2048, 512), fc(512, 10));
  return { name: 'resnet18', layers };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/** The built-in networks, frozen: resolveNetwork reads them without copying. */
export const ZOO: Readonly<Record<ZooName, NetworkSpec>> = deepFreeze({
  lenet: LENET,
  vgg8: VGG8,
  vgg16: VGG16,
  alexnet: ALEXNET,
  resnet18: resnet18(),
});

export function zooNames(): ZooName[] {
  return Object.keys(ZOO) as ZooName[];
}
