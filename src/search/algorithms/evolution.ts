// Regularized (aging) evolution (Real et al. 2019; docs/search.md §3.2). Standard settings: population
// P = 100, tournament sample S = 10 (aw_nas EvoController defaults Gibbon builds on, gibbon.md §3.3),
// one decision mutated per child. Batched for parallel evaluation: a generation is `batchSize` children,
// each from its own tournament over the current population; after they are evaluated, they join the
// population in ask order and the oldest members leave until P remain. The tournament winner is the
// sample's best by constrained domination (with several objectives: a random member of the sample's
// first front, so no objective is favoured).

import { Rng } from '../../util/rng.ts';
import type { Algorithm, AlgorithmState, Member } from '../algorithm.ts';
import { memberOf } from '../algorithm.ts';
import type { AskContext } from '../operators.ts';
import { BatchBuilder, MAX_TRIES_PER_CANDIDATE, resampleGene } from '../operators.ts';
import { resolveOptions } from '../../util/options.ts';
import { nonDominatedSort } from '../pareto.ts';
import type { Evaluated, Genome, Problem } from '../problem.ts';

export interface EvolutionSettings extends Record<string, number> {
  populationSize: number;
  sampleSize: number;
  batchSize: number;
  mutateNum: number;
}

export const EVOLUTION_DEFAULTS: Readonly<EvolutionSettings> = Object.freeze({ populationSize: 100, sampleSize: 10, batchSize: 10, mutateNum: 1 });

export class RegularizedEvolution implements Algorithm {
  readonly name = 'evolution';
  readonly #opts: EvolutionSettings;
  readonly #sizes: number[];
  readonly #seeds: Genome[] | undefined;
  #population: Member[] = [];
  #gen = 0;
  #counters: Record<string, number> = {};

  constructor(problem: Problem, private readonly seed: number, options?: Partial<EvolutionSettings>) {
    this.#opts = resolveOptions('evolution', options, EVOLUTION_DEFAULTS, {
      populationSize: { min: 2, max: 1e6, integer: true }, sampleSize: { min: 1, max: 1e6, integer: true },
      batchSize: { min: 1, max: 1e6, integer: true }, mutateNum: { min: 1, max: 1e6, integer: true },
    });
    this.#sizes = problem.decisions.map((d) => d.size);
    this.#seeds = problem.seeds;
  }

  get generation(): number { return this.#gen; }
  nextBatchSize(): number { return this.#population.length < this.#opts.populationSize ? this.#opts.populationSize - this.#population.length : this.#opts.batchSize; }
  settings(): Record<string, unknown> { return { ...this.#opts }; }

  ask(n: number, ctx: AskContext): Genome[] {
    const root = new Rng(this.seed);
    const batch = new BatchBuilder(n, ctx);
    if (this.#population.length < this.#opts.populationSize) {
      const rng = root.fork('initial', this.#gen);
      if (this.#gen === 0) batch.offerSeeds(this.#seeds);
      batch.fillRandom(this.#sizes, rng);
      this.#counters = { initial: rng.counter };
      return batch.genomes;
    }
    const rng = root.fork('offspring', this.#gen);
    const mutable = this.#sizes.flatMap((s, d) => (s > 1 ? [d] : []));
    for (let t = 0; !batch.full && t < n * MAX_TRIES_PER_CANDIDATE; t++) {
      const sample = Array.from({ length: this.#opts.sampleSize }, () => this.#population[rng.int(this.#population.length)]);
      const first = nonDominatedSort(sample)[0];
      const parent = sample[first.length === 1 ? first[0] : first[rng.int(first.length)]];
      const child = [...parent.genome];
      const genes = rng.shuffle([...mutable]).slice(0, this.#opts.mutateNum);
      for (const d of genes) resampleGene(child, d, this.#sizes[d], rng);
      batch.offer(child);
    }
    const fallback = root.fork('fallback', this.#gen);
    batch.fillRandom(this.#sizes, fallback);
    this.#counters = { offspring: rng.counter, fallback: fallback.counter };
    return batch.genomes;
  }

  tell(evaluated: Evaluated[]): void {
    this.#population.push(...evaluated.map(memberOf));
    // Aging: the oldest leave (the population is kept in arrival order).
    if (this.#population.length > this.#opts.populationSize) this.#population.splice(0, this.#population.length - this.#opts.populationSize);
    this.#gen++;
  }

  state(): AlgorithmState {
    return { name: this.name, generation: this.#gen, rng: { seed: this.seed, counters: { ...this.#counters } }, population: this.#population.map(memberOf) };
  }
  restore(state: AlgorithmState): void {
    this.#gen = state.generation;
    this.#counters = { ...state.rng.counters };
    this.#population = state.population.map(memberOf);
  }
}
