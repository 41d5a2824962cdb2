import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simulator } from '../helpers.ts';
import { resolveSpace } from '../../src/space/space.ts';
import { spacePreset } from '../../src/space/presets.ts';
import { toArch, toModelSkeleton, toNetworkSpec } from '../../src/space/convert.ts';
import type { Candidate, ModelSkeleton } from '../../src/space/types.ts';
import { checkNetworkAgainstArch, resolveNetwork } from '../../src/hw/network.ts';
import { ARCH_PRESETS, applySets } from '../../src/hw/arch.ts';
import { parsePimModel } from '../../src/pim/model-file.ts';
import { Rng } from '../../src/util/rng.ts';

const PRESETS = ['mnist', 'gibbon-cifar'] as const;

/** The skeleton with placeholder numbers (zero weights, unit scales), as the supernet exporter would fill it. */
function filled(skeleton: ModelSkeleton): unknown {
  const last = skeleton.layers.length - 1;
  return {
    ...skeleton,
    input: { ...skeleton.input, scale: 1 / 255 },
    layers: skeleton.layers.map((layer, i) => {
      if (layer.type === 'conv') {
        const count = layer.outChannels * (layer.inChannels / layer.convGroups) * layer.kernel * layer.kernel;
        return { ...layer, weights: new Array(count).fill(0), weightScale: 0.01, bias: new Array(layer.outChannels).fill(0), ...(i < last ? { outputScale: 0.05 } : {}) };
      }
      if (layer.type === 'fc') {
        return { ...layer, weights: new Array(layer.inFeatures * layer.outFeatures).fill(0), weightScale: 0.01, bias: new Array(layer.outFeatures).fill(0) };
      }
      if (layer.type === 'add') return { ...layer, outputScale: 0.05 };
      return layer;
    }),
  };
}

for (const name of PRESETS) {
  test(`${name}: 50 random candidates convert, resolve and simulate`, async () => {
    const space = spacePreset(name);
    const sim = await simulator();
    const rng = new Rng(11).fork(name);
    for (let i = 0; i < 50; i++) {
      const c = space.sample(rng);
      const spec = toNetworkSpec(space, c);
      const layers = resolveNetwork(spec, 'x').layers;
      const arch = toArch(space, c);
      checkNetworkAgainstArch(layers, arch, 'x');
      const result = sim.simulate(layers, arch);
      const t = result.totals;
      assert.ok(t.tiles > 0, `tiles ${t.tiles}`);
      for (const [key, value] of Object.entries(t)) assert.ok(Number.isFinite(value), `${key} = ${value}`);
      assert.ok(t.areaUm2 > 0 && t.energyNj > 0 && t.latencyNs > 0);
      assert.is(layers[layers.length - 1].outChannels, space.spec.input.classes);
    }
  });

  test(`${name}: the model skeleton follows the hardware layer list (layers, shapes, groups, bits)`, () => {
    const space = spacePreset(name);
    const rng = new Rng(12).fork(name);
    for (let i = 0; i < 50; i++) {
      const c = space.sample(rng);
      const hw = resolveNetwork(toNetworkSpec(space, c), 'x').layers;
      const skeleton = toModelSkeleton(space, c);
      const model = parsePimModel(filled(skeleton), 'skeleton');
      assert.is(model.layers.length, hw.length);
      assert.is(model.input.bits, c.stem.activationBits);
      model.layers.forEach((m, k) => {
        const h = hw[k];
        assert.is(m.type, h.type);
        assert.is(m.name, h.name);
        assert.equal([m.outC, m.outH, m.outW], [h.outChannels, h.outH, h.outW], h.name);
        assert.equal(m.inputs, h.inputs, h.name);
        if (m.type === 'conv' || m.type === 'fc') {
          // A conv's activation bits are the bits of the tensor its DACs read: both simulators agree.
          assert.is(m.input.bits, h.inputBits, `${h.name} input bits`);
          assert.is(m.weightBits, h.weightBits);
          assert.is(m.convGroups, h.convGroups);
          assert.equal(m.padding, h.padding);
        }
        if (k < hw.length - 1 && m.type !== 'pool') assert.is(m.out.bits, h.outputBits, `${h.name} output bits`);
      });
    }
  });
}

test('even kernels keep the output size: ceil(in / stride), at stride 1 the input size', () => {
  for (const name of PRESETS) {
    const space = spacePreset(name);
    const rng = new Rng(13);
    let even = 0;
    for (let i = 0; i < 100; i++) {
      for (const layer of resolveNetwork(toNetworkSpec(space, space.sample(rng)), 'x').layers) {
        if (layer.type !== 'conv') continue;
        assert.is(layer.outH, Math.ceil(layer.inH / layer.stride), layer.name);
        assert.is(layer.outW, Math.ceil(layer.inW / layer.stride), layer.name);
        if (layer.kernel === 2) {
          even++;
          assert.ok(JSON.stringify(layer.padding) === '[0,0,1,1]' || JSON.stringify(layer.padding) === '[1,1,0,0]', layer.name);
          if (layer.stride === 1) assert.equal([layer.outH, layer.outW], [layer.inH, layer.inW]);
        }
      }
    }
    assert.ok(even > 50, `${name}: ${even} even-kernel layers`);
  }
});

