// One evaluation-pool interface for every runtime: in this thread, Piscina workers (src/node/pool.ts) or
// browser module workers (src/web/pool.ts). Web-standard: no node:* imports. A batch is split into
// tasks of at least `jobsPerTask` jobs; each task is packed here (packShared: packBatch's records, each
// distinct one written once), its plain Float64Arrays are transferred to a worker that only runs the
// kernel, and the raw result slots come back and are decoded here with decodeJob. Same kernel, same
// record values, same decoder: results are bit-identical to Simulator.simulateBatch in this thread,
// whatever the worker count.
import { decodeJob, decodeJobSummary, type PackedBatch, type SimJob, type Simulator } from '../hw/simulator.ts';
import { packShared } from './pack.ts';
import { InThreadPimExecutor, chipKey } from '../pim/executor.ts';
import type { PimRunResult } from '../pim/kernel.ts';
import type { PimExecutor, PimTask } from '../pim/run.ts';
import type { SimDetail, SimResult, SimSummary } from '../hw/types.ts';
import { GibbonError, fieldError } from '../util/errors.ts';

export type { PackedBatch, SimJob } from '../hw/simulator.ts';

export interface EvalPool {
  /**
   * Evaluates every job; resolves in job order, or rejects with the error of the first failed job.
   * `detail: 'totals'` returns summaries (no per-layer records): the search's path, and the cheapest.
   */
  simulateBatch(jobs: SimJob[]): Promise<SimResult[]>;
  simulateBatch(jobs: SimJob[], options: { detail: 'full' }): Promise<SimResult[]>;
  simulateBatch(jobs: SimJob[], options: { detail: 'totals' }): Promise<SimSummary[]>;
  simulateBatch(jobs: SimJob[], options?: { detail?: SimDetail }): Promise<SimResult[] | SimSummary[]>;
  /**
   * Runs one packed batch and resolves with its raw result slots (docs/abi.md). Worker pools transfer
   * `batch.jobs` and `batch.data` to the worker: afterwards they are detached (length 0) in this thread.
   */
  runPacked(batch: PackedBatch): Promise<Float64Array>;
  /**
   * Runs one functional-simulator task (a batch of images on one chip instance). Workers keep the
   * prepared chip of a task's key, so the batches of a trial slice the weights once per worker.
   */
  runPim(task: PimTask): Promise<PimRunResult>;
  /** Threads that run the kernel (1 for the in-thread pool). */
  readonly size: number;
  /** Stops the workers; later calls reject. */
  destroy(): Promise<void>;
}

/**
 * The least number of jobs per task. A task costs a worker round trip of about 35-85 µs (toolchain.md §2)
 * and one VGG8 evaluation 10-20 µs of kernel: 2,000 jobs make a task of 20-40 ms, the round trip < 0.5 %.
 */
export const DEFAULT_JOBS_PER_TASK = 2000;
/** Tasks in flight per worker: one running and one queued, so no worker waits while this thread decodes. */
const TASKS_IN_FLIGHT_PER_WORKER = 2;
const MAX_JOBS_PER_TASK = 1 << 24;
/** More threads than this is a typo, not a machine. */
export const MAX_WORKERS = 256;

export interface PoolOptions {
  /** Least jobs per task (a smaller batch is one task). Default 2,000. */
  jobsPerTask?: number;
}

/** Checks the options every pool shares; `who` names the factory in messages. */
export function resolvePoolOptions(options: PoolOptions, who: string): Required<PoolOptions> {
  const jobsPerTask = options.jobsPerTask ?? DEFAULT_JOBS_PER_TASK;
  if (!Number.isInteger(jobsPerTask) || jobsPerTask < 1 || jobsPerTask > MAX_JOBS_PER_TASK) {
    throw fieldError('E_OPTION', who, 'options.jobsPerTask', jobsPerTask, `an integer in 1..${MAX_JOBS_PER_TASK}`);
  }
  return { jobsPerTask };
}

/** Checks `options.workers` (`fallback` when not given). */
export function resolveWorkerCount(workers: unknown, who: string, fallback: number, max = MAX_WORKERS): number {
  const n = workers ?? fallback;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > max) {
    throw fieldError('E_OPTION', who, 'options.workers', n, `an integer in 1..${max}`);
  }
  return n;
}

/**
 * Task boundaries [start, end) over `n` jobs: floor(n / jobsPerTask) tasks of near-equal size (each at
 * least jobsPerTask jobs, less than twice that), or one task when n < jobsPerTask.
 */
export function taskBounds(n: number, jobsPerTask: number): Array<[number, number]> {
  const tasks = Math.max(1, Math.floor(n / jobsPerTask));
  const bounds: Array<[number, number]> = [];
  for (let t = 0; t < tasks; t++) bounds.push([Math.floor((t * n) / tasks), Math.floor(((t + 1) * n) / tasks)]);
  return bounds;
}

/** The result offset (f64 slot) of every job of a packed batch, read before its arrays are transferred. */
export function resultOffsets(batch: PackedBatch): Float64Array {
  const n = batch.jobs.length / 4;
  const at = new Float64Array(n);
  for (let i = 0; i < n; i++) at[i] = batch.jobs[i * 4 + 3];
  return at;
}

/** A typed array that owns its whole buffer (what may be transferred), else a copy that does. */
export function ownedCopy(a: Float64Array): Float64Array {
  const whole = a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer;
  return whole ? a : a.slice();
}

/**
 * A packed batch whose arrays own their buffers, plus the list to transfer. Never sends a subarray: its
 * whole underlying buffer would be cloned or detached (toolchain.md §2, the structured-clone gotcha).
 */
