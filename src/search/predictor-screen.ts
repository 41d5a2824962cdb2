// The multi-level joint evaluation's first level for the real space (docs/search.md §9): a Screen over the
// RNN predictor. Hardware is cheap and accuracy is not, so a proposed child's hardware metrics come from
// the real hardware simulator (in this thread, synchronously: tens of microseconds each), and only its
// accuracy is predicted: accuracy = predicted one-shot quantized accuracy - predicted pimLoss. After each
// generation the predictor retrains (warm start) on every candidate evaluated so far; every label comes
// from the real simulators and every one of them was an evaluation of the search, so the budget already
// counts it. Numbers on a front are never predictions: a kept child is evaluated for real.
import type { SimResult } from '../hw/types.ts';
import type { Simulator } from '../hw/simulator.ts';
import type { Predictor } from '../predictor/predictor.ts';
import type { PredictorSample, PredictorState } from '../predictor/types.ts';
import type { Space } from '../space/space.ts';
import type { Candidate } from '../space/types.ts';
import { fieldError } from '../util/errors.ts';
import { hardwareMetrics, infeasibleMetrics, isTilesError, simJobOf } from './gibbon-evaluator.ts';
import type { Evaluated, Genome, Metrics, Problem } from './problem.ts';
import { constraintsOf, objectivesOf, violationOf } from './problem.ts';
import type { Predicted, Screen } from './screen.ts';

export interface PredictorScreenSettings {
  /** Children proposed per child evaluated. */
  oversample: number;
  /** Share of the evaluated children drawn at random from the rest. */
  randomShare: number;
  /** Generations evaluated before screening starts (generation 0 is random, the predictor's first labels). */
  warmupGenerations: number;
  /** Training epochs after each generation (warm start). */
  epochsPerGeneration: number;
}

export const PREDICTOR_SCREEN_DEFAULTS: PredictorScreenSettings = { oversample: 32, randomShare: 0.2, warmupGenerations: 1, epochsPerGeneration: 30 };

export interface PredictorScreenOptions extends Partial<PredictorScreenSettings> {
  space: Space;
  problem: Problem;
  predictor: Predictor;
  /** Hardware metrics of a candidate from the real simulator, synchronously; undefined when it does not fit. */
  hardware: (candidate: Candidate) => Metrics | undefined;
}

interface ScreenState {
  predictor: PredictorState;
  /** The training set so far: genome and labels of every evaluated candidate that fits the chip. */
  samples: { genome: Genome; labels: PredictorSample['labels'] }[];
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

export function createPredictorScreen(options: PredictorScreenOptions): Screen & { readonly samples: number } {
  const s: PredictorScreenSettings = { ...PREDICTOR_SCREEN_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([k, v]) => k in PREDICTOR_SCREEN_DEFAULTS && v !== undefined)) };
  if (!Number.isInteger(s.oversample) || s.oversample < 1 || s.oversample > 1000) throw fieldError('E_OPTION', 'predictor screen', 'oversample', s.oversample, 'an integer in 1..1000');
  if (!(s.randomShare >= 0 && s.randomShare <= 1)) throw fieldError('E_OPTION', 'predictor screen', 'randomShare', s.randomShare, 'a number in 0..1');
  if (!Number.isInteger(s.warmupGenerations) || s.warmupGenerations < 1) throw fieldError('E_OPTION', 'predictor screen', 'warmupGenerations', s.warmupGenerations, 'an integer >= 1');
  if (!Number.isInteger(s.epochsPerGeneration) || s.epochsPerGeneration < 1) throw fieldError('E_OPTION', 'predictor screen', 'epochsPerGeneration', s.epochsPerGeneration, 'an integer >= 1');
  const { space, problem, predictor, hardware } = options;
  let samples: ScreenState['samples'] = [];
  const infeasible = infeasibleMetrics();
  const worst: Predicted = { F: objectivesOf(problem, infeasible), cv: violationOf(constraintsOf(problem, infeasible)) };

  return {
    oversample: s.oversample,
    randomShare: s.randomShare,
    warmupGenerations: s.warmupGenerations,
    get samples() { return samples.length; },
    settings: () => ({ kind: 'rnn-predictor', ...s, predictor: { ...predictor.options } }),
    predict(genomes: Genome[]): Predicted[] {
      const candidates = genomes.map((g) => space.decode(g));
      const hw = candidates.map(hardware);
      const fitting = candidates.filter((_, i) => hw[i] !== undefined);
      const predictions = predictor.predict(fitting);
      let k = 0;
      return hw.map((h) => {
        if (h === undefined) return { F: [...worst.F], cv: worst.cv };
        const p = predictions[k++];
        const accuracy = Math.min(1, Math.max(0, p.quantized - p.pimLoss));
        const m: Metrics = { ...h, accuracy };
        return { F: objectivesOf(problem, m), cv: violationOf(constraintsOf(problem, m)) };
      });
    },
    async learn(evaluated: Evaluated[]): Promise<void> {
      for (const e of evaluated) {
        const m = e.metrics;
        if (m.fits === 0) continue;
        samples.push({ genome: [...e.genome], labels: { pimLoss: m.pimLoss, quantized: m.quantized, area_mm2: m.area_mm2, energy_uJ: m.energy_uJ, latency_ms: m.latency_ms, power_W: m.power_W } });
      }
      if (samples.length === 0) return;
      await predictor.fit(samples.map((x) => ({ candidate: space.decode(x.genome), labels: x.labels })), { epochs: s.epochsPerGeneration });
    },
    state: (): ScreenState => ({ predictor: predictor.state(), samples: samples.map((x) => ({ genome: [...x.genome], labels: { ...x.labels } })) }),
    restore(state: unknown): void {
      const st = state as ScreenState;
      predictor.restore(st.predictor);
      samples = st.samples.map((x) => ({ genome: [...x.genome], labels: { ...x.labels } }));
    },
  };
}
