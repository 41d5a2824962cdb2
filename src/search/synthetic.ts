// Synthetic problems for tests and benchmarks (docs/search.md §6): a discrete ZDT1 over a genome of
// decisions with mixed value counts. x_d = v_d / (size_d - 1) in [0, 1];
//   f1 = x_0,  g = 1 + 9 * mean(x_1..x_{D-1}),  f2 = g * (1 - sqrt(f1 / g)).
// f1 is reported as `energy` and f2 as `latency`; `accuracy` = 1 - f2 / 10 (so a max-accuracy objective
// or a min-accuracy constraint can be exercised), `area` = mean(x) (a third objective). The Pareto front
// is g = 1 (every x_d = 0 for d >= 1), f2 = 1 - sqrt(f1).

import type { Evaluator, Genome, Metrics, Problem, SearchDecision } from './problem.ts';

/** Value counts of the default 10-decision synthetic genome (mixed, as real spaces are). */
export const SYNTHETIC_SIZES = [11, 6, 4, 6, 3, 6, 4, 6, 2, 6];

export function syntheticDecisions(sizes: readonly number[] = SYNTHETIC_SIZES): SearchDecision[] {
  return sizes.map((size, d) => ({ id: d < 7 ? `layer${d}.choice` : `hw.knob${d - 7}`, kind: d < 7 ? 'nn' : 'hw', size }));
}

export function zdt1Metrics(genome: Genome, sizes: readonly number[]): Metrics {
  const x = genome.map((v, d) => (sizes[d] > 1 ? v / (sizes[d] - 1) : 0));
  const f1 = x[0];
  const rest = x.slice(1);
  const g = 1 + (9 * rest.reduce((s, v) => s + v, 0)) / Math.max(1, rest.length);
  const f2 = g * (1 - Math.sqrt(f1 / g));
  return { energy: f1, latency: f2, accuracy: 1 - f2 / 10, area: x.reduce((s, v) => s + v, 0) / x.length };
}

/** A batch evaluator of the synthetic function; `delayMs` and `workers` emulate a parallel pool whose completion order varies. */
export function syntheticEvaluator(sizes: readonly number[] = SYNTHETIC_SIZES, opts: { workers?: number } = {}): Evaluator & { calls: number } {
  const ev = {
    calls: 0,
    async evaluate(genomes: Genome[]): Promise<Metrics[]> {
      ev.calls += genomes.length;
      const out = new Array<Metrics>(genomes.length);
      const workers = Math.max(1, opts.workers ?? 1);
      // Workers take jobs round-robin and finish in reverse: results land out of order, yet are returned in genome order.
      const lanes = Array.from({ length: workers }, (_, w) => genomes.map((_, i) => i).filter((i) => i % workers === w).reverse());
      await Promise.all(lanes.map(async (lane) => { for (const i of lane) { await Promise.resolve(); out[i] = zdt1Metrics(genomes[i], sizes); } }));
      return out;
    },
  };
  return ev;
}

export function syntheticProblem(objectives: Problem['objectives'] = ['energy', 'latency'], constraints: Problem['constraints'] = []): Problem {
  return { decisions: syntheticDecisions(), objectives, constraints };
}
