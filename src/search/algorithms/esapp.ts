// ESAPP: evolutionary search with adaptive parameter priority (gibbon.md §3.4 reconstruction; formulas in
// docs/search.md §4 and src/search/priority.ts). The same generational skeleton as NSGA-II (crowded
// tournament, rank-and-crowding survival; with one objective that is plain truncation by F), but children
// come from priority mutation: k decisions drawn from the adaptive priority distribution. Crossover is
// optional; by default it is NSGA-II's (uniform, 0.9), so the two differ only in the mutation operator.
// Defaults chosen by the synthetic benchmark (docs/search.md §4.3).

import type { Rng } from '../../util/rng.ts';
import type { AlgorithmState } from '../algorithm.ts';
import { resampleGene } from '../operators.ts';
import { resolveOptions } from '../options.ts';
import type { PriorityState } from '../priority.ts';
import { drawDecisions, initialPriority, recordPair, updatePriority } from '../priority.ts';
import type { Evaluated, Genome, Problem } from '../problem.ts';
import type { Screen } from '../screen.ts';
import { GeneticAlgorithm, type ChildMeta, type GeneticSettings } from './genetic.ts';

export interface EsappSettings extends GeneticSettings {
  /** Decisions mutated per child. */
  mutateNum: number;
  wIntensity: number;
  wEntropy: number;
  temperature: number;
  floor: number;
  /** Fraction of the mutable decisions in the high-priority sub-space (1 = all). */
  subspaceFrac: number;
}

export const ESAPP_DEFAULTS: EsappSettings = {
  populationSize: 100, tournamentSize: 2, crossoverProb: 0.9, mutateNum: 1,
  wIntensity: 1, wEntropy: 1, temperature: 0.25, floor: 0.1, subspaceFrac: 0.5,
};

export class Esapp extends GeneticAlgorithm<EsappSettings> {
  readonly name = 'esapp';
  #priority: PriorityState;
  readonly #withCv: boolean;

  constructor(problem: Problem, seed: number, options?: Partial<EsappSettings>, screen?: Screen) {
    super(problem, resolveOptions('esapp', options, ESAPP_DEFAULTS, {
      populationSize: { min: 2, max: 1e6, integer: true }, tournamentSize: { min: 1, max: 1e6, integer: true },
      crossoverProb: { min: 0, max: 1 }, mutateNum: { min: 1, max: 1e6, integer: true },
      wIntensity: { min: 0, max: 1e6 }, wEntropy: { min: 0, max: 1e6 }, temperature: { min: 1e-6, max: 1e6 },
      floor: { min: 0, max: 1 }, subspaceFrac: { min: 1e-6, max: 1 },
    }), seed, screen);
    this.#withCv = problem.constraints.length > 0;
    this.#priority = initialPriority(this.sizes, problem.objectives.length + (this.#withCv ? 1 : 0));
  }

  /** Entropy, intensity and priority per decision (for logs and ablations). */
  get priority(): Readonly<PriorityState> { return this.#priority; }

  protected mutate(genome: Genome, rng: Rng): void {
    for (const d of drawDecisions(this.#priority.priority, this.opts.mutateNum, rng)) resampleGene(genome, d, this.sizes[d], rng);
  }

  protected afterTell(children: Evaluated[], metas: (ChildMeta | undefined)[]): void {
    children.forEach((c, i) => {
      const m = metas[i];
      if (!m) return;
      const delta = c.F.map((f, o) => f - m.parentF[o]);
      if (this.#withCv) delta.push(c.cv - m.parentCv);
      recordPair(this.#priority, m.changed, delta);
    });
    updatePriority(this.#priority, this.sizes, this.population, this.#withCv, this.opts);
  }

  protected extraState(): Record<string, unknown> { return { priority: structuredClone(this.#priority) }; }
  protected restoreExtra(state: AlgorithmState): void { this.#priority = structuredClone(state.priority as PriorityState); }
}
