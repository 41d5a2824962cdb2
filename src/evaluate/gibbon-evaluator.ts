// The real evaluator of the search core (docs/search.md §1): a genome is decoded to a candidate of the
// space; its hardware cost comes from the architecture simulator and its accuracy from the supernet on
// the functional (PIM) simulator.
//
// Per batch:
// * hardware: ONE pool.simulateBatch(jobs, { detail: 'totals' }) call for the whole batch, one job per
//   genome: resolveNetwork(toNetworkSpec(space, c)).layers on toArch(space, c);
// * accuracy: evaluateAccuracy on the chosen split, one candidate after another (it runs the functional
//   simulator through the pool), on the same toArch(space, c) the hardware figures use.
//
// Metrics of one candidate (the search core reads the objective names; the unit-suffixed names are the
// same numbers, spelled as src/report/hw-json.ts spells them, for the journal):
//   accuracy = pim (fraction; the mean over trials),  accuracy_std (trials > 1 only), float, quantized, pimLoss
//   energy   = energy_uJ        latency = latency_ms        area = area_mm2
//   edp      = edp_mJms (energy_mJ * latency_ms)            power = power_W
//   fits     = 1 (the network maps onto the chip) or 0
//
// A candidate that does not fit the chip (GibbonError E_ARCH "needs N tiles but the chip has M") cannot be
// marked infeasible here: the core's constraint violation comes only from the problem's metric constraints
// (problem.ts: constraintsOf / violationOf over METRIC_NAMES), and an evaluator cannot add one. So it gets
// WORST-CASE metrics instead: accuracy 0 (float, quantized, pim 0, pimLoss 0; the accuracy is not
// evaluated), and `infeasiblePenalty` (default 1e9, finite so the journal's JSON round-trips it) for
// energy, latency, area, edp and power, with fits = 0. Every candidate that fits dominates it in every
// objective. Any other simulator error still rejects the batch.

import type { Dataset, Split } from '../data/types.ts';
import { resolveNetwork } from '../hw/network.ts';
import type { ArchConfig, ModelName, ResolvedLayer, SimDetail, SimResult, SimSummary } from '../hw/types.ts';
import type { Simulator, SimJob } from '../hw/simulator.ts';
import { FinetuneCache, evaluateAccuracy, evaluatePimAccuracy, type AccuracyOptions, type AccuracyResult } from '../nn/accuracy.ts';
import type { Supernet } from '../nn/supernet.ts';
import { pimExecutor, type EvalPool } from '../pool/eval-pool.ts';
import { toArch, toNetworkSpec } from '../space/convert.ts';
import type { Space } from '../space/space.ts';
import type { Candidate } from '../space/types.ts';
import { GibbonError, fieldError } from '../util/errors.ts';
import type { Evaluator, Genome, MetricName, Metrics } from '../search/problem.ts';
import type { HypervolumeSpec } from '../search/hypervolume.ts';
import { largestCandidate, smallestCandidate } from '../nn/supernet.ts';

export interface GibbonEvaluatorOptions {
  /** The space genomes belong to (default: the supernet's). Its decisions order the genome. */
  space?: Space;
  supernet: Supernet;
  /** Runs the hardware simulator and the functional simulator. */
  pool: EvalPool;
  /** Its `train` split calibrates each sub-network; accuracy is measured on `split`. */
  dataset: Dataset;
  split?: 'validation' | 'test';
  /** Only the first `limit` images of the split. */
  limit?: number;
  /** The hardware model (default 'gibbon'). */
  model?: ModelName;
  /** Value of energy, latency, area, edp and power of a candidate that does not fit the chip (default 1e9). */
  infeasiblePenalty?: number;
  /** Forwarded to evaluateAccuracy (defaults there: 20, 8, seed 1, 1 trial). */
  bnBatches?: number;
  calibrationBatches?: number;
  seed?: number;
  trials?: number;
  /** Steps of fine-tuning each sub-network alone before it is measured (evaluateAccuracy; default 0: none). */
  finetuneSteps?: number;
  /** Where fine-tunings are kept for reuse (default: a cache of this evaluator's own); share one between evaluators of one supernet. */
  finetuneCache?: FinetuneCache;
  /**
   * Device non-idealities of the accuracy evaluation, over the space's own (docs/functional.md §5). With
   * trials > 1 the metrics also hold accuracy_std (population std over the chip instances).
   */
  nonideal?: Partial<ArchConfig['nonideal']>;
  /**
   * Accuracy evaluations in flight (default 2). The next candidate's tfjs work (batch-norm recalibration,
   * float accuracy, export) runs on this thread while the pool simulates the previous one; each result is
   * independent of the others, so the metrics do not depend on this number.
   */
  concurrency?: number;
  /**
   * Only the PIM accuracy (metrics { accuracy }, and accuracy_std with trials > 1): no hardware simulation,
   * no float or lossless run (evaluatePimAccuracy: the same number as a full evaluation's). What a
   * front's test accuracy needs. A candidate that does not fit the chip is not detected then.
   */
  accuracyOnly?: boolean;
}

