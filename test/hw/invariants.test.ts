// Properties the simulator must keep on every input: deterministic sweeps over the zoo networks, both
// models and several architectures (no randomness). Monotonicity in the searched parameters (ADC bits,
// crossbar size), pipelining, bookkeeping (totals = sums of layers = sums of components), ranges and
// determinism.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simulator, zooLayers, arch, close } from '../helpers.ts';
import { resolveNetwork } from '../../src/hw/network.ts';
import { zooNames } from '../../src/hw/zoo.ts';
import * as L from '../../assembly/layout.ts';
import type { ArchConfig, ComponentBreakdown, ModelName, ResolvedLayer, SimResult } from '../../src/hw/types.ts';

const MODELS: readonly ModelName[] = ['gibbon', 'mnsim-2.0'];
const BASES = ['mnsim-default', 'gibbon-base'] as const;
/** A chip large enough for every zoo network on 32x32 crossbars (vgg16 needs 34 296 tiles). */
const BIG_CHIP = ['chip.tileRows=256', 'chip.tileCols=256'];
const XBAR_SIZES = [32, 64, 128, 256, 512];

/** A network with grouped convs (none in the zoo), to sweep the block-diagonal mapping too. */
const GROUPED: ResolvedLayer[] = resolveNetwork({
  name: 'grouped',
  layers: [
    { type: 'conv', inChannels: 3, inSize: [16, 16], outChannels: 64, kernel: 3, padding: 1 },
    { type: 'conv', inChannels: 64, inSize: [16, 16], outChannels: 64, kernel: 3, padding: 1, convGroups: 4 },
    { type: 'conv', inChannels: 64, inSize: [16, 16], outChannels: 256, kernel: 2, padding: [0, 0, 1, 1], convGroups: 16 },
    { type: 'conv', inChannels: 256, inSize: [16, 16], outChannels: 256, kernel: 3, stride: 2, padding: 1, convGroups: 2 },
    { type: 'pool', inChannels: 256, inSize: [8, 8], kernel: 2 },
    { type: 'conv', inChannels: 256, inSize: [4, 4], outChannels: 512, kernel: 1, convGroups: 8 },
    { type: 'fc', inFeatures: 512 * 16, outFeatures: 10 },
  ],
}, 'network grouped').layers;

const NETWORKS: ReadonlyArray<readonly [string, ResolvedLayer[]]> = [...zooNames().map((n) => [n, zooLayers(n)] as const), ['grouped', GROUPED]];

/** Architectures for the bookkeeping sweeps: both presets, small and large arrays, multi-bit cells and DACs, 2 groups. */
const ARCHS: ReadonlyArray<readonly [string, ArchConfig]> = [
  ['mnsim-default', arch('mnsim-default', BIG_CHIP)],
  ['gibbon-base', arch('gibbon-base', BIG_CHIP)],
  ['gibbon-base 32x32 adc4 dac2 cell2', arch('gibbon-base', [...BIG_CHIP, 'xbar.size=32', 'adc.bits=4', 'dac.bits=2', 'device.cellBits=2'])],
  ['mnsim-default 512x512 groups 2 adc10', arch('mnsim-default', [...BIG_CHIP, 'xbar.size=512', 'pe.groups=2', 'adc.bits=10'])],
  ['gibbon-base 64x64 dac8 0T1R snake', arch('gibbon-base', [...BIG_CHIP, 'xbar.size=64', 'dac.bits=8', 'xbar.cellType=0T1R', 'chip.tileConnection=1'])],
];

// ===== Monotonicity in the searched hardware parameters =====

test('within the gibbon ADC map, more ADC bits never lower the ADC power (nor its area or energy)', async () => {
  const sim = await simulator();
  for (const name of ['vgg8', 'resnet18'] as const) {
    for (const size of [32, 64, 128, 256]) {
      for (const model of MODELS) {
        let prev: SimResult | undefined;
        for (const bits of [4, 6, 8, 10]) {
          const r = sim.simulate(zooLayers(name), arch('gibbon-base', [...BIG_CHIP, `xbar.size=${size}`, `adc.bits=${bits}`]), { model });
          const what = `${name} xbar ${size} ${model} adc.bits ${bits}`;
          if (prev) {
            assert.ok(r.powerWByComponent.adc > prev.powerWByComponent.adc, `${what}: ADC power`);
            assert.ok(r.areaUm2ByComponent.adc > prev.areaUm2ByComponent.adc, `${what}: ADC area`);
            assert.ok(r.energyNjByComponent.adc > prev.energyNjByComponent.adc, `${what}: ADC energy`);
            assert.is(r.totals.tiles, prev.totals.tiles, `${what}: the ADC does not change the mapping`);
          }
          prev = r;
        }
      }
    }
  }
});

