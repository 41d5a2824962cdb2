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
export { Rng } from '../util/rng.ts';
// The functional (accuracy) simulator.
export { runPim, quantizeInputs, calibratePsumRanges } from '../pim/run.ts';
export type { RunPimOptions, RunPimResult, PimTask, PimExecutor } from '../pim/run.ts';
export { InThreadPimExecutor } from '../pim/executor.ts';
export { PimKernel, hardwareFor } from '../pim/kernel.ts';
export { pimExecutor } from '../pool/eval-pool.ts';
export { parsePimModel, serializePimModel } from '../pim/model-file.ts';
export { pimModelToLayers } from '../pim/to-network.ts';
export type * from '../pim/types.ts';
// Datasets from bytes (a browser has no file system: fetch the files, pass their bytes).
export { parseDatasetSpec, idxDataset, cifarDataset, mnistDataset, datasetSummary } from '../data/datasets.ts';
export type * from '../data/types.ts';
// The embedded MNIST packed as bytes (dist/app/mnist-digits.bin, built by npm run build).
export { fetchEmbeddedMnist, unpackMnistDigits, packMnistDigits } from './mnist-pack.ts';
// The co-exploration space.
export { resolveSpace } from '../space/space.ts';
export { SPACE_PRESETS } from '../space/presets.ts';
export { toNetworkSpec, toArch, toModelSkeleton } from '../space/convert.ts';

/** Where the bundled kernel is: dist/gibbon.wasm, one level above dist/web/index.js. */
export function bundledWasmUrl(): URL {
  return new URL('../gibbon.wasm', import.meta.url);
}
