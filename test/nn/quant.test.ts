// Fake quantization on the project's grid (docs/functional.md §1): T(n) = 2^(n-1) - 1, rounding half away
// from zero, per-output-channel weight scales, non-negative activations after ReLU, straight-through
// gradients; and the exactness of folding batch norm after per-channel quantization.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { fakeQuantAct, fakeQuantWeights, gridTop, quantizeWeights, rhaT } from '../../src/nn/ops.ts';
import { inputScale } from '../../src/nn/net.ts';
import { quantizeInputs } from '../../src/nn/export.ts';
import { normals, on } from './helpers.ts';

test('gridTop is T(n) = 2^(n-1) - 1; the input scale is 1/255 from 9 bits up, else 1/T(a)', () => {
  assert.equal([2, 5, 8, 9, 16].map(gridTop), [1, 15, 127, 255, 32767]);
  assert.is(inputScale(9), 1 / 255);
  assert.is(inputScale(12), 1 / 255);
  assert.is(inputScale(5), 1 / 15);
});

test('rha rounds half away from zero (tf.round would round half to even)', async () => {
  const [r] = await on('wasm', () => [rhaT(tf.tensor1d([2.5, -2.5, 1.5, 0.5, -0.5, 0.49, -1.2]))]);
  assert.equal(Array.from(r), [3, -3, 2, 1, -1, 0, -1]);
});

test('weights: per output channel, scale = max|w| / T, integers clamp(rha(w / scale)) in [-T, T]', async () => {
  // [in 5, out 2]; column 0 has max 3 (3 bits: T = 3, scale 1), column 1 max 0.6 (scale 0.2)
  const w = [2.5, 0.1, -2.5, -0.6, 1.5, 0.3, 0.5, 0.0, -3, 0.5];
  const [q, s, fq] = await on('wasm', () => {
    const t = tf.tensor2d(w, [5, 2]);
    const { q, scale } = quantizeWeights(t, 3);
    return [q, scale, fakeQuantWeights(t, 3)];
  });
  assert.equal(Array.from(q), [3, 1, -3, -3, 2, 2, 1, 0, -3, 3]);
  assert.ok(Math.abs(s[0] - 1) < 1e-7 && Math.abs(s[1] - 0.2) < 1e-7);
  assert.ok(Array.from(fq).every((v, i) => Math.abs(v - q[i] * s[i % 2]) < 1e-6));
});

test('an all-zero channel gets scale 1 and zeros', async () => {
  const [q, s] = await on('wasm', () => { const r = quantizeWeights(tf.tensor2d([0, 1.1, 0, -2], [2, 2]), 5); return [r.q, r.scale]; });
  assert.equal(Array.from(q), [0, 8, 0, -15]);
  assert.equal(Array.from(s), [1, Math.fround(2 / 15)]);
});

test('weights: straight-through gradient (identity)', async () => {
  const [g] = await on('wasm', () => [tf.grad((x: tf.Tensor) => tf.sum(tf.mul(fakeQuantWeights(x, 4), tf.tensor1d([1, 2, 3]))))(tf.tensor1d([0.3, -1, 0.77]))]);
  assert.equal(Array.from(g), [1, 2, 3]);
});

test('activations: unsigned (after ReLU) and signed grids, gradient 0 where clipped at the top', async () => {
  // unsigned grids follow a ReLU, whose own gradient is 0 below 0: the quantizer masks only the top
  const x = [-1, 0.2, 0.25, 0.74, 1.4, 2];
  const [u, gu, sgn, gs] = await on('wasm', () => {
    const t = tf.tensor1d(x);
    return [
      fakeQuantAct(t, 0.5, 3, false), tf.grad((a: tf.Tensor) => tf.sum(fakeQuantAct(a, 0.5, 3, false)))(t),
      fakeQuantAct(t, 0.5, 3, true), tf.grad((a: tf.Tensor) => tf.sum(fakeQuantAct(a, 0.5, 3, true)))(t),
    ];
  });
  assert.equal(Array.from(u), [0, 0, 0.5, 0.5, 1.5, 1.5]);
  assert.equal(Array.from(gu), [1, 1, 1, 1, 1, 0]);
  assert.equal(Array.from(sgn), [-1, 0, 0.5, 0.5, 1.5, 1.5]);
  assert.equal(Array.from(gs), [1, 1, 1, 1, 1, 0]);
});

test('folding a per-channel factor a after quantization is exact: q(w*a) = sign(a) q(w), scale(w*a) = |a| scale(w)', async () => {
  const cout = 8, n = 5 * 5 * 4 * cout;
  const wv = normals(7, n, 0.1);
  const a = [0.3, 2.7, -1.4, 11, 0.05, -0.9, 1, 4.2];
  const [q, s, qa, sa] = await on('wasm', () => {
    const w = tf.tensor4d(wv, [5, 5, 4, cout]);
    const r = quantizeWeights(w, 6), ra = quantizeWeights(tf.mul(w, tf.tensor1d(a)), 6);
    return [r.q, r.scale, ra.q, ra.scale];
  });
  let mismatches = 0;
  for (let i = 0; i < n; i++) if (qa[i] !== Math.sign(a[i % cout]) * q[i] + 0) mismatches++;
  assert.is(mismatches, 0);
  for (let c = 0; c < cout; c++) assert.ok(Math.abs(sa[c] - Math.abs(a[c]) * s[c]) <= 1e-6 * sa[c]);
});

test('quantizeInputs: bytes exactly at 9 bits (scale 1/255), rha(byte * 15 / 255) at 5 bits', () => {
  const split = { count: 1, images: Uint8Array.from([0, 8, 9, 17, 128, 255]), labels: Uint8Array.from([0]) };
  const spec = (bits: number) => ({ channels: 1, height: 2, width: 3, bits, scale: inputScale(bits), signed: false });
  assert.equal(Array.from(quantizeInputs(split, 1, spec(9))), [0, 8, 9, 17, 128, 255]);
  assert.equal(Array.from(quantizeInputs(split, 1, spec(5))), [0, 0, 1, 1, 8, 15]);
});

test.run();
