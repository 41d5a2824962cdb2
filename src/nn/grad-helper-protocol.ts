// The messages between a supernet trainer and its gradient helpers (src/nn/step-gradients.ts), whatever
// carries them: Node worker threads (src/node/grad-helpers.ts) or Web Workers (src/app/web-grad-helpers.ts).
// Web-standard. The host wires its worker's events to the client's `receive` / `fail`, and a helper's
// messages to `serveGradients`.

import { GibbonError } from '../util/errors.ts';
import type { Supernet } from './supernet.ts';
import { type GradientHelper, type GradientRequest, type SubnetGradientArrays, requestGradients } from './step-gradients.ts';

/** Trainer -> helper: the current weights (variables() order) and the sub-networks to differentiate. */
export interface ToHelper { id: number; weights: Float32Array[]; request: GradientRequest }
/** Helper -> trainer. */
export type FromHelper = { type: 'ready' } | { type: 'grads'; id: number; grads: SubnetGradientArrays } | { type: 'error'; id: number; message: string };

/** What the host's worker does for the client. */
export interface HelperPort {
  post(m: ToHelper): void;
  terminate(): Promise<unknown> | void;
}

export interface HelperClient {
  helper: GradientHelper;
  /** Settles when the helper has built its supernet (or failed first). */
  ready: Promise<void>;
  /** The host's message event. */
  receive(m: FromHelper): void;
  /** The host's error or exit event: every waiting and later request rejects with `e`. */
  fail(e: Error): void;
}

/** The trainer's side of one helper. */
export function helperClient(port: HelperPort): HelperClient {
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
  const receive = (m: FromHelper) => {
    if (m.type === 'ready') { markReady(); return; }
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.type === 'grads') w?.resolve(m.grads);
    else w?.reject(new GibbonError('E_KERNEL', `supernet training: a helper thread failed: ${m.message.split('\n')[0]}`));
  };
  const helper: GradientHelper = {
    compute(weights, request) {
      if (failure) return Promise.reject(failure);
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        port.post({ id, weights, request });
      });
    },
    async close() {
      fail(new GibbonError('E_KERNEL', 'supernet training: a helper thread was asked for gradients after it was closed'));
      await port.terminate();
    },
  };
  return { helper, ready, receive, fail };
}

/**
 * The helper's side: a handler of the trainer's messages that answers each with the request's gradients
 * (their buffers listed for transfer) or one error line.
 */
export function serveGradients(sn: Supernet, post: (m: FromHelper, transfer: ArrayBuffer[]) => void): (m: ToHelper) => void {
  return (m) => {
    try {
      sn.setWeights(m.weights);
      const grads = requestGradients(sn, m.request);
      post({ type: 'grads', id: m.id, grads }, grads.flat().filter((a): a is Float32Array => a !== null).map((a) => a.buffer as ArrayBuffer));
    } catch (e) {
      post({ type: 'error', id: m.id, message: e instanceof Error ? e.message : String(e) }, []);
    }
  };
}

/** Starts `count` helpers with `start` and waits until each is ready; on a failure closes them all and throws it. */
export async function startHelpers(count: number, start: () => HelperClient): Promise<GradientHelper[]> {
  const started = Array.from({ length: count }, start);
  try {
    await Promise.all(started.map((s) => s.ready));
  } catch (e) {
    await Promise.all(started.map((s) => s.helper.close()));
    throw e;
  }
  return started.map((s) => s.helper);
}
