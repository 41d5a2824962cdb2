// A run of the search core in a run store (docs/search.md §7; the store's documents: src/run/store.ts):
// runStudy starts a run or resumes one; the result of a resumed run is byte-identical to an uninterrupted
// one. Web-standard: the store decides where the run lives.

import { GibbonError, fieldError, formatValue } from '../util/errors.ts';
import { firstJsonDifference } from '../util/json-diff.ts';
import { createAlgorithm } from '../search/registry.ts';
import type { HypervolumeSpec } from '../search/hypervolume.ts';
import type { Evaluator, Problem } from '../search/problem.ts';
import { checkProblem } from '../search/problem.ts';
import type { Screen } from '../search/screen.ts';
import { runSearch, type Checkpoint, type EvaluationRecord, type Progress, type SearchResult, type SearchStore } from '../search/run-search.ts';
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

const isInteger = (v: unknown, min: number, max = Infinity): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The journal's records, each checked for the shape the search reads (a line that parses but is not a
 * record, e.g. `{"foo":1}`, is refused like a corrupt line: file, line, field, value, what is allowed).
 */
export function checkJournalRecords(records: readonly unknown[], problem: Problem, source: string): EvaluationRecord[] {
  const sizes = problem.decisions.map((d) => d.size);
  records.forEach((r, i) => {
    const line = `line ${i + 1}`;
    const bad = (field: string, value: unknown, allowed: string) => fieldError('E_FILE', source, field === '' ? line : `${line}.${field}`, value, `${allowed} (a journal record {"id","generation","genome","metrics"})`);
    if (!isPlainObject(r)) throw bad('', r, 'an object');
    if (!isInteger(r.id, 0)) throw bad('id', r.id, 'an integer >= 0');
    if (!isInteger(r.generation, 0)) throw bad('generation', r.generation, 'an integer >= 0');
    const g = r.genome;
    if (!Array.isArray(g) || g.length !== sizes.length || !g.every((v, k) => isInteger(v, 0, sizes[k] - 1))) {
      throw bad('genome', g, `${sizes.length} value indices, one per decision of the run's problem (each in 0..size-1)`);
    }
    if (!isPlainObject(r.metrics) || !Object.values(r.metrics).every((v) => typeof v === 'number' || v === null)) throw bad('metrics', r.metrics, 'an object of numbers');
  });
  return records as EvaluationRecord[];
}

/**
 * checkpoint.json, checked against the journal: a checkpoint that counts more evaluations than the
 * journal holds is newer than the journal (one of them was replaced), and resuming would mix two runs.
 */
export function checkCheckpoint(cp: unknown, journalRecords: number, source: string): Checkpoint {
  const bad = (field: string, value: unknown, allowed: string) => fieldError('E_FILE', source, field, value, allowed);
  if (!isPlainObject(cp)) throw bad('(root)', cp, 'an object {"version":1,"evaluations","state"}');
  if (cp.version !== 1) throw bad('version', cp.version, '1');
  if (!isInteger(cp.evaluations, 0)) throw bad('evaluations', cp.evaluations, 'an integer >= 0');
  if (cp.evaluations > journalRecords) {
    throw bad('evaluations', cp.evaluations, `at most the ${journalRecords} record(s) of the run's journal: this checkpoint is newer than the journal (one of them was replaced); put back the journal that goes with it, or start a new run`);
  }
  const st = cp.state;
  if (!isPlainObject(st)) throw bad('state', st, "an object (the algorithm's state)");
  if (typeof st.name !== 'string') throw bad('state.name', st.name, "the algorithm's name");
  if (!isInteger(st.generation, 0)) throw bad('state.generation', st.generation, 'an integer >= 0');
  if (!isPlainObject(st.rng) || !isPlainObject((st.rng as Record<string, unknown>).counters)) throw bad('state.rng', st.rng, 'an object {"seed","counters"}');
  if (!Array.isArray(st.population)) throw bad('state.population', st.population, 'an array of members {"id","genome","F","cv"}');
  return cp as unknown as Checkpoint;
}

/** The search loop's view of a run store: the open journal and checkpoint.json, each checked for its shape. */
function searchStore(store: RunStore, journal: RunJournal, problem: Problem): SearchStore {
  const records = checkJournalRecords(journal.records, problem, store.nameOf(RUN_FILES.journal));
  return {
    records: () => [...records],
    checkpoint: async () => {
      const cp = await readJson<unknown>(store, RUN_FILES.checkpoint);
      return cp === undefined ? undefined : checkCheckpoint(cp, records.length, store.nameOf(RUN_FILES.checkpoint));
    },
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
    // A journal or checkpoint without config.json: the config was lost (deleted), and a run started here
    // would take those records as its own under whatever settings it brings.
    const cp = await store.read(RUN_FILES.checkpoint);
    const opened = await store.openJournal();
    const records = opened.records.length;
    await opened.close();
    if (cp !== undefined || records > 0) {
      throw new GibbonError('E_FILE', `search: ${store.nameOf(RUN_FILES.config)}: got no such file in a run that has ${records} journal record(s)${cp === undefined ? '' : ' and a checkpoint'}; allowed: the run's own ${RUN_FILES.config} put back, or a new run directory`, { source: store.nameOf(RUN_FILES.config) });
    }
    await store.write(RUN_FILES.config, text);
  }
  const journal = await store.openJournal();
  try {
    const algorithm = createAlgorithm(config.algorithm, resolved.problem, config.seed, config.options, opts.screen);
    const result = await runSearch(algorithm, resolved.problem, evaluator, {
      budget: config.budget, store: searchStore(store, journal, resolved.problem), chunkSize: config.chunkSize, onProgress: opts.onProgress, shouldStop: opts.shouldStop, signal: opts.signal,
    });
    const extras = opts.frontExtras ? await opts.frontExtras(result) : {};
    return { ...result, summary: await writeRunResults(store, resolved, result, extras) };
  } finally { await journal.close(); }
}
