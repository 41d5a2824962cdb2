import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkNetworkAgainstArch, resolveNetwork } from '../../src/hw/network.ts';
import { MNSIM_DEFAULT_ARCH, applySets } from '../../src/hw/arch.ts';
import type { LayerSpec } from '../../src/hw/types.ts';
import { throwsGibbon } from '../helpers.ts';


/** A 3x3 pad-1 conv 3 -> 8 on 32x32, overridable. */
const conv = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'conv', inChannels: 3, inSize: [32, 32], outChannels: 8, kernel: 3, padding: 1, ...extra,
});
const net = (...layers: unknown[]) => resolveNetwork({ name: 't', layers }, 'net.json');

// ===== Resolution =====

test('defaults: stride 1, padding 0, dense, 9 bits, previous-layer input, name from type and index', () => {
  const [layer] = resolveNetwork([{ type: 'conv', inChannels: 3, inSize: [8, 8], outChannels: 4, kernel: 3 }], 'dir/my-net.json').layers;
  assert.equal(layer, {
    type: 'conv', name: 'conv0', inChannels: 3, inH: 8, inW: 8, outChannels: 4, outH: 6, outW: 6, kernel: 3, stride: 1,
    padding: [0, 0, 0, 0], convGroups: 1, poolMode: 'max', weightBits: 9, inputBits: 9, outputBits: 9, inputs: [-1],
  });
  assert.is(resolveNetwork([conv()], 'dir/my-net.json').name, 'my-net');
  assert.is(net(conv()).name, 't');
});

test('output size: floor((H + pads - K) / stride) + 1 per side, asymmetric padding', () => {
  // H: (7 + 1 + 0 - 3) / 2 = 2.5 -> 2, + 1 = 3. W: (9 + 0 + 2 - 3) / 2 = 4, + 1 = 5.
  const [layer] = net(conv({ inChannels: 2, inSize: [7, 9], stride: 2, padding: [1, 0, 0, 2] })).layers;
  assert.equal([layer.outH, layer.outW], [3, 5]);
  assert.equal(layer.padding, [1, 0, 0, 2]);
  // Even kernel: (6 + 0 - 4) / 1 + 1 = 3.
  assert.equal(net(conv({ inSize: [6, 6], kernel: 4, padding: 0 })).layers[0].outH, 3);
});

test('pool: stride defaults to the kernel, channels pass through; fc flattens its producer', () => {
  const { layers } = net(conv(), { type: 'pool', inChannels: 8, inSize: [32, 32], kernel: 4, poolMode: 'avg' },
    { type: 'fc', inFeatures: 512, outFeatures: 10 });
  const [, pool, fc] = layers;
  assert.equal([pool.stride, pool.outChannels, pool.outH, pool.outW, pool.poolMode], [4, 8, 8, 8, 'avg']);
  assert.equal([fc.inChannels, fc.inH, fc.inW, fc.outChannels, fc.outH, fc.outW, fc.kernel], [512, 1, 1, 10, 1, 1, 1]);
  assert.equal(fc.inputs, [1]);
});

test('outputBits: the first consumer\'s activationBits, else its own; explicit values win', () => {
  const { layers } = net(
    conv({ activationBits: 8 }),
    conv({ inChannels: 8, activationBits: 6 }),
    conv({ inChannels: 8, inputs: [-2], activationBits: 4, outputBits: 12 }),
    { type: 'add', inputs: [-1, -2], activationBits: 5 },
  );
  assert.equal(layers.map((l) => l.inputBits), [8, 6, 4, 5]);
  // layer 0 is read first by layer 1 (6 bits); layer 1 by the add (5); layer 2 keeps 12; the add has no consumer.
  assert.equal(layers.map((l) => l.outputBits), [6, 5, 12, 5]);
});

test('add takes its shape from its inputs; producers become absolute', () => {
  const { layers } = net(conv(), conv({ inChannels: 8 }), { type: 'add', inputs: [-1, -2] }, conv({ inputs: [-4] }));
  assert.equal(layers[2].inputs, [1, 0]);
  assert.equal([layers[2].inChannels, layers[2].outChannels, layers[2].outH, layers[2].outW], [8, 8, 32, 32]);
  // -4 from layer 3 is the network input, whose shape layer 0 fixed at 3x32x32.
  assert.equal(layers[3].inputs, [-1]);
});

test('grouped conv: convGroups dividing both channel counts is kept', () => {
  assert.is(net(conv({ inChannels: 4, outChannels: 6, convGroups: 2 })).layers[0].convGroups, 2);
});

// ===== Errors =====