export interface GibbonEvaluator extends Evaluator {
  readonly space: Space;
  /** Candidates evaluated so far (infeasible ones included). */
  readonly evaluations: number;
  /** The decoded candidate of a genome (what the metrics describe). */
  candidate(genome: Genome): Candidate;
}

export const DEFAULT_INFEASIBLE_PENALTY = 1e9;

const UM2_TO_MM2 = 1e-6, NJ_TO_UJ = 1e-3, NJ_TO_MJ = 1e-6, NS_TO_MS = 1e-6;
const SOURCE = 'gibbon evaluator';

/** True for the simulator's "the network needs more tiles than the chip has" error. */
export function isTilesError(error: unknown): boolean {
  return error instanceof GibbonError && error.code === 'E_ARCH' && /needs \S+ tiles but the chip has/.test(error.message);
}

/** The hardware half of a metrics record, from a simulation summary. */
export function hardwareMetrics(s: SimSummary): Metrics {
  const t = s.totals;
  const energy_uJ = t.energyNj * NJ_TO_UJ;
  const latency_ms = t.latencyNs * NS_TO_MS;
  const area_mm2 = t.areaUm2 * UM2_TO_MM2;
  const edp_mJms = t.energyNj * NJ_TO_MJ * latency_ms;
  const power_W = t.powerW;
  return { energy: energy_uJ, latency: latency_ms, area: area_mm2, edp: edp_mJms, power: power_W, energy_uJ, latency_ms, area_mm2, edp_mJms, power_W };
}

function accuracyMetrics(r: Pick<AccuracyResult, 'float' | 'quantized' | 'pim' | 'pimLoss'>): Metrics {
  return { accuracy: r.pim, float: r.float, quantized: r.quantized, pimLoss: r.pimLoss };
}

/** The worst-case metrics of a candidate that does not fit the chip (see the header). */
export function infeasibleMetrics(penalty: number = DEFAULT_INFEASIBLE_PENALTY): Metrics {
  const hw = { energy: penalty, latency: penalty, area: penalty, edp: penalty, power: penalty };
  return { ...accuracyMetrics({ float: 0, quantized: 0, pim: 0, pimLoss: 0 }), ...hw, energy_uJ: penalty, latency_ms: penalty, area_mm2: penalty, edp_mJms: penalty, power_W: penalty, fits: 0 };
}

/** The simulator job of a candidate: its resolved layer list on its own architecture, toArch(space, c). */
export function simJobOf(space: Space, c: Candidate, model: ModelName = 'gibbon'): SimJob {
  const layers: ResolvedLayer[] = resolveNetwork(toNetworkSpec(space, c), `${space.name} candidate`).layers;
  return { layers, arch: toArch(space, c), options: { model } };
}

/**
 * Results of every job in one batch call (totals only, or with `detail: 'full'` the per-layer records);
 * undefined for a job whose network does not fit the chip. Only when some job does not fit (the batch call
 * rejects with one job's error and no index) is each job run again on its own to find which. Any other
 * simulator error rejects.
 */
export async function simulateFitting(pool: EvalPool, jobs: SimJob[], detail: 'full'): Promise<(SimResult | undefined)[]>;
export async function simulateFitting(pool: EvalPool, jobs: SimJob[], detail?: 'totals'): Promise<(SimSummary | undefined)[]>;
export async function simulateFitting(pool: EvalPool, jobs: SimJob[], detail: SimDetail = 'totals'): Promise<(SimResult | SimSummary | undefined)[]> {
  try {
    return await pool.simulateBatch(jobs, { detail });
  } catch (error) {
    if (!isTilesError(error)) throw error;
  }
  const settled = await Promise.allSettled(jobs.map((j) => pool.simulateBatch([j], { detail })));
  return settled.map((r) => {
    if (r.status === 'fulfilled') return r.value[0];
    if (isTilesError(r.reason)) return undefined;
    throw r.reason;
  });
}

/** Hardware metrics from an in-thread simulator (model 'gibbon'), as the search evaluator computes them. */
export function simulatorHardware(space: Space, sim: Simulator): (candidate: Candidate) => Metrics | undefined {
  return (c) => {
    let r: SimResult;
    try {
      const job = simJobOf(space, c);
      r = sim.simulate(job.layers, job.arch, job.options);
    } catch (e) {
      if (isTilesError(e)) return undefined;
      throw e;
    }
    return hardwareMetrics({ model: r.model, pipeline: r.pipeline, totals: r.totals });
  };
}

/** Totals of every job in one batch call; undefined for a job that does not fit (simulateFitting). */
export const simulateTotals = (pool: EvalPool, jobs: SimJob[]): Promise<(SimSummary | undefined)[]> => simulateFitting(pool, jobs);

