// NSGA-II (Deb et al. 2002) over discrete genomes (docs/search.md §3.3). Standard settings: N = 100,
// binary crowded tournament, uniform crossover with probability 0.9, per-gene mutation probability 1/D
// (a mutated gene takes a different value uniformly; a child left unchanged by both gets one gene
// mutated, so no tournament is wasted on a copy), rank-and-crowding survival over parents ∪ children.

import type { Rng } from '../../util/rng.ts';
import { resampleGene } from '../operators.ts';
import { resolveOptions } from '../../util/options.ts';
import type { Genome, Problem } from '../problem.ts';
import type { Screen } from '../screen.ts';
import { GeneticAlgorithm, type GeneticSettings } from './genetic.ts';

export interface Nsga2Settings extends GeneticSettings {
  /** Per-gene mutation probability; 0 means 1/D. */
  mutationProb: number;
}

export const NSGA2_DEFAULTS: Readonly<Nsga2Settings> = Object.freeze({ populationSize: 100, tournamentSize: 2, crossoverProb: 0.9, mutationProb: 0 });

export class Nsga2 extends GeneticAlgorithm<Nsga2Settings> {
  readonly name = 'nsga2';
  constructor(problem: Problem, seed: number, options?: Partial<Nsga2Settings>, screen?: Screen) {
    super(problem, resolveOptions('nsga2', options, NSGA2_DEFAULTS, {
      populationSize: { min: 2, max: 1e6, integer: true }, tournamentSize: { min: 1, max: 1e6, integer: true },
      crossoverProb: { min: 0, max: 1 }, mutationProb: { min: 0, max: 1 },
    }), seed, screen);
  }

  protected mutate(genome: Genome, rng: Rng): void {
    const p = this.opts.mutationProb > 0 ? this.opts.mutationProb : 1 / genome.length;
    const before = genome.join(',');
    for (let d = 0; d < genome.length; d++) if (rng.next() < p) resampleGene(genome, d, this.sizes[d], rng);
    if (genome.join(',') === before) {
      const mutable = this.sizes.flatMap((n, d) => (n > 1 ? [d] : []));
      if (mutable.length > 0) { const d = rng.pick(mutable); resampleGene(genome, d, this.sizes[d], rng); }
    }
  }
}
