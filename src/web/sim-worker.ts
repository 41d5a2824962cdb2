// The browser kernel worker (module Web Worker, bundled to dist/web/sim-worker.js): receives gibbon.wasm
// once (a WebAssembly.Module or its bytes), then packed tasks, and posts back each task's raw result
// slots with the array transferred. Protocol: src/pool/worker-protocol.ts.
import { createSimWorkerHandler, type ToWorker } from '../pool/worker-protocol.ts';

const scope = globalThis as unknown as DedicatedWorkerGlobalScope;
const handle = createSimWorkerHandler((message, transfer) => scope.postMessage(message, transfer));
scope.addEventListener('message', (event: MessageEvent<ToWorker>) => { void handle(event.data); });