export function createGibbonEvaluator(options: GibbonEvaluatorOptions): GibbonEvaluator {
  const { supernet, pool, dataset } = options;
  const space = options.space ?? supernet.space;
  const splitName = options.split ?? 'validation';
  if (splitName !== 'validation' && splitName !== 'test') throw fieldError('E_OPTION', SOURCE, 'split', splitName, 'validation, test');
  const split: Split = dataset[splitName];
  const limit = options.limit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw fieldError('E_OPTION', SOURCE, 'limit', limit, 'an integer >= 1');
  const penalty = options.infeasiblePenalty ?? DEFAULT_INFEASIBLE_PENALTY;
  if (!Number.isFinite(penalty)) throw fieldError('E_OPTION', SOURCE, 'infeasiblePenalty', penalty, 'a finite number (the journal is JSON)');
  const model: ModelName = options.model ?? 'gibbon';
  const concurrency = options.concurrency ?? 2;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw fieldError('E_OPTION', SOURCE, 'concurrency', concurrency, 'an integer >= 1');
  const executor = pimExecutor(pool);
  const finetuneCache = options.finetuneCache ?? new FinetuneCache(); // empty, and unused, without finetuneSteps
  let evaluations = 0;

  return {
    space,
    get evaluations() { return evaluations; },
    candidate: (genome) => space.decode(genome),
    async evaluate(genomes: Genome[]): Promise<Metrics[]> {
      const candidates = genomes.map((g) => space.decode(g));
      const jobs = candidates.map((c) => simJobOf(space, c, model));
      const archs: ArchConfig[] = jobs.map((j) => j.arch);
      const accuracyOptions = (i: number): AccuracyOptions => ({
        executor, calibration: dataset.train, limit, arch: options.nonideal ? { ...archs[i], nonideal: { ...archs[i].nonideal, ...options.nonideal } } : archs[i],
        bnBatches: options.bnBatches, calibrationBatches: options.calibrationBatches, seed: options.seed, trials: options.trials,
        finetuneSteps: options.finetuneSteps, finetuneCache,
      });
      if (options.accuracyOnly) {
        const pim = await inWindow(candidates.map((_, i) => i), concurrency, (i) => evaluatePimAccuracy(candidates[i], supernet, split, accuracyOptions(i)));
        evaluations += candidates.length;
        return candidates.map((_, i) => ({ accuracy: pim.get(i)!.pim, ...((options.trials ?? 1) > 1 ? { accuracy_std: pim.get(i)!.pimStd } : {}) }));
      }
      const hw = await simulateTotals(pool, jobs);
      const accuracyOf = (i: number) => evaluateAccuracy(candidates[i], supernet, split, accuracyOptions(i));
      const accuracy = await inWindow(candidates.map((_, i) => i).filter((i) => hw[i] !== undefined), concurrency, accuracyOf);
      const out: Metrics[] = hw.map((s, i) => {
        if (s === undefined) return infeasibleMetrics(penalty);
        const r = accuracy.get(i)!;
        const std: Metrics = (options.trials ?? 1) > 1 ? { accuracy_std: r.pimStd } : {};
        return { ...accuracyMetrics(r), ...std, ...hardwareMetrics(s), fits: 1 };
      });
      evaluations += candidates.length;
      return out;
    },
  };
}

/**
 * Hypervolume normalization fixed before the run (config.json must not depend on results): accuracy maps
 * 1 - accuracy in [0, 1] (linear); every hardware objective is on a log scale (costs span orders of
 * magnitude) from half the smaller to twice the larger of the space's smallest and largest candidates'
 * values (3 significant digits). Reference point 1.1 in every objective.
 */
export async function defaultHypervolumeSpec(space: Space, objectives: MetricName[], pool: EvalPool): Promise<Required<HypervolumeSpec>> {
  const hw: Metrics[] = [];
  for (const s of await simulateTotals(pool, [largestCandidate(space), smallestCandidate(space)].map((c) => simJobOf(space, c)))) {
    if (s !== undefined) hw.push(hardwareMetrics(s));
  }
  return hypervolumeSpecOf(objectives, hw);
}

/** defaultHypervolumeSpec from the hardware metrics of the space's extreme candidates (those that fit). */
export function hypervolumeSpecOf(objectives: readonly MetricName[], hw: readonly Metrics[]): Required<HypervolumeSpec> {
  const sig3 = (x: number) => Number(x.toPrecision(3));
  const bounds = objectives.map((o) => {
    const vals = hw.map((m) => m[o]).filter((v) => v > 0);
    if (o === 'accuracy' || vals.length === 0) return { ideal: 0, nadir: 1, log: false };
    const lo = sig3(Math.min(...vals) / 2), hi = sig3(2 * Math.max(...vals));
    return hi > lo ? { ideal: lo, nadir: hi, log: true } : { ideal: 0, nadir: hi, log: false };
  });
  return { ref: objectives.map(() => 1.1), ideal: bounds.map((b) => b.ideal), nadir: bounds.map((b) => b.nadir), log: bounds.map((b) => b.log) };
}

/** f over items with at most `window` calls in flight, started in order; results keyed by item. */
async function inWindow<R>(items: number[], window: number, f: (item: number) => Promise<R>): Promise<Map<number, R>> {
  const results = new Map<number, R>();
  let next = 0;
  async function lane(): Promise<void> {
    while (next < items.length) {
      const item = items[next++];
      results.set(item, await f(item));
    }
  }
  await Promise.all(Array.from({ length: Math.min(window, items.length) }, lane));
  return results;
}