export function transferable(batch: PackedBatch): { batch: PackedBatch; transfer: ArrayBuffer[] } {
  const jobs = ownedCopy(batch.jobs), data = ownedCopy(batch.data);
  const transfer = [jobs.buffer as ArrayBuffer];
  if (data.buffer !== jobs.buffer) transfer.push(data.buffer as ArrayBuffer);
  return { batch: { jobs, data, resultSlots: batch.resultSlots, totalsOnly: batch.totalsOnly }, transfer };
}

/**
 * Evaluates `jobs` through `run` (one packed task at a time per call), keeping at most `inFlight` tasks
 * outstanding, and decodes each task as it returns. Resolves in job order; if jobs fail, rejects with the
 * error of the lowest-index failed job, as Simulator.simulateBatch throws for the first one.
 */
export async function simulateInTasks(
  run: (batch: PackedBatch) => Promise<Float64Array>,
  jobs: readonly SimJob[],
  jobsPerTask: number,
  inFlight: number,
  detail: SimDetail = 'full',
): Promise<SimResult[] | SimSummary[]> {
  const totalsOnly = detail === 'totals';
  const decode = totalsOnly ? decodeJobSummary : decodeJob;
  const results = new Array<SimResult | SimSummary>(jobs.length);
  if (jobs.length === 0) return results as SimResult[];
  const bounds = taskBounds(jobs.length, jobsPerTask);
  let next = 0;
  let firstFailed = Infinity;
  let firstError: unknown;
  const fail = (index: number, error: unknown): void => {
    if (index < firstFailed) { firstFailed = index; firstError = error; }
  };

  // One lane per in-flight slot: pack the next task, run it, then decode it while the other lanes' tasks
  // run. Packing happens before this lane awaits, so a worker always has queued work.
  const lane = async (): Promise<void> => {
    while (next < bounds.length) {
      const [start, end] = bounds[next++];
      if (start > firstFailed) return; // a lower job already failed: its error is the answer
      const slice = jobs.slice(start, end);
      let raw: Float64Array, at: Float64Array;
      try {
        const packed = packShared(slice, totalsOnly);
        at = resultOffsets(packed);
        raw = await run(packed);
      } catch (error) {
        fail(start, error);
        continue;
      }
      for (let i = 0; i < slice.length; i++) {
        try {
          results[start + i] = decode(slice[i], raw, at[i]);
        } catch (error) {
          fail(start + i, error);
          break;
        }
      }
    }
  };
  const lanes: Promise<void>[] = [];
  for (let k = 0; k < Math.min(inFlight, bounds.length); k++) lanes.push(lane());
  await Promise.all(lanes);
  if (firstFailed !== Infinity) throw firstError;
  return results as SimResult[] | SimSummary[];
}

/** The pool as the executor runPim() takes; each task is keyed by its chip instance. */
export function pimExecutor(pool: EvalPool): PimExecutor {
  return { run: (task) => pool.runPim({ ...task, key: task.key ?? chipKey(task) }) };
}

/**
 * A task with its own copy of the inputs, and that copy's buffer to transfer. Always a copy: a caller's
 * array (or a full-length view of it) must not be detached under it, and one batch of images is small
 * next to the simulation it feeds.
 */
export function transferablePim(task: PimTask): { task: PimTask; transfer: ArrayBuffer[] } {
  const inputs = task.inputs.slice();
  return { task: { ...task, inputs }, transfer: [inputs.buffer as ArrayBuffer] };
}

/** Tasks kept in flight for a pool of `size` workers. */
export function inFlightFor(size: number): number {
  return size * TASKS_IN_FLIGHT_PER_WORKER;
}

/** Rejection of a call on a destroyed pool. */
export function destroyedError(who: string): GibbonError {
  return new GibbonError('E_OPTION', `${who}: the pool was destroyed; create a new pool to evaluate more jobs`);
}

/** The pool without workers: runs the kernel in this thread, through the same task path as the others. */
export class InThreadPool implements EvalPool {
  readonly size = 1;
  readonly #sim: Simulator;
  readonly #jobsPerTask: number;
  #destroyed = false;

  constructor(sim: Simulator, options: PoolOptions = {}) {
    this.#sim = sim;
    this.#jobsPerTask = resolvePoolOptions(options, 'InThreadPool').jobsPerTask;
  }

  simulateBatch(jobs: SimJob[]): Promise<SimResult[]>;
  simulateBatch(jobs: SimJob[], options: { detail: 'full' }): Promise<SimResult[]>;
  simulateBatch(jobs: SimJob[], options: { detail: 'totals' }): Promise<SimSummary[]>;
  simulateBatch(jobs: SimJob[], options?: { detail?: SimDetail }): Promise<SimResult[] | SimSummary[]>;
  async simulateBatch(jobs: SimJob[], options?: { detail?: SimDetail }): Promise<SimResult[] | SimSummary[]> {
    if (this.#destroyed) throw destroyedError('InThreadPool');
    return simulateInTasks((batch) => this.runPacked(batch), jobs, this.#jobsPerTask, 1, options?.detail);
  }

  async runPacked(batch: PackedBatch): Promise<Float64Array> {
    if (this.#destroyed) throw destroyedError('InThreadPool');
    return this.#sim.runPacked(batch);
  }

  #pim: InThreadPimExecutor | undefined;
  async runPim(task: PimTask): Promise<PimRunResult> {
    if (this.#destroyed) throw destroyedError('InThreadPool');
    this.#pim ??= new InThreadPimExecutor(this.#sim);
    return this.#pim.run(task);
  }

  async destroy(): Promise<void> {
    this.#destroyed = true;
    this.#pim?.dispose();
  }
}
