// The `mnsim-2.0` model against MNSIM-2.0's own outputs (mnsim-model.md §2.7, §3 unit checks, §6.2):
// VGG8 on the default architecture, per layer and in total, pipelined and layer by layer; ResNet18 in
// total (MNSIM-2.0 at ca39ccb, default SimConfig.ini, all bits 9, CIFAR 32x32; issue 17).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simulator, zooLayers, arch, close } from '../helpers.ts';
import { resolveNetwork } from '../../src/hw/network.ts';

const TOL = 1e-4; // the bound; the model agrees to ~1e-8 in practice

// [tiles, first pixel done ns, last pixel done ns, area µm², power W, energy nJ, steady pixel ns] (§6.2)
const VGG8_LAYERS: number[][] = [
  [2, 3481.4824, 3505518.0263, 8635596.2332, 0.726154175, 90970.5722, 3421.4824],
  [10, 121972.5431, 4443081.6558, 43177981.1659, 3.69234964, 717286.642, 4202.1399],
  [1, 270553.5597, 4447472.0558, 4317798.1166, 0.006130136, 1562.37947, 4390.4],
  [10, 558385.0725, 4607741.0920, 43177981.1659, 7.21210724, 591964.481, 8650.2798],
  [20, 846999.7854, 4798031.7283, 86355962.3319, 14.4242145, 1183928.96, 9347.4798],
  [1, 1135601.0185, 4807388.5283, 4317798.1166, 0.006130136, 781.189734, 9356.8],
  [40, 1708515.3644, 4941803.3262, 172711924.6637, 28.8484289, 592815.624, 13385.4798],
  [76, 2280487.3104, 5073994.1241, 328152656.8611, 54.812015, 1126349.69, 13163.0798],
  [1, 2859824.1765, 5095242.1241, 4317798.1166, 0.006130136, 390.594867, 21248.0],
  [152, 4873859.7676, 5112796.8039, 656305313.7221, 109.62403, 142613.338, 17554.6798],
  [1, 5149763.2039, 5149763.2039, 4317798.1166, 0.006130136, 48.8243584, 36966.4],
  [8, 5151851.4457, 5151851.4457, 34542384.9327, 0.358363298, 131.227154, 2088.2418],
];
// §2.7 mapping: [mx, my, PEnum, max_row, max_col]
const VGG8_MAPPING: number[][] = [
  [8, 1, 8, 27, 128], [8, 5, 40, 252, 128], [1, 1, 1, 0, 0], [8, 5, 40, 252, 256], [8, 10, 80, 252, 256],
  [1, 1, 1, 0, 0], [16, 10, 160, 252, 256], [16, 19, 304, 252, 256], [1, 1, 1, 0, 0], [32, 19, 608, 252, 256],
  [1, 1, 1, 0, 0], [8, 4, 32, 256, 10],
];
const HOPS_IN = [1, 3, 0, 3, 6, 0, 9, 13, 0, 20, 0, 4];
const HOPS_OUT = [4, 2, 4, 7, 1, 9, 12, 3, 20, 4, 8, 0];

test('VGG8, mnsim-2.0, pipelined: every layer matches MNSIM-2.0', async () => {
  const r = (await simulator()).simulate(zooLayers('vgg8'), arch(), { model: 'mnsim-2.0' });
  assert.is(r.layers.length, 12);
  r.layers.forEach((l, i) => {
    const [tiles, first, last, area, power, energy, pixel] = VGG8_LAYERS[i];
    assert.is(l.tiles, tiles, `layer ${i} tiles`);
    close(l.firstDoneNs, first, TOL, `layer ${i} first pixel done`);
    close(l.lastDoneNs, last, TOL, `layer ${i} last pixel done`);
    close(l.areaUm2, area, TOL, `layer ${i} area`);
    close(l.powerW, power, TOL, `layer ${i} power`);
    close(l.energyNj, energy, TOL, `layer ${i} energy`);
    close(l.pixelLatencyNs, pixel, TOL, `layer ${i} steady pixel latency`);
    const [mx, my, pes, rows, cols] = VGG8_MAPPING[i];
    assert.equal([l.colTiles, l.rowTiles, l.pes, l.rowsUsed, l.colsUsed], [mx, my, pes, rows, cols], `layer ${i} mapping`);
    assert.is(l.hopsIn, HOPS_IN[i], `layer ${i} inLayer hops`);
    assert.is(l.hopsOut, HOPS_OUT[i], `layer ${i} transLayer hops`);
  });
  const t = r.totals;
  assert.is(t.tiles, 322);
  assert.is(t.pes, 1272); // MNSIM's "total crossbar number" (conv + fc PEs)
  close(t.latencyNs, 5.151851e6, 1e-6, 'latency');
  close(t.areaUm2, 1390.330994e6, 1e-6, 'area');
  close(t.powerW, 219.722183, 1e-6, 'power');
  close(t.energyNj, 4448.843521e3, 1e-6, 'energy');
  assert.is(t.peInBufKB, 0.5);
  assert.is(t.tileOutBufKB, 0.25);
});

