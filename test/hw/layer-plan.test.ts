// The kernel's layer plan (gibbon_plan, src/hw/layer-plan.ts) against full simulations of the same pairs:
// every layer's tiles, PEs, first tile, hops, crossbar use, weight slices, input cycles and steady pixel
// latency equal the simulation's per-layer records, on random candidates of both presets and of spaces
// whose hardware knobs reach digital PIM, ADC choice 9, user-defined converters, every tile order, both
// simulator models and the layer-by-layer schedule. The NoC time per pixel against its formula worked by
// hand; networks larger than the chip; errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simulator, arch, throwsGibbon } from '../helpers.ts';
import { InThreadPool } from '../../src/pool/eval-pool.ts';
import { spacePreset } from '../../src/space/presets.ts';
import { resolveSpace, type Space } from '../../src/space/space.ts';
import { simJobOf, simulateFitting } from '../../src/evaluate/gibbon-evaluator.ts';
import { sampleDistinct } from '../../src/predictor/labels.ts';
import { LayerPlanner, defaultLayerPlanner } from '../../src/hw/layer-plan.ts';
import { resolveNetwork } from '../../src/hw/network.ts';
import type { ModelName, ResolvedLayer, SimResult } from '../../src/hw/types.ts';

const sim = await simulator();
const pool = new InThreadPool(sim);
const planner = new LayerPlanner(sim.exports);

async function compare(space: Space, count: number, seed: number, model: ModelName = 'gibbon', pipeline = true): Promise<{ checked: number; types: Set<string> }> {
  const cs = sampleDistinct(space, count, seed, 'layer-plan-test');
  const jobs = cs.map((c) => { const j = simJobOf(space, c, model); return { ...j, options: { ...j.options, pipeline } }; });
  const results = await simulateFitting(pool, jobs, 'full');
  let checked = 0;
  const types = new Set<string>();
  results.forEach((r: SimResult | undefined, i) => {
    if (r === undefined) return;
    const plan = planner.plan(jobs[i].arch, jobs[i].layers, jobs[i].options);
    assert.ok(plan.fits, `${space.name} #${i}: fits`);
    assert.is(plan.tiles, r.totals.tiles, `${space.name} #${i}: tiles`);
    const weighted = (t: string) => t === 'conv' || t === 'fc';
    assert.equal(plan.layers.map(({ nocNs: _, ...p }) => p), r.layers.map((l) => ({
      tiles: l.tiles, pes: l.pes, firstTile: l.firstTile, hopsIn: l.hopsIn, hopsOut: l.hopsOut,
      rowsUsed: weighted(l.type) ? l.rowsUsed : 0, colsUsed: weighted(l.type) ? l.colsUsed : 0, rowTiles: l.rowTiles, colTiles: l.colTiles,
      weightSlices: l.weightSlices, inputCycles: l.inputCycles, pixelNs: l.pixelLatencyNs,
    })), `${space.name} (${model}, pipeline ${pipeline}) #${i}: ${JSON.stringify(cs[i].hardware)}`);
    r.layers.forEach((l) => types.add(l.type));
    checked++;
  });
  return { checked, types };
}

for (const name of ['mnist', 'gibbon-cifar'] as const) {
  test(`${name}: the plan equals the simulation's per-layer records exactly (200 random candidates)`, async () => {
    const { checked, types } = await compare(spacePreset(name), 200, 31);
    assert.ok(checked >= 150, `${checked} candidates fit`);
    assert.ok(types.has('conv') && types.has('fc') && types.has('add'), `layer types seen: ${[...types].join(', ')}`);
    if (name === 'gibbon-cifar') assert.ok(types.has('pool'));
  });
}

/** gibbon-cifar's skeleton with other hardware knobs over other fixed settings. */
function variant(name: string, hardware: Record<string, readonly (number | string)[]>, sets: string[]): Space {
  return resolveSpace({ ...spacePreset('gibbon-cifar').spec, name, hardware, fixedArch: { base: 'gibbon-base', sets } }, name);
}
const CUSTOM_CONVERTERS = [
  'dac.customBits=3', 'dac.customAreaUm2=2', 'dac.customPowerW=1e-5', 'dac.customSampleRateGsps=2',
  'adc.customBits=5', 'adc.customAreaUm2=900', 'adc.customPowerW=2e-3', 'adc.customSampleRateGsps=1.3',
];

