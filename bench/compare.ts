// Shared by the search benches: their variant flags, their seed-by-seed comparison of two runs, the
// hypervolume of a run after each budget step and the fixed-priority ESAPP of the oracle checks.

import { Esapp, type EsappSettings } from '../src/search/algorithms/esapp.ts';
import { hypervolume, type HypervolumeSpec } from '../src/search/hypervolume.ts';
import { resampleGene } from '../src/search/operators.ts';
import { dominates, type Point } from '../src/search/pareto.ts';
import { drawDecisions } from '../src/search/priority.ts';
import type { Genome, Problem } from '../src/search/problem.ts';
import type { Screen } from '../src/search/screen.ts';
import type { Rng } from '../src/util/rng.ts';

/** The median (the mean of the middle two for an even count); NaN for none. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** A JSON variants flag: one settings object is the variant `custom`; an object of objects names each variant. */
export function namedVariants(json: string): [string, Record<string, unknown>][] {
  const o = JSON.parse(json) as Record<string, unknown>;
  return Object.values(o).every((v) => typeof v === 'object' && v !== null) ? Object.entries(o as Record<string, Record<string, unknown>>) : [['custom', o]];
}

export interface PairedDifference {
  /** Mean over the seeds of run minus baseline, and its standard error. */
  mean: number;
  stdErr: number;
  /** Seeds where the run is above the baseline, and where the two are equal. */
  ahead: number;
  ties: number;
}

/** Seed-by-seed difference of two runs' figures (the same seeds in the same order). */
export function pairedDifference(run: readonly number[], baseline: readonly number[]): PairedDifference {
  const diff = run.map((x, s) => x - baseline[s]);
  const mean = diff.reduce((t, x) => t + x, 0) / diff.length;
  const stdErr = Math.sqrt(diff.reduce((t, x) => t + (x - mean) ** 2, 0) / Math.max(1, diff.length - 1) / diff.length);
  return { mean, stdErr, ahead: diff.filter((x) => x > 0).length, ties: diff.filter((x) => x === 0).length };
}

/** A mean and its standard error as "+0.0015 ± 0.0039". */
export const formatDifference = (mean: number, stdErr: number): string => `${mean >= 0 ? '+' : ''}${mean.toFixed(4)} ± ${stdErr.toFixed(4)}`;

/**
 * Hypervolume of the feasible points among the first s evaluated, for each s in `steps` (ascending), in one
 * pass: the feasible non-dominated archive is kept as the run grows, so each step costs one hypervolume of
 * the archive, not of every point so far. Steps past the run's end (an exhausted space) repeat its last value.
 */
export function hypervolumeCurve(evaluated: readonly Point[], steps: readonly number[], spec: HypervolumeSpec): number[] {
  let archive: (readonly number[])[] = [];
  const out: number[] = [];
  const flush = (upTo: number) => { while (out.length < steps.length && steps[out.length] <= upTo) out.push(hypervolume(archive, spec)); };
  evaluated.forEach((e, i) => {
    if (e.cv <= 0 && !archive.some((a) => a.every((v, o) => v <= e.F[o]))) archive = [...archive.filter((a) => !dominates(e.F, a)), e.F];
    flush(i + 1);
  });
  flush(Infinity);
  return out;
}

/** ESAPP whose mutation draws its decisions from a fixed priority vector (the oracle checks of §8.4, §8.5). */
export class FixedPriorityEsapp extends Esapp {
  constructor(p: Problem, seed: number, options: Partial<EsappSettings>, private readonly fixed: readonly number[], screen?: Screen) { super(p, seed, options, screen); }
  protected mutate(genome: Genome, rng: Rng): void {
    for (const d of drawDecisions(this.fixed, this.opts.mutateNum, rng)) resampleGene(genome, d, this.sizes[d], rng);
  }
}