test('VGG8, mnsim-2.0, layer by layer (-DisPipe): totals match MNSIM-2.0', async () => {
  const r = (await simulator()).simulate(zooLayers('vgg8'), arch(), { model: 'mnsim-2.0', pipeline: false });
  const t = r.totals;
  assert.is(t.tiles, 322);
  close(t.latencyNs, 16.339743e6, 1e-6, 'latency');
  close(t.areaUm2, 1390.330994e6, 1e-6, 'area');
  close(t.powerW, 219.722183, 1e-6, 'power');
  close(t.energyNj, 4447.679591e3, 1e-6, 'energy');
});

test('VGG8, mnsim-2.0: component breakdown matches MNSIM-2.0', async () => {
  const r = (await simulator()).simulate(zooLayers('vgg8'), arch(), { model: 'mnsim-2.0' });
  const a = r.areaUm2ByComponent, p = r.powerWByComponent, e = r.energyNjByComponent;
  close(a.xbar, 1001476259.84, 1e-8, 'crossbar area');
  close(a.dac, 27367.42, 1e-6, 'DAC area');
  close(a.adc, 272025600, 1e-9, 'ADC area');
  close(a.buffer, 65334283, 1e-8, 'buffer area');
  close(a.pooling, 29597324.30, 1e-8, 'pooling area');
  close(a.jointModule, 20964964.70, 1e-6, 'joint-module area');
  close(a.adder + a.shiftReg + a.reg + a.mux + a.jointModule, 21870158.98, 1e-6, 'other digital area');
  close(p.xbar, 2.96583, 1e-5, 'crossbar power');
  close(p.dac, 0.62182, 1e-5, 'DAC power');
  close(p.adc, 196.318, 1e-5, 'ADC power');
  close(p.buffer, 4.85873, 1e-5, 'buffer power');
  close(p.pooling, 0.012328, 1e-4, 'pooling power');
  close(p.jointModule, 14.786, 1e-4, 'joint-module power');
  close(p.adder + p.shiftReg + p.reg + p.mux + p.jointModule, 14.9454, 1e-5, 'other digital power');
  close(e.xbar, 20348.33, 1e-6, 'crossbar energy');
  close(e.dac, 4435.26, 1e-6, 'DAC energy');
  close(e.adc, 3442430.64, 1e-8, 'ADC energy');
  close(e.buffer, 976516.69, 1e-8, 'buffer energy');
  close(e.pooling, 281.08, 1e-5, 'pooling energy');
  close(e.adder + e.shiftReg + e.reg + e.mux + e.jointModule, 4831.52, 1e-6, 'other digital energy');
});

test('unit checks of the default configuration (spec §6.2 list)', async () => {
  const r = (await simulator()).simulate(zooLayers('vgg8'), arch(), { model: 'mnsim-2.0' });
  // One tile's area is the per-tile area; one PE is (tile - joint modules - out buffer - pooling) / 4.
  const l0 = r.layers[0];
  close(l0.areaUm2 / l0.tiles, 4317798.1166, 1e-9, 'A_tile');
  const peArea = (l0.areaUm2ByComponent.xbar + l0.areaUm2ByComponent.dac + l0.areaUm2ByComponent.adc
    + l0.areaUm2ByComponent.shiftReg + l0.areaUm2ByComponent.reg + l0.areaUm2ByComponent.mux + l0.areaUm2ByComponent.adder
    + l0.areaUm2ByComponent.buffer - l0.tiles * 40580.3) / (4 * l0.tiles);
  close(peArea, 1030048.0186, 1e-9, 'A_PE');
  close(l0.areaUm2ByComponent.xbar / (l0.tiles * 4 * 2), 388771.84, 1e-12, 'A_xbar');
  close(r.layers[1].powerW / r.layers[1].tiles, 0.3692349644553846, 1e-9, 'layer-1 tile power');
});

