// The weight-sharing supernet: sub-network forwards (shapes, gradients, kernel crops), sandwich training,
// and checkpoint + resume that continues bit-identically.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import './helpers.ts';
import { loadDataset } from '../../src/node/dataset-files.ts';
import { spacePreset } from '../../src/space/presets.ts';
import { toModelSkeleton } from '../../src/space/convert.ts';
import { Supernet, largestCandidate, smallestCandidate, trainSupernet, type SupernetState } from '../../src/nn/supernet.ts';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSupernetState, saveSupernet } from '../../src/node/supernet-files.ts';
import { argmaxRows, netLogits } from '../../src/nn/data.ts';
import { crossEntropy, distillationLoss, softmaxRows } from '../../src/nn/ops.ts';
import { Rng } from '../../src/util/rng.ts';
import type { Candidate } from '../../src/space/types.ts';

const space = spacePreset('mnist');
const ds = await loadDataset('mnist');

test('largest and smallest mnist sub-networks: logits [B, 10], every used weight gets a gradient', () => {
  const sn = new Supernet(space, 1);
  const x = tf.tensor4d(new Float32Array(3 * 28 * 28).map((_, i) => ((i * 37) % 255) / 255), [3, 28, 28, 1]);
  const L = largestCandidate(space), S = smallestCandidate(space);
  assert.is(toModelSkeleton(space, L).layers.length, 12);
  assert.is(toModelSkeleton(space, S).layers.length, 8);
  assert.equal([S.stem.outChannels, S.stem.kernel, S.stages[0].blocks, S.stages[0].convs[0][0].convGroups], [8, 1, 1, 8]);
  for (const [c, grads] of [[L, 23], [S, 17]] as [Candidate, number][]) {
    const y = tf.tidy(() => Array.from(sn.forward(c, x).dataSync()));
    assert.is(y.length, 30);
    assert.ok(y.every(Number.isFinite));
    const { value, grads: g } = tf.variableGrads(() => tf.sum(sn.forward(c, x)) as tf.Scalar, sn.variables());
    assert.is(Object.keys(g).length, grads);
    for (const [name, t] of Object.entries(g)) assert.ok(tf.max(tf.abs(t)).dataSync()[0] > 0, `${name}: zero gradient`);
    value.dispose();
    Object.values(g).forEach((t) => t.dispose());
  }
  x.dispose();
  sn.dispose();
});

test('kernel sharing: 1x1 is the centre tap, 2x2 takes the taps its pad side lines up with; groups mask the dense kernel', () => {
  const sn = new Supernet(space, 3);
  const base = largestCandidate(space);
  const w3 = sn.slots.get('stage0.block0.conv0')!.w.arraySync() as number[][][][];
  // a candidate whose stage0.block0.conv0 has this kernel and groups; even kernels get the pad side drawn
  // from `seed` (space.repair redraws it)
  const conv = (kernel: number, convGroups = 1, seed = 1) => {
    const c = structuredClone(base) as Candidate;
    c.seed = seed;
    c.stages[0].convs[0][0] = { ...c.stages[0].convs[0][0], kernel, convGroups };
    return space.repair(c);
  };
  const sk = (c: Candidate) => toModelSkeleton(space, c).layers.find((l) => l.name === 'stage0.block0.conv0') as Extract<ReturnType<typeof toModelSkeleton>['layers'][number], { type: 'conv' }>;
  const k1 = tf.tidy(() => sn.convKernel(sk(conv(1))).arraySync()) as number[][][][];
  assert.is(k1[0][0][5][7], w3[1][1][5][7]);
  const sides = new Set<number>();
  for (let seed = 1; seed <= 20 && sides.size < 2; seed++) {
    const l2 = sk(conv(2, 1, seed));
    sides.add(l2.padding[0]);
    // padSide 0 pads [0,0,1,1]: taps 1..2 of the 3x3; padSide 1 pads [1,1,0,0]: taps 0..1
    const off = l2.padding[0] === 1 ? 0 : 1;
    const k2 = tf.tidy(() => sn.convKernel(l2).arraySync()) as number[][][][];
    for (const [i, j] of [[0, 0], [0, 1], [1, 0], [1, 1]]) assert.is(k2[i][j][3][4], w3[i + off][j + off][3][4]);
  }
  assert.is(sides.size, 2, 'both pad sides seen');
  const g = sk(conv(3, 4));
  const kg = tf.tidy(() => sn.convKernel(g).arraySync()) as number[][][][];
  // 16 -> 32 in 4 groups: input 5 (group 1) feeds outputs 8..15 only
  assert.is(kg[1][1][5][9], w3[1][1][5][9]);
  assert.is(kg[1][1][5][0], 0);
  assert.is(kg[1][1][5][20], 0);
  sn.dispose();
});

