// Shared helpers of the nn tests: the backends, seeded arrays, and a wasm-vs-cpu comparison.
import * as tf from '@tensorflow/tfjs';
import * as assert from 'uvu/assert';
import { setupTfjs } from '../../src/node/tfjs-setup.ts';
import { useBackend } from '../../src/nn/backend.ts';
import { Rng } from '../../src/util/rng.ts';

await setupTfjs('wasm');

/** n normal values (times `scale`, plus `offset`) from a seeded stream. */
export function normals(seed: number, n: number, scale = 1, offset = 0): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.normal() * scale + offset);
}

/** max |a - b| / max |b|: the relative difference of two results. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let d = 0, m = 0;
  for (let i = 0; i < a.length; i++) { d = Math.max(d, Math.abs(a[i] - b[i])); m = Math.max(m, Math.abs(b[i])); }
  return m === 0 ? d : d / m;
}

/** Runs `f` (which returns tensors) under tidy on a backend and copies the results out. */
export async function on(backend: 'wasm' | 'cpu', f: () => tf.Tensor[]): Promise<Float32Array[]> {
  await useBackend(backend);
  const out = tf.tidy(() => f().map((t) => Float32Array.from(t.dataSync())));
  await useBackend('wasm');
  return out;
}

/** Asserts that each result of `got` is within `tol` (relative) of `want`. */
export function assertClose(got: Float32Array[], want: Float32Array[], tol: number, what: string): void {
  assert.is(got.length, want.length, `${what}: result count`);
  got.forEach((g, i) => {
    const d = maxRelDiff(g, want[i]);
    assert.ok(d <= tol, `${what}: result ${i}: relative difference ${d.toExponential(2)} > ${tol}`);
  });
}
