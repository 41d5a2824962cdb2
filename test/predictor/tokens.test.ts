// Tokens of the predictor (src/predictor/tokens.ts): hand-computed features of a small mnist candidate;
// the fast layer path equals the resolveNetwork path on random candidates of both presets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spacePreset } from '../../src/space/presets.ts';
import type { Candidate } from '../../src/space/types.ts';
import { Rng } from '../../src/util/rng.ts';
import {
  LATENCY_FEATURES, LAYER_FEATURE_COUNT, LAYER_FEATURES, TILE_FEATURES, candidateLayers, candidateTokens, hardwareFeatures, layerFeatureCount, layerFeatures, tokenLayers, tokenLayout, tokenNetwork, tokenizeBatch,
} from '../../src/predictor/tokens.ts';
import { simulator } from '../helpers.ts';
import { simJobOf } from '../../src/evaluate/gibbon-evaluator.ts';
import type { SimResult } from '../../src/hw/types.ts';

const mnist = spacePreset('mnist');
const sim = await simulator(); // also gives this thread the kernel module the layer plan runs on

/** The full simulation of a candidate (the gibbon model, pipelined: what the tokens plan). */
const simulated = (c: Candidate): SimResult => { const j = simJobOf(mnist, c); return sim.simulate(j.layers, j.arch, j.options); };

/** stem 1->8 k3, stage0 one block 8->16 k3 s2 (projection + add), stage1 one block 16->16 k1 s2 (projection + add), fc 784->10. */
const SMALL: Candidate = {
  space: 'mnist', seed: 1,
  stem: { outChannels: 8, kernel: 3, convGroups: 1, weightBits: 5, activationBits: 7 },
  stages: [
    { blocks: 1, convs: [[{ outChannels: 16, kernel: 3, convGroups: 2, weightBits: 7, activationBits: 9 }]] },
    { blocks: 1, convs: [[{ outChannels: 16, kernel: 1, convGroups: 1, weightBits: 9, activationBits: 5 }]] },
  ],
  head: { weightBits: 7, activationBits: 5 },
  hardware: { 'xbar.size': 128, 'adc.bits': 6, 'dac.bits': 1, 'device.cellBits': 2 },
};

const near = (got: number[], want: number[], what: string) => {
  assert.is(got.length, want.length, `${what}: length`);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) < 1e-12, `${what}: ${LAYER_FEATURES[i] ?? i}: got ${g}, want ${want[i]}`));
};

test('layout: mnist pads to 1 + 2 x 2 x (1 conv + projection + add) + fc = 14 layers; 4 numeric knobs + their one-hots', () => {
  const layout = tokenLayout(mnist);
  assert.is(layout.maxLayers, 14);
  assert.is(layout.hardwareFeatureCount, 4 * 1 + 4 + 4 + 2 + 2);
  assert.is(tokenLayout(spacePreset('gibbon-cifar')).maxLayers, 1 + 3 * 2 * (2 + 2) + 1 + 1);
  assert.is(LAYER_FEATURE_COUNT, 21);
});