function sameWeights(a: Float32Array[], b: Float32Array[]): boolean {
  return a.length === b.length && a.every((x, i) => x.length === b[i].length && x.every((v, j) => Object.is(v, b[i][j])));
}

test('distillationLoss: soft cross-entropy and its gradient, worked by hand', () => {
  // row 0: softmax(0, ln 3) = (1/4, 3/4) against (1/2, 1/2): -(ln(1/4) + ln(3/4)) / 2 = ln(16/3) / 2
  // row 1: softmax(ln 2, 0) = (2/3, 1/3) against (1, 0): -ln(2/3) = ln(3/2)
  const z = tf.tensor2d([[0, Math.log(3)], [Math.log(2), 0]]);
  const p = new Float32Array([0.5, 0.5, 1, 0]);
  const loss = distillationLoss(z, p).dataSync()[0];
  assert.ok(Math.abs(loss - (Math.log(16 / 3) / 2 + Math.log(1.5)) / 2) < 1e-6, `loss ${loss}`);
  // d/dz = (softmax(z) - p) / B: row 0 (-1/8, 1/8), row 1 (-1/6, 1/6)
  const g = tf.grad((t: tf.Tensor) => distillationLoss(t as tf.Tensor2D, p))(z).dataSync();
  [-1 / 8, 1 / 8, -1 / 6, 1 / 6].forEach((v, i) => assert.ok(Math.abs(g[i] - v) < 1e-6, `grad ${i}: ${g[i]} != ${v}`));
  // a one-hot teacher is the hard-label cross-entropy
  const hard = crossEntropy(z, new Int32Array([1, 0])).dataSync()[0];
  assert.ok(Math.abs(distillationLoss(z, new Float32Array([0, 1, 1, 0])).dataSync()[0] - hard) < 1e-6);
  z.dispose();
});

test('softmaxRows: (0, ln 3) -> (1/4, 3/4); large logits do not overflow', () => {
  const s = softmaxRows([0, Math.log(3), 1000, 1000], 2);
  [0.25, 0.75, 0.5, 0.5].forEach((v, i) => assert.ok(Math.abs(s[i] - v) < 1e-7, `${i}: ${s[i]}`));
});

test('distill option: out of [0, 1] is refused naming the field; a pre-distillation checkpoint resumes with distill 0', async () => {
  const sn = new Supernet(space, 2);
  try {
    await trainSupernet(sn, ds.train, { epochs: 1, limit: 8, distill: 1.5 });
    assert.unreachable('distill 1.5 accepted');
  } catch (e) {
    assert.match((e as Error).message, /distill: got 1\.5; allowed: a number in \[0, 1\]/);
  }
  const opts = { epochs: 2, limit: 48, batchSize: 48, seed: 3, randomSubnets: 1, distill: 0 };
  const straight = await trainSupernet(sn, ds.train, opts);
  const b = new Supernet(space, 2);
  const first = await trainSupernet(b, ds.train, { ...opts, stopAfter: 1 });
  delete first.options.distill; // as written before in-place distillation existed
  const resumed = await trainSupernet(b, ds.train, { ...opts, distill: 1 }, first);
  assert.ok(sameWeights(resumed.weights, straight.weights), 'an old checkpoint resumed with another recipe');
  assert.is(resumed.options.distill, 0);
  sn.dispose();
  b.dispose();
});

