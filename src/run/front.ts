// A run's results (docs/search.md §7), written once at the end of every run by one writer: front.json (the
// Pareto designs), front.csv (the same as a table) and summary.json. One front.json format: a JSON list of
// designs { id, generation, candidate?, genome, metrics }; `candidate` is the readable design when the run
// can decode genomes (gibbon search always), and a run that measured test accuracy (or could: gibbon
// search) holds metrics.test_accuracy right after accuracy (null when not measured).
import { hypervolume, type HypervolumeSpec } from '../search/hypervolume.ts';
import type { Evaluated, Genome, Metrics, Problem } from '../search/problem.ts';
import type { SearchResult } from '../search/run-search.ts';
import { jsonText, RUN_FILES, type RunStore } from './store.ts';

/** What a run adds to its front's designs. */
export interface FrontExtras {
  /** The readable design of a genome (a space's decode). */
  candidate?: (genome: Genome) => unknown;
  /** Test accuracy of each front design, in front order (null: not measured). */
  testAccuracy?: readonly (number | null)[];
  /** Test images each was measured on. */
  testImages?: number;
}

export interface FrontDesignRecord {
  id: number;
  generation: number;
  candidate?: unknown;
  genome: Genome;
  metrics: Metrics | Record<string, number | null>;
}

/** front.json's designs. */
export function frontDesigns(front: readonly Evaluated[], extras: FrontExtras = {}): FrontDesignRecord[] {
  const { candidate, testAccuracy } = extras;
  return front.map((e, i) => {
    let metrics: FrontDesignRecord['metrics'] = e.metrics;
    if (testAccuracy !== undefined) {
      const { accuracy, ...rest } = e.metrics;
      metrics = { accuracy, test_accuracy: testAccuracy[i], ...rest };
    }
    return { id: e.id, generation: e.generation, ...(candidate ? { candidate: candidate(e.genome) } : {}), genome: e.genome, metrics };
  });
}

const csvCell = (v: unknown): string => { const s = String(v); return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s; };

/** front.csv: id, generation, every metric of the front (sorted), then one column per decision. */
export function frontCsv(problem: Problem, front: readonly Evaluated[]): string {
  const metricNames = [...new Set(front.flatMap((e) => Object.keys(e.metrics)))].sort();
  const header = ['id', 'generation', ...metricNames, ...problem.decisions.map((d) => d.id)];
  const lines = front.map((e) => [e.id, e.generation, ...metricNames.map((k) => e.metrics[k] ?? ''), ...e.genome].map(csvCell).join(','));
  return `${[header.map(csvCell).join(','), ...lines].join('\n')}\n`;
}

export interface RunSummary {
  algorithm: string;
  seed: number;
  budget: number;
  evaluations: number;
  generations: number;
  /** Evaluated candidates with no constraint violation. */
  feasible: number;
  frontSize: number;
  /** Of the front (2 or 3 objectives), else null. */
  hypervolume: number | null;
  stoppedBy: SearchResult['stoppedBy'];
  /** The front's smallest and largest value of each objective (as reported: accuracy as a fraction); null for an empty front. */
  frontSpan: Record<string, [number, number]> | null;
  /** The front's best test accuracy, or null when it was not measured. */
  bestTestAccuracy: number | null;
  /** Test images per front design, or null when not measured. */
  testImages: number | null;
}

export function runSummary(config: { problem: Problem; algorithm: string; seed: number; budget: number; hypervolume: HypervolumeSpec }, result: SearchResult, extras: FrontExtras = {}): RunSummary {
  const m = config.problem.objectives.length;
  const span = (o: string): [number, number] => {
    const vs = result.front.map((e) => e.metrics[o]);
    return [Math.min(...vs), Math.max(...vs)];
  };
  const tests = (extras.testAccuracy ?? []).filter((t): t is number => t !== null);
  return {
    algorithm: config.algorithm, seed: config.seed, budget: config.budget, evaluations: result.evaluated.length,
    generations: result.generations, feasible: result.evaluated.filter((e) => e.cv <= 0).length, frontSize: result.front.length,
    hypervolume: m === 2 || m === 3 ? hypervolume(result.front.map((e) => e.F), config.hypervolume) : null, stoppedBy: result.stoppedBy,
    frontSpan: result.front.length === 0 ? null : Object.fromEntries(config.problem.objectives.map((o) => [o, span(o)])),
    bestTestAccuracy: tests.length === 0 ? null : Math.max(...tests),
    testImages: tests.length === 0 ? null : extras.testImages ?? null,
  };
}

/** Writes front.json, front.csv and summary.json (each atomically); returns the summary. */
export async function writeRunResults(store: RunStore, config: Parameters<typeof runSummary>[0], result: SearchResult, extras: FrontExtras = {}): Promise<RunSummary> {
  const summary = runSummary(config, result, extras);
  await store.write(RUN_FILES.frontJson, jsonText(frontDesigns(result.front, extras)));
  await store.write(RUN_FILES.frontCsv, frontCsv(config.problem, result.front));
  await store.write(RUN_FILES.summary, jsonText(summary));
  return summary;
}
