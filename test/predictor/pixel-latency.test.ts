// The TypeScript pixel latency (src/predictor/pixel-latency.ts) against the hardware simulator's per-layer
// records: every layer's steady per-output-pixel latency (pixelLatencyNs), on random candidates of both
// presets, and the layer-by-layer schedule's on a few.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadSimulatorNode } from '../../src/node/simulator.ts';
import { InThreadPool } from '../../src/pool/eval-pool.ts';
import { spacePreset } from '../../src/space/presets.ts';
import { simJobOf, simulateFitting } from '../../src/evaluate/gibbon-evaluator.ts';
import { sampleDistinct } from '../../src/predictor/labels.ts';
import { tokenNetwork } from '../../src/predictor/tokens.ts';
import { layerPlacements } from '../../src/predictor/tile-map.ts';
import { layerPixelLatencies, pixelArchOf } from '../../src/predictor/pixel-latency.ts';
import type { SimResult } from '../../src/hw/types.ts';

const sim = await loadSimulatorNode();
const pool = new InThreadPool(sim);
const TOLERANCE = 1e-9;

function compare(name: string, r: SimResult, mine: Float64Array, where: string): number {
  assert.is(mine.length, r.layers.length, `${where}: layers`);
  let worst = 0;
  r.layers.forEach((l, k) => {
    const rel = Math.abs(mine[k] - l.pixelLatencyNs) / l.pixelLatencyNs;
    worst = Math.max(worst, rel);
    if (!(rel <= TOLERANCE)) assert.unreachable(`${name} ${where} layer ${k} (${l.type}): TypeScript ${mine[k]} ns, simulator ${l.pixelLatencyNs} ns`);
  });
  return worst;
}

for (const name of ['mnist', 'gibbon-cifar'] as const) {
  test(`${name}: each layer's steady pixel latency equals the simulator's pixelLatencyNs to 1e-9 (300 random candidates)`, async () => {
    const space = spacePreset(name);
    const cs = sampleDistinct(space, 300, 37, 'pixel-latency-test');
    const results = await simulateFitting(pool, cs.map((c) => simJobOf(space, c)), 'full');
    let checked = 0, worst = 0;
    const types = new Set<string>();
    results.forEach((r, i) => {
      if (r === undefined) return;
      const { layers, inputs } = tokenNetwork(space, cs[i]);
      const a = pixelArchOf(space.archOf(cs[i]));
      const mine = layerPixelLatencies(a, layers, inputs, layerPlacements(a, layers, inputs));
      worst = Math.max(worst, compare(name, r, mine, `#${i}`));
      r.layers.forEach((l) => types.add(l.type));
      checked++;
    });
    assert.ok(checked >= 200, `${checked} candidates fit`);
    assert.ok(types.has('conv') && types.has('fc') && types.has('add'), `layer types seen: ${[...types].join(', ')}`);
    if (name === 'gibbon-cifar') assert.ok(types.has('pool'), `gibbon-cifar has a global pool; seen: ${[...types].join(', ')}`);
    assert.ok(worst <= TOLERANCE, `worst relative error ${worst}`);
  });
}

test('layer by layer (no pipeline) and the mnsim-2.0 model switches: the same agreement on 40 gibbon-cifar candidates', async () => {
  const space = spacePreset('gibbon-cifar');
  const cs = sampleDistinct(space, 40, 41, 'pixel-latency-test-modes');
  for (const [model, pipeline] of [['gibbon', false], ['mnsim-2.0', true], ['mnsim-2.0', false]] as const) {
    const jobs = cs.map((c) => { const j = simJobOf(space, c, model); return { ...j, options: { ...j.options, pipeline } }; });
    const results = await simulateFitting(pool, jobs, 'full');
    let checked = 0;
    results.forEach((r, i) => {
      if (r === undefined) return;
      const { layers, inputs } = tokenNetwork(space, cs[i]);
      const switches = model === 'gibbon' ? undefined : 0;
      const a = pixelArchOf(space.archOf(cs[i]), switches, pipeline);
      // the placement does not depend on the switches the mapping ignores, but the weight slices do
      const mine = layerPixelLatencies(a, layers, inputs, layerPlacements(a, layers, inputs));
      compare(`${model} pipeline ${pipeline}`, r, mine, `#${i}`);
      checked++;
    });
    assert.ok(checked >= 20, `${model}, pipeline ${pipeline}: ${checked} candidates fit`);
  }
});

test.run();
