// The generational genetic algorithm NSGA-II and ESAPP share (docs/search.md §3.3, §3.4): a random initial
// population, parents by crowded tournament (rank, then crowding), optional uniform crossover, a mutation
// operator, and rank-and-crowding survival over parents ∪ children. Subclasses supply the mutation (and
// ESAPP its priority update), so NSGA-II and ESAPP differ only where the paper says they do.

import { Rng } from '../../util/rng.ts';
import type { Algorithm, AlgorithmState, Member } from '../algorithm.ts';
import { memberOf } from '../algorithm.ts';
import type { AskContext } from '../operators.ts';
import { BatchBuilder, MAX_TRIES_PER_CANDIDATE, tournament, uniformCrossover } from '../operators.ts';
import { rankAndCrowdingSurvival } from '../pareto.ts';
import type { Evaluated, Genome, Problem } from '../problem.ts';

export interface GeneticSettings extends Record<string, number> {
  /** Population size N; also the children per generation. */
  populationSize: number;
  /** Tournament size for parent selection. */
  tournamentSize: number;
  /** Probability that a child is a uniform crossover of two parents (before mutation). */
  crossoverProb: number;
}

/** What a child remembers of how it was made (for ESAPP's intensity). */
export interface ChildMeta {
  parentF: number[];
  parentCv: number;
  changed: number[];
}

export abstract class GeneticAlgorithm<S extends GeneticSettings> implements Algorithm {
  abstract readonly name: string;
  protected population: Member[] = [];
  protected rank: number[] = [];
  protected crowding: number[] = [];
  protected gen = 0;
  protected counters: Record<string, number> = {};
  /** Children of the generation in flight: key -> meta. Rebuilt by ask(); never serialized. */
  protected pending = new Map<string, ChildMeta>();
  protected readonly sizes: number[];

  constructor(protected readonly problem: Problem, protected readonly opts: S, protected readonly seed: number) {
    this.sizes = problem.decisions.map((d) => d.size);
  }

  get generation(): number { return this.gen; }
  nextBatchSize(): number { return this.opts.populationSize; }
  settings(): Record<string, unknown> { return { ...this.opts }; }

  /** Mutates `genome` in place; returns the changed genes. */
  protected abstract mutate(genome: Genome, rng: Rng): void;
  /** Called after survival with the generation's evaluated children and their metas. */
  protected afterTell(_children: Evaluated[], _metas: (ChildMeta | undefined)[]): void {}
  protected extraState(): Record<string, unknown> { return {}; }
  protected restoreExtra(_state: AlgorithmState): void {}

  ask(n: number, ctx: AskContext): Genome[] {
    const root = new Rng(this.seed);
    const batch = new BatchBuilder<ChildMeta>(n, ctx);
    this.pending.clear();
    if (this.gen === 0 || this.population.length === 0) {
      const rng = root.fork('initial', this.gen);
      batch.fillRandom(this.sizes, rng);
      this.counters = { initial: rng.counter };
      return batch.genomes;
    }
    const rng = root.fork('offspring', this.gen);
    const better = (i: number, j: number): boolean => this.rank[i] < this.rank[j] || (this.rank[i] === this.rank[j] && this.crowding[i] > this.crowding[j]);
    for (let t = 0; !batch.full && t < n * MAX_TRIES_PER_CANDIDATE; t++) {
      const a = this.population[tournament(this.population.length, this.opts.tournamentSize, better, rng)];
      let child: Genome = [...a.genome];
      if (this.opts.crossoverProb > 0 && rng.next() < this.opts.crossoverProb) {
        const b = this.population[tournament(this.population.length, this.opts.tournamentSize, better, rng)];
        child = uniformCrossover(a.genome, b.genome, rng);
      }
      this.mutate(child, rng);
      const changed = child.flatMap((v, d) => (v !== a.genome[d] ? [d] : []));
      batch.offer(child, { parentF: [...a.F], parentCv: a.cv, changed });
    }
    const fallback = root.fork('fallback', this.gen);
    batch.fillRandom(this.sizes, fallback);
    batch.genomes.forEach((g, i) => { const m = batch.meta[i]; if (m) this.pending.set(g.join(','), m); });
    this.counters = { offspring: rng.counter, fallback: fallback.counter };
    return batch.genomes;
  }

  tell(evaluated: Evaluated[]): void {
    const metas = evaluated.map((e) => this.pending.get(e.key));
    const pool: Member[] = [...this.population, ...evaluated.map(memberOf)];
    this.survive(pool);
    this.afterTell(evaluated, metas);
    this.pending.clear();
    this.gen++;
  }

  protected survive(pool: Member[]): void {
    const { keep } = rankAndCrowdingSurvival(pool, this.opts.populationSize);
    this.population = keep.map((i) => pool[i]);
    this.recomputeRanks();
  }

  /** Rank and crowding of the current population, for the crowded tournament. */
  protected recomputeRanks(): void {
    const r = rankAndCrowdingSurvival(this.population, this.population.length);
    this.rank = r.rank;
    this.crowding = r.crowding;
  }

  state(): AlgorithmState {
    return { name: this.name, generation: this.gen, rng: { seed: this.seed, counters: { ...this.counters } }, population: this.population.map(memberOf), ...this.extraState() };
  }

  restore(state: AlgorithmState): void {
    this.gen = state.generation;
    this.counters = { ...state.rng.counters };
    this.population = state.population.map(memberOf);
    this.recomputeRanks();
    this.restoreExtra(state);
  }
}
