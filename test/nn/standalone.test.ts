// Stand-alone training of one candidate (src/nn/standalone.ts) and Kendall's tau-b on hand-worked examples.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import './helpers.ts';
import { loadDataset } from '../../src/node/dataset-files.ts';
import { spacePreset } from '../../src/space/presets.ts';
import { smallestCandidate } from '../../src/nn/supernet.ts';
import { kendallTauB, trainStandalone } from '../../src/nn/standalone.ts';

test('kendallTauB: hand-worked examples', () => {
  // a = [1,2,3,4], b = [2,1,4,3]: pairs (0,1) D, (0,2) C, (0,3) C, (1,2) C, (1,3) C, (2,3) D -> (4-2)/6
  assert.ok(Math.abs(kendallTauB([1, 2, 3, 4], [2, 1, 4, 3]) - 1 / 3) < 1e-12);
  // with ties: a = [1,2,2,3], b = [1,3,2,2]:
  // (0,1) C, (0,2) C, (0,3) C, (1,2) tie in a, (1,3) D, (2,3) tie in b: C=3, D=1, n0=6, tiesA=1, tiesB=1
  // tau-b = (3-1)/sqrt(5*5) = 0.4
  assert.ok(Math.abs(kendallTauB([1, 2, 2, 3], [1, 3, 2, 2]) - 0.4) < 1e-12);
  assert.is(kendallTauB([1, 2, 3], [3, 2, 1]), -1);
  assert.is(kendallTauB([1, 2, 3], [10, 20, 30]), 1);
  assert.ok(Number.isNaN(kendallTauB([1, 1, 1], [1, 2, 3])));
  assert.throws(() => kendallTauB([1, 2], [1]));
});

test('trainStandalone: deterministic, trains only the candidate', async () => {
  const space = spacePreset('mnist');
  const ds = await loadDataset('mnist');
  const c = smallestCandidate(space);
  const runs = [1, 2].map(() => trainStandalone(space, c, ds.train, { epochs: 2, limit: 128, seed: 3 }));
  const w = runs.map((r) => r.supernet.weights());
  assert.equal(w[0], w[1]);
  assert.is(runs[0].history.length, 2);
  assert.ok(runs[0].history.every((h) => Number.isFinite(h.loss)));
  runs.forEach((r) => r.supernet.dispose());
});

test.run();
