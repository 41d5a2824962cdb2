// The ask/tell contract every search algorithm implements (docs/search.md §3), pymoo-style: the loop
// (runSearch) is outside, an algorithm only proposes a generation and learns from its results.
// Every random choice of generation g comes from rng.fork(<purpose>, g), so a generation depends only on
// the algorithm state and g, never on evaluation order or worker count, and a resumed run re-asks the
// interrupted generation identically.

import type { Evaluated, Genome } from './problem.ts';
import type { AskContext } from './operators.ts';

export interface Algorithm {
  /** `random`, `evolution`, `nsga2`, `esapp`. */
  readonly name: string;
  /** The generation the next ask() proposes (0 = the initial population). */
  readonly generation: number;
  /** The number of candidates the next generation wants (the loop may ask for fewer at the budget's end). */
  nextBatchSize(): number;
  /** Up to n distinct genomes never evaluated before (fewer only when the space runs out). */
  ask(n: number, ctx: AskContext): Genome[];
  /** The evaluated candidates of the generation just asked, in ask order. Ends the generation. */
  tell(evaluated: Evaluated[]): void;
  /** Optional asynchronous learning after tell (a predictor screen retrains); before the checkpoint. */
  learn?(evaluated: Evaluated[]): Promise<void>;
  /** The resolved settings (written into the run's config). */
  settings(): Record<string, unknown>;
  /** JSON-serializable state between generations (population, priorities, RNG, generation). */
  state(): AlgorithmState;
  restore(state: AlgorithmState): void;
}

/** A population member as the state stores it. */
export interface Member {
  id: number;
  genome: Genome;
  F: number[];
  cv: number;
}

export interface AlgorithmState {
  name: string;
  generation: number;
  /** Seed, and per purpose the counter its stream of the last generation reached (informative: each generation forks fresh streams). */
  rng: { seed: number; counters: Record<string, number> };
  population: Member[];
  [extra: string]: unknown;
}

export const memberOf = (e: Evaluated | Member): Member => ({ id: e.id, genome: [...e.genome], F: [...e.F], cv: e.cv });
