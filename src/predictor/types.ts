// Public types of the RNN predictor (docs/predictor.md).

import type { Candidate } from '../space/types.ts';

/** The hardware figures of a design, in the units of the search journal's metrics. */
export interface HardwareLabels {
  area_mm2: number;
  energy_uJ: number;
  latency_ms: number;
  power_W: number;
}

/**
 * Labels of a sample. The accuracy labels are optional (masked when absent): pimLoss (quantized - PIM
 * accuracy, a fraction) and quantized (the one-shot quantized accuracy, a fraction).
 */
export interface SampleLabels extends HardwareLabels {
  pimLoss?: number;
  quantized?: number;
}

/**
 * Per-layer hardware figures of a design, one entry per simulator layer (= per token, in token order),
 * in the units of HardwareLabels: each layer's area, energy and power (their sums are the totals; area
 * leaves out the chip-level global accumulator, under 0.5 %), and its share of the latency: the increase
 * of the running maximum of the layers' last-done times (the total latency is that maximum, so the
 * shares sum to it exactly; a layer that finishes before an earlier one has share 0).
 */
export interface LayerLabels {
  area_mm2: number[];
  energy_uJ: number[];
  latency_ms: number[];
  power_W: number[];
  /** The layer's busy time: output pixels x its steady per-pixel latency (the total latency is close to their maximum). */
  busy_ms: number[];
}

/** The per-layer targets, in cost-channel order (cost channel k is trained on LAYER_TARGETS[k]). */
export const LAYER_TARGETS = ['area_mm2', 'energy_uJ', 'latency_ms', 'power_W', 'busy_ms'] as const;
/** The total target whose log-mean and standard deviation normalize each per-layer target. */
export const LAYER_TOTALS = { area_mm2: 'area_mm2', energy_uJ: 'energy_uJ', latency_ms: 'latency_ms', power_W: 'power_W', busy_ms: 'latency_ms' } as const;

export interface PredictorSample {
  candidate: Candidate;
  labels: SampleLabels;
  /** Optional per-layer figures (the simulator's full detail): the auxiliary loss of docs/predictor.md §3. */
  layers?: LayerLabels;
}

/** A prediction, in natural units. */
export interface Prediction extends HardwareLabels {
  pimLoss: number;
  quantized: number;
}

/** The predicted targets, in head order. */
export const TARGETS = ['pimLoss', 'quantized', 'area_mm2', 'energy_uJ', 'latency_ms', 'power_W'] as const;
export type TargetName = (typeof TARGETS)[number];

export type CellKind = 'gru' | 'lstm';

/** Sizes and training settings (docs/predictor.md §2 gives the defaults and why). */
export interface PredictorOptions {
  /** Seed of the initial weights and of the batch order. */
  seed: number;
  cell?: CellKind;
  /** Width of the per-layer token embedding. */
  tokenSize?: number;
  /** Width of the hardware-knob embedding. */
  hardwareSize?: number;
  /** Recurrent state width. */
  hiddenSize?: number;
  /** Width of the MLP trunk after the RNN. */
  mlpSize?: number;
  learningRate?: number;
  /** The learning rate of epoch e (the predictor's epoch counter) is learningRate x learningRateDecay^e; 1: constant. */
  learningRateDecay?: number;
  batchSize?: number;
  /** Weight of the pairwise ranking term against the regression term. */
  rankWeight?: number;
  /** L2 weight decay (on weights, not biases). */
  weightDecay?: number;
  /** Weight of each accuracy target (pimLoss, quantized) in the loss; each hardware target weighs 1. */
  accuracyWeight?: number;
  /** Weight of the tie term: |p_i - p_j| over pairs with equal labels (pimLoss: the exact zeros). */
  tieWeight?: number;
  /** A predicted pimLoss at or below this is reported as 0 (no measurable loss; docs/predictor.md §2). */
  pimLossFloor?: number;
  /** Weight of the per-layer auxiliary loss (samples with `layers`; docs/predictor.md §3). 0: off. */
  layerWeight?: number;
  /**
   * 1: the per-layer cost channels are also max-pooled over the real layers, beside their log-sum-exp, into
   * the heads and the MLP (a pipeline's latency is close to its busiest layer's). 0: log-sum-exp only (a
   * saved state without the option means 0).
   */
  costMaxPool?: number;
  /** 1: the cost channels read [h'_t, token_t] (the token embedding beside the state); 0: h'_t only (a saved state without it means 0). */
  costTokenInput?: number;
  /** > 0: a relu layer of this width between the cost channels' input and the channels (cost.Wh, cost.bh); 0: linear (a saved state without it means 0). */
  costHiddenSize?: number;
  /**
   * 1 (default): each token also carries the layer's tiles, first tile, hops in and out and NoC time on the
   * chip (the simulator's mapping and placement on the candidate's hardware, computed in TypeScript;
   * docs/predictor.md §1); 0: not (a saved state without it means 0).
   */
  tileFeatures?: number;
  /**
   * 1 (default): each token also carries the layer's steady pixel latency, busy time and share of the
   * busiest layer's busy time on the candidate's hardware (the simulator's per-pixel schedule, computed in
   * TypeScript; docs/predictor.md §1); 0: not (a saved state without it means 0).
   */
  latencyFeatures?: number;
}

export type ResolvedPredictorOptions = Required<PredictorOptions>;

export interface FitOptions {
  epochs: number;
  onProgress?: (p: FitProgress) => void;
}

export interface FitProgress {
  epoch: number;
  epochs: number;
  /** Mean training loss of the epoch (regression + ranking). */
  loss: number;
}

export interface FitReport {
  epochs: number;
  samples: number;
  /** Samples with a pimLoss label. */
  pimLossSamples: number;
  /** Mean loss of the first and last epoch of this call. */
  firstLoss: number;
  lastLoss: number;
  seconds: number;
}

/** One Float32 tensor, as JSON-able data (little-endian float32 bytes, base64). */
export interface TensorData {
  shape: number[];
  base64: string;
}

/** Target normalization: (value - mean) / std of the transformed target (log for the hardware ones). */
export interface TargetScale {
  mean: number;
  std: number;
}

/** Everything a predictor needs to resume exactly (docs/predictor.md §5). */
export interface PredictorState {
  format: 'gibbon-predictor-state';
  version: 1;
  options: ResolvedPredictorOptions;
  space: string;
  /** Weights by name (docs/predictor.md §3 layout). */
  weights: Record<string, TensorData>;
  /** Adam: step count and first / second moments by weight name. */
  adam: { step: number; m: Record<string, TensorData>; v: Record<string, TensorData> };
  /** Normalization per target, fixed by the first fit that saw it (null: not yet). */
  scales: Record<TargetName, TargetScale | null>;
  /** Epochs trained so far (the batch-order stream of epoch e is rng.fork('epoch', e)). */
  epoch: number;
}
