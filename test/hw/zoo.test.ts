import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ZOO, zooNames } from '../../src/hw/zoo.ts';
import { checkNetworkAgainstArch, resolveNetwork } from '../../src/hw/network.ts';
import { GIBBON_BASE_ARCH, MNSIM_DEFAULT_ARCH } from '../../src/hw/arch.ts';
import type { ResolvedLayer } from '../../src/hw/types.ts';

const resolved = (name: keyof typeof ZOO): ResolvedLayer[] => resolveNetwork(ZOO[name], `network ${name}`).layers;
const types = (layers: ResolvedLayer[]): string => layers.map((l) => l.type[0]).join('');

test('the zoo: five networks, all resolve and fit both presets, all bits 9', () => {
  assert.equal(zooNames(), ['lenet', 'vgg8', 'vgg16', 'alexnet', 'resnet18']);
  for (const name of zooNames()) {
    const network = resolveNetwork(ZOO[name], `network ${name}`);
    assert.is(network.name, name);
    checkNetworkAgainstArch(network.layers, MNSIM_DEFAULT_ARCH, `network ${name}`);
    checkNetworkAgainstArch(network.layers, GIBBON_BASE_ARCH, `network ${name}`);
    for (const layer of network.layers) {
      assert.equal([layer.weightBits, layer.inputBits, layer.outputBits], [9, 9, 9], `${name} ${layer.name}`);
    }
  }
  assert.ok(Object.isFrozen(ZOO.vgg8.layers[0]));
});

test('VGG8 reproduces the mnsim-model.md §2.7 layer table', () => {
  const layers = resolved('vgg8');
  assert.is(types(layers), 'ccpccpccpcpf');
  assert.equal(layers.map((l) => l.outH), [32, 32, 16, 16, 16, 8, 8, 8, 4, 2, 1, 1]);
  assert.equal(layers.map((l) => l.outW), [32, 32, 16, 16, 16, 8, 8, 8, 4, 2, 1, 1]);
  assert.equal(layers.map((l) => l.inChannels), [3, 128, 128, 128, 256, 256, 256, 512, 512, 512, 1024, 1024]);
  assert.equal(layers.map((l) => l.outChannels), [128, 128, 128, 256, 256, 256, 512, 512, 512, 1024, 1024, 10]);
  assert.equal(layers[9].padding, [0, 0, 0, 0]);
  assert.equal([layers[2].kernel, layers[2].stride, layers[10].inH], [2, 2, 2]);
  // The table's mapping columns from the shapes (256x256 crossbar, 9-bit weights, polarity 2 -> 8 slices):
  // conv my = ceil(Cin / floor(256 / K²)), mx = 8 * ceil(Cout / 256); fc my = ceil(In / 256).
  const my = layers.map((l) => (l.type === 'pool' ? 1 : l.type === 'fc' ? Math.ceil(l.inChannels / 256) : Math.ceil(l.inChannels / Math.floor(256 / (l.kernel * l.kernel)))));
  const mx = layers.map((l) => (l.type === 'pool' ? 1 : 8 * Math.ceil(l.outChannels / 256)));
  assert.equal(my, [1, 5, 1, 5, 10, 1, 10, 19, 1, 19, 1, 4]);
  assert.equal(mx, [8, 8, 1, 8, 8, 1, 16, 16, 1, 32, 1, 8]);
  // MNSIM's "total crossbar number": PEs summed over the conv and fc layers.
  assert.is(my.reduce((sum, m, i) => sum + (layers[i].type === 'pool' ? 0 : m * mx[i]), 0), 1272);
});

test('ResNet18: 31 layers (mnsim-model.md §6.1), adds and stride-2 shortcuts wired to the right producers', () => {
  const layers = resolved('resnet18');
  assert.is(layers.length, 31);
  assert.is(types(layers), 'cpccacca' + 'cccacca' + 'cccacca' + 'cccacca' + 'ff');
  const adds = layers.flatMap((l, i) => (l.type === 'add' ? [[i, ...l.inputs]] : []));
  assert.equal(adds, [[4, 3, 1], [7, 6, 4], [11, 10, 9], [14, 13, 11], [18, 17, 16], [21, 20, 18], [25, 24, 23], [28, 27, 25]]);
  // Shortcut convs: 3x3 stride 2 pad 1, reading the block input, two layers back past the main path.
  for (const [index, from, cin, cout, side] of [[10, 7, 64, 128, 16], [17, 14, 128, 256, 8], [24, 21, 256, 512, 4]]) {
    const l = layers[index];
    assert.equal([l.type, l.inputs, l.inChannels, l.outChannels, l.inH, l.outH, l.kernel, l.stride], ['conv', [from], cin, cout, side, side / 2, 3, 2]);
    // The main path's first conv of the block is also stride 2 and reads the same block input.
    assert.equal([layers[index - 2].stride, layers[index - 2].inputs], [2, [from]]);
  }
  const strides = layers.map((l, i) => (l.type === 'conv' && l.stride === 2 ? i : -1)).filter((i) => i >= 0);
  assert.equal(strides, [8, 10, 15, 17, 22, 24]);
  assert.equal([layers[1].outH, layers[28].outChannels, layers[28].outH], [16, 512, 2]);
  assert.equal([layers[29].inChannels, layers[29].outChannels, layers[30].outChannels], [2048, 512, 10]);
});

test('VGG16, AlexNet and LeNet shapes', () => {
  const vgg16 = resolved('vgg16');
  assert.is(types(vgg16), 'ccpccpcccpcccpcccf');
  assert.equal([vgg16[16].outChannels, vgg16[16].outH, vgg16[17].inChannels], [512, 2, 2048]);
  const alexnet = resolved('alexnet');
  assert.is(types(alexnet), 'cpcpcccpff');
  // conv s2: floor((32 + 2 - 3) / 2) + 1 = 16.
  assert.equal(alexnet.map((l) => l.outH), [16, 8, 8, 4, 4, 4, 4, 2, 1, 1]);
  assert.equal([alexnet[8].inChannels, alexnet[8].outChannels, alexnet[9].outChannels], [1024, 512, 10]);
  const lenet = resolved('lenet');
  assert.is(types(lenet), 'cpcpfff');
  assert.equal([lenet[0].inChannels, lenet[0].inH, lenet[0].outH], [1, 28, 28]);
  assert.equal(lenet.map((l) => l.outChannels * l.outH * l.outW), [6 * 28 * 28, 6 * 14 * 14, 16 * 10 * 10, 400, 120, 84, 10]);
});

test.run();
