// The browser evaluation pool: module Web Workers (src/web/sim-worker.ts), each with its own instance of
// gibbon.wasm. The module is compiled once here and posted to every worker; packed tasks are queued and
// handed to the next idle worker in round-robin order over postMessage, with their arrays transferred.
import { compileModule, type PackedBatch, type SimJob, type WasmSource } from '../hw/simulator.ts';
import type { SimResult, SimDetail, SimSummary } from '../hw/types.ts';
import {
  type EvalPool, type PoolOptions, MAX_WORKERS, destroyedError, inFlightFor, resolvePoolOptions,
  resolveWorkerCount, simulateInTasks, transferable, transferablePim } from '../pool/eval-pool.ts';
import type { FromWorker, ToWorker } from '../pool/worker-protocol.ts';
import type { PimRunResult } from '../pim/kernel.ts';
import type { PimTask } from '../pim/run.ts';
import { GibbonError, type ErrorCode } from '../util/errors.ts';

/** What the pool needs of a Worker (a Web Worker, or a MessagePort in tests). */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  addEventListener(type: 'error', listener: (event: Event) => void): void;
  terminate?(): void;
  close?(): void;
}

export interface WebPoolOptions extends PoolOptions {
  /** Workers. Default: navigator.hardwareConcurrency (else 1). */
  workers?: number;
  /** gibbon.wasm: a compiled module, its bytes, or a URL / Response to fetch it from. */
  module: WasmSource;
  /** The worker script. Default: sim-worker.js next to this bundle (dist/web/sim-worker.js). */
  workerUrl?: string | URL;
  /** Makes one worker; overrides workerUrl (tests, custom bundlers). */
  createWorker?: () => WorkerLike;
}

const WHO = 'createWebPool';

/** Starts the workers, instantiates the kernel in each, and resolves once all are ready. */
export async function createWebPool(options: WebPoolOptions): Promise<EvalPool> {
  const hardware = typeof navigator !== 'undefined' && navigator.hardwareConcurrency > 0 ? navigator.hardwareConcurrency : 1;
  const size = resolveWorkerCount(options.workers, WHO, Math.min(hardware, MAX_WORKERS));
  const { jobsPerTask } = resolvePoolOptions(options, WHO);
  if (options.module === undefined || options.module === null) {
    throw new GibbonError('E_OPTION', `${WHO}: options.module: got nothing; allowed: a WebAssembly.Module, the bytes of gibbon.wasm, or its URL`);
  }
  const module = await compileModule(options.module);
  const make = options.createWorker ?? defaultWorkerFactory(options.workerUrl);
  const slots: Slot[] = [];
  try {
    for (let k = 0; k < size; k++) slots.push(new Slot(make()));
    await Promise.all(slots.map((s) => s.init(module)));
  } catch (error) {
    for (const s of slots) s.stop();
    throw error;
  }
  return new WebPool(slots, jobsPerTask);
}

function defaultWorkerFactory(url: string | URL | undefined): () => WorkerLike {
  return () => {
    if (typeof Worker === 'undefined') {
      throw new GibbonError('E_OPTION', `${WHO}: this runtime has no Web Worker; in Node use createNodePool, or pass options.createWorker`);
    }
    return new Worker(url ?? new URL('./sim-worker.js', import.meta.url), { type: 'module', name: 'gibbon-sim' });
  };
}

/** A queued task: a packed hardware batch or a functional-simulator task, and its settlement. */
interface Task {
  id: number;
  body: { type: 'run'; batch: PackedBatch } | { type: 'pim'; task: PimTask };
  transfer: ArrayBuffer[];
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

function workerError(code: string, message: string): GibbonError {
  const known: readonly string[] = ['E_ARCH', 'E_NETWORK', 'E_OPTION', 'E_KERNEL', 'E_FILE', 'E_DATASET', 'E_MODEL', 'E_SPACE'];
  return new GibbonError((known.includes(code) ? code : 'E_KERNEL') as ErrorCode, message);
}

/** One worker and the task it runs (at most one at a time). */
class Slot {
  readonly worker: WorkerLike;
  task: Task | undefined;
  broken: unknown;
  onIdle: () => void = () => {};
  #ready: { resolve(): void; reject(e: unknown): void } | undefined;