// ResNet18's latency depends on where each element_sum measures its hops to the accumulator from: the
// successor's tile a row-major scan of the grid meets first (mnsim-model.md §2.5). With its first tile in
// placement order instead, five element_sum layers get 29-35 hops instead of 38-50 and the latency comes
// out 8438.4 ns short (2.903739 ms pipelined, 8.155816 ms layer by layer).
test('an add measures its hops from the successor tile a row-major scan meets first (hand-worked, 4x4 grid)', async () => {
  // mnsim-2022 (8 crossbar groups: all weight slices in one PE) on a 4x4 tile grid, growing-square order:
  // o0 (0,0), o1 (0,1), o2 (1,1), o3 (1,0), ... A conv 16->128 1x1 (1 PE, tile o0), a conv 128->128 1x1
  // (1 PE, o1), their add (no tile), then a conv 128->16 3x3: floor(256/9) = 28 channels a crossbar,
  // ceil(128/28) = 5 PEs, 2 tiles at o2 = (1,1) and o3 = (1,0). The accumulator sits at (4/2, 0). From
  // (1,0), the first in a row-major scan, the add's hops are |1 - 2| + 0 = 1; from o2, the first in
  // placement order, they would be |1 - 2| + 1 = 2.
  const layers = resolveNetwork({ name: 'scan', layers: [
    { type: 'conv', inChannels: 16, inSize: [4, 4], outChannels: 128, kernel: 1 },
    { type: 'conv', inChannels: 128, inSize: [4, 4], outChannels: 128, kernel: 1 },
    { type: 'add', inputs: [-1, -2] },
    { type: 'conv', inChannels: 128, inSize: [4, 4], outChannels: 16, kernel: 3, padding: 1 },
  ] }, 'network scan').layers;
  for (const model of ['mnsim-2.0', 'gibbon'] as const) {
    const r = (await simulator()).simulate(layers, arch('mnsim-2022', ['chip.tileRows=4', 'chip.tileCols=4']), { model });
    assert.equal(r.layers.map((l) => [l.tiles, l.firstTile]), [[1, 0], [1, 1], [0, 2], [2, 2]], `${model} placement`);
    assert.is(r.layers[2].hopsOut, 1, `${model}: add hops`);
  }
});

test('ResNet18, mnsim-2.0, pipelined: totals match MNSIM-2.0', async () => {
  const r = (await simulator()).simulate(zooLayers('resnet18'), arch(), { model: 'mnsim-2.0' });
  const t = r.totals;
  assert.is(t.tiles, 493);
  close(t.latencyNs, 2.912178e6, 1e-6, 'latency');
  close(t.areaUm2, 2128.674471e6, 1e-6, 'area');
  close(t.powerW, 323.624146, 1e-6, 'power');
  close(t.energyNj, 1057.524440e3, 1e-6, 'energy');
});

test('ResNet18, mnsim-2.0, layer by layer (-DisPipe): latency matches MNSIM-2.0', async () => {
  const r = (await simulator()).simulate(zooLayers('resnet18'), arch(), { model: 'mnsim-2.0', pipeline: false });
  assert.is(r.totals.tiles, 493);
  close(r.totals.latencyNs, 8.164255e6, 1e-6, 'latency');
  close(r.totals.areaUm2, 2128.674471e6, 1e-6, 'area');
});

test('ResNet18, mnsim-2.0: buffer sizing and the global accumulator (spec §2.6)', async () => {
  const r = (await simulator()).simulate(zooLayers('resnet18'), arch(), { model: 'mnsim-2.0' });
  assert.is(r.totals.peInBufKB, 0.25);
  assert.is(r.totals.tileOutBufKB, 0.125);
  assert.is(r.totals.globalBufKB, 7.5);
  assert.is(r.totals.globalAdders, 1920);
  // MNSIM lists the global accumulator in the breakdown but leaves it out of the totals.
  const areaSum = r.layers.reduce((s, l) => s + l.areaUm2, 0);
  close(r.totals.areaUm2, areaSum, 1e-12, 'area total = sum of layers');
  assert.ok(r.areaUm2ByComponent.globalAccumulator > 0);
  assert.ok(r.layers.filter((l) => l.type === 'add').every((l) => l.tiles === 0 && l.energyNj === 0 && l.powerW === 0));
});

test.run();