test('a larger crossbar never raises the tile count (all networks, both models, both presets)', async () => {
  const sim = await simulator();
  for (const [name, layers] of NETWORKS) {
    for (const model of MODELS) {
      for (const base of BASES) {
        for (const extra of [[], ['device.cellBits=2']]) {
          let prevTiles = Infinity, prevPes = Infinity;
          for (const size of XBAR_SIZES) {
            const r = sim.simulate(layers, arch(base, [...BIG_CHIP, ...extra, `xbar.size=${size}`]), { model });
            const what = `${name} ${model} ${base} ${extra.join(' ')} xbar ${size}`;
            assert.ok(r.totals.tiles <= prevTiles, `${what}: ${r.totals.tiles} tiles > ${prevTiles} on the smaller crossbar`);
            assert.ok(r.totals.pes <= prevPes, `${what}: PEs`);
            r.layers.forEach((l) => assert.ok(l.tiles >= (l.type === 'add' ? 0 : 1), `${what}: layer ${l.index} tiles`));
            prevTiles = r.totals.tiles;
            prevPes = r.totals.pes;
          }
        }
      }
    }
  }
});

test('pipelined latency never exceeds layer-by-layer latency (all zoo networks, both models, several archs)', async () => {
  const sim = await simulator();
  for (const name of zooNames()) {
    for (const model of MODELS) {
      for (const [label, a] of ARCHS) {
        const p = sim.simulate(zooLayers(name), a, { model, pipeline: true });
        const n = sim.simulate(zooLayers(name), a, { model, pipeline: false });
        assert.ok(p.totals.latencyNs <= n.totals.latencyNs, `${name} ${model} ${label}: ${p.totals.latencyNs} > ${n.totals.latencyNs}`);
        // The schedule changes nothing else but the buffer traffic per pixel class.
        assert.equal([p.totals.tiles, p.totals.areaUm2, p.totals.powerW], [n.totals.tiles, n.totals.areaUm2, n.totals.powerW]);
      }
    }
  }
});

test('more cell bits and more DAC bits never raise tiles or input cycles (gibbon)', async () => {
  const sim = await simulator();
  for (const [name, layers] of NETWORKS) {
    const r1 = sim.simulate(layers, arch('gibbon-base', [...BIG_CHIP, 'device.cellBits=1']));
    const r2 = sim.simulate(layers, arch('gibbon-base', [...BIG_CHIP, 'device.cellBits=2']));
    assert.ok(r2.totals.tiles <= r1.totals.tiles, `${name}: cell bits`);
    const d1 = sim.simulate(layers, arch('gibbon-base', [...BIG_CHIP, 'dac.bits=1']));
    const d2 = sim.simulate(layers, arch('gibbon-base', [...BIG_CHIP, 'dac.bits=2']));
    d1.layers.forEach((l, i) => assert.ok(d2.layers[i].inputCycles <= l.inputCycles, `${name} layer ${i}: input cycles`));
  }
});

// ===== Bookkeeping, ranges =====

const COMPONENTS: readonly (keyof ComponentBreakdown)[] = ['xbar', 'dac', 'adc', 'buffer', 'pooling', 'adder', 'shiftReg', 'reg', 'mux', 'jointModule', 'globalAccumulator'];
const sumComponents = (b: ComponentBreakdown, withGlobal: boolean) =>
  COMPONENTS.reduce((s, c) => s + (c === 'globalAccumulator' && !withGlobal ? 0 : b[c]), 0);