test('digital PIM, ADC choices 8 and 9, user-defined converters (choice -1), every tile order: the plan equals the simulation', async () => {
  const converters = variant('converters', {
    'xbar.size': [32, 64, 128], 'adc.choice': [-1, 2, 8, 9], 'dac.choice': [-1, 1, 2, 5], 'pe.pimType': ['analog', 'digital'], 'device.cellBits': [1, 2],
  }, CUSTOM_CONVERTERS);
  const a = await compare(converters, 120, 5);
  assert.ok(a.checked >= 100, `${a.checked} candidates fit`);
  const orders = variant('orders', { 'xbar.size': [64, 128, 256], 'chip.tileConnection': [0, 1, 2, 3], 'adc.choice': [9, 4] }, ['chip.tileRows=12', 'chip.tileCols=12']);
  const b = await compare(orders, 60, 6);
  assert.ok(b.checked >= 40, `${b.checked} candidates fit`);
});

test('the mnsim-2.0 model and the layer-by-layer schedule: the plan equals the simulation', async () => {
  for (const [model, pipeline] of [['gibbon', false], ['mnsim-2.0', true], ['mnsim-2.0', false]] as const) {
    const { checked } = await compare(spacePreset('gibbon-cifar'), 30, 41, model, pipeline);
    assert.ok(checked >= 20, `${model}, pipeline ${pipeline}: ${checked} candidates fit`);
  }
});

/** conv 1 -> 8 (3x3, 8x8, pad 1) then fc 512 -> 10, on 64 x 64 crossbars. */
function smallNet(): ResolvedLayer[] {
  return resolveNetwork({
    name: 'small',
    layers: [
      { type: 'conv', inChannels: 1, inSize: [8, 8], outChannels: 8, kernel: 3, stride: 1, padding: 1, weightBits: 9, activationBits: 9 },
      { type: 'fc', inFeatures: 512, outFeatures: 10, weightBits: 9, activationBits: 9 },
    ],
  }, 'small').layers;
}

test('NoC time per output pixel, by hand: hopsOut x outChannels x bits / bandwidth, plus for conv and fc hopsIn x (clock + columns x PEs x bits / bandwidth)', () => {
  const a = arch('gibbon-base', ['xbar.size=64', 'tile.peRows=1', 'tile.peCols=1', 'chip.tileRows=4', 'chip.tileCols=4']);
  const layers = smallNet();
  const plan = planner.plan(a, layers);
  const bw = a.tile.interTileBandwidthGbps, clk = 1000 / a.digital.frequencyMHz;
  plan.layers.forEach((p, i) => {
    const l = layers[i];
    const want = p.hopsOut * (l.outChannels * l.outputBits / bw) + p.hopsIn * (clk + p.colsUsed * Math.min(p.pes, 1) * l.outputBits / bw);
    assert.ok(Math.abs(p.nocNs - want) <= 1e-12 * want, `layer ${i}: ${p.nocNs} vs ${want}`);
  });
  // the conv (9 weight rows, 8 columns, 8 slices of 1 bit over 1 group: 8 PEs = 8 tiles) sends its pixel on
  assert.equal([plan.layers[0].tiles, plan.layers[0].rowsUsed, plan.layers[0].colsUsed], [8, 9, 8]);
  assert.ok(plan.layers[0].hopsOut > 0 && plan.layers[1].hopsOut === 0, 'the last layer sends nothing on');
});

test('a network with more tiles than the chip is planned (fits false): its extra tiles sit at the last cell', () => {
  const a = arch('gibbon-base', ['xbar.size=64', 'tile.peRows=1', 'tile.peCols=1', 'chip.tileRows=2', 'chip.tileCols=2']);
  const layers = smallNet();
  const plan = planner.plan(a, layers);
  // conv: 8 tiles (order numbers 0..7), fc: ceil(512 / 64) x 8 slices = 64 PEs = 64 tiles (8..71); the grid has 4 cells
  assert.equal([plan.tiles, plan.fits, plan.layers[0].firstTile, plan.layers[1].firstTile], [72, false, 0, 8]);
  // every fc tile sits at the last cell (1, 1): no hops within the fc; the conv's best cell is (1, 1) too (its tiles 3..7 are there)
  assert.equal([plan.layers[1].hopsIn, plan.layers[1].hopsOut, plan.layers[0].hopsIn, plan.layers[0].hopsOut], [0, 0, 2, 0]);
  throwsGibbon(() => sim.simulate(layers, a), 'E_ARCH',
    'arch: chip.tileRows x chip.tileCols: network needs 72 tiles but the chip has 4 (2 x 2); allowed: a tile grid of at least 72 tiles (raise chip.tileRows/chip.tileCols), or a mapping that needs fewer (larger crossbars, more PEs per tile)');
});

