// A run directory (docs/search.md §7):
//   config.json      the resolved config: problem, algorithm + resolved settings, seed, budget, chunk size,
//                    hypervolume reference point and normalization (written once; a resume must match it)
//   journal.jsonl    every evaluated candidate {id, generation, genome, metrics}, fsync'd per line
//   checkpoint.json  the algorithm state after its last complete generation (atomic replace)
//   front.json, front.csv, summary.json   written (atomically) at the end
// runStudy starts a run or resumes one; the result of a resumed run is byte-identical to an uninterrupted one.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { GibbonError } from '../util/errors.ts';
import { createAlgorithm } from '../search/registry.ts';
import { hypervolume, type HypervolumeSpec } from '../search/hypervolume.ts';
import type { Evaluated, Evaluator, Problem } from '../search/problem.ts';
import { checkProblem } from '../search/problem.ts';
import type { Screen } from '../search/screen.ts';
import { runSearch, type Checkpoint, type EvaluationRecord, type Progress, type SearchResult, type SearchStore } from '../search/run-search.ts';
import { readJsonFile, writeAtomic, writeJsonAtomic } from './checkpoint.ts';
import { Journal, readJournal } from './journal.ts';
import { RUN_FILES } from './run-format.ts';

export interface StudyConfig {
  problem: Problem;
  algorithm: string;
  /** Algorithm options (merged over its standard settings; the config records the resolved ones). */
  options?: Record<string, number>;
  seed: number;
  budget: number;
  /** Candidates per evaluator call (default: a whole generation). */
  chunkSize?: number;
  hypervolume: HypervolumeSpec;
}

export interface ResolvedStudyConfig extends Required<Omit<StudyConfig, 'options' | 'chunkSize'>> {
  format: 'gibbon-search-run';
  version: 1;
  settings: Record<string, unknown>;
  chunkSize: number | null;
  hypervolume: Required<HypervolumeSpec>;
}

export { RUN_FILES };

export interface StudyOptions {
  /** Continue an existing run directory (its config must equal this one). */
  resume?: boolean;
  onProgress?: (p: Progress) => void;
  /** A time budget: see RunSearchOptions.shouldStop. */
  shouldStop?: () => boolean;
  /** The predictor screen of esapp / nsga2 (docs/search.md §9); its settings go into config.json. */
  screen?: Screen;
}

function fileStore(dir: string): SearchStore & { close(): void } {
  const journalPath = join(dir, RUN_FILES.journal);
  const records = readJournal<EvaluationRecord>(journalPath).records;
  const journal = new Journal(journalPath);
  return {
    records: () => records,
    checkpoint: () => readJsonFile<Checkpoint>(join(dir, RUN_FILES.checkpoint)),
    append: (r) => journal.append(r),
    saveCheckpoint: (c) => writeJsonAtomic(join(dir, RUN_FILES.checkpoint), c),
    close: () => journal.close(),
  };
}

export function resolveStudyConfig(config: StudyConfig, screen?: Screen): ResolvedStudyConfig {
  const problem = checkProblem(config.problem);
  const algorithm = createAlgorithm(config.algorithm, problem, config.seed, config.options, screen);
  const m = problem.objectives.length;
  const ideal = config.hypervolume.ideal ?? new Array<number>(m).fill(0);
  const hv = { ref: config.hypervolume.ref, ideal, nadir: config.hypervolume.nadir ?? ideal.map((v) => v + 1), log: config.hypervolume.log ?? ideal.map(() => false) };
  if (hv.ref.length !== m) throw new GibbonError('E_OPTION', `search: hypervolume.ref: got ${JSON.stringify(hv.ref)}; allowed: ${m} numbers, one per objective`);
  return {
    format: 'gibbon-search-run', version: 1, problem, algorithm: config.algorithm, settings: algorithm.settings(),
    seed: config.seed, budget: config.budget, chunkSize: config.chunkSize ?? null, hypervolume: hv,
  };
}

export async function runStudy(dir: string, config: StudyConfig, evaluator: Evaluator, opts: StudyOptions = {}): Promise<SearchResult> {
  const resolved = resolveStudyConfig(config, opts.screen);
  const configPath = join(dir, RUN_FILES.config);
  const text = `${JSON.stringify(resolved, null, 2)}\n`;
  if (existsSync(configPath)) {
    if (!opts.resume) throw new GibbonError('E_OPTION', `search: ${dir}: got a directory that already holds a run; allowed: a new directory, or --resume (resume: true) to continue it`);
    const old = readJsonFile<ResolvedStudyConfig>(configPath);
    if (JSON.stringify(old) !== JSON.stringify(resolved)) throw new GibbonError('E_OPTION', `search: ${configPath}: got a run with another config; allowed: the same config to resume (or a new directory)`);
  } else {
    mkdirSync(dir, { recursive: true });
    writeAtomic(configPath, text);
  }
  const store = fileStore(dir);
  try {
    const algorithm = createAlgorithm(config.algorithm, resolved.problem, config.seed, config.options, opts.screen);
    const result = await runSearch(algorithm, resolved.problem, evaluator, { budget: config.budget, store, chunkSize: config.chunkSize, onProgress: opts.onProgress, shouldStop: opts.shouldStop });
    writeOutputs(dir, resolved, result);
    return result;
  } finally { store.close(); }
}

const csvCell = (v: unknown): string => { const s = String(v); return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s; };

export function frontRows(problem: Problem, front: readonly Evaluated[]): Record<string, unknown>[] {
  return front.map((e) => ({ id: e.id, generation: e.generation, genome: e.genome, metrics: e.metrics, F: e.F }));
}

function writeOutputs(dir: string, config: ResolvedStudyConfig, result: SearchResult): void {
  const { problem } = config;
  writeJsonAtomic(join(dir, RUN_FILES.frontJson), { objectives: problem.objectives, constraints: problem.constraints, decisions: problem.decisions.map((d) => d.id), points: frontRows(problem, result.front) });
  const metricNames = [...new Set(result.front.flatMap((e) => Object.keys(e.metrics)))].sort();
  const header = ['id', 'generation', ...metricNames, ...problem.decisions.map((d) => d.id)];
  const lines = result.front.map((e) => [e.id, e.generation, ...metricNames.map((k) => e.metrics[k] ?? ''), ...e.genome].map(csvCell).join(','));
  writeAtomic(join(dir, RUN_FILES.frontCsv), `${[header.map(csvCell).join(','), ...lines].join('\n')}\n`);
  const feasible = result.evaluated.filter((e) => e.cv <= 0).length;
  const hv = problem.objectives.length === 2 || problem.objectives.length === 3 ? hypervolume(result.front.map((e) => e.F), config.hypervolume) : null;
  writeJsonAtomic(join(dir, RUN_FILES.summary), {
    algorithm: config.algorithm, seed: config.seed, budget: config.budget, evaluations: result.evaluated.length,
    generations: result.generations, feasible, frontSize: result.front.length, hypervolume: hv, stoppedBy: result.stoppedBy,
  });
}