test('tokens of a small candidate, by hand', () => {
  const layers = tokenLayers(mnist, mnist.validateCandidate(SMALL));
  assert.equal(layers.map((l) => l.type), ['conv', 'conv', 'conv', 'add', 'conv', 'conv', 'add', 'fc']);
  const n = layers.length;
  const l2 = Math.log2;
  // stem: conv 1 -> 8, 28x28 -> 28x28, k3 s1, dense, 5-bit weights, reads 7 bits, writes the stage-0 conv's 9 bits
  near(layerFeatures(layers[0], 0, n), [
    1, 0, 0, 0, 0, l2(8) / 10, l2(28) / 6, l2(28) / 6, 0, 0, 1, l2(3) / 4, 0.25, 0, 0.5, 0.7, 0.9,
    l2(9 * 8) / 20, l2(9 * 8 * 784) / 30, 0, 1,
  ], 'stem');
  // stage0 conv: 8 -> 16, 28 -> 14 (k3, pad 1, s2), 2 groups: weights 9 * 8 * 16 / 2 = 576, MACs 576 * 196
  near(layerFeatures(layers[1], 1, n), [
    1, 0, 0, 0, l2(8) / 10, l2(16) / 10, l2(28) / 6, l2(14) / 6, 0, 0, 1, l2(3) / 4, 0.5, l2(2) / 5, 0.7, 0.9, 0.5,
    l2(576) / 20, l2(576 * 196) / 30, 1 / 7, 1,
  ], 'stage0 conv');
  // the add of stage 1 feeds the fc (5 bits); the fc: 16 x 7 x 7 = 784 -> 10, 7-bit weights, reads 5 bits
  near(layerFeatures(layers[6], 6, n), [
    0, 0, 0, 1, l2(16) / 10, l2(16) / 10, l2(7) / 6, l2(7) / 6, 0, 0, 0, 0, 0.25, 0, 0, 0.5, 0.5, 0, 0, 6 / 7, 1,
  ], 'stage1 add');
  near(layerFeatures(layers[7], 7, n), [
    0, 1, 0, 0, l2(784) / 10, l2(10) / 10, 0, 0, 1, 0, 0, 0, 0.25, 0, 0.7, 0.5, 0.5, l2(7840) / 20, l2(7840) / 30, 1, 1,
  ], 'fc');
  near(hardwareFeatures(tokenLayout(mnist), SMALL), [
    l2(128) / 10, 0, 0, 1, 0, l2(6) / 10, 0, 1, 0, 0, l2(1) / 10, 1, 0, l2(2) / 10, 0, 1,
  ], 'hardware');
});

test('tokenLayers equals the resolveNetwork path field by field (both presets, 200 random candidates each)', () => {
  for (const name of ['mnist', 'gibbon-cifar'] as const) {
    const space = spacePreset(name);
    const rng = new Rng(5);
    for (let i = 0; i < 200; i++) {
      const c = space.sample(rng);
      const ref = candidateLayers(space, c);
      const fast = tokenLayers(space, c);
      assert.is(fast.length, ref.length);
      fast.forEach((l, t) => ref[t].type === 'conv' || ref[t].type === 'fc'
        ? assert.equal(l, { type: ref[t].type, inChannels: ref[t].inChannels, outChannels: ref[t].outChannels, inH: ref[t].inH, inW: ref[t].inW, outH: ref[t].outH, outW: ref[t].outW, kernel: ref[t].kernel, stride: ref[t].stride, padding: ref[t].padding, convGroups: ref[t].convGroups, weightBits: ref[t].weightBits, inputBits: ref[t].inputBits, outputBits: ref[t].outputBits, inputs: ref[t].inputs })
        : (near(layerFeatures(l, t, fast.length), layerFeatures(ref[t], t, ref.length), `${name} #${i} layer ${t}`), assert.equal([l.padding, l.inputs], [ref[t].padding, ref[t].inputs])));
    }
  }
});

test('candidateTokens with tile features: the base features, then the layer\'s placement (tiles, first tile, hops of the simulation, NoC time by hand), the presence flag last', () => {
  const F = LAYER_FEATURE_COUNT, FT = layerFeatureCount(1);
  assert.is(FT, F + TILE_FEATURES.length);
  for (const xbar of [32, 256]) {
    const c = { ...SMALL, hardware: { ...SMALL.hardware, 'xbar.size': xbar } };
    const plain = candidateTokens(mnist, c, 0), tiles = candidateTokens(mnist, c, 1);
    const { layers } = tokenNetwork(mnist, c);
    const r = simulated(c), a = mnist.archOf(c);
    const bw = a.tile.interTileBandwidthGbps, clk = 1000 / a.digital.frequencyMHz, pesPerTile = a.tile.peRows * a.tile.peCols;
    assert.is(tiles.count, plain.count);
    for (let t = 0; t < plain.count; t++) {
      const l = layers[t], s = r.layers[t], weighted = l.type === 'conv' || l.type === 'fc';
      const noc = s.hopsOut * (l.outChannels * l.outputBits / bw) + (weighted ? s.hopsIn * (clk + s.colsUsed * Math.min(s.pes, pesPerTile) * l.outputBits / bw) : 0);
      const want = [Math.log2(1 + s.tiles) / 10, Math.log2(1 + s.firstTile) / 12, Math.log2(1 + s.hopsIn) / 7, Math.log2(1 + s.hopsOut) / 7, Math.log2(1 + noc) / 14, Math.log2(1 + l.outH * l.outW * noc) / 24];
      near([...tiles.layers.subarray(t * FT, t * FT + F - 1)], [...plain.layers.subarray(t * F, t * F + F - 1)], `layer ${t} base`);
      near([...tiles.layers.subarray(t * FT + F - 1, t * FT + FT - 1)], want.map(Math.fround), `layer ${t} tiles`);
      assert.is(tiles.layers[t * FT + FT - 1], 1);
    }
  }
  // the crossbar size changes the fc's tiles (784 rows): the tokens depend on the hardware
  const small = candidateTokens(mnist, { ...SMALL, hardware: { ...SMALL.hardware, 'xbar.size': 32 } }, 1).layers;
  const large = candidateTokens(mnist, { ...SMALL, hardware: { ...SMALL.hardware, 'xbar.size': 256 } }, 1).layers;
  assert.ok(small.some((v, i) => v !== large[i]));
});

