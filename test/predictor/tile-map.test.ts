// The TypeScript mapping (src/predictor/tile-map.ts) against the hardware simulator's per-layer records:
// PEs, rows and columns used, tiles, first tile and hops of every layer, on random candidates of both presets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadSimulatorNode } from '../../src/node/simulator.ts';
import { InThreadPool } from '../../src/pool/eval-pool.ts';
import { spacePreset } from '../../src/space/presets.ts';
import { simJobOf, simulateFitting } from '../../src/evaluate/gibbon-evaluator.ts';
import { sampleDistinct } from '../../src/predictor/labels.ts';
import { tokenNetwork } from '../../src/predictor/tokens.ts';
import { layerPlacements, tileArchOf } from '../../src/predictor/tile-map.ts';

const sim = await loadSimulatorNode();
const pool = new InThreadPool(sim);

for (const name of ['mnist', 'gibbon-cifar'] as const) {
  test(`${name}: PEs, rows and columns used, tiles, first tile and hops equal the simulator's per-layer records (300 random candidates)`, async () => {
    const space = spacePreset(name);
    const cs = sampleDistinct(space, 300, 31, 'tile-map-test');
    const results = await simulateFitting(pool, cs.map((c) => simJobOf(space, c)), 'full');
    let checked = 0;
    results.forEach((r, i) => {
      if (r === undefined) return;
      const { layers, inputs } = tokenNetwork(space, cs[i]);
      const mine = layerPlacements(tileArchOf(space.archOf(cs[i])), layers, inputs);
      assert.equal(mine, r.layers.map((l) => ({ pes: l.pes, rowsUsed: l.type === 'conv' || l.type === 'fc' ? l.rowsUsed : 0, colsUsed: l.type === 'conv' || l.type === 'fc' ? l.colsUsed : 0, tiles: l.tiles, firstTile: l.firstTile, hopsIn: l.hopsIn, hopsOut: l.hopsOut })), `${name} #${i}`);
      checked++;
    });
    assert.ok(checked >= 200, `${checked} candidates fit`);
  });
}

test.run();
