// A run of the search core in a run store (docs/search.md §7; the store's documents: src/run/store.ts):
// runStudy starts a run or resumes one; the result of a resumed run is byte-identical to an uninterrupted
// one. Web-standard: the store decides where the run lives.

import { GibbonError, formatValue } from '../util/errors.ts';
import { firstJsonDifference } from '../util/json-diff.ts';
import { createAlgorithm } from '../search/registry.ts';
import type { HypervolumeSpec } from '../search/hypervolume.ts';
import type { Evaluator, Problem } from '../search/problem.ts';
import { checkProblem } from '../search/problem.ts';
import type { Screen } from '../search/screen.ts';
import { runSearch, type Checkpoint, type Progress, type SearchResult, type SearchStore } from '../search/run-search.ts';
import { writeRunResults, type FrontExtras, type RunSummary } from './front.ts';
import { jsonText, readJson, RUN_FILES, type RunJournal, type RunStore } from './store.ts';

/** A budget that never ends the run (a run bounded by time alone). */
export const UNLIMITED_BUDGET = 1e7;

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

export interface StudyOptions {
  /** Continue an existing run directory (its config must equal this one). */
  resume?: boolean;
  onProgress?: (p: Progress) => void;
  /** A time budget: see RunSearchOptions.shouldStop. */
  shouldStop?: () => boolean;
  /** The predictor screen of esapp / nsga2 (docs/search.md §9); its settings go into config.json. */
  screen?: Screen;
  /** Ends the run after the evaluations in flight (stoppedBy 'aborted'); the results are written. */
  signal?: AbortSignal;
  /** What the front's designs carry besides genome and metrics (src/run/front.ts); measured after the search. */
  frontExtras?: (result: SearchResult) => Promise<FrontExtras>;
}

/** The search loop's view of a run store: the open journal and checkpoint.json. */
function searchStore(store: RunStore, journal: RunJournal): SearchStore {
  return {
    records: () => [...journal.records],
    checkpoint: () => readJson<Checkpoint>(store, RUN_FILES.checkpoint),
    append: (r) => journal.append(r),
    saveCheckpoint: (c) => store.write(RUN_FILES.checkpoint, jsonText(c)),
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

export interface StudyResult extends SearchResult {
  summary: RunSummary;
}

export async function runStudy(store: RunStore, config: StudyConfig, evaluator: Evaluator, opts: StudyOptions = {}): Promise<StudyResult> {
  const resolved = resolveStudyConfig(config, opts.screen);
  const text = jsonText(resolved);
  const old = await readJson<ResolvedStudyConfig>(store, RUN_FILES.config);
  if (old !== undefined) {
    if (!opts.resume) throw new GibbonError('E_OPTION', `search: ${store.location}: got a directory that already holds a run; allowed: a new directory, or --resume (resume: true) to continue it`);
    const changed = firstJsonDifference(old, resolved);
    if (changed) {
      throw new GibbonError('E_OPTION', `search: ${store.nameOf(RUN_FILES.config)}: ${changed.path}: got ${formatValue(changed.now)} where the run has ${formatValue(changed.was)}; allowed: the run's own settings to resume (or a new directory)`);
    }
  } else {
    await store.write(RUN_FILES.config, text);
  }
  const journal = await store.openJournal();
  try {
    const algorithm = createAlgorithm(config.algorithm, resolved.problem, config.seed, config.options, opts.screen);
    const result = await runSearch(algorithm, resolved.problem, evaluator, {
      budget: config.budget, store: searchStore(store, journal), chunkSize: config.chunkSize, onProgress: opts.onProgress, shouldStop: opts.shouldStop, signal: opts.signal,
    });
    const extras = opts.frontExtras ? await opts.frontExtras(result) : {};
    return { ...result, summary: await writeRunResults(store, resolved, result, extras) };
  } finally { await journal.close(); }
}
