// How much memory a training step takes, measured before training starts (docs/training.md §memory).
// tfjs's wasm backend keeps every tensor in one WebAssembly heap that can grow to at most 4 GiB - 64 KiB
// (tfjs-backend-wasm 4.22, getHeapMax) and never shrinks; past that it aborts the process with
// `Aborted()` or `memory access out of bounds`, after minutes of training. A step's peak tensor memory is
// affine in the batch size (activations and their gradients scale with it, weights and optimizer state do
// not), so two probe steps at batch 1 and 2 predict it at any batch: measured on the mnist space and on a
// 2 x 8-block one, the prediction at batch 64 is within 0.5 % of a measured step, and the heap is within
// 10 % above the peak. The probe steps compute gradients but apply none: training is unchanged.
import * as tf from '@tensorflow/tfjs';
import { GibbonError } from '../util/errors.ts';

/** tfjs-backend-wasm 4.22's largest heap (its getHeapMax()): 4 GiB less one 64 KiB page. */
export const TFJS_WASM_HEAP_MAX_BYTES = 4294901760;
/**
 * The share of that heap a training step's peak may take. The rest covers what the probe does not see:
 * heap fragmentation (measured 5-10 % above the peak), the weights' optimizer moments kept across steps,
 * and evaluation batches.
 */
export const TRAINING_HEAP_BUDGET_FRAC = 0.75;

export interface StepMemory {
  /**
   * Peak tensor bytes that do not depend on the batch: every tensor alive before the step (weights, and
   * whatever else the process holds) plus the step's own (gradients of the weights).
   */
  fixedBytes: number;
  /** Peak tensor bytes per image of the batch. */
  perImageBytes: number;
}

/**
 * Peak tensor bytes of one call of `step`, counting the tensors alive before it too (tf.profile's
 * peakBytes is the engine's whole byte count at its peak); every tensor the step makes is disposed.
 */
async function peakBytesOf(step: () => void): Promise<number> {
  const info = await tf.profile(() => { tf.tidy(step); });
  return info.peakBytes;
}

/** Measures a step's memory from two probe calls at batch 1 and 2. `step(batch)` must dispose what it makes (tf.tidy does). */
export async function measureStepMemory(step: (batch: number) => void): Promise<StepMemory> {
  const one = await peakBytesOf(() => step(1));
  const two = await peakBytesOf(() => step(2));
  const perImageBytes = Math.max(0, two - one);
  return { fixedBytes: Math.max(0, one - perImageBytes), perImageBytes };
}

/** The predicted peak tensor bytes of a step at `batch`. */
export const stepPeakBytes = (m: StepMemory, batch: number): number => m.fixedBytes + m.perImageBytes * batch;

/** The largest batch whose step fits `budgetBytes` (0 if not even one image fits). */
export const largestFittingBatch = (m: StepMemory, budgetBytes: number): number =>
  m.perImageBytes === 0 ? Number.MAX_SAFE_INTEGER : Math.max(0, Math.floor((budgetBytes - m.fixedBytes) / m.perImageBytes));

const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

/**
 * Refuses a training batch whose step would not fit the wasm heap, before any training: one line naming
 * the space, the batch, the memory it needs, and the batch size that fits (or that the space is too large
 * even at batch 1, and which fields shrink it).
 */
export function checkTrainingMemory(m: StepMemory, batch: number, what: string, budgetBytes = TFJS_WASM_HEAP_MAX_BYTES * TRAINING_HEAP_BUDGET_FRAC): void {
  const need = stepPeakBytes(m, batch);
  if (need <= budgetBytes) return;
  const fits = largestFittingBatch(m, budgetBytes);
  const fix = fits >= 1
    ? `a batch size of at most ${fits} (--batch-size ${fits})`
    : 'a smaller space: fewer blocks or narrower channels (stages[].blocks, decisions.channels)';
  throw new GibbonError('E_OPTION', `${what}: batch size: got ${batch}, whose training step needs about ${gib(need)} of tfjs's wasm heap; allowed: at most ${gib(budgetBytes)} (${Math.round(TRAINING_HEAP_BUDGET_FRAC * 100)} % of its 4 GiB limit): use ${fix}`);
}