/** Every number in the result is finite and >= 0. */
function checkFinite(value: unknown, path: string): void {
  if (typeof value === 'number') {
    assert.ok(Number.isFinite(value) && value >= 0, `${path} = ${value}`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkFinite(v, `${path}[${i}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) checkFinite(v, `${path}.${k}`);
  }
}

function checkBookkeeping(r: SimResult, switches: number, what: string): void {
  const t = r.totals;
  const countGlobal = (switches & L.SW_COUNT_ADDERS) !== 0;
  const sum = (f: (l: SimResult['layers'][number]) => number) => r.layers.reduce((s, l) => s + f(l), 0);
  close(t.energyNj, sum((l) => l.energyNj), 1e-12, `${what}: energy = sum of layer energies`);
  close(t.powerW, sum((l) => l.powerW), 1e-12, `${what}: power = sum of layer powers`);
  close(t.areaUm2, sum((l) => l.areaUm2) + (countGlobal ? r.areaUm2ByComponent.globalAccumulator : 0), 1e-12,
    `${what}: area = sum of layer areas${countGlobal ? ' + global accumulator' : ''}`);
  close(t.ops, sum((l) => l.ops), 0, `${what}: ops`);
  assert.is(t.tiles, sum((l) => l.tiles), `${what}: tiles`);
  assert.is(t.pes, sum((l) => (l.type === 'conv' || l.type === 'fc' ? l.pes : 0)), `${what}: PEs of conv/fc layers`);
  assert.is(t.xbars, sum((l) => l.xbars), `${what}: crossbars`);
  assert.is(t.latencyNs, Math.max(...r.layers.map((l) => l.lastDoneNs)), `${what}: latency = last finish`);
  // Component breakdowns: the global accumulator is in the totals only when counted.
  close(sumComponents(r.areaUm2ByComponent, countGlobal), t.areaUm2, 1e-12, `${what}: area components`);
  close(sumComponents(r.powerWByComponent, countGlobal), t.powerW, 1e-12, `${what}: power components`);
  close(sumComponents(r.energyNjByComponent, countGlobal), t.energyNj, 1e-12, `${what}: energy components`);
  for (const c of COMPONENTS) {
    if (c === 'globalAccumulator') continue;
    close(sum((l) => l.areaUm2ByComponent[c]), r.areaUm2ByComponent[c], 1e-12, `${what}: ${c} area over layers`);
    close(sum((l) => l.energyNjByComponent[c]), r.energyNjByComponent[c], 1e-12, `${what}: ${c} energy over layers`);
  }
  for (const l of r.layers) {
    const lw = `${what} layer ${l.index} (${l.type})`;
    close(sumComponents(l.areaUm2ByComponent, true), l.areaUm2, 1e-12, `${lw}: area components`);
    close(sumComponents(l.powerWByComponent, true), l.powerW, 1e-12, `${lw}: power components`);
    close(sumComponents(l.energyNjByComponent, true), l.energyNj, 1e-12, `${lw}: energy components`);
    assert.ok(l.beginNs <= l.firstDoneNs && l.firstDoneNs <= l.lastDoneNs, `${lw}: begin <= first done <= last done`);
    if (l.type === 'conv' || l.type === 'fc') {
      assert.ok(l.utilizationFrac > 0 && l.utilizationFrac <= 1, `${lw}: utilization ${l.utilizationFrac}`);
    } else {
      assert.is(l.utilizationFrac, 0, `${lw}: no weights`);
    }
    if (l.type === 'add') assert.equal([l.tiles, l.areaUm2], [0, 0], `${lw}: the global accumulator has no tiles`);
  }
  assert.ok(t.utilizationFrac > 0 && t.utilizationFrac <= 1, `${what}: utilization ${t.utilizationFrac}`);
  checkFinite(r, what);
}

test('totals are sums of layers and of components; every number finite and >= 0; utilization in (0, 1]', async () => {
  const sim = await simulator();
  const masks = [0, L.SW_ALL, L.SW_CELL_BITS, L.SW_SIGNED_INPUT_CYCLES, L.SW_COUNT_ADDERS, L.SW_GROUPED_CONV,
    L.SW_CONVERTERS_FOLLOW_XBAR, L.SW_POOL_SINGLE_READ, L.SW_DAC8_POWER_MW, L.SW_ADC_EVERY_COLUMN];
  for (const [name, layers] of NETWORKS) {
    for (const [label, a] of ARCHS) {
      for (const switches of masks) {
        for (const pipeline of [true, false]) {
          const r = sim.simulate(layers, a, { switches, pipeline });
          checkBookkeeping(r, switches, `${name} / ${label} / switches ${switches} / ${pipeline ? 'pipelined' : 'layer by layer'}`);
        }
      }
    }
  }
});

test('layer results: PEs = row blocks x column blocks, tiles = ceil(PEs / PEs per tile)', async () => {
  const sim = await simulator();
  for (const [name, layers] of NETWORKS) {
    for (const [label, a] of ARCHS) {
      const pesPerTile = a.tile.peRows * a.tile.peCols;
      for (const model of MODELS) {
        for (const l of sim.simulate(layers, a, { model }).layers) {
          const what = `${name} / ${label} / ${model} layer ${l.index}`;
          if (l.type === 'add') continue;
          assert.is(l.pes, l.rowTiles * l.colTiles, `${what}: PEs`);
          assert.is(l.tiles, Math.ceil(l.pes / pesPerTile), `${what}: tiles`);
          assert.is(l.xbars, l.tiles * pesPerTile * a.pe.groups * a.xbar.polarity, `${what}: crossbars`);
          if (l.type === 'pool') continue;
          assert.ok(l.rowsUsed >= 1 && l.rowsUsed <= a.xbar.rows, `${what}: rows used ${l.rowsUsed}`);
          assert.ok(l.colsUsed >= 1 && l.colsUsed <= a.xbar.cols, `${what}: columns used ${l.colsUsed}`);
        }
      }
    }
  }
});

// ===== Determinism =====

test('results are identical across calls, call orders and batch vs single calls', async () => {
  const sim = await simulator();
  const jobs = NETWORKS.flatMap(([, layers]) => ARCHS.flatMap(([, a]) => MODELS.map((model) => ({ layers, arch: a, options: { model } }))));
  const first = jobs.map((j) => sim.simulate(j.layers, j.arch, j.options));
  // Again, in reverse order, so that no kernel state (placement cache, scratch arrays) leaks between calls.
  const again = [...jobs].reverse().map((j) => sim.simulate(j.layers, j.arch, j.options)).reverse();
  const batch = sim.simulateBatch(jobs);
  first.forEach((r, i) => {
    assert.equal(JSON.parse(JSON.stringify(again[i])), JSON.parse(JSON.stringify(r)), `job ${i}: second call`);
    assert.equal(JSON.parse(JSON.stringify(batch[i])), JSON.parse(JSON.stringify(r)), `job ${i}: batch`);
  });
});

test.run();
