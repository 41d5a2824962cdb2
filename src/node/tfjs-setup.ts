// Node entry point of training (docs/training.md §1): tfjs 4.22 with the wasm backend, whose binaries
// load from node_modules without network or setWasmPaths, SIMD on, one thread (threads do not work in
// Node; use worker processes for parallelism), plus Gibbon-TS's kernels (src/nn/backend.ts).
// tfjs-node is not an option (its install downloads libtensorflow); the cpu backend is ~150x slower.

import * as tf from '@tensorflow/tfjs';
import { type NnBackend, useBackend, wasmSimd } from '../nn/backend.ts';

export interface TfjsSetup {
  backend: NnBackend;
  /** Whether the wasm backend runs its SIMD binary. */
  simd: boolean;
}

/**
 * Selects the training backend (default wasm) and registers our kernels. Production mode is on: no
 * per-op debug checks, and no tfjs-node advertisement on stderr when the cpu backend starts.
 */
export async function setupTfjs(backend: NnBackend = 'wasm'): Promise<TfjsSetup> {
  tf.enableProdMode();
  await useBackend(backend);
  return { backend, simd: backend === 'wasm' && wasmSimd() };
}
