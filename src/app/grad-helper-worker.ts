// A gradient helper of supernet training in a module Web Worker (bundled to dist/app/grad-helper.js),
// started by the training worker (./web-grad-helpers.ts): tfjs set up as in Node, one supernet copy, and per
// request the gradients of some of a step's sub-networks (src/nn/grad-helper-protocol.ts).
import { resolveSpace } from '../space/space.ts';
import { Supernet } from '../nn/supernet.ts';
import { type FromHelper, type ToHelper, serveGradients } from '../nn/grad-helper-protocol.ts';
import { setupBrowserTfjs } from './tfjs-browser.ts';

/** The first message: the space whose supernet the helper holds. */
export interface HelperInit { type: 'init'; spaceSpec: unknown }

const scope = globalThis as unknown as DedicatedWorkerGlobalScope;
let serve: ((m: ToHelper) => void) | undefined;
const queued: ToHelper[] = [];

async function init(m: HelperInit): Promise<void> {
  await setupBrowserTfjs(new URL('./', import.meta.url));
  const sn = new Supernet(resolveSpace(m.spaceSpec, 'space'), 1);
  serve = serveGradients(sn, (reply, transfer) => scope.postMessage(reply, transfer));
  scope.postMessage({ type: 'ready' } satisfies FromHelper);
  for (const q of queued.splice(0)) serve(q);
}

scope.addEventListener('message', (event: MessageEvent<HelperInit | ToHelper>) => {
  const m = event.data;
  if ('type' in m && m.type === 'init') {
    // a failed start is the trainer's 'error' event (an uncaught rejection in a worker reaches it)
    void init(m).catch((e: unknown) => { setTimeout(() => { throw e; }); });
  } else if (serve) serve(m as ToHelper);
  else queued.push(m as ToHelper);
});
