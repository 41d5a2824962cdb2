// Properties of the functional simulator that tie it to the hardware model and to physics:
// the two simulators see the same row tiles and weight slices layer by layer, and the partial-sum error
// grows as the ADC loses bits, as more cells are stuck and as devices vary (coupled draws).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simulator, arch } from '../helpers.ts';
import { InThreadPimExecutor } from '../../src/pim/executor.ts';
import { hardwareFor } from '../../src/pim/kernel.ts';
import { pimModelToLayers } from '../../src/pim/to-network.ts';
import { randomPimModel, type RandomModelSpec } from '../../src/pim/random-model.ts';
import { pimDeviceOptions } from '../../src/hw/arch.ts';
import { Rng } from '../../src/util/rng.ts';
import type { PimHardware } from '../../src/pim/types.ts';

const SPEC: RandomModelSpec = {
  name: 'mixed', input: { channels: 3, height: 12, width: 12, bits: 7 }, weightBits: 9, activationBits: 7,
  layers: [
    { type: 'conv', outChannels: 32, kernel: 3, padding: 1 },
    { type: 'conv', outChannels: 32, kernel: 2, padding: [0, 0, 1, 1], convGroups: 4 },
    { type: 'conv', outChannels: 64, kernel: 3, padding: 1, convGroups: 2, stride: 2 },
    { type: 'conv', outChannels: 64, kernel: 1, convGroups: 16 },
    { type: 'add', inputs: [-1, -2] },
    { type: 'pool', kernel: 2 },
    { type: 'fc', outFeatures: 40 },
    { type: 'fc', outFeatures: 10 },
  ],
};

test('both simulators see the same row tiles and weight slices, layer by layer (gibbon model)', async () => {
  const sim = await simulator();
  const exec = new InThreadPimExecutor(sim);
  const model = randomPimModel(SPEC, new Rng(11));
  const layers = pimModelToLayers(model);
  const rng = new Rng(12);
  const x = Int32Array.from({ length: 3 * 12 * 12 }, () => rng.int(64));
  let compared = 0;
  for (const sets of [['xbar.size=32'], ['xbar.size=64', 'device.cellBits=2'], ['xbar.size=128', 'dac.bits=2'], ['xbar.size=256', 'xbar.polarity=1']]) {
    const a = arch('gibbon-base', [...sets, 'adc.rangeMode=fixed', 'chip.tileRows=256', 'chip.tileCols=256']);
    const cost = sim.simulate(layers, a, { model: 'gibbon' });
    const hw = hardwareFor(a, pimDeviceOptions(a));
    const acc = await exec.run({ model, hw, seed: 1, trial: 0, inputs: x, n: 1, imageOffset: 0 });
    model.layers.forEach((l, i) => {
      if (l.type !== 'conv' && l.type !== 'fc') return;
      const s = acc.stats[i];
      assert.is(s.rowTiles, cost.layers[i].rowTiles, `${sets}: layer ${i} row tiles`);
      assert.is(s.weightSlices, cost.layers[i].weightSlices, `${sets}: layer ${i} weight slices`);
      assert.is(s.inputCycles, cost.layers[i].inputCycles, `${sets}: layer ${i} input cycles`);
      compared++;
    });
  }
  assert.is(compared, 4 * 6);
  exec.dispose();
});

const LENET: RandomModelSpec = {
  name: 'lenet', input: { channels: 1, height: 16, width: 16, bits: 9 }, weightBits: 9, activationBits: 9,
  layers: [
    { type: 'conv', outChannels: 8, kernel: 3, padding: 1 },
    { type: 'pool', kernel: 2 },
    { type: 'conv', outChannels: 16, kernel: 3, padding: 1 },
    { type: 'pool', kernel: 2 },
    { type: 'fc', outFeatures: 10 },
  ],
};

async function meanError(exec: InThreadPimExecutor, hw: PimHardware, x: Int32Array, n: number): Promise<{ mae: number; conversions: number }> {
  const model = modelForMonotonicity;
  const r = await exec.run({ model, hw, seed: 3, trial: 0, inputs: x, n, imageOffset: 0 });
  const conversions = r.stats.reduce((s, l) => s + l.conversions, 0);
  return { mae: r.stats.reduce((s, l) => s + l.absErrorSum, 0) / conversions, conversions };
}
const modelForMonotonicity = randomPimModel(LENET, new Rng(21));

test('lower ADC resolution, higher stuck-at rates, more variation: the mean partial-sum error never falls', async () => {
  const sim = await simulator();
  const exec = new InThreadPimExecutor(sim);
  const rng = new Rng(22);
  const n = 4;
  const x = Int32Array.from({ length: n * 256 }, () => (rng.next() < 0.5 ? 0 : rng.int(256)));
  const base = hardwareFor(arch('gibbon-base'), pimDeviceOptions(arch('gibbon-base')));
  const fixed = { ...base.device, rangeMode: 'fixed' as const };
  let prev = -1;
  for (const adcBits of [12, 10, 8, 6, 4, 3]) {
    const { mae, conversions } = await meanError(exec, { ...base, adcBits, device: fixed }, x, n);
    assert.ok(conversions >= 10000, `${conversions} partial sums`);
    assert.ok(mae >= prev, `ADC ${adcBits} bits: ${mae} < ${prev}`);
    prev = mae;
  }
  prev = -1;
  for (const pct of [0, 0.2, 1, 3, 10]) {
    const { mae } = await meanError(exec, { ...base, adcBits: 16, device: { ...fixed, safHrsPct: pct, safLrsPct: pct } }, x, n);
    assert.ok(mae >= prev, `SAF ${pct}%: ${mae} < ${prev}`);
    prev = mae;
  }
  assert.ok(prev > 0);
  prev = -1;
  for (const sigma of [0, 2, 5, 10, 30]) {
    const { mae } = await meanError(exec, { ...base, adcBits: 16, device: { ...fixed, variationSigmaPctOfR: sigma } }, x, n);
    assert.ok(mae >= prev, `variation ${sigma}%: ${mae} < ${prev}`);
    prev = mae;
  }
  assert.ok(prev > 0);
  exec.dispose();
});

test.run();
