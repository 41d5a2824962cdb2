// The one search loop (docs/search.md §5): ask a generation, evaluate the candidates not evaluated yet
// (in chunks, journaling each result), tell, checkpoint. Budgets count distinct evaluations.
//
// Resume: the store holds the journal (every evaluated candidate, with the generation that asked for it)
// and the checkpoint (algorithm state after its last complete generation). On resume the algorithm is
// restored, re-asks the interrupted generation (identical: its randomness is forked by generation, and
// "already seen" means evaluated in an EARLIER generation), and takes the journaled results of that
// generation instead of re-evaluating them. So a run killed at any moment and resumed evaluates the same
// candidates in the same order, and ends with the same journal and front as an uninterrupted one.

import { GibbonError, formatValue } from '../util/errors.ts';
import type { Algorithm, AlgorithmState } from './algorithm.ts';
import { paretoFront } from './pareto.ts';
import type { Evaluated, Evaluator, Genome, Metrics, Problem } from './problem.ts';
import { genomeKey, makeEvaluated } from './problem.ts';

/** One journal record. */
export interface EvaluationRecord {
  id: number;
  generation: number;
  genome: Genome;
  metrics: Metrics;
}

export interface Checkpoint {
  version: 1;
  /** Evaluations journaled when it was written. */
  evaluations: number;
  state: AlgorithmState;
}

/**
 * Where a run keeps its journal and checkpoint (src/run/study.ts adapts a run store: a directory, IndexedDB;
 * memoryStore in tests). Each method may answer at once or with a promise; the loop waits for each.
 */
export interface SearchStore {
  records(): EvaluationRecord[] | Promise<EvaluationRecord[]>;
  checkpoint(): Checkpoint | undefined | Promise<Checkpoint | undefined>;
  append(record: EvaluationRecord): void | Promise<void>;
  saveCheckpoint(checkpoint: Checkpoint): void | Promise<void>;
}

export interface Progress {
  generation: number;
  evaluations: number;
  budget: number;
  /** In [0, 1] (pymoo termination style). */
  fraction: number;
}

export interface RunSearchOptions {
  budget: number;
  store?: SearchStore;
  /** Candidates handed to the evaluator per call (default: the whole generation). Journaled per chunk. */
  chunkSize?: number;
  onProgress?: (p: Progress) => void;
  /** Tests: stop (as if killed) once this many evaluations are journaled in this session. */
  stopAfter?: number;
  /**
   * Asked before each evaluator call: true ends the run there (a time budget). What is journaled stays; a
   * resumed run continues from the last checkpoint, but not necessarily as an uninterrupted one would.
   */
  shouldStop?: () => boolean;
  /** Checked like shouldStop: an aborted signal ends the run there (stoppedBy 'aborted'); what is journaled stays. */
  signal?: AbortSignal;
}

export interface SearchResult {
  evaluated: Evaluated[];
  /** Indices into evaluated of the feasible non-dominated set, ordered by F then id. */
  front: Evaluated[];
  generations: number;
  /** False when stopped by stopAfter or shouldStop. */
  complete: boolean;
  /** Why the run ended: the evaluation budget, shouldStop (time), the signal, stopAfter (tests), or no candidates left to ask. */
  stoppedBy: 'budget' | 'time' | 'aborted' | 'stopAfter' | 'exhausted';
}

export function memoryStore(records: EvaluationRecord[] = [], checkpoint?: Checkpoint): SearchStore & { data: { records: EvaluationRecord[]; checkpoint?: Checkpoint } } {
  const data = { records: records.map((r) => structuredClone(r)), checkpoint: checkpoint && structuredClone(checkpoint) };
  return {
    data,
    records: () => data.records.map((r) => structuredClone(r)),
    checkpoint: () => data.checkpoint && structuredClone(data.checkpoint),
    append: (r) => { data.records.push(structuredClone(r)); },
    saveCheckpoint: (c) => { data.checkpoint = JSON.parse(JSON.stringify(c)) as Checkpoint; },
  };
}

