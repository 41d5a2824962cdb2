// The multi-level joint evaluation's first level for the real space (docs/search.md §9): a Screen over the
// RNN predictor. Hardware is cheap and accuracy is not, so a proposed child's hardware metrics come from
// the real hardware simulator (in this thread, synchronously: tens of microseconds each), and only its
// accuracy is predicted: accuracy = predicted one-shot quantized accuracy - predicted pimLoss. After each
// generation the predictor retrains (warm start) on every candidate evaluated so far; every label comes
// from the real simulators and every one of them was an evaluation of the search, so the budget already
// counts it. Numbers on a front are never predictions: a kept child is evaluated for real.
import type { Predictor } from './predictor.ts';
import type { PredictorSample, PredictorState } from './types.ts';
import type { Space } from '../space/space.ts';
import type { Candidate } from '../space/types.ts';
import { resolveOptions } from '../util/options.ts';
import { infeasibleMetrics } from '../evaluate/gibbon-evaluator.ts';
import type { Evaluated, Genome, Metrics, Problem } from '../search/problem.ts';
import { constraintsOf, objectivesOf, violationOf } from '../search/problem.ts';
import type { Predicted, Screen } from '../search/screen.ts';

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

export const PREDICTOR_SCREEN_DEFAULTS: Readonly<PredictorScreenSettings> = Object.freeze({ oversample: 32, randomShare: 0.2, warmupGenerations: 1, epochsPerGeneration: 30 });

const SCREEN_RULES = {
  oversample: { min: 1, max: 1000, integer: true }, randomShare: { min: 0, max: 1 },
  warmupGenerations: { min: 1, max: 1e6, integer: true }, epochsPerGeneration: { min: 1, max: 1e6, integer: true },
} as const;

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

export function createPredictorScreen(options: PredictorScreenOptions): Screen & { readonly samples: number } {
  const { space, problem, predictor, hardware, ...settings } = options;
  const s = resolveOptions<PredictorScreenSettings>('predictor screen', settings, PREDICTOR_SCREEN_DEFAULTS, SCREEN_RULES);
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
