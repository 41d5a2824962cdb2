// Supernet training on several cores (docs/supernet.md §3): worker threads that compute some of each
// step's sub-network gradients (src/nn/step-gradients.ts), since tfjs's wasm backend runs one thread in
// Node. The same file is both sides: startGradientHelpers() (in the training thread) starts them; in a
// helper it holds a copy of the supernet and answers requests (src/nn/grad-helper-protocol.ts). Bundled to
// dist/node/grad-helpers.js (scripts/build.mjs); under tsx a helper loads this TypeScript through tsx's API
// (src/node/worker-script.ts).
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { GibbonError } from '../util/errors.ts';
import type { GradientHelper } from '../nn/step-gradients.ts';
import { type FromHelper, type HelperClient, type ToHelper, helperClient, startHelpers } from '../nn/grad-helper-protocol.ts';
import { workerScript } from './worker-script.ts';

interface HelperData { kind: 'gibbon-grad-helper'; spaceSpec: unknown }

/** One helper thread; a failed or dead helper rejects its request in one line. */
function startHelper(spaceSpec: unknown): HelperClient {
  const src = workerScript(import.meta.url, 'grad-helpers.js', 'supernet train');
  const worker = new Worker(src.code, { eval: src.eval, workerData: { kind: 'gibbon-grad-helper', spaceSpec } satisfies HelperData });
  const client = helperClient({
    post: (m) => worker.postMessage(m),
    terminate: () => { worker.removeAllListeners('exit'); return worker.terminate(); },
  });
  worker.on('message', (m: FromHelper) => client.receive(m));
  worker.on('error', (e) => client.fail(e));
  worker.on('exit', (code) => client.fail(new GibbonError('E_KERNEL', `supernet training: a helper thread exited with code ${code} mid-step (tfjs's wasm backend aborts when its 4 GiB run out); allowed: a smaller --batch-size or --threads 1 (the checkpoint of the last complete epoch is kept)`)));
  return client;
}

/**
 * Starts `count` helper threads for supernets of the space `spaceSpec` and waits until each has loaded
 * tfjs and built its supernet copy. The caller closes them.
 */
export function startGradientHelpers(spaceSpec: unknown, count: number): Promise<GradientHelper[]> {
  return startHelpers(count, () => startHelper(spaceSpec));
}

/** A helper's body: one supernet copy, whose weights every request sets. */
async function runHelper(data: HelperData): Promise<void> {
  const port = parentPort!;
  const { setupTfjs } = await import('./tfjs-setup.ts');
  const { resolveSpace } = await import('../space/space.ts');
  const { Supernet } = await import('../nn/supernet.ts');
  const { serveGradients } = await import('../nn/grad-helper-protocol.ts');
  await setupTfjs();
  const sn = new Supernet(resolveSpace(data.spaceSpec, 'space'), 1);
  const serve = serveGradients(sn, (m, transfer) => port.postMessage(m, transfer));
  port.on('message', (m: ToHelper) => serve(m));
  port.postMessage({ type: 'ready' } satisfies FromHelper);
}

const data = workerData as Partial<HelperData> | null;
if (!isMainThread && data?.kind === 'gibbon-grad-helper') await runHelper(data as HelperData);