  constructor(worker: WorkerLike) {
    this.worker = worker;
    worker.addEventListener('message', (event) => this.#onMessage(event.data as FromWorker));
    worker.addEventListener('error', (event) => {
      const detail = (event as ErrorEvent).message;
      this.#fail(new GibbonError('E_KERNEL', `${WHO}: a simulator worker failed${detail ? `: ${detail}` : ''}`));
    });
  }

  init(module: WebAssembly.Module): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#ready = { resolve, reject };
      const message: ToWorker = { type: 'init', module };
      this.worker.postMessage(message, []);
    });
  }

  run(task: Task): void {
    this.task = task;
    const message: ToWorker = task.body.type === 'run'
      ? { type: 'run', id: task.id, batch: task.body.batch }
      : { type: 'pim', id: task.id, task: task.body.task };
    try {
      this.worker.postMessage(message, task.transfer);
    } catch (error) {
      this.task = undefined;
      task.reject(error);
      this.onIdle();
    }
  }

  stop(): void {
    this.worker.terminate?.();
    this.worker.close?.();
  }

  #onMessage(message: FromWorker): void {
    if (message.type === 'ready') { this.#ready?.resolve(); this.#ready = undefined; return; }
    if (message.type === 'error' && message.id === -1) {
      this.#fail(workerError(message.code, `${WHO}: a simulator worker could not start: ${message.message}`));
      return;
    }
    const task = this.task;
    if (task === undefined || task.id !== message.id) return;
    this.task = undefined;
    if (message.type === 'result') task.resolve(message.results);
    else if (message.type === 'pim-result') task.resolve(message.result);
    else task.reject(workerError(message.code, message.message));
    this.onIdle();
  }

  #fail(error: unknown): void {
    this.broken = error;
    this.#ready?.reject(error);
    this.#ready = undefined;
    const task = this.task;
    this.task = undefined;
    task?.reject(error);
    this.onIdle();
  }
}

class WebPool implements EvalPool {
  readonly size: number;
  readonly #slots: Slot[];
  readonly #jobsPerTask: number;
  readonly #queue: Task[] = [];
  #nextId = 0;
  #turn = 0;
  #destroyed = false;

  constructor(slots: Slot[], jobsPerTask: number) {
    this.#slots = slots;
    this.size = slots.length;
    this.#jobsPerTask = jobsPerTask;
    for (const s of slots) s.onIdle = () => this.#dispatch();
  }

  simulateBatch(jobs: SimJob[]): Promise<SimResult[]>;
  simulateBatch(jobs: SimJob[], options: { detail: 'full' }): Promise<SimResult[]>;
  simulateBatch(jobs: SimJob[], options: { detail: 'totals' }): Promise<SimSummary[]>;
  simulateBatch(jobs: SimJob[], options?: { detail?: SimDetail }): Promise<SimResult[] | SimSummary[]>;
  async simulateBatch(jobs: SimJob[], options?: { detail?: SimDetail }): Promise<SimResult[] | SimSummary[]> {
    if (this.#destroyed) throw destroyedError(WHO);
    return simulateInTasks((batch) => this.runPacked(batch), jobs, this.#jobsPerTask, inFlightFor(this.size), options?.detail);
  }

  runPacked(batch: PackedBatch): Promise<Float64Array> {
    if (this.#destroyed) return Promise.reject(destroyedError(WHO));
    const { batch: owned, transfer } = transferable(batch);
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, body: { type: 'run', batch: owned }, transfer, resolve: resolve as (r: unknown) => void, reject });
      this.#dispatch();
    });
  }

  runPim(task: PimTask): Promise<PimRunResult> {
    if (this.#destroyed) return Promise.reject(destroyedError(WHO));
    const t = transferablePim(task);
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, body: { type: 'pim', task: t.task }, transfer: t.transfer, resolve: resolve as (r: unknown) => void, reject });
      this.#dispatch();
    });
  }

  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const s of this.#slots) s.stop();
    const error = destroyedError(WHO);
    for (const s of this.#slots) { s.task?.reject(error); s.task = undefined; }
    for (const t of this.#queue.splice(0)) t.reject(error);
  }

  /** Hands queued tasks to idle workers, taking the workers in turn. */
  #dispatch(): void {
    const n = this.#slots.length;
    while (this.#queue.length > 0) {
      let slot: Slot | undefined;
      for (let k = 0; k < n && slot === undefined; k++) {
        const s = this.#slots[(this.#turn + k) % n];
        if (s.task === undefined && s.broken === undefined) { slot = s; this.#turn = (this.#turn + k + 1) % n; }
      }
      if (slot === undefined) {
        if (this.#slots.every((s) => s.broken !== undefined)) {
          const error = this.#slots[0].broken;
          for (const t of this.#queue.splice(0)) t.reject(error);
        }
        return;
      }
      slot.run(this.#queue.shift()!);
    }
  }
}
