// The browser entry (bundled to dist/web/index.js; package export "gibbon-ts/web"): the simulator, the
// architecture and network inputs, the worker pool, the functional simulator, the search library, the
// supernet and predictor, and the whole co-exploration (runGibbonSearch). Web-standard only; the kernel
// ships as dist/gibbon.wasm beside dist/web/. Node's entry (src/node/index.ts) adds file stores and pools.
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
export { SPACE_PRESETS, spacePreset } from '../space/presets.ts';
export type { Space } from '../space/space.ts';
export { toNetworkSpec, toArch, toModelSkeleton } from '../space/convert.ts';

// The search library (ask/tell algorithms, run loop, Pareto sets, hypervolume).
export * from '../search/index.ts';
// The supernet and the training side (tfjs).
export * from '../nn/index.ts';
// The RNN predictor and its screen.
export * from '../predictor/index.ts';
// The Gibbon evaluator: a genome's accuracy (supernet on the functional simulator) and hardware cost.
export {
  createGibbonEvaluator, defaultHypervolumeSpec, hypervolumeSpecOf, hardwareMetrics, infeasibleMetrics, simJobOf, simulateFitting, simulatorHardware,
  DEFAULT_INFEASIBLE_PENALTY, type GibbonEvaluator, type GibbonEvaluatorOptions,
} from '../evaluate/gibbon-evaluator.ts';
// A run in a store, and the whole co-exploration.
export { RUN_FILES, jsonText, readJson, memoryRunStore, type RunStore, type RunJournal, type RunDocument } from '../run/store.ts';
// The run store of a browser: IndexedDB, one tab per run by the Web Locks API (docs/app.md §7).
export { indexedDbRunStore, deleteRun, journalText, runLocation } from './idb-run-store.ts';
export { supernetCacheName } from '../run/supernet-cache.ts';
export { parseJournal, journalLine, type JournalContents } from '../run/journal.ts';
export { frontDesigns, frontCsv, runSummary, type FrontDesignRecord, type FrontExtras, type RunSummary } from '../run/front.ts';
export { runStudy, resolveStudyConfig, UNLIMITED_BUDGET, type StudyConfig, type StudyOptions, type StudyResult } from '../run/study.ts';
export {
  runGibbonSearch, CHUNK_SIZE, type GibbonSearchConfig, type GibbonSearchEnv, type GibbonSearchEvent, type GibbonSearchResult,
  type SearchStatus, type SupernetTrainer, type SupernetTrainJob,
} from '../run/gibbon-search.ts';

/** Where the bundled kernel is: dist/gibbon.wasm, one level above dist/web/index.js. */
export function bundledWasmUrl(): URL {
  return new URL('../gibbon.wasm', import.meta.url);
}
