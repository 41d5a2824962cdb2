// Executes functional-simulator tasks in this thread: prepares each chip instance (model, hardware,
// seed, trial) once and keeps the most recent ones, so the batches of a trial reuse the sliced weights.
import type { Simulator } from '../hw/simulator.ts';
import { PimKernel, type PimRunResult, type PreparedPim } from './kernel.ts';
import type { PimExecutor, PimTask } from './run.ts';
import type { PimModel } from './types.ts';

/** Chip instances kept prepared: a trial's batches plus the calibration run. */
const KEPT_CHIPS = 2;

let nextModelId = 1;
const modelIds = new WeakMap<PimModel, number>();
/** A key for a task's chip instance: the model object, the hardware values, seed and trial. */
export function chipKey(task: Pick<PimTask, 'model' | 'hw' | 'seed' | 'trial'>): string {
  let id = modelIds.get(task.model);
  if (id === undefined) { id = nextModelId++; modelIds.set(task.model, id); }
  return `${id}|${JSON.stringify(task.hw, (_k, v) => (v === Infinity ? 'Infinity' : v))}|${task.seed}|${task.trial}`;
}

export class InThreadPimExecutor implements PimExecutor {
  readonly kernel: PimKernel;
  readonly #kept: Array<{ key: string; prep: PreparedPim }> = [];

  constructor(sim: Simulator) {
    this.kernel = new PimKernel(sim);
  }

  /** The prepared chip of `task`, reused across its batches. */
  prepared(task: PimTask): PreparedPim {
    const key = task.key ?? chipKey(task);
    const hit = this.#kept.findIndex((k) => k.key === key);
    if (hit >= 0) return this.#kept[hit].prep;
    const prep = this.kernel.prepare(task.model, task.hw, task.seed, task.trial);
    this.#kept.push({ key, prep });
    if (this.#kept.length > KEPT_CHIPS) this.kernel.free(this.#kept.shift()!.prep);
    return prep;
  }

  async run(task: PimTask): Promise<PimRunResult> {
    return this.kernel.run(this.prepared(task), task.inputs, task.n, task.imageOffset, { psumRanges: task.psumRanges });
  }

  /** Frees every prepared chip. */
  dispose(): void {
    for (const k of this.#kept.splice(0)) this.kernel.free(k.prep);
  }
}
