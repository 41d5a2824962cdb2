// tfjs in a browser worker, set up as Node sets it up (src/node/tfjs-setup.ts): the wasm backend with
// SIMD and ONE thread (the threaded binary would need cross-origin isolation and could sum in another
// order; one thread keeps training bit-identical to Node's), production mode, Gibbon-TS's kernels. The
// backend's .wasm files ship in dist/app/ next to the worker (scripts/build.mjs copies them).
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { useBackend, wasmSimd } from '../nn/backend.ts';

export async function setupBrowserTfjs(wasmDir: URL): Promise<{ simd: boolean }> {
  tf.enableProdMode();
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setWasmPaths(wasmDir.href);
  await useBackend('wasm');
  return { simd: wasmSimd() };
}
