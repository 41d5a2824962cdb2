// Accuracy of a candidate from the supernet (docs/supernet.md §4), web-standard:
// * float: the sub-network in tfjs (batch norm recalibrated for it in float, no quantization);
// * quantized: its exported model file (batch norm and ranges from the quantized forward the weights were
//   trained with: quantizedCalibration) on the functional simulator with a lossless ADC (every partial sum
//   exact: fixed range, enough bits) and ideal devices, on the candidate's own crossbars, cells and DACs.
//   This equals integer quantized inference (docs/functional.md §5);
// * pim: the same model file on the candidate's architecture, toArch(space, candidate) (its ADC bits and
//   the space's fixed non-idealities);
// * pimLoss = quantized - pim, in [-1, 1].
// With finetuneSteps > 0 the sub-network is first fine-tuned alone from the supernet's weights (a copy; the
// supernet is not changed) for that many steps on the calibration (training) images: a dearer, closer
// estimate of the candidate trained alone (docs/supernet.md §7.2).
import type { Split } from '../data/types.ts';
import type { ArchConfig } from '../hw/types.ts';
import { runPim, type PimExecutor } from '../pim/run.ts';
import type { PimModel } from '../pim/types.ts';
import { toArch, toModelSkeleton } from '../space/convert.ts';
import type { Candidate } from '../space/types.ts';
import { evaluate } from './data.ts';
import { type QuantizedCalibration, type SubnetExportOptions, applyQuantizedCalibration, exportPreparedSubnet, prepareSubnet, quantizedCalibration } from './subnet-export.ts';
import { trainStandalone } from './standalone.ts';
import type { Net } from './net.ts';
import { GibbonError } from '../util/errors.ts';
import { Supernet } from './supernet.ts';

/** Bits of the lossless ADC: T(32) exceeds any partial sum of any converter, cell and crossbar here. */
const LOSSLESS_ADC_BITS = 32;

/** Ideal devices: no stuck-at faults, variation, leakage or read noise. */
const IDEAL_DEVICES: Readonly<ArchConfig['nonideal']> = Object.freeze({ safHrsPct: 0, safLrsPct: 0, variationSigmaPctOfR: 0, hrsLrsRatio: null, readNoiseSigma: 0 });

/**
 * `arch` with an ADC that never rounds or clips (fixed full scale, 32 bits, so the LSB is 1) and ideal
 * devices (no stuck-at faults, variation, leakage or read noise). Its cost figures are meaningless; the
 * functional simulator reads only the resolution and the device options.
 */
export function losslessArch(arch: ArchConfig): ArchConfig {
  return {
    ...arch,
    adc: { ...arch.adc, choice: -1, customBits: LOSSLESS_ADC_BITS, customAreaUm2: 1, customPowerW: 1, customSampleRateGsps: 1, rangeMode: 'fixed' },
    nonideal: { ...IDEAL_DEVICES },
  };
}

export interface AccuracyOptions extends SubnetExportOptions {
  /** Runs the functional simulator (InThreadPimExecutor, or pimExecutor(pool)). */
  executor: PimExecutor;
  /** Training images: batch-norm recalibration and activation calibration. */
  calibration: Split;
  /** Evaluate the first `limit` images of the split only. */
  limit?: number;
  /** The architecture of the `pim` figure (default toArch(space, candidate)). */
  arch?: ArchConfig;
  /** Chip-instance seed and Monte-Carlo trials of the `pim` figure (defaults 1 and 1). */
  seed?: number;
  trials?: number;
  /**
   * Steps of fine-tuning the sub-network alone before it is measured (default 0: the supernet's weights as
   * they are). The stand-alone recipe (trainStandalone: QAT at the candidate's bits, Adam with per-step
   * cosine decay over the steps, batch 64, shifts of +-2 px, data order seed 1) on `calibration`, starting
   * from a copy of the supernet's weights.
   */
  finetuneSteps?: number;
  /** Peak Adam learning rate of the fine-tuning (default 3e-3, the training recipe's). */
  finetuneLearningRate?: number;
  /**
   * Fine-tuned weights kept for reuse: a design that differs from an earlier one in hardware only (or is
   * measured again, e.g. on the test split) reuses its fine-tuning. One cache per supernet.
   */
  finetuneCache?: FinetuneCache;
}

/**
 * Fine-tuned supernet weights by network: the key is the candidate's layer graph (toModelSkeleton: every
 * shape and bit width; the hardware genes do not change the weights), the steps and the rate. Holds the most
 * recently used entries up to `maxFloats` numbers in all (each entry is the whole supernet's weights: 50,042
 * for mnist, 1,029,610 for gibbon-cifar; the default 2^24, 64 MiB, keeps 335 or 16 of them; the newest entry
 * is always kept). It belongs to one supernet whose weights do not change while it is in use.
 */
