// Random search: every generation draws distinct, never-evaluated genomes uniformly (docs/search.md §3.1).
// The batch size sets progress granularity and how many candidates are evaluated in parallel.

import { Rng } from '../../util/rng.ts';
import type { Algorithm, AlgorithmState } from '../algorithm.ts';
import type { AskContext } from '../operators.ts';
import { BatchBuilder } from '../operators.ts';
import { resolveOptions } from '../../util/options.ts';
import type { Evaluated, Genome, Problem } from '../problem.ts';

export interface RandomSettings extends Record<string, number> { batchSize: number }
export const RANDOM_DEFAULTS: Readonly<RandomSettings> = Object.freeze({ batchSize: 100 });

export class RandomSearch implements Algorithm {
  readonly name = 'random';
  readonly #opts: RandomSettings;
  readonly #sizes: number[];
  readonly #seeds: Genome[] | undefined;
  #gen = 0;
  #counter = 0;
  constructor(problem: Problem, private readonly seed: number, options?: Partial<RandomSettings>) {
    this.#opts = resolveOptions('random', options, RANDOM_DEFAULTS, { batchSize: { min: 1, max: 1e6, integer: true } });
    this.#sizes = problem.decisions.map((d) => d.size);
    this.#seeds = problem.seeds;
  }
  get generation(): number { return this.#gen; }
  nextBatchSize(): number { return this.#opts.batchSize; }
  settings(): Record<string, unknown> { return { ...this.#opts }; }
  ask(n: number, ctx: AskContext): Genome[] {
    const rng = new Rng(this.seed).fork('random', this.#gen);
    const batch = new BatchBuilder(n, ctx);
    if (this.#gen === 0) batch.offerSeeds(this.#seeds);
    batch.fillRandom(this.#sizes, rng);
    this.#counter = rng.counter;
    return batch.genomes;
  }
  tell(_evaluated: Evaluated[]): void { this.#gen++; }
  state(): AlgorithmState { return { name: this.name, generation: this.#gen, rng: { seed: this.seed, counters: { random: this.#counter } }, population: [] }; }
  restore(state: AlgorithmState): void { this.#gen = state.generation; this.#counter = state.rng.counters.random ?? 0; }
}