test('candidateTokens with latency features: after the tile features (if any), the pixel latency, busy time and share of the busiest layer, the presence flag last', () => {
  const F = LAYER_FEATURE_COUNT;
  assert.is(layerFeatureCount(0, 1), F + LATENCY_FEATURES.length);
  assert.is(layerFeatureCount(1, 1), F + TILE_FEATURES.length + LATENCY_FEATURES.length);
  for (const xbar of [32, 256]) {
    const c = { ...SMALL, hardware: { ...SMALL.hardware, 'xbar.size': xbar } };
    const { layers } = tokenNetwork(mnist, c);
    const ns = simulated(c).layers.map((l) => l.pixelLatencyNs);
    const busy = ns.map((v, t) => v * layers[t].outH * layers[t].outW), top = Math.max(...busy);
    const tiles = candidateTokens(mnist, c, 1, 0);
    for (const withTiles of [0, 1]) {
      const FT = layerFeatureCount(withTiles, 1), FB = layerFeatureCount(withTiles, 0);
      const base = candidateTokens(mnist, c, withTiles, 0), lat = candidateTokens(mnist, c, withTiles, 1);
      assert.is(lat.count, layers.length);
      let busiest = 0;
      for (let t = 0; t < lat.count; t++) {
        near([...lat.layers.subarray(t * FT, t * FT + FB - 1)], [...base.layers.subarray(t * FB, t * FB + FB - 1)], `tiles ${withTiles} layer ${t} base`);
        const want = [Math.log2(1 + ns[t]) / 14, Math.log2(1 + busy[t]) / 24, busy[t] / top, Math.max(Math.log2(busy[t] / top), -20) / 20];
        near([...lat.layers.subarray(t * FT + FB - 1, t * FT + FT - 1)], want.map(Math.fround), `tiles ${withTiles} layer ${t} latency`);
        assert.is(lat.layers[t * FT + FT - 1], 1);
        if (lat.layers[t * FT + FB + 1] === 1) busiest++;
      }
      assert.ok(busiest >= 1, 'the busiest layer has share 1');
    }
    assert.is(tiles.layers.length, layers.length * layerFeatureCount(1, 0));
  }
  // the ADC resolution changes every conv's pixel latency (its conversion time), not its tiles
  const adc = (bits: number) => candidateTokens(mnist, { ...SMALL, hardware: { ...SMALL.hardware, 'adc.bits': bits } }, 0, 1).layers;
  const F1 = layerFeatureCount(0, 1);
  assert.ok(adc(4)[F - 1] < adc(10)[F - 1], 'the stem is slower with a 10-bit ADC');
  assert.equal(candidateTokens(mnist, { ...SMALL, hardware: { ...SMALL.hardware, 'adc.bits': 4 } }, 1, 0).layers, candidateTokens(mnist, { ...SMALL, hardware: { ...SMALL.hardware, 'adc.bits': 10 } }, 1, 0).layers);
  assert.is(adc(4).length, 8 * F1);
});

test('tokenizeBatch: zero padding after the last layer, presence flag on real layers only', () => {
  const layout = tokenLayout(mnist);
  const b = tokenizeBatch(mnist, layout, [SMALL]);
  const F = LAYER_FEATURE_COUNT;
  for (let t = 0; t < layout.maxLayers; t++) assert.is(b.layers[t * F + F - 1], t < 8 ? 1 : 0);
  assert.ok(b.layers.subarray(8 * F).every((v) => v === 0));
});

test.run();