test('mnist: the largest candidate, layer by layer (docs/space.md §2.2)', () => {
  const space = spacePreset('mnist');
  const genome = space.decisions.map((d) => (['channels', 'outChannels', 'blocks', 'kernel'].includes(d.field) ? d.values.length - 1 : 0));
  const c = space.decode(genome);
  const layers = resolveNetwork(toNetworkSpec(space, c), 'x').layers;
  const text = layers.map((l) => `${l.name} ${l.type} ${l.inChannels}x${l.inH}x${l.inW}->${l.outChannels}x${l.outH}x${l.outW} k${l.kernel}s${l.stride} in[${l.inputs}]`);
  assert.equal(text, [
    'stem conv 1x28x28->16x28x28 k3s1 in[-1]',
    'stage0.block0.conv0 conv 16x28x28->32x14x14 k3s2 in[0]',
    'stage0.block0.proj conv 16x28x28->32x14x14 k1s2 in[0]',
    'stage0.block0.add add 32x14x14->32x14x14 k1s1 in[1,2]',
    'stage0.block1.conv0 conv 32x14x14->32x14x14 k3s1 in[3]',
    'stage0.block1.add add 32x14x14->32x14x14 k1s1 in[4,3]',
    'stage1.block0.conv0 conv 32x14x14->32x7x7 k3s2 in[5]',
    'stage1.block0.proj conv 32x14x14->32x7x7 k1s2 in[5]',
    'stage1.block0.add add 32x7x7->32x7x7 k1s1 in[6,7]',
    'stage1.block1.conv0 conv 32x7x7->32x7x7 k3s1 in[8]',
    'stage1.block1.add add 32x7x7->32x7x7 k1s1 in[9,8]',
    'head.fc fc 1568x1x1->10x1x1 k1s1 in[10]',
  ]);
  const skeleton = toModelSkeleton(space, c);
  assert.equal(skeleton.layers.map((l) => ('relu' in l ? l.relu : null)), [true, false, false, true, false, true, false, false, true, false, true, null]);
});

test('residual blocks: identity shortcut when shapes match, projection otherwise', () => {
  const space = spacePreset('gibbon-cifar');
  const ids = space.decisions.map((d) => d.id);
  const genome = ids.map(() => 0); // widths 16 everywhere, 1 block per stage
  const names = (g: number[]): string[] => toNetworkSpec(space, space.decode(g)).layers.map((l) => l.name ?? '');
  // Stem 16 = stage-0 width 16 at stride 1: identity. Stages 1, 2 downsample: projections.
  assert.equal(names(genome).filter((n) => n.endsWith('.proj')), ['stage1.block0.proj', 'stage2.block0.proj']);
  genome[ids.indexOf('stage0.channels')] = 1; // 32 != stem 16
  assert.equal(names(genome).filter((n) => n.endsWith('.proj')), ['stage0.block0.proj', 'stage1.block0.proj', 'stage2.block0.proj']);
});

test('bits: a tensor has one width, its conv readers\' activation bits', () => {
  const space = spacePreset('mnist');
  const rng = new Rng(14);
  for (let i = 0; i < 50; i++) {
    const c: Candidate = space.sample(rng);
    const layers = resolveNetwork(toNetworkSpec(space, c), 'x').layers;
    layers.forEach((layer, k) => {
      for (const reader of layers.filter((r) => r.inputs.includes(k) && r.type !== 'add')) {
        assert.is(reader.inputBits, layer.outputBits, `${layer.name} -> ${reader.name}`);
      }
    });
    const byName = new Map(layers.map((l) => [l.name, l]));
    assert.is(byName.get('stem')?.inputBits, c.stem.activationBits);
    assert.is(byName.get('stage0.block0.conv0')?.inputBits, c.stages[0].convs[0][0].activationBits);
    assert.is(byName.get('stage0.block0.proj')?.inputBits, c.stages[0].convs[0][0].activationBits);
    assert.is(byName.get('head.fc')?.inputBits, c.head.activationBits);
  }
});

test('toArch: the base preset, the fixed sets, then the candidate\'s hardware values', () => {
  const spec = structuredClone(spacePreset('mnist').spec) as unknown as Record<string, unknown>;
  spec.fixedArch = { base: 'gibbon-base', sets: ['chip.tileRows=32', 'chip.tileCols=32', 'xbar.subarrayRows=32'] };
  const space = resolveSpace(spec, 'space.json');
  const c = space.sample(new Rng(3));
  const arch = toArch(space, c);
  const size = c.hardware['xbar.size'] as number;
  assert.equal([arch.xbar.rows, arch.xbar.cols, arch.xbar.subarrayRows], [size, size, 32]);
  assert.is(arch.device.cellBits, c.hardware['device.cellBits']);
  assert.is(arch.chip.tileRows, 32);
  const want = applySets(ARCH_PRESETS['gibbon-base'], ['chip.tileRows=32', 'chip.tileCols=32', 'xbar.subarrayRows=32',
    `xbar.size=${size}`, `adc.bits=${c.hardware['adc.bits']}`, `dac.bits=${c.hardware['dac.bits']}`, `device.cellBits=${c.hardware['device.cellBits']}`]);
  assert.equal(arch, want);
  assert.equal(space.fixedArch, applySets(ARCH_PRESETS['gibbon-base'], ['chip.tileRows=32', 'chip.tileCols=32', 'xbar.subarrayRows=32']));
});

test('converters validate the candidate first', () => {
  const space = spacePreset('mnist');
  const c = space.sample(new Rng(1));
  c.stages[0].convs[0][0].weightBits = 8;
  assert.throws(() => toNetworkSpec(space, c), /candidate: stages\[0\]\.convs\[0\]\[0\]\.weightBits: got 8; allowed: one of 5, 7, 9/);
  assert.throws(() => toModelSkeleton(space, c), /weightBits: got 8/);
  assert.throws(() => toArch(space, c), /weightBits: got 8/);
});

test.run();
