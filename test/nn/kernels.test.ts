// Our kernels and gradients (src/nn/backend.ts, src/nn/ops.ts) on the wasm backend against tfjs's stock
// cpu backend: values and gradients agree to a relative difference of 1e-5 (max |a - b| / max |b|).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { type Pad4, batchNormTrain, conv2d, denseGroupKernel, groupMask, pool2d } from '../../src/nn/ops.ts';
import { assertClose, normals, on } from './helpers.ts';

const TOL = 1e-5;
type Shape4 = [number, number, number, number];
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const explicit = (p: Pad4): [[number, number], [number, number], [number, number], [number, number]] => [[0, 0], [p[0], p[2]], [p[1], p[3]], [0, 0]];

/** A fixed, non-trivial upstream gradient for an output of `shape` (offset so that sums do not cancel out). */
const upstream = (shape: number[]) => tf.tensor(Float32Array.from({ length: size(shape) }, (_, i) => Math.sin(0.37 * i + 1) + 0.3), shape);

const CONV_CASES: { x: Shape4; w: Shape4; s: number; pad: Pad4 }[] = [
  { x: [4, 28, 28, 1], w: [5, 5, 1, 8], s: 1, pad: [2, 2, 2, 2] },      // LeNet conv1
  { x: [3, 14, 14, 8], w: [5, 5, 8, 16], s: 1, pad: [2, 2, 2, 2] },     // LeNet conv2
  { x: [2, 13, 15, 3], w: [4, 4, 3, 5], s: 2, pad: [1, 2, 2, 1] },      // even kernel, asymmetric padding
  { x: [2, 13, 15, 3], w: [3, 3, 3, 5], s: 3, pad: [0, 1, 2, 0] },      // stride 3, rows left unused
  { x: [2, 9, 9, 3], w: [2, 2, 3, 4], s: 2, pad: [0, 0, 1, 1] },
  { x: [2, 8, 8, 2], w: [3, 3, 2, 3], s: 1, pad: [4, 0, 0, 3] },        // padding beyond k - 1
  { x: [1, 7, 7, 2], w: [1, 1, 2, 3], s: 2, pad: [0, 0, 0, 0] },
];

test('Conv2DBackpropFilter kernel (wasm) = cpu kernel, through tfjs\'s own conv2d gradient', async () => {
  for (const [i, c] of CONV_CASES.entries()) {
    const xv = normals(10 + i, size(c.x)), wv = normals(20 + i, size(c.w));
    const run = () => {
      const x = tf.tensor4d(xv, c.x), w = tf.tensor4d(wv, c.w);
      const dy = upstream(tf.conv2d(x, w, c.s, explicit(c.pad)).shape);
      const dw = tf.grad((ww: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, ww as tf.Tensor4D, c.s, explicit(c.pad)), dy)))(w);
      return [dw];
    };
    assertClose(await on('wasm', run), await on('cpu', run), TOL, `case ${i} ${JSON.stringify(c)}`);
  }
});

test('conv2d (fast path: phase-decomposed dx, kernel dW) = cpu stock conv2d: value, dx, dw', async () => {
  for (const [i, c] of CONV_CASES.entries()) {
    const xv = normals(30 + i, size(c.x)), wv = normals(40 + i, size(c.w));
    const run = (path: 'fast' | 'stock') => () => {
      const x = tf.tensor4d(xv, c.x), w = tf.tensor4d(wv, c.w);
      const y = conv2d(x, w, c.s, c.pad, true, path);
      const dy = upstream(y.shape);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad, true, path), dy)))([x, w]);
      return [y, dx, dw];
    };
    assertClose(await on('wasm', run('fast')), await on('cpu', run('stock')), TOL, `case ${i} ${JSON.stringify(c)}`);
  }
});

test('conv2d with needDx = false still gives dw (first layer)', async () => {
  const c = CONV_CASES[0];
  const xv = normals(50, size(c.x)), wv = normals(51, size(c.w));
  const run = (needDx: boolean, path: 'fast' | 'stock') => () => {
    const x = tf.tensor4d(xv, c.x), w = tf.tensor4d(wv, c.w);
    const dy = upstream([c.x[0], 28, 28, 8]);
    return [tf.grad((b: tf.Tensor) => tf.sum(tf.mul(conv2d(x, b as tf.Tensor4D, 1, c.pad, needDx, path), dy)))(w)];
  };
  assertClose(await on('wasm', run(false, 'fast')), await on('cpu', run(true, 'stock')), TOL, 'dw');
});