export class FinetuneCache {
  readonly maxFloats: number;
  readonly #entries = new Map<string, Float32Array[]>();
  #floats = 0;
  hits = 0;
  constructor(maxFloats = 1 << 24) { this.maxFloats = maxFloats; }
  get(key: string): Float32Array[] | undefined {
    const w = this.#entries.get(key);
    if (w) { this.#entries.delete(key); this.#entries.set(key, w); this.hits++; }
    return w;
  }
  set(key: string, weights: Float32Array[]): void {
    const size = (w: Float32Array[]) => w.reduce((n, a) => n + a.length, 0);
    const old = this.#entries.get(key);
    if (old) { this.#entries.delete(key); this.#floats -= size(old); }
    this.#entries.set(key, weights);
    this.#floats += size(weights);
    while (this.#floats > this.maxFloats && this.#entries.size > 1) {
      const [oldest, w] = this.#entries.entries().next().value!;
      this.#entries.delete(oldest);
      this.#floats -= size(w);
    }
  }
  /** Entries held. */
  get size(): number { return this.#entries.size; }
}

/** The fine-tuning defaults (docs/supernet.md §7.2). */
export const DEFAULT_FINETUNE_LEARNING_RATE = 3e-3;

export interface AccuracyResult {
  float: number;
  quantized: number;
  pim: number;
  /** Population standard deviation of the PIM accuracy over the trials (0 with one trial). */
  pimStd: number;
  pimLoss: number;
  images: number;
  model: PimModel;
}

/** True for IDEAL_DEVICES (what losslessArch sets). */
function idealDevices(n: ArchConfig['nonideal']): boolean {
  return (Object.keys(IDEAL_DEVICES) as (keyof ArchConfig['nonideal'])[]).every((k) => n[k] === IDEAL_DEVICES[k]);
}

export async function evaluateAccuracy(candidate: Candidate, sn: Supernet, split: Split, opts: AccuracyOptions): Promise<AccuracyResult> {
  const { model, float, images, labels, n, arch, p } = await pimRun(candidate, sn, split, opts, true);
  // On ideal devices a PIM run whose every conversion was exact (no rounding, no clipping: the measured
  // error sums are 0) computed every partial sum as the lossless ADC would, so its predictions are the
  // quantized ones: the lossless run is skipped (half the work for the accurate designs a search ends at).
  const exact = idealDevices(arch.nonideal) && p.stats.every((s) => s.absErrorSum === 0 && s.saturated === 0);
  const quantized = exact ? p.accuracyMean! : (await runPim(opts.executor, model, losslessArch(arch), images, { labels })).accuracyMean!;
  const pim = p.accuracyMean!;
  return { float: float!, quantized, pim, pimStd: p.accuracyStd ?? 0, pimLoss: quantized - pim, images: n, model };
}

/**
 * The `pim` figure alone (what a front's test accuracy needs): the same model file and the same PIM run
 * as evaluateAccuracy's, so the same number, without its float and lossless runs (about half the work).
 */
export async function evaluatePimAccuracy(candidate: Candidate, sn: Supernet, split: Split, opts: AccuracyOptions): Promise<Pick<AccuracyResult, 'pim' | 'pimStd' | 'images'>> {
  const { n, p } = await pimRun(candidate, sn, split, opts, false);
  return { pim: p.accuracyMean!, pimStd: p.accuracyStd ?? 0, images: n };
}

/** A copy of the supernet with `c`'s sub-network fine-tuned alone for `steps` steps (from the cache when there). */
function finetuned(sn: Supernet, c: Candidate, steps: number, opts: AccuracyOptions): Supernet {
  const learningRate = opts.finetuneLearningRate ?? DEFAULT_FINETUNE_LEARNING_RATE;
  const key = opts.finetuneCache && JSON.stringify({ steps, learningRate, graph: toModelSkeleton(sn.space, c) });
  const kept = key === undefined ? undefined : opts.finetuneCache!.get(key);
  if (kept) {
    const copy = new Supernet(sn.space, sn.seed);
    copy.setWeights(kept);
    return copy;
  }
  const t = trainStandalone(sn.space, c, opts.calibration, { epochs: 1, steps, learningRate, seed: 1, from: sn.weights() }).supernet;
  if (key !== undefined) opts.finetuneCache!.set(key, t.weights());
  return t;
}

/**
 * The candidate's model file (batch norm and ranges from the quantized forward, exported), the split's first n images,
 * with `withFloat` its float accuracy on them, and its run on the PIM architecture (opts.arch, else its own).
 */
async function pimRun(candidate: Candidate, sn: Supernet, split: Split, opts: AccuracyOptions, withFloat: boolean) {
  const c = sn.space.validateCandidate(candidate);
  const steps = opts.finetuneSteps ?? 0;
  if (!(Number.isInteger(steps) && steps >= 0)) throw new GibbonError('E_OPTION', `accuracy: finetuneSteps: got ${JSON.stringify(steps)}; allowed: an integer >= 0`, { source: 'accuracy', path: 'finetuneSteps' });
  const tuned = steps > 0 ? finetuned(sn, c, steps, opts) : undefined;
  let net: Net;
  let cal: QuantizedCalibration;
  try {
    cal = quantizedCalibration(tuned ?? sn, c, opts.calibration, opts);
    // the float figure needs batch norm recalibrated in float; the model file takes the quantized forward's
    net = withFloat ? prepareSubnet(tuned ?? sn, c, opts.calibration, opts) : (tuned ?? sn).subnetNet(c);
  } finally {
    tuned?.dispose();
  }
  let model: PimModel;
  let float: number | undefined;
  const n = Math.min(opts.limit ?? split.count, split.count);
  try {
    if (withFloat) float = evaluate(net, split, n).accuracy;
    applyQuantizedCalibration(net, cal);
    model = exportPreparedSubnet(sn, c, net, opts);
  } finally {
    net.dispose();
  }
  const { channels, height, width } = model.input;
  const images = split.images.subarray(0, n * channels * height * width);
  const labels = split.labels.subarray(0, n);
  const arch = opts.arch ?? toArch(sn.space, c);
  const p = await runPim(opts.executor, model, arch, images, { labels, seed: opts.seed ?? 1, trials: opts.trials ?? 1 });
  return { model, float, n, images, labels, arch, p };
}
