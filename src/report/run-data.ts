// The plain data of a `gibbon search` run directory as the report reads it (docs/report.md), and the
// numbers derived from it: feasibility and the hypervolume after each evaluation. Web-standard.
import type { PublicSimulation } from './hw-json.ts';
import type { NetworkSummary } from './network-summary.ts';
import { hypervolume, type HypervolumeSpec } from '../search/hypervolume.ts';
import { constraintsOf, objectivesOf, violationOf, type Metrics, type Problem } from '../search/problem.ts';
import type { Candidate } from '../space/types.ts';

/** config.json (the fields the report reads). */
export interface RunConfig {
  problem: Problem;
  algorithm: string;
  seed: number;
  budget: number;
  settings?: Record<string, unknown>;
  /** Absent (null) with 1 or more than 3 objectives. */
  hypervolume: HypervolumeSpec | null;
}

/** search.json: how the CLI ran the search. */
export interface SearchInfo {
  space: string;
  dataset: string;
  supernet: string;
  split: string;
  limit: number;
}

/** summary.json (the fields the report reads). */
export interface RunSummary {
  evaluations: number;
  generations: number;
  feasible: number;
  frontSize: number;
  hypervolume: number | null;
  /** Test images per front design (null: not measured, or a run of an older version). */
  testImages: number | null;
}

/** One journal line. */
export interface JournalRecord {
  id: number;
  generation: number;
  genome: number[];
  metrics: Metrics;
}

/** One design of front.json. */
export interface FrontDesign {
  id: number;
  generation: number;
  candidate: Candidate;
  genome: number[];
  metrics: Metrics;
  /** Accuracy on the test split (fraction), or null when the search did not measure it. */
  testAccuracy: number | null;
  /** Weight layers, weights and MACs (computed by the caller from the space). */
  network?: NetworkSummary;
}

/** The per-layer hardware breakdown of one design (`gibbon simulate --json` naming and units). */
export interface DesignBreakdown {
  designId: number;
  simulation: PublicSimulation;
}

/** Stand-alone retraining of the top front designs (gibbon report --retrain). */
export interface RetrainReport {
  epochs: number;
  /** Validation images per accuracy measurement (the search's limit). */
  limit: number;
  rows: Array<{ id: number; oneShot: number; standalone: number; float: number; seconds: number }>;
  /** Kendall's tau-b of one-shot against stand-alone accuracy (NaN when undefined). */
  kendallTau: number;
}

/** A candidate the search counts as feasible: it fits the chip (fits !== 0) and meets every constraint. */
export function isFeasible(problem: Problem, metrics: Metrics): boolean {
  return metrics.fits !== 0 && violationOf(constraintsOf(problem, metrics)) === 0;
}

const dominates = (a: readonly number[], b: readonly number[]) => a.every((v, i) => v <= b[i]) && a.some((v, i) => v < b[i]);

/**
 * The hypervolume of the feasible objective vectors among the first k journal records, for k = 1..n
 * (journal order = evaluation order). Only the non-dominated set is kept: it has the same hypervolume,
 * and a new point that it dominates (or equals) leaves the value unchanged.
 */
export function hypervolumeSeries(problem: Problem, records: readonly JournalRecord[], spec: HypervolumeSpec): number[] {
  let front: number[][] = [];
  let value = 0;
  return records.map((r) => {
    if (!isFeasible(problem, r.metrics)) return value;
    const f = objectivesOf(problem, r.metrics);
    if (front.some((p) => dominates(p, f) || p.every((v, i) => v === f[i]))) return value;
    front = [...front.filter((p) => !dominates(f, p)), f];
    value = hypervolume(front, spec);
    return value;
  });
}
