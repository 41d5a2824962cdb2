// The message protocol between a pool and a kernel worker (browser module workers; the Piscina worker
// uses the same idea through piscina's own channel). Web-standard: the worker side is a plain function,
// so the browser worker (src/web/sim-worker.ts) is three lines and tests can drive it over a MessageChannel.
import { loadSimulator, type PackedBatch, type Simulator } from '../hw/simulator.ts';
import { InThreadPimExecutor } from '../pim/executor.ts';
import type { PimRunResult } from '../pim/kernel.ts';
import type { PimTask } from '../pim/run.ts';

/** Pool -> worker. `init` comes once, first; `run` carries one packed task (its arrays transferred). */
export type ToWorker =
  | { type: 'init'; module: WebAssembly.Module | ArrayBuffer }
  | { type: 'run'; id: number; batch: PackedBatch }
  | { type: 'pim'; id: number; task: PimTask };

/** Worker -> pool. `result` transfers its array. `error` with id -1 is an init failure. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'result'; id: number; results: Float64Array }
  | { type: 'pim-result'; id: number; result: PimRunResult }
  | { type: 'error'; id: number; code: string; message: string };

export type Post = (message: FromWorker, transfer: Transferable[]) => void;

/**
 * The worker side: instantiates the kernel once on `init`, then answers each `run` with the raw result
 * slots of Simulator.runPacked. Runs that arrive before the kernel is ready wait for it, in order.
 */
export function createSimWorkerHandler(post: Post): (message: ToWorker) => Promise<void> {
  let sim: Promise<Simulator> | undefined;
  let pim: InThreadPimExecutor | undefined;
  return async (message) => {
    if (message.type === 'init') {
      sim = loadSimulator(message.module);
      try {
        await sim;
        post({ type: 'ready' }, []);
      } catch (error) {
        post(errorMessage(-1, error), []);
      }
      return;
    }
    if (message.type === 'pim') {
      try {
        if (sim === undefined) throw new Error('sim-worker: a pim message arrived before init');
        pim ??= new InThreadPimExecutor(await sim);
        const result = await pim.run(message.task);
        post({ type: 'pim-result', id: message.id, result }, pimTransfers(result));
      } catch (error) {
        post(errorMessage(message.id, error), []);
      }
      return;
    }
    if (message.type !== 'run') return;
    try {
      if (sim === undefined) throw new Error('sim-worker: a run message arrived before init');
      const results = (await sim).runPacked(message.batch);
      post({ type: 'result', id: message.id, results }, [results.buffer as ArrayBuffer]);
    } catch (error) {
      post(errorMessage(message.id, error), []);
    }
  };
}

/** The result arrays a worker hands back without copying. */
export function pimTransfers(r: PimRunResult): ArrayBuffer[] {
  return [r.logits.buffer, r.predictions.buffer, r.psumMax.buffer] as ArrayBuffer[];
}

function errorMessage(id: number, error: unknown): FromWorker {
  const e = error as { code?: unknown; message?: unknown };
  return {
    type: 'error', id,
    code: typeof e?.code === 'string' ? e.code : 'E_KERNEL',
    message: typeof e?.message === 'string' ? e.message : String(error),
  };
}