test('MaxPoolGrad kernel (wasm) = cpu kernel: non-overlapping, overlapping, padded windows', async () => {
  const cases: { x: Shape4; k: number; s: number; pad: 'valid' | 'same' }[] = [
    { x: [3, 28, 28, 8], k: 2, s: 2, pad: 'valid' },
    { x: [2, 7, 9, 3], k: 3, s: 1, pad: 'same' },
    { x: [2, 9, 9, 2], k: 3, s: 2, pad: 'valid' },
    { x: [2, 5, 5, 2], k: 2, s: 2, pad: 'same' },
  ];
  for (const [i, c] of cases.entries()) {
    const xv = normals(60 + i, size(c.x));
    const run = () => {
      const x = tf.tensor4d(xv, c.x);
      const dy = upstream(tf.maxPool(x, c.k, c.s, c.pad).shape);
      return [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, c.k, c.s, c.pad), dy)))(x)];
    };
    assertClose(await on('wasm', run), await on('cpu', run), TOL, `case ${i} ${JSON.stringify(c)}`);
  }
});

test('pool2d padding: max ignores padded positions, avg counts them as 0 (docs/functional.md §2)', async () => {
  const [mx, av] = await on('wasm', () => {
    const x = tf.tensor4d([-1, -2, -3, -4], [1, 2, 2, 1]);
    // every 2x2 window of the padded 4x4 map holds one input and three padded positions
    return [pool2d(x, 'max', 2, 2, [1, 1, 1, 1]), pool2d(x, 'avg', 2, 2, [1, 1, 1, 1])];
  });
  assert.equal(Array.from(mx), [-1, -2, -3, -4]);
  assert.equal(Array.from(av), [-0.25, -0.5, -0.75, -1]);
});

test('batchNormTrain (closed-form backward) = tf.moments + tf.batchNorm on cpu: value, dx, dgamma, dbeta', async () => {
  for (const [i, shape] of ([[4, 6, 5, 3], [8, 1, 1, 4], [3, 28, 28, 8]] as Shape4[]).entries()) {
    const C = shape[3];
    const xv = normals(70 + i, size(shape), 2, 0.5), gv = normals(80 + i, C, 0.3, 1), bv = normals(90 + i, C);
    const run = (path: 'fast' | 'stock') => () => {
      const x = tf.tensor4d(xv, shape), g = tf.tensor1d(gv), b = tf.tensor1d(bv);
      const dy = upstream(shape);
      const f = (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(batchNormTrain(a as tf.Tensor4D, c as tf.Tensor1D, d as tf.Tensor1D, 1e-3, undefined, path), dy));
      return [batchNormTrain(x, g, b, 1e-3, undefined, path), ...tf.grads(f)([x, g, b])];
    };
    assertClose(await on('wasm', run('fast')), await on('cpu', run('stock')), TOL, `shape ${shape}`);
  }
});

test('batchNormTrain reports the batch mean and (biased) variance', async () => {
  let stats: { mean: Float32Array; variance: Float32Array } | undefined;
  await on('wasm', () => [batchNormTrain(tf.tensor4d([1, 2, 3, 6], [2, 1, 2, 1]), tf.ones([1]), tf.zeros([1]), 1e-3, (s) => { stats = s; })]);
  assert.ok(Math.abs(stats!.mean[0] - 3) < 1e-6 && Math.abs(stats!.variance[0] - 3.5) < 1e-5);
});

test('grouped conv (block-diagonal dense kernel) = per-group convs concatenated (cpu): value, dx, dw', async () => {
  const cases: { x: Shape4; k: number; cout: number; g: number; s: number; pad: Pad4 }[] = [
    { x: [2, 9, 9, 4], k: 3, cout: 6, g: 2, s: 1, pad: [1, 1, 1, 1] },
    { x: [2, 8, 8, 6], k: 2, cout: 6, g: 6, s: 2, pad: [0, 0, 1, 1] }, // depthwise, even kernel
  ];
  for (const [i, c] of cases.entries()) {
    const gin = c.x[3] / c.g, gout = c.cout / c.g;
    const wShape: Shape4 = [c.k, c.k, gin, c.cout];
    const xv = normals(100 + i, size(c.x)), wv = normals(110 + i, size(wShape));
    const grouped = (x: tf.Tensor4D, w: tf.Tensor4D) => conv2d(x, denseGroupKernel(w, c.g, groupMask(c.x[3], c.cout, c.g)), c.s, c.pad);
    const reference = (x: tf.Tensor4D, w: tf.Tensor4D) => tf.concat(Array.from({ length: c.g }, (_, g) =>
      tf.conv2d(tf.slice(x, [0, 0, 0, g * gin], [-1, -1, -1, gin]), tf.slice(w, [0, 0, 0, g * gout], [-1, -1, -1, gout]), c.s, explicit(c.pad))), 3) as tf.Tensor4D;
    const run = (f: typeof grouped) => () => {
      const x = tf.tensor4d(xv, c.x), w = tf.tensor4d(wv, wShape);
      const y = f(x, w);
      const dy = upstream(y.shape);
      return [y, ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D), dy)))([x, w])];
    };
    assertClose(await on('wasm', run(grouped)), await on('cpu', run(reference)), TOL, `case ${i} ${JSON.stringify(c)}`);
  }
});

test.run();
