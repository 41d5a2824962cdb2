// runPim(): a quantized model on a PIM architecture, as the crossbars would run it
// (docs/functional.md). It quantizes the inputs onto the model's input grid, measures the ADC ranges
// for the calibrated mode, draws `trials` chip instances from (seed, trial), runs every image on each,
// and reports accuracy (mean and std over trials) and per-layer statistics. Web-standard.
import type { ArchConfig } from '../hw/types.ts';
import { pimDeviceOptions } from '../hw/arch.ts';
import { GibbonError, fieldError } from '../util/errors.ts';
import { calibratedRange, hardwareFor, type PimRunResult } from './kernel.ts';
import { gridTop, rha } from './reference.ts';
import type { PimHardware, PimInputSpec, PimLayerStats, PimModel } from './types.ts';

/** Runs one chip instance on a batch of images; in this thread (PimKernel) or on a worker pool. */
export interface PimExecutor {
  run(task: PimTask): Promise<PimRunResult>;
}

export interface PimTask {
  model: PimModel;
  hw: PimHardware;
  seed: number;
  trial: number;
  /** Quantized network inputs, n x C x H x W. */
  inputs: Int32Array;
  n: number;
  /** Index of the first image in its split (keys the read noise). */
  imageOffset: number;
  psumRanges?: Float64Array;
  /** Identifies the chip instance (model, hardware, seed, trial) across threads; set by pools. */
  key?: string;
}

export interface RunPimOptions {
  /** Chip-instance seed (stuck-at faults, variation, read noise). Default 1. */
  seed?: number;
  /** Monte-Carlo chip instances (trial 0 .. trials-1). Default 1. */
  trials?: number;
  /** Labels of the inputs: accuracy is reported when given. */
  labels?: ArrayLike<number>;
  /** Images that set the ADC ranges in the calibrated modes (the first ones of `inputs`). Default 64. */
  calibrationImages?: number;
  /** Images per kernel call. Default 256. */
  batchSize?: number;
  /** Index of inputs[0] in its split. Default 0. */
  imageOffset?: number;
  /** Progress events: after every batch. */
  onProgress?: (event: { trial: number; trials: number; done: number; total: number }) => void;
}

export interface PimTrialResult {
  trial: number;
  predictions: Int32Array;
  /** Present when labels were given. */
  accuracy?: number;
  stats: PimLayerStats[];
}

export interface RunPimResult {
  hardware: PimHardware;
  /** The ADC full scale used per layer (calibrated mode), else undefined. */
  psumRanges?: Float64Array;
  trials: PimTrialResult[];
  /** Mean and (population) standard deviation of the trials' accuracies. */
  accuracyMean?: number;
  accuracyStd?: number;
  /** Logits of trial 0, n x classes. */
  logits: Float64Array;
  /** Per-layer statistics summed over all trials. */
  stats: PimLayerStats[];
}

/**
 * Quantizes images onto the model's input grid (docs/functional.md §1): xq = clamp(rha(x / scale), lo, T).
 * `images` holds floats, or bytes read as byte / 255 (the datasets' storage).
 */
export function quantizeInputs(spec: PimInputSpec, images: Float32Array | Float64Array | Uint8Array): Int32Array {
  const top = gridTop(spec.bits), lo = spec.signed ? -top : 0;
  const out = new Int32Array(images.length);
  const bytes = images instanceof Uint8Array;
  for (let i = 0; i < images.length; i++) {
    const x = bytes ? images[i] / 255 : images[i];
    const q = rha(x / spec.scale);
    out[i] = q < lo ? lo : q > top ? top : q;
  }
  return out;
}

const DEFAULT_CALIBRATION_IMAGES = 64;
const DEFAULT_BATCH = 256;
/** An ADC that neither rounds nor clips any partial sum this project produces: the calibration run. */
const LOSSLESS_ADC_BITS = 32;

function positiveInt(v: unknown, path: string, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) throw fieldError('E_OPTION', 'runPim', path, v, `an integer in 1..${max}`);
  return v;
}

