// The Node evaluation pool: Piscina worker threads, each with its own instance of gibbon.wasm.
// gibbon.wasm is compiled once here and the WebAssembly.Module is handed to every thread through
// workerData (structured clone shares the compiled code; no thread reads or compiles the file again).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { PackedBatch, SimJob } from '../hw/simulator.ts';
import type { SimResult, SimDetail, SimSummary } from '../hw/types.ts';
import {
  type EvalPool, type PoolOptions, destroyedError, inFlightFor, resolvePoolOptions, resolveWorkerCount,
  simulateInTasks, transferable, transferablePim,
} from '../pool/eval-pool.ts';
import { GibbonError } from '../util/errors.ts';
import { wasmModule } from './simulator.ts';
import type { SimWorkerData } from './sim-worker.ts';
import type { PimRunResult } from '../pim/kernel.ts';
import type { PimTask } from '../pim/run.ts';

export interface NodePoolOptions extends PoolOptions {
  /** Worker threads. Default: os.availableParallelism(). */
  workers?: number;
  /** The worker script; default: found by simWorkerPath(). */
  workerFile?: string;
}

/**
 * The worker script. From a bundle (dist/*.js) it is the bundled dist/node/sim-worker.js next to it; from
 * src/ under tsx it is the .mjs shim that loads sim-worker.ts through tsx (tsx hooks skip worker threads).
 */
export function simWorkerPath(): string {
  const here = import.meta.url;
  const candidates = here.endsWith('.ts')
    ? [new URL('./sim-worker.dev.mjs', here)]
    : [new URL('./node/sim-worker.js', here), new URL('./sim-worker.js', here)];
  for (const url of candidates) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  const tried = candidates.map((u) => fileURLToPath(u)).join(', ');
  throw new GibbonError('E_FILE', `createNodePool: the worker script is missing (tried ${tried}); run \`npm run build\``);
}

const WHO = 'createNodePool';

/** Starts `workers` Piscina threads (default: one per core) that evaluate packed batches. */
export async function createNodePool(options: NodePoolOptions = {}): Promise<EvalPool> {
  const workers = resolveWorkerCount(options.workers, WHO, availableParallelism());
  const { jobsPerTask } = resolvePoolOptions(options, WHO);
  const filename = options.workerFile ?? simWorkerPath();
  const workerData: SimWorkerData = { module: await wasmModule() };
  const piscina = new Piscina({
    // minThreads = maxThreads: threads stay up between batches (a restart would instantiate the kernel again).
    filename, workerData, minThreads: workers, maxThreads: workers, idleTimeout: Infinity,
  });
  return new NodePool(piscina, workers, jobsPerTask);
}

class NodePool implements EvalPool {
  readonly size: number;
  readonly #piscina: Piscina;
  readonly #jobsPerTask: number;
  #destroyed = false;

  constructor(piscina: Piscina, size: number, jobsPerTask: number) {
    this.#piscina = piscina;
    this.size = size;
    this.#jobsPerTask = jobsPerTask;
  }

  simulateBatch(jobs: SimJob[]): Promise<SimResult[]>;
  simulateBatch(jobs: SimJob[], options: { detail: 'full' }): Promise<SimResult[]>;
  simulateBatch(jobs: SimJob[], options: { detail: 'totals' }): Promise<SimSummary[]>;
  simulateBatch(jobs: SimJob[], options?: { detail?: SimDetail }): Promise<SimResult[] | SimSummary[]>;
  async simulateBatch(jobs: SimJob[], options?: { detail?: SimDetail }): Promise<SimResult[] | SimSummary[]> {
    if (this.#destroyed) throw destroyedError(WHO);
    return simulateInTasks((batch) => this.runPacked(batch), jobs, this.#jobsPerTask, inFlightFor(this.size), options?.detail);
  }

  async runPacked(batch: PackedBatch): Promise<Float64Array> {
    if (this.#destroyed) throw destroyedError(WHO);
    const task = transferable(batch);
    return (await this.#piscina.run(task.batch, { transferList: task.transfer })) as Float64Array;
  }

  async runPim(task: PimTask): Promise<PimRunResult> {
    if (this.#destroyed) throw destroyedError(WHO);
    const t = transferablePim(task);
    return (await this.#piscina.run(t.task, { name: 'runPim', transferList: t.transfer })) as PimRunResult;
  }

  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    await this.#piscina.destroy();
  }
}