test('unknown layer type and unknown keys', () => {
  throwsGibbon(() => net({ type: 'relu' }), 'E_NETWORK',
    'net.json: layers[0].type: got "relu"; allowed: one of "conv", "fc", "pool", "add" (relu, bn, view and dropout fold into their producer: leave them out)');
  throwsGibbon(() => net(conv({ weightbits: 8 })), 'E_NETWORK',
    'net.json: layers[0].weightbits: got an unknown key; allowed: the keys of a conv layer: type, name, inChannels, inSize, outChannels, kernel, stride, padding, convGroups, weightBits, activationBits, outputBits, inputs');
  throwsGibbon(() => net(conv(), { type: 'pool', inChannels: 8, inSize: [32, 32], kernel: 2, weightBits: 8 }), 'E_NETWORK',
    'net.json: layers[1].weightBits: got an unknown key; allowed: the keys of a pool layer: type, name, inChannels, inSize, kernel, stride, padding, poolMode, activationBits, outputBits, inputs');
  throwsGibbon(() => resolveNetwork({ name: 'x', layers: [conv()], input: [3, 32, 32] }, 'net.json'), 'E_NETWORK',
    'net.json: input: got an unknown key; allowed: the top-level keys: name, layers');
  throwsGibbon(() => resolveNetwork({ name: 'x', layers: [] }, 'net.json'), 'E_NETWORK', 'net.json: layers: got []; allowed: a list of 1 or more layers');
  throwsGibbon(() => net(3), 'E_NETWORK', 'net.json: layers[0]: got 3; allowed: an object with a "type" (conv, fc, pool, add)');
});

test('NaN, negative, zero and non-integer sizes', () => {
  throwsGibbon(() => net(conv({ outChannels: NaN })), 'E_NETWORK', 'net.json: layers[0].outChannels: got NaN; allowed: an integer in 1..65536');
  throwsGibbon(() => net(conv({ inSize: [-32, 32] })), 'E_NETWORK',
    'net.json: layers[0].inSize: got [-32,32]; allowed: [height, width], two integers in 1..16384');
  throwsGibbon(() => net(conv({ inChannels: 0 })), 'E_NETWORK', 'net.json: layers[0].inChannels: got 0; allowed: an integer in 1..65536');
  throwsGibbon(() => net(conv({ kernel: 2.5 })), 'E_NETWORK', 'net.json: layers[0].kernel: got 2.5; allowed: an integer in 1..15');
  throwsGibbon(() => net(conv({ kernel: 16 })), 'E_NETWORK', 'net.json: layers[0].kernel: got 16; allowed: an integer in 1..15');
  throwsGibbon(() => net(conv({ padding: [1, 1] })), 'E_NETWORK',
    'net.json: layers[0].padding: got [1,1]; allowed: an integer in 0..15, or [top, left, bottom, right] of such integers');
  throwsGibbon(() => net(conv({ weightBits: 1 })), 'E_NETWORK', 'net.json: layers[0].weightBits: got 1; allowed: an integer in 2..16');
  throwsGibbon(() => net(conv({ activationBits: Infinity })), 'E_NETWORK', 'net.json: layers[0].activationBits: got Infinity; allowed: an integer in 2..16');
  throwsGibbon(() => net({ type: 'fc', inFeatures: 10 }), 'E_NETWORK', 'net.json: layers[0].outFeatures: got nothing; allowed: an integer in 1..16777216');
});

test('zero output size names the kernel and the padded input', () => {
  // 2 + 1 + 1 = 4 < 5: no output row.
  throwsGibbon(() => net(conv({ inSize: [2, 2], kernel: 5 })), 'E_NETWORK',
    'net.json: layers[0].kernel: got 5; allowed: at most 4, the padded input height (2 + 1 + 1); a larger kernel leaves no output');
  throwsGibbon(() => net(conv({ inSize: [8, 2], kernel: 3, padding: 0 })), 'E_NETWORK',
    'net.json: layers[0].kernel: got 3; allowed: at most 2, the padded input width (2 + 0 + 0); a larger kernel leaves no output');
});

test('convGroups must divide both channel counts', () => {
  throwsGibbon(() => net(conv({ convGroups: 2 })), 'E_NETWORK',
    'net.json: layers[0].convGroups: got 2; allowed: a divisor of both inChannels (3) and outChannels (8)');
});

test('shape mismatches name both layers and both shapes', () => {
  throwsGibbon(() => net(conv(), conv({ inChannels: 16 })), 'E_NETWORK',
    'net.json: layers[1].inChannels: got 16; allowed: 8, the output of layers[0] (conv0): 8x32x32; layers[1] (conv1) reads 16x32x32');
  throwsGibbon(() => net(conv({ name: 'stem' }), { type: 'pool', inChannels: 8, inSize: [32, 32], kernel: 2 }, conv({ inChannels: 8 })), 'E_NETWORK',
    'net.json: layers[2].inSize: got [32,32]; allowed: [16,16], the output of layers[1] (pool1): 8x16x16; layers[2] (conv2) reads 8x32x32');
  throwsGibbon(() => net(conv(), { type: 'fc', inFeatures: 100, outFeatures: 10 }), 'E_NETWORK',
    'net.json: layers[1].inFeatures: got 100; allowed: 8192, the output of layers[0] (conv0): 8x32x32 = 8192 features; layers[1] (fc1) reads 100');
  throwsGibbon(() => net(conv(), conv({ inChannels: 4, inputs: [-2] })), 'E_NETWORK',
    'net.json: layers[1].inChannels: got 4; allowed: 3, the network input (3x32x32, as layers[0] (conv0) reads it); layers[1] (conv1) reads 4x32x32');
  throwsGibbon(() => net(conv(), conv({ inChannels: 8, stride: 2 }), { type: 'add', inputs: [-1, -2] }), 'E_NETWORK',
    'net.json: layers[2].inputs: got [-1,-2]; allowed: producers of one shape, but the output of layers[1] (conv1): 8x16x16 and the output of layers[0] (conv0): 8x32x32');
});

