// The first level of the multi-level joint evaluation (docs/search.md §9): a screen that predicts the
// objectives of many proposed children so that only the most promising few reach the simulators.
// A generational algorithm with a screen proposes `oversample` x n children, the screen predicts them,
// and selectByPrediction keeps n: the best by predicted dominance against the current population, plus a
// `randomShare` of the rest drawn at random (so the predictor also sees designs it rates badly and stays
// honest). After each generation the screen learns from what was really evaluated. Its state (model
// weights, optimizer, training set) is part of the algorithm state, so a checkpointed run resumes exactly.

import type { Rng } from '../util/rng.ts';
import type { Member } from './algorithm.ts';
import { rankAndCrowdingSurvival } from './pareto.ts';
import type { Evaluated, Genome } from './problem.ts';

/** Predicted objective vector (minimized, as Evaluated.F) and constraint violation of one candidate. */
export interface Predicted {
  F: number[];
  cv: number;
}

export interface Screen {
  /** Children proposed per child kept (>= 1). */
  readonly oversample: number;
  /** Share of the kept children drawn at random from those not selected by prediction, in [0, 1]. */
  readonly randomShare: number;
  /** Generations evaluated before screening starts (the predictor needs labels first). */
  readonly warmupGenerations: number;
  predict(genomes: Genome[]): Predicted[];
  /** Learns from one evaluated generation (every label comes from the real simulators). */
  learn(evaluated: Evaluated[]): Promise<void>;
  /** For the run config. */
  settings(): Record<string, unknown>;
  state(): unknown;
  restore(state: unknown): void;
}

/**
 * Indices of `n` of the candidates: the first n - round(randomShare * n) by predicted dominance (the
 * constrained non-dominated rank among population ∪ candidates, real F for members and predicted F for
 * candidates; ties by predicted violation, crowding distance, then index), the rest uniformly from the others.
 * Returned in increasing index order (the proposal order).
 */
export function selectByPrediction(predicted: readonly Predicted[], population: readonly Member[], n: number, randomShare: number, rng: Rng): number[] {
  if (n >= predicted.length) return predicted.map((_, i) => i);
  const pool = [...population.map((m) => ({ F: m.F, cv: m.cv })), ...predicted];
  const { rank, crowding: crowd } = rankAndCrowdingSurvival(pool, pool.length);
  const offset = population.length;
  const order = predicted.map((_, i) => i).sort((a, b) => {
    const ra = rank[offset + a], rb = rank[offset + b];
    if (ra !== rb) return ra - rb;
    const ca = predicted[a].cv, cb = predicted[b].cv;
    if (ca !== cb) return ca - cb;
    const da = crowd[offset + a], db = crowd[offset + b];
    if (da !== db) return db - da;
    return a - b;
  });
  const random = Math.min(n, Math.round(randomShare * n));
  const chosen = order.slice(0, n - random);
  const rest = order.slice(n - random);
  for (let k = 0; k < random && rest.length > 0; k++) chosen.push(rest.splice(rng.int(rest.length), 1)[0]);
  return chosen.sort((a, b) => a - b);
}
