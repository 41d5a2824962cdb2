// The seeds of a Gibbon search (src/evaluate/seeds.ts) on the `mnist` preset, checked against the preset's
// own lists read by hand (src/space/presets.ts): the most accurate end is every stage at 2 blocks, every
// conv 32 wide (the stem 16), kernel 3, 1 group, 9-bit weights and activations, on a 32x32 crossbar with a
// 10-bit ADC, 1-bit DACs and 1-bit cells; the cheapest end is 1 block per stage, 8 wide, kernel 1,
// 8 groups, 5 bits, on a 256x256 crossbar with a 4-bit ADC, 2-bit DACs and 2-bit cells.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extremeSeeds } from '../../src/evaluate/seeds.ts';
import { spacePreset } from '../../src/space/presets.ts';
import { resolveSpace } from '../../src/space/space.ts';

const space = spacePreset('mnist');

test('mnist: the most accurate and the cheapest design', () => {
  const [top, cheap] = extremeSeeds(space).map((g) => space.decode(g));
  assert.equal(top.hardware, { 'xbar.size': 32, 'adc.bits': 10, 'dac.bits': 1, 'device.cellBits': 1 });
  assert.equal(cheap.hardware, { 'xbar.size': 256, 'adc.bits': 4, 'dac.bits': 2, 'device.cellBits': 2 });
  assert.is(top.stem.outChannels, 16);
  assert.is(cheap.stem.outChannels, 8);
  assert.equal(top.stages.map((s) => s.blocks), [2, 2]);
  assert.equal(cheap.stages.map((s) => s.blocks), [1, 1]);
  for (const conv of top.stages.flatMap((s) => s.convs.flat())) {
    assert.equal([conv.outChannels, conv.kernel, conv.convGroups, conv.weightBits, conv.activationBits], [32, 3, 1, 9, 9]);
  }
  for (const conv of cheap.stages.flatMap((s) => s.convs.flat())) {
    assert.equal([conv.outChannels, conv.kernel, conv.convGroups, conv.weightBits, conv.activationBits], [8, 1, 8, 5, 5]);
  }
});

test('a hardware path with no precision direction takes its first value at both ends; seeds are canonical', () => {
  const spec = { ...space.spec, name: 'mnist-pe', hardware: { 'adc.bits': [6, 8], 'pe.groups': [4, 2] } };
  const custom = resolveSpace(JSON.parse(JSON.stringify(spec)), 'test');
  const [top, cheap] = extremeSeeds(custom);
  assert.equal(custom.decode(top).hardware, { 'adc.bits': 8, 'pe.groups': 4 });
  assert.equal(custom.decode(cheap).hardware, { 'adc.bits': 6, 'pe.groups': 4 });
  for (const g of [top, cheap]) assert.equal(custom.encode(custom.decode(g)), g);
});

test.run();
