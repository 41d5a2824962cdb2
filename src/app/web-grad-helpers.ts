// Gradient helpers of supernet training on Web Workers (docs/supernet.md §3), the browser's counterpart of
// src/node/grad-helpers.ts: each step's sub-networks are split between the training worker and these, and
// the weights are the same for any count. Nested workers: the training worker starts them.
import type { GradientHelper } from '../nn/step-gradients.ts';
import { subnetsPerStep } from '../nn/supernet.ts';
import { type FromHelper, type HelperClient, helperClient, startHelpers } from '../nn/grad-helper-protocol.ts';
import { GibbonError } from '../util/errors.ts';
import type { HelperInit } from './grad-helper-worker.ts';

/** Helpers a trainer starts by default: one per core besides its own, at most one per sub-network of a default step besides its own. */
export function defaultHelperCount(): number {
  return Math.max(0, Math.min(navigator.hardwareConcurrency || 1, subnetsPerStep({})) - 1);
}

function startHelper(url: URL, spaceSpec: unknown): HelperClient {
  const worker = new Worker(url, { type: 'module' });
  const client = helperClient({ post: (m) => worker.postMessage(m), terminate: () => worker.terminate() });
  worker.addEventListener('message', (e: MessageEvent<FromHelper>) => client.receive(e.data));
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    client.fail(new GibbonError('E_KERNEL', `supernet training: a helper worker failed: ${e.message || 'it could not start'}`));
  });
  worker.postMessage({ type: 'init', spaceSpec } satisfies HelperInit);
  return client;
}

/** Starts `count` helper workers (the script at `url`, dist/app/grad-helper.js) and waits until each is ready. */
export function startWebGradientHelpers(url: URL, spaceSpec: unknown, count: number): Promise<GradientHelper[]> {
  return startHelpers(count, () => startHelper(url, spaceSpec));
}
