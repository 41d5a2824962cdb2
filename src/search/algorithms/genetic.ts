// The generational genetic algorithm NSGA-II and ESAPP share (docs/search.md §3.3, §3.4): an initial
// population of the problem's seeds and random designs, parents by crowded tournament (rank, then
// crowding), optional uniform crossover, a mutation operator, and rank-and-crowding survival over parents ∪ children. Subclasses supply the mutation (and
// ESAPP its priority update), so NSGA-II and ESAPP differ only where the paper says they do.

import { Rng } from '../../util/rng.ts';
import type { Algorithm, AlgorithmState, Member } from '../algorithm.ts';
import { memberOf } from '../algorithm.ts';
import type { AskContext } from '../operators.ts';
import { BatchBuilder, MAX_TRIES_PER_CANDIDATE, tournament, uniformCrossover } from '../operators.ts';
import { rankAndCrowdingSurvival } from '../pareto.ts';
import type { Evaluated, Genome, Problem } from '../problem.ts';
import { selectByPrediction, type Predicted, type Screen } from '../screen.ts';

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

  /** Optional first evaluation level (docs/search.md §9): children are proposed `oversample` x and screened. */
  protected readonly screen?: Screen;

  constructor(protected readonly problem: Problem, protected readonly opts: S, protected readonly seed: number, screen?: Screen) {
    this.sizes = problem.decisions.map((d) => d.size);
    this.screen = screen;
  }

  get generation(): number { return this.gen; }
  nextBatchSize(): number { return this.opts.populationSize; }
  settings(): Record<string, unknown> { return this.screen ? { ...this.opts, screen: this.screen.settings() } : { ...this.opts }; }

  /** Mutates `genome` in place; returns the changed genes. */
  protected abstract mutate(genome: Genome, rng: Rng): void;
  /** Called after survival with the generation's evaluated children and their metas. */
  protected afterTell(_children: Evaluated[], _metas: (ChildMeta | undefined)[]): void {}
  /** Called when a screened generation is chosen: the predictions and metas of the proposed children not kept. */
  protected afterScreen(_predicted: Predicted[], _metas: (ChildMeta | undefined)[]): void {}
  protected extraState(): Record<string, unknown> { return {}; }
  protected restoreExtra(_state: AlgorithmState): void {}

  ask(n: number, ctx: AskContext): Genome[] {
    const root = new Rng(this.seed);
    this.pending.clear();
    if (this.gen === 0 || this.population.length === 0) {
      const initial = new BatchBuilder<ChildMeta>(n, ctx);
      const rng = root.fork('initial', this.gen);
      initial.offerSeeds(this.problem.seeds);
      initial.fillRandom(this.sizes, rng);
      this.counters = { initial: rng.counter };
      return initial.genomes;
    }
    const screening = this.screen !== undefined && this.gen >= this.screen.warmupGenerations;
    const proposed = screening ? n * this.screen!.oversample : n;
    const batch = new BatchBuilder<ChildMeta>(proposed, ctx);
    const rng = root.fork('offspring', this.gen);
    const better = (i: number, j: number): boolean => this.rank[i] < this.rank[j] || (this.rank[i] === this.rank[j] && this.crowding[i] > this.crowding[j]);
    for (let t = 0; !batch.full && t < proposed * MAX_TRIES_PER_CANDIDATE; t++) {
      const a = this.population[tournament(this.population.length, this.opts.tournamentSize, better, rng)];
      let child: Genome = [...a.genome];
      if (this.opts.crossoverProb > 0 && rng.next() < this.opts.crossoverProb) {
        const b = this.population[tournament(this.population.length, this.opts.tournamentSize, better, rng)];
        child = uniformCrossover(a.genome, b.genome, rng);
      }
      this.mutate(child, rng);
      // `changed` compares the canonical child (what is evaluated) with its parent
      batch.offer(child, (g) => ({ parentF: [...a.F], parentCv: a.cv, changed: g.flatMap((v, d) => (v !== a.genome[d] ? [d] : [])) }));
    }
    const fallback = root.fork('fallback', this.gen);
    batch.fillRandom(this.sizes, fallback);
    this.counters = { offspring: rng.counter, fallback: fallback.counter };
    let keep = batch.genomes.map((_, i) => i);
    if (screening && batch.genomes.length > n) {
      const pick = root.fork('screen', this.gen);
      const predicted = this.screen!.predict(batch.genomes);
      keep = selectByPrediction(predicted, this.population, n, this.screen!.randomShare, pick);
      this.counters.screen = pick.counter;
      const kept = new Set(keep);
      const dropped = predicted.flatMap((_, i) => (kept.has(i) ? [] : [i]));
      this.afterScreen(dropped.map((i) => predicted[i]), dropped.map((i) => batch.meta[i]));
    }
    for (const i of keep) { const m = batch.meta[i]; if (m) this.pending.set(batch.genomes[i].join(','), m); }
    return keep.map((i) => batch.genomes[i]);
  }

  /** The screen learns from the generation just told (every label from the real simulators). */
  async learn(evaluated: Evaluated[]): Promise<void> {
    if (this.screen) await this.screen.learn(evaluated);
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
    const screen = this.screen ? { screen: this.screen.state() } : {};
    return { name: this.name, generation: this.gen, rng: { seed: this.seed, counters: { ...this.counters } }, population: this.population.map(memberOf), ...this.extraState(), ...screen };
  }

  restore(state: AlgorithmState): void {
    this.gen = state.generation;
    this.counters = { ...state.rng.counters };
    this.population = state.population.map(memberOf);
    this.recomputeRanks();
    this.restoreExtra(state);
    if (this.screen && state.screen !== undefined) this.screen.restore(state.screen);
  }
}