test('smallest: false: the step is the largest and the random ones (with none, the largest alone); recorded only when false; resumed with it', async () => {
  const opts = { epochs: 2, limit: 96, batchSize: 48, seed: 5 };
  const run = async (o: Parameters<typeof trainSupernet>[2], resume?: SupernetState) => {
    const sn = new Supernet(space, 2);
    try { return await trainSupernet(sn, ds.train, o, resume); } finally { sn.dispose(); }
  };
  // two code paths to the same steps: no smallest and no random sub-networks is the largest trained alone
  const alone = await run({ ...opts, largestOnly: true, randomSubnets: 0 });
  const noSmall = await run({ ...opts, smallest: false, randomSubnets: 0 });
  assert.ok(sameWeights(noSmall.weights, alone.weights), 'smallest: false with no random sub-networks should train the largest alone');
  assert.is(noSmall.options.smallest, false);
  assert.not.ok('smallest' in alone.options, 'the default is not written (older checkpoints read the same)');
  // with random sub-networks it differs from the sandwich, and a checkpoint resumes with it
  const straight = await run({ ...opts, smallest: false, randomSubnets: 1 });
  const sandwich = await run({ ...opts, randomSubnets: 1 });
  assert.not.ok(sameWeights(straight.weights, sandwich.weights));
  const first = await run({ ...opts, smallest: false, randomSubnets: 1, stopAfter: 1 });
  const resumed = await run({ ...opts }, first); // the checkpoint's recipe wins
  assert.ok(sameWeights(resumed.weights, straight.weights), 'resume lost smallest: false');
});

for (const distill of [1, 0.5]) test(`checkpoint (distill ${distill}): 2 epochs straight = 1 epoch, checkpoint file, resume, 1 more (bit-identical weights)`, async () => {
  const opts = { epochs: 2, limit: 96, batchSize: 48, seed: 5, randomSubnets: 1, distill };
  const a = new Supernet(space, 2);
  const straight = await trainSupernet(a, ds.train, opts);
  assert.is(straight.epoch, 2);
  const b = new Supernet(space, 2);
  const dir = mkdtempSync(join(tmpdir(), 'gibbon-sn-'));
  await trainSupernet(b, ds.train, { ...opts, stopAfter: 1, onEpoch: (s) => saveSupernet(dir, s) });
  b.dispose();
  assert.equal(readdirSync(dir).sort(), ['supernet.ckpt', 'supernet.json']); // no temporary file left
  const state: SupernetState = loadSupernetState(dir);
  rmSync(dir, { recursive: true });
  assert.is(state.epoch, 1);
  const c = new Supernet(space, 99); // the weights come from the checkpoint
  const resumed = await trainSupernet(c, ds.train, opts, state);
  assert.is(resumed.epoch, 2);
  assert.ok(sameWeights(resumed.weights, straight.weights), 'weights differ after resume');
  assert.ok(sameWeights(resumed.optimizer, straight.optimizer), 'optimizer state differs after resume');
  assert.equal(resumed.history.map((h) => h.loss), straight.history.map((h) => h.loss));
  a.dispose();
  c.dispose();
});

test('sub-network as a Net: same float logits as the supernet forward with batch statistics', () => {
  const sn = new Supernet(space, 4);
  const cand = space.sample(new Rng(7));
  const net = sn.subnetNet(cand);
  const idx = [0, 1, 2, 3, 4, 5, 6, 7];
  const a = netLogits(net, ds.train, idx, 8, 'bn-stats');
  net.endBnRecalibration();
  const b = tf.tidy(() => {
    const px = new Float32Array(8 * 784);
    for (let i = 0; i < 8 * 784; i++) px[i] = ds.train.images[i] / 255;
    return sn.forward(cand, tf.tensor4d(px, [8, 28, 28, 1]), { quant: false }).dataSync();
  });
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  assert.ok(d < 1e-3, `max |diff| ${d}`);
  assert.equal(Array.from(argmaxRows(a, 10)), Array.from(argmaxRows(b, 10)));
  net.dispose();
  sn.dispose();
});

test.run();
