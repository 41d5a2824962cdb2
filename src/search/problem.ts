// The search problem (docs/search.md §1): decisions (value counts, from Space.decisions), objectives by
// metric name, constraints. Everything is minimized internally (pymoo style): F = objective vector,
// accuracy becomes 1 - accuracy; constraints become G <= 0 and one total violation `cv` >= 0.

import { fieldError } from '../util/errors.ts';

/** A design as the search sees it: one value index per decision (a space's Genome). */
export type Genome = number[];

/** Metric names an objective or constraint may use. `accuracy` is a fraction in [0, 1], maximized. */
export const METRIC_NAMES = ['accuracy', 'energy', 'latency', 'area', 'edp', 'power'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** What one evaluation returns: metric name -> value (extra metrics are kept in the journal). */
export type Metrics = Record<string, number>;

/** A batch evaluator: results in genome order. It may evaluate the batch in parallel in any order. */
export interface Evaluator {
  evaluate(genomes: Genome[]): Promise<Metrics[]>;
}

/**
 * `min accuracy 0.9` or `max energy 2e6`. The metric may also be one the evaluator reports beyond
 * METRIC_NAMES (e.g. `macs`, bench:search-hw's floor); every metrics record must then hold it.
 */
export interface Constraint {
  metric: MetricName | (string & {});
  min?: number;
  max?: number;
}

/** A gene as the search sees it: a stable id, its kind and its number of values. */
export interface SearchDecision {
  id: string;
  kind: 'nn' | 'hw';
  size: number;
}

export interface Problem {
  decisions: SearchDecision[];
  objectives: MetricName[];
  constraints: Constraint[];
  /**
   * The one genome of a design (optional): genomes that describe the same design map to one, e.g. a
   * space's encode(decode(g)), which zeroes the genes of inactive blocks and repairs groups. With it, no
   * algorithm spends an evaluation on a design it already has under another genome, and ESAPP's priority
   * sees only the decisions a child really changed. Must be idempotent. Not part of the run config.
   */
  canonicalize?: (genome: Genome) => Genome;
  /**
   * Designs the first generation starts with (optional), e.g. a space's extremes: every algorithm offers
   * them (in canonical form, duplicates dropped) before it draws the rest of its initial population at
   * random, so a short search always holds the ends of the front. Recorded in the run config.
   */
  seeds?: Genome[];
}

const SOURCE = 'search';

/** The search view of a Space's decisions (Space.decisions order = genome order); typed by shape, so the search library needs no space import. */
export function decisionsOfSpace(decisions: readonly { id: string; kind: 'nn' | 'hw'; values: readonly unknown[] }[]): SearchDecision[] {
  return decisions.map((d) => ({ id: d.id, kind: d.kind, size: d.values.length }));
}

/** Checks a problem once (objective and constraint names, sizes); returns it unchanged. */
export function checkProblem(problem: Problem): Problem {
  const allowed = METRIC_NAMES.join(', ');
  if (problem.decisions.length === 0) throw fieldError('E_OPTION', SOURCE, 'decisions', problem.decisions, 'a non-empty list of decisions');
  problem.decisions.forEach((d, i) => {
    if (!Number.isInteger(d.size) || d.size < 1) throw fieldError('E_OPTION', SOURCE, `decisions[${i}].size`, d.size, 'an integer >= 1');
  });
  if (problem.objectives.length === 0) throw fieldError('E_OPTION', SOURCE, 'objectives', problem.objectives, `a non-empty list of ${allowed}`);
  problem.objectives.forEach((o, i) => {
    if (!(METRIC_NAMES as readonly string[]).includes(o)) throw fieldError('E_OPTION', SOURCE, `objectives[${i}]`, o, allowed);
    if (problem.objectives.indexOf(o) !== i) throw fieldError('E_OPTION', SOURCE, `objectives[${i}]`, o, 'an objective not listed before');
  });
  (problem.seeds ?? []).forEach((g, i) => {
    const ok = Array.isArray(g) && g.length === problem.decisions.length && g.every((v, d) => Number.isInteger(v) && v >= 0 && v < problem.decisions[d].size);
    if (!ok) throw fieldError('E_OPTION', SOURCE, `seeds[${i}]`, g, `a genome of ${problem.decisions.length} value indexes, each below its decision's size`);
  });
  problem.constraints.forEach((c, i) => {
    if (typeof c.metric !== 'string' || c.metric === '') throw fieldError('E_OPTION', SOURCE, `constraints[${i}].metric`, c.metric, `a metric name (${allowed}, or another metric the evaluator reports)`);
    const hasMin = c.min !== undefined, hasMax = c.max !== undefined;
    if (hasMin === hasMax) throw fieldError('E_OPTION', SOURCE, `constraints[${i}]`, c, 'exactly one of min, max');
    const bound = (c.min ?? c.max) as number;
    if (!Number.isFinite(bound)) throw fieldError('E_OPTION', SOURCE, `constraints[${i}].${hasMin ? 'min' : 'max'}`, bound, 'a finite number');
  });
  return problem;
}

/** One objective value, minimized: accuracy -> 1 - accuracy, the others as they are. */
export function minimized(name: MetricName, value: number): number {
  return name === 'accuracy' ? 1 - value : value;
}

function metricOf(metrics: Metrics, name: string): number {
  const v = metrics[name];
  if (typeof v !== 'number' || Number.isNaN(v)) throw fieldError('E_OPTION', 'evaluator', name, v, 'a number for every objective and constraint metric');
  return v;
}

/** F (minimized objectives) of a metrics record. */
export function objectivesOf(problem: Problem, metrics: Metrics): number[] {
  return problem.objectives.map((o) => minimized(o, metricOf(metrics, o)));
}

/**
 * G (<= 0 when satisfied), each relative to its bound's magnitude so constraints of different units add
 * up: min b -> (b - v) / max(|b|, 1e-12), max b -> (v - b) / max(|b|, 1e-12).
 */
export function constraintsOf(problem: Problem, metrics: Metrics): number[] {
  return problem.constraints.map((c) => {
    const v = metricOf(metrics, c.metric);
    const bound = (c.min ?? c.max) as number;
    const scale = Math.max(Math.abs(bound), 1e-12);
    return c.min !== undefined ? (bound - v) / scale : (v - bound) / scale;
  });
}

/** Total constraint violation: the sum of the positive parts of G (0 = feasible). */
export function violationOf(g: readonly number[]): number {
  let s = 0;
  for (const x of g) if (x > 0) s += x;
  return s;
}

/** The canonical text key of a genome (distinct candidates = distinct keys). */
export const genomeKey = (genome: readonly number[]): string => genome.join(',');

/** One evaluated candidate, as the journal stores it and the algorithms see it. */
export interface Evaluated {
  /** Evaluation index, 0-based, in journal order. */
  id: number;
  /** The generation that asked for it. */
  generation: number;
  genome: Genome;
  key: string;
  metrics: Metrics;
  F: number[];
  cv: number;
}

export function makeEvaluated(problem: Problem, id: number, generation: number, genome: Genome, metrics: Metrics): Evaluated {
  return { id, generation, genome: [...genome], key: genomeKey(genome), metrics, F: objectivesOf(problem, metrics), cv: violationOf(constraintsOf(problem, metrics)) };
}
