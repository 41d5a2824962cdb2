// Supernet training in a module Web Worker (bundled to dist/app/train-worker.js): tfjs off the page's
// thread, set up as in Node (src/app/tfjs-browser.ts), on the embedded MNIST (dist/app/mnist-digits.bin),
// with the library's trainSupernet. Posts progress, then the trained state (weights transferred) and the
// SHA-256 of its weights, so a caller can check it against Node's.
import { resolveSpace } from '../space/space.ts';
import { Supernet, trainSupernet, type SupernetProgress, type SupernetState } from '../nn/supernet.ts';
import { fetchEmbeddedMnist } from '../web/mnist-pack.ts';
import { GibbonError } from '../util/errors.ts';
import { setupBrowserTfjs } from './tfjs-browser.ts';
import { defaultHelperCount, startWebGradientHelpers } from './web-grad-helpers.ts';

export interface TrainRequest {
  type: 'train';
  spaceSpec: unknown;
  epochs: number;
  seed: number;
  /** Train on the first `limit` images only. */
  limit?: number;
  /** Training threads, this worker included (default: one per core, at most 4); the weights do not depend on it. */
  threads?: number;
}

export type TrainReply =
  | { type: 'progress'; progress: SupernetProgress }
  | { type: 'done'; state: SupernetState; weightsSha256: string; simd: boolean; seconds: number; threads: number }
  | { type: 'error'; message: string };

/** SHA-256 (hex) of the weights, tensor after tensor, as little-endian float32 bytes (Node: same order). */
export async function weightsSha256(weights: readonly Float32Array[]): Promise<string> {
  const total = weights.reduce((n, w) => n + w.byteLength, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const w of weights) { bytes.set(new Uint8Array(w.buffer, w.byteOffset, w.byteLength), at); at += w.byteLength; }
  return Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

const scope = globalThis as unknown as DedicatedWorkerGlobalScope;
const post = (m: TrainReply, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

async function train(job: TrainRequest): Promise<void> {
  const { simd } = await setupBrowserTfjs(new URL('./', import.meta.url));
  const space = resolveSpace(job.spaceSpec, 'space');
  const data = await fetchEmbeddedMnist(new URL('./mnist-digits.bin', import.meta.url));
  const sn = new Supernet(space, job.seed);
  const helpers = await startWebGradientHelpers(new URL('./grad-helper.js', import.meta.url), job.spaceSpec, job.threads === undefined ? defaultHelperCount() : Math.max(0, job.threads - 1));
  try {
    const t0 = performance.now();
    const state = await trainSupernet(sn, data.train, {
      epochs: job.epochs, seed: job.seed, limit: job.limit, progressEvery: 5, helpers,
      onProgress: (progress) => post({ type: 'progress', progress }),
    });
    const seconds = (performance.now() - t0) / 1000;
    post({ type: 'done', state, weightsSha256: await weightsSha256(state.weights), simd, seconds, threads: 1 + helpers.length }, [...state.weights, ...state.optimizer].map((a) => a.buffer as ArrayBuffer));
  } finally {
    sn.dispose();
    await Promise.all(helpers.map((h) => h.close()));
  }
}

scope.addEventListener('message', (event: MessageEvent<TrainRequest>) => {
  if (event.data?.type !== 'train') return;
  train(event.data).catch((e: unknown) => post({ type: 'error', message: e instanceof GibbonError ? e.message : `internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}` }));
});
