// The mnsim-2022 preset (MNSIM-2.0's SimConfig.ini of the Gibbon paper's time) in both models: VGG8's
// mapping worked by hand from its settings (256x256 crossbars, 8 crossbar groups per PE, 2-bit DAC,
// 2-bit cells, 2x2 PEs per tile).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simulator, zooLayers, arch } from '../helpers.ts';

// A 3x3 conv puts floor(256/9) = 28 input channels in a crossbar: row blocks ceil(Cin/28); column blocks
// ceil(slices/8 groups) * ceil(Cout/256) = ceil(Cout/256) in both models (8 or 4 slices fit the 8
// groups). The fc 1024->10 takes ceil(1024/256) = 4 row blocks. Tiles ceil(PEs/4); a pool takes one tile.
const VGG8_PES = [1, 5, 0, 5, 10, 0, 20, 38, 0, 76, 0, 4];
const VGG8_TILES = [1, 2, 1, 2, 3, 1, 5, 10, 1, 19, 1, 1];

for (const [model, slices, cycles] of [['mnsim-2.0', 8, 5], ['gibbon', 4, 4]] as const) {
  test(`mnsim-2022, ${model}: VGG8 mapping by hand (${slices} weight slices, ${cycles} input cycles)`, async () => {
    const r = (await simulator()).simulate(zooLayers('vgg8'), arch('mnsim-2022'), { model });
    r.layers.forEach((l, i) => {
      assert.is(l.tiles, VGG8_TILES[i], `layer ${i} tiles`);
      if (l.type !== 'conv' && l.type !== 'fc') return;
      assert.is(l.pes, VGG8_PES[i], `layer ${i} PEs`);
      // 9-bit weights: 8 magnitude bits, 1 per slice in mnsim-2.0 (cell bits ignored), 2 in gibbon;
      // 9-bit inputs on a 2-bit DAC: ceil(9/2) = 5 cycles in mnsim-2.0, ceil(8/2) = 4 in gibbon.
      assert.is(l.weightSlices, slices, `layer ${i} slices`);
      assert.is(l.inputCycles, cycles, `layer ${i} input cycles`);
    });
    assert.is(r.totals.tiles, 47);
    for (const v of [r.totals.latencyNs, r.totals.energyNj, r.totals.areaUm2, r.totals.powerW]) assert.ok(Number.isFinite(v) && v > 0);
  });
}

test.run();
