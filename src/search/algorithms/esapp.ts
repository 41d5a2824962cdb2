// ESAPP: evolutionary search with adaptive parameter priority (gibbon.md §3.4 reconstruction; formulas in
// docs/search.md §4 and src/search/priority.ts). The same generational skeleton as NSGA-II (crowded
// tournament, rank-and-crowding survival; with one objective that is plain truncation by F), but children
// come from priority mutation: k decisions drawn from the adaptive priority distribution. Crossover is
// optional; by default it is NSGA-II's (uniform, 0.9), so the two differ only in the mutation operator.
// Defaults: docs/search.md §4.1-4.2 (the priority's softness from the surrogate benchmark, §8.4).

import type { Rng } from '../../util/rng.ts';
import type { AlgorithmState } from '../algorithm.ts';
import { resampleGene } from '../operators.ts';
import { resolveOptions } from '../../util/options.ts';
import type { PriorityState } from '../priority.ts';
import { drawDecisions, initialPriority, recordPair, updatePriority } from '../priority.ts';
import type { Evaluated, Genome, Problem } from '../problem.ts';
import type { Predicted, Screen } from '../screen.ts';
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
  /** Intensity shrinkage toward the mean over all pairs, in pseudo-pairs (0 = none). */
  priorPairs: number;
  /**
   * With a screen: 1 also counts, for the intensity, the parent -> child pairs of the proposed children the
   * screen did not keep, with their predicted objectives (hardware from the real simulator, accuracy
   * predicted); 0 counts evaluated children only.
   */
  screenPairs: number;
}

export const ESAPP_DEFAULTS: Readonly<EsappSettings> = Object.freeze({
  populationSize: 100, tournamentSize: 2, crossoverProb: 0.9, mutateNum: 1,
  wIntensity: 1, wEntropy: 1, temperature: 1, floor: 0.1, subspaceFrac: 1, priorPairs: 10, screenPairs: 0,
});

/** The priority table after one generation's update (rounded to 1e-4: a log, not state). */
export interface PriorityRecord {
  generation: number;
  entropy: number[];
  intensity: number[];
  priority: number[];
}

const round4 = (xs: readonly number[]) => xs.map((x) => Math.round(x * 1e4) / 1e4);

export class Esapp extends GeneticAlgorithm<EsappSettings> {
  readonly name = 'esapp';
  #priority: PriorityState;
  #history: PriorityRecord[] = [];
  /** The screened-out children's pairs of the generation in flight (rebuilt by ask(), never serialized). */
  #screened: { changed: number[]; delta: number[] }[] = [];
  readonly #withCv: boolean;

  constructor(problem: Problem, seed: number, options?: Partial<EsappSettings>, screen?: Screen) {
    super(problem, resolveOptions('esapp', options, ESAPP_DEFAULTS, {
      populationSize: { min: 2, max: 1e6, integer: true }, tournamentSize: { min: 1, max: 1e6, integer: true },
      crossoverProb: { min: 0, max: 1 }, mutateNum: { min: 1, max: 1e6, integer: true },
      wIntensity: { min: 0, max: 1e6 }, wEntropy: { min: 0, max: 1e6 }, temperature: { min: 1e-6, max: 1e6 },
      floor: { min: 0, max: 1 }, subspaceFrac: { min: 1e-6, max: 1 }, priorPairs: { min: 0, max: 1e6 },
      screenPairs: { min: 0, max: 1, integer: true },
    }), seed, screen);
    this.#withCv = problem.constraints.length > 0;
    this.#priority = initialPriority(this.sizes, problem.objectives.length + (this.#withCv ? 1 : 0));
  }

  /** Entropy, intensity and priority per decision (for logs and ablations). */
  get priority(): Readonly<PriorityState> { return this.#priority; }
  /** The table after every generation so far (kept in the checkpoint; `gibbon report` plots it). */
  get priorityHistory(): readonly PriorityRecord[] { return this.#history; }

  protected mutate(genome: Genome, rng: Rng): void {
    for (const d of drawDecisions(this.#priority.priority, this.opts.mutateNum, rng)) resampleGene(genome, d, this.sizes[d], rng);
  }

  /** The change from a child's parent: per objective, then in the violation when the problem has constraints. */
  #delta(child: { F: readonly number[]; cv: number }, m: ChildMeta): number[] {
    const delta = child.F.map((f, o) => f - m.parentF[o]);
    if (this.#withCv) delta.push(child.cv - m.parentCv);
    return delta;
  }

  protected afterScreen(predicted: Predicted[], metas: (ChildMeta | undefined)[]): void {
    this.#screened = [];
    if (this.opts.screenPairs !== 1) return;
    predicted.forEach((p, i) => {
      const m = metas[i];
      if (m) this.#screened.push({ changed: m.changed, delta: this.#delta(p, m) });
    });
  }

  protected afterTell(children: Evaluated[], metas: (ChildMeta | undefined)[]): void {
    for (const s of this.#screened) recordPair(this.#priority, s.changed, s.delta);
    this.#screened = [];
    children.forEach((c, i) => {
      const m = metas[i];
      if (m) recordPair(this.#priority, m.changed, this.#delta(c, m));
    });
    updatePriority(this.#priority, this.sizes, this.population, this.#withCv, this.opts);
    const { entropy, intensity, priority } = this.#priority;
    this.#history.push({ generation: this.gen, entropy: round4(entropy), intensity: round4(intensity), priority: round4(priority) });
  }

  protected extraState(): Record<string, unknown> { return { priority: structuredClone(this.#priority), priorityHistory: structuredClone(this.#history) }; }
  protected restoreExtra(state: AlgorithmState): void {
    this.#priority = structuredClone(state.priority as PriorityState);
    this.#history = structuredClone((state.priorityHistory as PriorityRecord[] | undefined) ?? []);
  }
}