/** The ADC ranges of the calibrated mode: the model's psumRange where set, else measured (largest |p_ideal|). */
export async function calibratePsumRanges(exec: PimExecutor, model: PimModel, hw: PimHardware, inputs: Int32Array, n: number): Promise<Float64Array> {
  const ideal: PimHardware = {
    ...hw, adcBits: LOSSLESS_ADC_BITS,
    device: { rangeMode: 'fixed', safHrsPct: 0, safLrsPct: 0, variationSigmaPctOfR: 0, hrsLrsRatio: Infinity, readNoiseSigma: 0 },
  };
  const r = await exec.run({ model, hw: ideal, seed: 0, trial: 0, inputs, n, imageOffset: 0 });
  const ranges = new Float64Array(model.layers.length).fill(NaN);
  model.layers.forEach((l, i) => {
    if (l.type === 'conv' || l.type === 'fc') ranges[i] = l.psumRange ?? r.psumMax[i];
  });
  return ranges;
}

/**
 * The shifts tried by the least-error range mode: full scale F / 2^k for k = 0 .. LEAST_ERROR_MAX_SHIFT. The
 * ADC step is a power of two (functional.md §5), so each k is one step finer. The layers measured so far
 * chose k <= 2 (bench:adc-range, the mnist search); 4 leaves room for heavier-tailed sums.
 */
export const LEAST_ERROR_MAX_SHIFT = 4;

/**
 * The least-error range mode's full scales: for each matrix layer without a psumRange of its own in the
 * model file, `ranges[i] / 2^k` with the k in 0..LEAST_ERROR_MAX_SHIFT whose run over the calibration
 * images has the smallest mean |p̂ - p_ideal| (the layer's psumMae) in that layer; the smallest k on a tie.
 * Each k is one run with every such layer shifted by k (the chip of `seed`, trial 0, as the run's devices):
 * a layer's error is measured against its own ideal sums, so its choice depends little on the others'.
 * `ranges` are the calibrated mode's (calibratePsumRanges); layers with a model psumRange keep it.
 */
export async function leastErrorPsumRanges(exec: PimExecutor, model: PimModel, hw: PimHardware, inputs: Int32Array, n: number,
  ranges: Float64Array, seed: number): Promise<Float64Array> {
  const free = (i: number) => {
    const l = model.layers[i];
    return (l.type === 'conv' || l.type === 'fc') && l.psumRange === undefined && !Number.isNaN(ranges[i]);
  };
  const tried = Array.from({ length: LEAST_ERROR_MAX_SHIFT + 1 }, (_, k) => ranges.map((r, i) => (free(i) ? r / 2 ** k : r)));
  // the runs are independent: a pool spreads them over its workers; the choice below goes in order of k
  const runs = await Promise.all(tried.map((psumRanges) => exec.run({ model, hw, seed, trial: 0, inputs, n, imageOffset: 0, psumRanges })));
  const best = Float64Array.from(ranges);
  const bestMae = new Float64Array(ranges.length).fill(Infinity);
  runs.forEach((r, k) => r.stats.forEach((s, i) => {
    if (free(i) && s.psumMae < bestMae[i]) { bestMae[i] = s.psumMae; best[i] = tried[k][i]; }
  }));
  return best;
}

