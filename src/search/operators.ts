// Genome operators shared by the algorithms (docs/search.md §3): uniform sampling, one-gene "resample a
// different value" mutation, uniform crossover, tournaments, and the distinct-candidate batch builder
// every ask() goes through (a candidate is never asked twice: not within a batch, not across generations).

import type { Rng } from '../util/rng.ts';
import type { Genome } from './problem.ts';
import { genomeKey } from './problem.ts';

/** Tries per wanted candidate before a batch gives up (tiny or exhausted spaces). */
export const MAX_TRIES_PER_CANDIDATE = 100;

/** What ask() may consult: whether a genome key was evaluated in an earlier generation, and the problem's canonical genome. */
export interface AskContext {
  isSeen(key: string): boolean;
  /** Problem.canonicalize, when the problem has one. */
  canonical?(genome: Genome): Genome;
}

export function randomGenome(sizes: readonly number[], rng: Rng): Genome {
  return sizes.map((n) => rng.int(n));
}

/** Sets gene d to a different value, uniformly among the others (no-op for a single-valued gene). */
export function resampleGene(genome: Genome, d: number, size: number, rng: Rng): void {
  if (size < 2) return;
  const v = rng.int(size - 1);
  genome[d] = v >= genome[d] ? v + 1 : v;
}

/** Uniform crossover: each gene from a or b with probability 1/2. */
export function uniformCrossover(a: readonly number[], b: readonly number[], rng: Rng): Genome {
  return a.map((v, i) => (rng.next() < 0.5 ? v : b[i]));
}

/** Tournament: `size` draws (with replacement) from 0..n-1; the best under `better` wins, the first drawn on ties. */
export function tournament(n: number, size: number, better: (i: number, j: number) => boolean, rng: Rng): number {
  let best = rng.int(n);
  for (let k = 1; k < size; k++) {
    const c = rng.int(n);
    if (better(c, best)) best = c;
  }
  return best;
}

/** Collects distinct, not-yet-evaluated genomes for one generation. */
export class BatchBuilder<M> {
  readonly genomes: Genome[] = [];
  readonly meta: (M | undefined)[] = [];
  readonly #keys = new Set<string>();
  constructor(readonly want: number, private readonly ctx: AskContext) {}
  get full(): boolean { return this.genomes.length >= this.want; }
  /** Adds the genome (in canonical form) if it is new, with metaOf(that canonical genome); true when added. */
  offer(raw: Genome, metaOf?: (genome: Genome) => M): boolean {
    const genome = this.ctx.canonical ? this.ctx.canonical(raw) : raw;
    const key = genomeKey(genome);
    if (this.full || this.#keys.has(key) || this.ctx.isSeen(key)) return false;
    this.#keys.add(key);
    this.genomes.push(genome);
    this.meta.push(metaOf?.(genome));
    return true;
  }
  /** Offers each seed genome (Problem.seeds) in order; those already evaluated or repeated are skipped. */
  offerSeeds(seeds: readonly Genome[] | undefined): void {
    for (const g of seeds ?? []) this.offer([...g]);
  }
  /** Fills the rest with uniform random genomes (bounded tries). */
  fillRandom(sizes: readonly number[], rng: Rng): void {
    for (let t = 0; !this.full && t < this.want * MAX_TRIES_PER_CANDIDATE; t++) this.offer(randomGenome(sizes, rng));
  }
}