test('errors are the simulator\'s: a kernel larger than the crossbar, a bad arch value; defaultLayerPlanner is the thread\'s module', () => {
  const a = arch('gibbon-base', ['xbar.size=8']);
  throwsGibbon(() => planner.plan(a, smallNet()), 'E_NETWORK', 'network: layers[0].kernel: got 3; allowed: a kernel whose K*K rows fit in one crossbar (kernel larger than the crossbar)');
  const bad = arch('gibbon-base');
  bad.pe.groups = 0;
  throwsGibbon(() => planner.plan(bad, smallNet(), undefined, { arch: 'my arch' }), 'E_ARCH', 'my arch: pe.groups: got 0; allowed: an integer in 1..65536');
  assert.equal(defaultLayerPlanner().plan(arch('gibbon-base'), smallNet()), planner.plan(arch('gibbon-base'), smallNet()));
});

test('the resolved PE (gibbon_pe), by hand from the tables (mnsim-model.md §3.3, §3.4): converters, digital PIM, ADC choice 9, user-defined converters', () => {
  const base = arch('gibbon-base');
  const rows = base.xbar.rows, sub = base.xbar.subarrayRows;
  const dacPerGroup = Math.min(base.pe.dacNum, sub) * (rows / sub);
  // gibbon-base: DAC choice 1 (1 bit, (1 + 2) / 1 GS/s), ADC choice 2 (8 bits, 1.28 GS/s: (8 + 2) / 1.28 ns)
  assert.equal(planner.pe(base), {
    dacChoice: 1, dacBits: 1, adcChoice: 2, adcBits: 8, dacPerGroup, adcNum: Math.min(base.pe.adcNum, base.xbar.cols * (base.pe.subPosition + 1)),
    dacLatencyNs: 3, adcLatencyNs: 10 / 1.28,
  });
  // digital PIM: the 1-bit DAC and the sense amplifier (1 bit at 1 GS/s: 1 ns), whatever the configured choices
  const digital = arch('gibbon-base', ['pe.pimType=digital', 'dac.choice=5', 'adc.choice=1']);
  const d = planner.pe(digital);
  assert.equal([d.dacChoice, d.dacBits, d.adcChoice, d.adcBits, d.adcLatencyNs], [1, 1, 8, 1, 1]);
  // ADC choice 9: 8 bits at 6 GS/s, a counting ADC: 2^8 / 6 ns
  const nine = planner.pe(arch('gibbon-base', ['adc.choice=9']));
  assert.equal([nine.adcBits, nine.adcLatencyNs], [8, 256 / 6]);
  // user-defined converters, also on a digital PIM: (bits + 2) / rate
  const custom = arch('gibbon-base', ['pe.pimType=digital', 'dac.choice=-1', 'dac.customBits=3', 'dac.customAreaUm2=2', 'dac.customPowerW=1e-5', 'dac.customSampleRateGsps=2',
    'adc.choice=-1', 'adc.customBits=5', 'adc.customAreaUm2=900', 'adc.customPowerW=2e-3', 'adc.customSampleRateGsps=1.25']);
  const c = planner.pe(custom);
  assert.equal([c.dacChoice, c.dacBits, c.dacLatencyNs, c.adcChoice, c.adcBits, c.adcLatencyNs], [-1, 3, 2.5, -1, 5, 7 / 1.25]);
  const bad = arch('gibbon-base');
  bad.dac.choice = 8;
  throwsGibbon(() => planner.pe(bad, undefined, 'my arch'), 'E_ARCH', 'my arch: dac.choice: got 8; allowed: -1 (user-defined) or an integer in 1..7');
});

test.run();