/** Runs `inputs` (n images, C x H x W each, quantized or not) through `model` on the architecture `arch`. */
export async function runPim(exec: PimExecutor, model: PimModel, arch: ArchConfig, inputs: Int32Array | Float32Array | Uint8Array,
  options: RunPimOptions = {}): Promise<RunPimResult> {
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw fieldError('E_OPTION', 'runPim', 'options.seed', seed, 'an integer in 0..4294967295');
  const trials = positiveInt(options.trials ?? 1, 'options.trials', 10000);
  const batch = positiveInt(options.batchSize ?? DEFAULT_BATCH, 'options.batchSize', 1 << 20);
  const imageSize = model.input.channels * model.input.height * model.input.width;
  if (inputs.length % imageSize !== 0 || inputs.length === 0) {
    throw new GibbonError('E_DATASET', `runPim: inputs hold ${inputs.length} values, not a positive multiple of the model's input size ${model.input.channels}x${model.input.height}x${model.input.width}`);
  }
  const n = inputs.length / imageSize;
  if (options.labels && options.labels.length !== n) {
    throw new GibbonError('E_DATASET', `runPim: ${options.labels.length} labels for ${n} images`);
  }
  const xq = inputs instanceof Int32Array ? inputs : quantizeInputs(model.input, inputs);
  const hw = hardwareFor(arch, pimDeviceOptions(arch));
  let psumRanges: Float64Array | undefined;
  if (calibratedRange(hw.device.rangeMode)) {
    const calN = Math.min(n, positiveInt(options.calibrationImages ?? DEFAULT_CALIBRATION_IMAGES, 'options.calibrationImages', 1 << 20));
    const cal = xq.subarray(0, calN * imageSize);
    psumRanges = await calibratePsumRanges(exec, model, hw, cal, calN);
    if (hw.device.rangeMode === 'least-error') psumRanges = await leastErrorPsumRanges(exec, model, hw, cal, calN, psumRanges, seed);
  }
  const offset = options.imageOffset ?? 0;
  const results: PimTrialResult[] = [];
  let logits = new Float64Array(0);
  const stats: PimLayerStats[] = [];
  for (let t = 0; t < trials; t++) {
    const predictions = new Int32Array(n);
    const trialLogits = t === 0 ? new Float64Array(n * model.classes) : undefined;
    const tasks: Array<Promise<void>> = [];
    let done = 0;
    const trialStats: PimLayerStats[] = [];
    for (let start = 0; start < n; start += batch) {
      const m = Math.min(batch, n - start);
      const task: PimTask = { model, hw, seed, trial: t, inputs: xq.slice(start * imageSize, (start + m) * imageSize), n: m, imageOffset: offset + start, psumRanges };
      tasks.push(exec.run(task).then((r) => {
        predictions.set(r.predictions, start);
        trialLogits?.set(r.logits, start * model.classes);
        mergeStats(trialStats, r.stats);
        done += m;
        options.onProgress?.({ trial: t, trials, done, total: n });
      }));
    }
    await Promise.all(tasks);
    finishStats(trialStats);
    mergeStats(stats, trialStats);
    if (trialLogits) logits = trialLogits;
    const res: PimTrialResult = { trial: t, predictions, stats: trialStats };
    if (options.labels) {
      let correct = 0;
      for (let i = 0; i < n; i++) if (predictions[i] === options.labels[i]) correct++;
      res.accuracy = correct / n;
    }
    results.push(res);
  }
  finishStats(stats);
  const out: RunPimResult = { hardware: hw, psumRanges, trials: results, logits, stats };
  if (options.labels) {
    const accs = results.map((r) => r.accuracy!);
    const mean = accs.reduce((s, a) => s + a, 0) / accs.length;
    out.accuracyMean = mean;
    out.accuracyStd = Math.sqrt(accs.reduce((s, a) => s + (a - mean) ** 2, 0) / accs.length);
  }
  return out;
}

/** Adds batch statistics into `into` (same layer order), summing counts and error sums. */
function mergeStats(into: PimLayerStats[], add: readonly PimLayerStats[]): void {
  add.forEach((s, i) => {
    const t = into[i];
    if (!t) { into[i] = { ...s }; return; }
    t.conversions += s.conversions;
    t.saturated += s.saturated;
    t.absErrorSum += s.absErrorSum;
  });
}

function finishStats(stats: PimLayerStats[]): void {
  for (const s of stats) {
    s.adcSaturationFrac = s.conversions ? s.saturated / s.conversions : 0;
    s.psumMae = s.conversions ? s.absErrorSum / s.conversions : 0;
  }
}
