// Supernet training on several cores (docs/supernet.md §3): worker threads that compute some of each
// step's sub-network gradients (src/nn/step-gradients.ts), since tfjs's wasm backend runs one thread in
// Node. The same file is both sides: startGradientHelpers() (in the training thread) starts them; in a
// helper it holds a copy of the supernet and answers requests. Bundled to dist/node/grad-helpers.js
// (scripts/build.mjs); under tsx a helper loads this TypeScript through tsx's API (src/node/worker-script.ts).
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { GibbonError } from '../util/errors.ts';
import { workerScript } from './worker-script.ts';
import type { GradientHelper, GradientRequest, SubnetGradientArrays } from '../nn/step-gradients.ts';

interface HelperData { kind: 'gibbon-grad-helper'; spaceSpec: unknown }
type ToHelper = { id: number; weights: Float32Array[]; request: GradientRequest };
type FromHelper = { type: 'ready' } | { type: 'grads'; id: number; grads: SubnetGradientArrays } | { type: 'error'; id: number; message: string };

/** One helper thread as a GradientHelper; a failed or dead helper rejects its request in one line. */
function startHelper(spaceSpec: unknown): { helper: GradientHelper; ready: Promise<void> } {
  const src = workerScript(import.meta.url, 'grad-helpers.js', 'supernet train');
  const worker = new Worker(src.code, { eval: src.eval, workerData: { kind: 'gibbon-grad-helper', spaceSpec } satisfies HelperData });
  let next = 0;
  let failure: Error | undefined;
  const waiting = new Map<number, { resolve: (g: SubnetGradientArrays) => void; reject: (e: Error) => void }>();
  let markReady: () => void = () => {};
  let markFailed: (e: Error) => void = () => {};
  const ready = new Promise<void>((res, rej) => { markReady = res; markFailed = rej; });
  ready.catch(() => {}); // rejected later by a close() after a sibling failed to start: nobody waits then
  const fail = (e: Error) => {
    failure ??= e;
    markFailed(failure);
    for (const w of waiting.values()) w.reject(failure);
    waiting.clear();
  };
  worker.on('message', (m: FromHelper) => {
    if (m.type === 'ready') { markReady(); return; }
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.type === 'grads') w?.resolve(m.grads);
    else w?.reject(new Error(m.message));
  });
  worker.on('error', (e) => fail(e));
  worker.on('exit', (code) => fail(new GibbonError('E_KERNEL', `supernet training: a helper thread exited with code ${code} mid-step (tfjs's wasm backend aborts when its 4 GiB run out); allowed: a smaller --batch-size or --workers 1 (the checkpoint of the last complete epoch is kept)`)));
  const helper: GradientHelper = {
    compute(weights, request) {
      if (failure) return Promise.reject(failure);
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, weights, request } satisfies ToHelper);
      });
    },
    async close() {
      worker.removeAllListeners('exit');
      fail(new GibbonError('E_KERNEL', 'supernet training: a helper thread was asked for gradients after it was closed'));
      await worker.terminate();
    },
  };
  return { helper, ready };
}

/**
 * Starts `count` helper threads for supernets of the space `spaceSpec` and waits until each has loaded
 * tfjs and built its supernet copy. The caller closes them.
 */
export async function startGradientHelpers(spaceSpec: unknown, count: number): Promise<GradientHelper[]> {
  const started = Array.from({ length: count }, () => startHelper(spaceSpec));
  try {
    await Promise.all(started.map((s) => s.ready));
  } catch (e) {
    await Promise.all(started.map((s) => s.helper.close()));
    throw e;
  }
  return started.map((s) => s.helper);
}

/** A helper's body: one supernet copy; per request, the given weights, then the gradients (their buffers moved, not copied). */
async function runHelper(data: HelperData): Promise<void> {
  const port = parentPort!;
  const { setupTfjs } = await import('./tfjs-setup.ts');
  const { resolveSpace } = await import('../space/space.ts');
  const { Supernet } = await import('../nn/supernet.ts');
  const { requestGradients } = await import('../nn/step-gradients.ts');
  await setupTfjs();
  const sn = new Supernet(resolveSpace(data.spaceSpec, 'space'), 1);
  port.on('message', (m: ToHelper) => {
    try {
      sn.setWeights(m.weights);
      const grads = requestGradients(sn, m.request);
      const buffers = grads.flat().filter((a): a is Float32Array => a !== null).map((a) => a.buffer as ArrayBuffer);
      port.postMessage({ type: 'grads', id: m.id, grads } satisfies FromHelper, buffers);
    } catch (e) {
      port.postMessage({ type: 'error', id: m.id, message: e instanceof Error ? e.message : String(e) } satisfies FromHelper);
    }
  });
  port.postMessage({ type: 'ready' } satisfies FromHelper);
}

const data = workerData as Partial<HelperData> | null;
if (!isMainThread && data?.kind === 'gibbon-grad-helper') await runHelper(data as HelperData);