export async function runSearch(algorithm: Algorithm, problem: Problem, evaluator: Evaluator, options: RunSearchOptions): Promise<SearchResult> {
  const { budget } = options;
  if (!Number.isInteger(budget) || budget < 1) throw new GibbonError('E_OPTION', `search: budget: got ${budget}; allowed: an integer >= 1`);
  const store = options.store ?? memoryStore();
  const evaluated: Evaluated[] = [];
  const byKey = new Map<string, Evaluated>();
  for (const r of await store.records()) {
    if (r.id !== evaluated.length) throw new GibbonError('E_FILE', `journal: records[${evaluated.length}].id: got ${r.id}; allowed: ${evaluated.length} (ids are consecutive)`);
    const e = makeEvaluated(problem, r.id, r.generation, r.genome, r.metrics);
    evaluated.push(e);
    byKey.set(e.key, e);
  }
  const cp = await store.checkpoint();
  if (cp) {
    try { algorithm.restore(cp.state); } catch (e) {
      if (e instanceof GibbonError) throw e;
      // a state that has the common fields but not this algorithm's own (a hand-edited or foreign checkpoint)
      throw new GibbonError('E_FILE', `checkpoint: state: got ${formatValue(cp.state)}; allowed: the state a ${algorithm.name} run wrote (${(e as Error).message})`, { path: 'state' });
    }
  }
  let session = 0;
  const stopped = (): boolean => options.stopAfter !== undefined && session >= options.stopAfter;

  for (;;) {
    const g = algorithm.generation;
    const before = evaluated.filter((e) => e.generation < g).length;
    const remaining = budget - before;
    if (remaining <= 0) return finish(evaluated, g, true, 'budget');
    const ctx = { isSeen: (key: string) => { const e = byKey.get(key); return e !== undefined && e.generation < g; }, canonical: problem.canonicalize };
    const genomes = algorithm.ask(Math.min(algorithm.nextBatchSize(), remaining), ctx);
    if (genomes.length === 0) return finish(evaluated, g, true, 'exhausted');
    const todo = genomes.filter((x) => !byKey.has(genomeKey(x)));
    const chunk = options.chunkSize ?? todo.length;
    for (let i = 0; i < todo.length; i += chunk) {
      if (stopped()) return finish(evaluated, g, false, 'stopAfter');
      if (options.signal?.aborted) return finish(evaluated, g, false, 'aborted');
      if (options.shouldStop?.()) return finish(evaluated, g, false, 'time');
      let part = todo.slice(i, i + chunk);
      if (options.stopAfter !== undefined) part = part.slice(0, options.stopAfter - session);
      const metrics = await evaluator.evaluate(part);
      if (metrics.length !== part.length) throw new GibbonError('E_OPTION', `evaluator: results: got ${metrics.length} results; allowed: one per genome (${part.length})`);
      for (const [k, genome] of part.entries()) {
        const record: EvaluationRecord = { id: evaluated.length, generation: g, genome: [...genome], metrics: metrics[k] };
        await store.append(record);
        const e = makeEvaluated(problem, record.id, g, genome, metrics[k]);
        evaluated.push(e);
        byKey.set(e.key, e);
        session++;
      }
      if (part.length < Math.min(chunk, todo.length - i)) return finish(evaluated, g, false, 'stopAfter');
    }
    const generation = genomes.map((x) => byKey.get(genomeKey(x)) as Evaluated);
    algorithm.tell(generation);
    await algorithm.learn?.(generation);
    await store.saveCheckpoint({ version: 1, evaluations: evaluated.length, state: algorithm.state() });
    const done = evaluated.length;
    options.onProgress?.({ generation: g, evaluations: done, budget, fraction: Math.min(1, done / budget) });
  }
}

function finish(evaluated: Evaluated[], generations: number, complete: boolean, stoppedBy: SearchResult['stoppedBy']): SearchResult {
  return { evaluated, front: frontOf(evaluated), generations, complete, stoppedBy };
}

/** The feasible non-dominated set, ordered by F (lexicographic) then id. */
export function frontOf(evaluated: readonly Evaluated[]): Evaluated[] {
  return paretoFront(evaluated).map((i) => evaluated[i]).sort((a, b) => {
    for (let o = 0; o < a.F.length; o++) if (a.F[o] !== b.F[o]) return a.F[o] - b.F[o];
    return a.id - b.id;
  });
}
