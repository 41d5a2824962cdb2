// The Piscina worker: instantiates gibbon.wasm once per thread and runs packed batches. The pool sends
// the module compiled once in the main thread (workerData.module); without it the worker reads the file.
// Bundled to dist/node/sim-worker.js by scripts/build.mjs; under tsx it is loaded through
// sim-worker.dev.mjs, because tsx's hooks do not reach worker threads (toolchain.md §2).
import { workerData } from 'node:worker_threads';
import { move } from 'piscina';
import { loadSimulator, type PackedBatch } from '../hw/simulator.ts';
import { wasmModule } from './simulator.ts';
import { InThreadPimExecutor } from '../pim/executor.ts';
import type { PimTask } from '../pim/run.ts';

/** What createNodePool passes as Piscina's workerData. */
export interface SimWorkerData {
  module?: WebAssembly.Module;
}

const data = workerData as SimWorkerData | undefined;
const sim = await loadSimulator(data?.module instanceof WebAssembly.Module ? data.module : await wasmModule());

/** One task: the raw result slots, transferred back (a fresh array from Simulator.runPacked). */
export default function runPacked(batch: PackedBatch): unknown {
  return move(sim.runPacked(batch));
}

let pim: InThreadPimExecutor | undefined;

/** A functional-simulator task (Piscina name 'runPim'): the chip is prepared once per key and reused. */
export async function runPim(task: PimTask): Promise<unknown> {
  pim ??= new InThreadPimExecutor(sim);
  return pim.run(task); // small (logits of one batch): cloned back
}
