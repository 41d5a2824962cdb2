// Supernet training split into per-sub-network gradients (src/nn/step-gradients.ts) and spread over helper
// threads (src/node/grad-helpers.ts): the step's gradient is the single backward pass's to the bit, and the
// trained weights do not depend on the number of threads.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import './helpers.ts';
import { loadDataset } from '../../src/node/dataset-files.ts';
import { spacePreset } from '../../src/space/presets.ts';
import { Supernet, largestCandidate, smallestCandidate, trainSupernet, type SupernetState } from '../../src/nn/supernet.ts';
import { shareSubnets, subnetGradients, sumStepGradients, trainingCost } from '../../src/nn/step-gradients.ts';
import { startGradientHelpers } from '../../src/node/grad-helpers.ts';
import { batchLabels, batchPixels } from '../../src/nn/data.ts';
import { crossEntropy, distillationLoss, softmaxRows } from '../../src/nn/ops.ts';
import { Rng } from '../../src/util/rng.ts';

const space = spacePreset('mnist');
const ds = await loadDataset('mnist');

const bits = (a: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(a).buffer));

test('the summed per-sub-network gradients equal one backward pass over the summed loss, bit for bit (plain and distilled)', () => {
  const sn = new Supernet(space, 2);
  const rng = new Rng(9);
  const subnets = [largestCandidate(space), smallestCandidate(space), space.sample(rng), space.sample(rng)];
  const idx = Array.from({ length: 16 }, (_, i) => 100 + i);
  const x = tf.tensor4d(batchPixels(ds.train, space.spec.input, idx), [16, 28, 28, 1]);
  const labels = batchLabels(ds.train, idx);
  const vars = sn.variables();
  for (const distill of [0, 1]) {
    // the reference: the whole step as one graph, as trainSupernet computed it before the split
    let teacher: Float32Array | undefined;
    const ref = tf.variableGrads(() => {
      let sum: tf.Scalar | undefined;
      subnets.forEach((c, k) => {
        const logits = sn.forward(c, x);
        if (k === 0) teacher = softmaxRows(logits.dataSync(), 10);
        const l = k === 0 || distill === 0 ? crossEntropy(logits, labels) : distillationLoss(logits, teacher!);
        sum = sum ? tf.add(sum, l) : l;
      });
      return sum!;
    }, vars);
    const per = subnets.map((c, k) => subnetGradients(sn, c, x, labels, { quant: true, largest: k === 0, distill, teacher }).grads);
    const summed = tf.tidy(() => sumStepGradients(vars, per).map((g) => g.tensor.dataSync().slice()));
    let compared = 0;
    vars.forEach((v, i) => {
      const r = ref.grads[v.name];
      if (!r) { assert.ok(summed[i].every((g) => g === 0), `${v.name}: used by no sub-network, so zeros`); return; }
      assert.equal(bits(summed[i]), bits(r.dataSync()), `distill ${distill}, ${v.name}`);
      compared++;
    });
    assert.ok(compared >= 23, `the largest alone uses 23 weight tensors; compared ${compared}`);
    ref.value.dispose();
    Object.values(ref.grads).forEach((t) => t.dispose());
    per.flat().forEach((t) => t?.dispose());
  }
  x.dispose();
  sn.dispose();
});

test('shareSubnets: the largest stays on thread 0; the rest longest first to the least-loaded thread', () => {
  // costs 10 | 1, 6, 5, 4: thread 0 holds 10; 6 -> t1 (6), 5 -> t2 (5), 4 -> t2 (9), 1 -> t1 (7)
  assert.equal(shareSubnets([10, 1, 6, 5, 4], 3), [[0], [1, 2], [3, 4]]);
  assert.equal(shareSubnets([10, 1, 6, 5], 1), [[0, 1, 2, 3]]);
  // a free largest (distillation: it runs before the others) takes a share of the rest on thread 0
  // (4 -> t0, a tie goes to the lower thread; 3 -> t1; 2 -> t1, 3 < 4)
  assert.equal(shareSubnets([0, 2, 3, 4], 2), [[0, 3], [1, 2]]);
  // helpers that start loaded (the teacher's forward): 10 | 1, 6, 5, 4 with 3 on each helper:
  // 6 -> t1 (9), 5 -> t2 (8), 4 -> t2 (12), 1 -> t1 (10)
  assert.equal(shareSubnets([10, 1, 6, 5, 4], 3, 3), [[0], [1, 2], [3, 4]]);
  // with 5 on the one helper: 6 -> t1 (11), 5 -> t0 (15), 4 -> t1 (15), 1 -> t0 (a tie: 16)
  assert.equal(shareSubnets([10, 1, 6, 5, 4], 2, 5), [[0, 1, 3], [2, 4]]);
  // the cost grows with the network: the largest costs most, the smallest least
  const L = trainingCost(space, largestCandidate(space)), S = trainingCost(space, smallestCandidate(space));
  const rng = new Rng(4);
  for (let i = 0; i < 20; i++) { const c = trainingCost(space, space.sample(rng)); assert.ok(c > S && c <= L, `cost ${c} within (${S}, ${L}]`); }
});

const digest = (st: SupernetState) => {
  const h = createHash('sha256');
  for (const w of [...st.weights, ...st.optimizer]) h.update(new Uint8Array(w.buffer, w.byteOffset, w.byteLength));
  return h.digest('hex');
};

test('trained on 1, 2 and 3 threads: the same weights and optimizer state, bit for bit (plain, and distilled: the helpers compute the teacher themselves)', async () => {
  for (const distill of [0, 0.5, 1]) {
    const seen: string[] = [];
    for (const threads of [1, 2, 3]) {
      const helpers = await startGradientHelpers(space.spec, threads - 1);
      try {
        const sn = new Supernet(space, 1);
        const st = await trainSupernet(sn, ds.train, { epochs: 2, limit: 192, batchSize: 32, seed: 5, distill, helpers });
        seen.push(digest(st));
        sn.dispose();
      } finally {
        await Promise.all(helpers.map((h) => h.close()));
      }
    }
    assert.is(new Set(seen).size, 1, `distill ${distill}: ${seen.join(' ')}`);
  }
});

test('a closed helper fails the step in one line, not a hang', async () => {
  const [helper] = await startGradientHelpers(space.spec, 1);
  await helper.close();
  const sn = new Supernet(space, 1);
  try {
    await trainSupernet(sn, ds.train, { epochs: 1, limit: 64, batchSize: 32, seed: 5, helpers: [helper] });
    assert.unreachable('trained with a dead helper');
  } catch (e) {
    assert.instance(e, Error);
    assert.not.match((e as Error).message, /\n/);
  } finally {
    sn.dispose();
  }
});

test.run();