test('bad input indices', () => {
  throwsGibbon(() => net(conv(), conv({ inChannels: 8, inputs: [-3] })), 'E_NETWORK',
    'net.json: layers[1].inputs[0]: got -3; allowed: an integer in -2..-1 (-1 = the previous layer, -2 = the network input)');
  throwsGibbon(() => net(conv({ inputs: [0] })), 'E_NETWORK', 'net.json: layers[0].inputs[0]: got 0; allowed: -1 (the network input)');
  throwsGibbon(() => net(conv(), conv({ inChannels: 8, inputs: [-0.5] })), 'E_NETWORK',
    'net.json: layers[1].inputs[0]: got -0.5; allowed: an integer in -2..-1 (-1 = the previous layer, -2 = the network input)');
  throwsGibbon(() => net(conv(), { type: 'add' }), 'E_NETWORK',
    'net.json: layers[1].inputs: got [-1]; allowed: 2 to 4 relative indices for an add layer (-1 = the previous layer)');
  throwsGibbon(() => net(conv({ inputs: [-1, -1, -1, -1, -1] })), 'E_NETWORK',
    'net.json: layers[0].inputs: got [-1,-1,-1,-1,-1]; allowed: a list of exactly one relative index for a conv layer (-1 = the previous layer)');
  throwsGibbon(() => net({ type: 'add', inputs: [-1, -1] }), 'E_NETWORK',
    'net.json: layers[0].inputs: got [-1,-1]; allowed: earlier layers; an add cannot be the first layer to read the network input');
});

test('kernel larger than the crossbar', () => {
  const arch128 = applySets(MNSIM_DEFAULT_ARCH, ['xbar.size=128']);
  const big = net(conv({ inSize: [32, 32], kernel: 12, padding: 5 })).layers;
  // 12 x 12 = 144 rows > 128; 11 x 11 = 121 fits.
  throwsGibbon(() => checkNetworkAgainstArch(big, arch128, 'net.json'), 'E_NETWORK',
    'net.json: layers[0].kernel: got 12; allowed: at most 11; kernel larger than the crossbar (12x12 = 144 rows > xbar.rows 128)');
  // 15 x 15 = 225 fits in 256 rows; an fc never needs more than one row per input.
  checkNetworkAgainstArch(net(conv({ kernel: 15, padding: 7 }), { type: 'fc', inFeatures: 8192, outFeatures: 10 }).layers, MNSIM_DEFAULT_ARCH, 'net.json');
  checkNetworkAgainstArch(net(conv({ kernel: 11, padding: 5 })).layers, arch128, 'net.json');
  const arch16 = applySets(MNSIM_DEFAULT_ARCH, ['xbar.size=16']);
  const layers: LayerSpec[] = [{ type: 'conv', inChannels: 1, inSize: [8, 8], outChannels: 2, kernel: 5 }];
  throwsGibbon(() => checkNetworkAgainstArch(resolveNetwork(layers, 'n').layers, arch16, 'network x'), 'E_NETWORK',
    'network x: layers[0].kernel: got 5; allowed: at most 4; kernel larger than the crossbar (5x5 = 25 rows > xbar.rows 16)');
});

test('more than 65,536 layers: one line up front, before any layer is resolved (the kernel would refuse it after 13 s of work)', () => {
  const fc = { type: 'fc', inFeatures: 4, outFeatures: 4 };
  // the last layer is wrong too: the count is what is reported, so it is checked first
  const layers = [...Array.from({ length: 65536 }, () => fc), { type: 'nope' }];
  throwsGibbon(() => resolveNetwork({ name: 'long', layers }, 'long.json'), 'E_NETWORK',
    "long.json: layers: got 65537 layers; allowed: at most 65536 layers per network (the simulator kernel's MAX_LAYERS)");
  // 65,536 is allowed: the same list without its last layer gets past the count (to the bad layer when it is there)
  throwsGibbon(() => resolveNetwork({ name: 'long', layers: [...layers.slice(0, 65535), { type: 'nope' }] }, 'long.json'), 'E_NETWORK',
    'long.json: layers[65535].type: got "nope"; allowed: one of "conv", "fc", "pool", "add" (relu, bn, view and dropout fold into their producer: leave them out)');
});

test.run();
