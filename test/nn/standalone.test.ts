// Stand-alone training of one candidate (src/nn/standalone.ts) and Kendall's tau-b on hand-worked examples.
import * as tf from '@tensorflow/tfjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import './helpers.ts';
import { loadDataset } from '../../src/node/dataset-files.ts';
import { spacePreset } from '../../src/space/presets.ts';
import { Supernet, smallestCandidate } from '../../src/nn/supernet.ts';
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

test('trainStandalone from a supernet: only the candidate\'s slots move; steps cap the run', async () => {
  const space = spacePreset('mnist');
  const ds = await loadDataset('mnist');
  const c = smallestCandidate(space);
  const donor = new Supernet(space, 9);
  const from = donor.weights();
  donor.dispose();
  // limit 128 at batch 64: 2 steps per epoch; 3 steps run epoch 1 whole and one step of epoch 2
  const t = trainStandalone(space, c, ds.train, { epochs: 1, steps: 3, limit: 128, seed: 3, from });
  const w = t.supernet.weights();
  const names = [...t.supernet.slots.keys()];
  const used = new Set<string>();
  tf.tidy(() => { t.supernet.forward(c, tf.zeros([1, 28, 28, 1]) as tf.Tensor4D, { quant: false }, used); });
  let k = 0, moved = 0, kept = 0;
  for (const name of names) {
    const n = t.supernet.slots.get(name)!.kind === 'conv' ? 3 : 2; // conv: w, gamma, beta; fc: w, bias
    for (let j = 0; j < n; j++, k++) {
      const same = w[k].every((v, i) => v === from[k][i]);
      if (used.has(name)) { if (!same) moved++; } else { assert.ok(same, `${name}: a slot the candidate does not use changed`); kept++; }
    }
  }
  assert.ok(moved > 0 && kept > 0, `moved ${moved}, kept ${kept}`);
  assert.is(t.history.length, 2);
  t.supernet.dispose();
  // a step cap equal to whole epochs is the same run as those epochs (the cosine schedule spans the same steps)
  const a = trainStandalone(space, c, ds.train, { epochs: 1, steps: 2, limit: 128, seed: 3, from });
  const b = trainStandalone(space, c, ds.train, { epochs: 1, limit: 128, seed: 3, from });
  assert.equal(a.supernet.weights(), b.supernet.weights());
  a.supernet.dispose(); b.supernet.dispose();
  assert.throws(() => trainStandalone(space, c, ds.train, { epochs: 1, steps: 0, from }), /standalone: steps: got 0; allowed: an integer >= 1/);
});

test.run();
