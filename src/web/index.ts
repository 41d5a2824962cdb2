// The browser entry (bundled to dist/web/index.js): the simulator, the architecture and network inputs,
// and the worker pool. Web-standard only; the kernel ships as dist/gibbon.wasm beside dist/web/.
export { Simulator, loadSimulator, compileModule, packBatch, decodeJob } from '../hw/simulator.ts';
export type { GibbonExports, SimJob, PackedBatch, WasmSource } from '../hw/simulator.ts';
export { ARCH_PRESETS, resolveArch, applySets } from '../hw/arch.ts';
export { resolveNetwork } from '../hw/network.ts';
export { ZOO, zooNames } from '../hw/zoo.ts';
export type * from '../hw/types.ts';
export { InThreadPool, DEFAULT_JOBS_PER_TASK } from '../pool/eval-pool.ts';
export type { EvalPool, PoolOptions } from '../pool/eval-pool.ts';
export { createWebPool } from './pool.ts';
export type { WebPoolOptions, WorkerLike } from './pool.ts';
export { GibbonError } from '../util/errors.ts';

/** Where the bundled kernel is: dist/gibbon.wasm, one level above dist/web/index.js. */
export function bundledWasmUrl(): URL {
  return new URL('../gibbon.wasm', import.meta.url);
}
