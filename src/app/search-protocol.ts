// The messages between the page's search panel and the search worker (src/app/search-worker.ts): the page
// starts one search (the CLI's validated settings, the space document, the run's name in IndexedDB) and may
// stop it; the worker posts the library's progress events, every journaled record, and the end.
import type { SearchArgs } from '../cli/search-args.ts';
import type { PickedDatasetFiles } from './picked-dataset.ts';
import type { RunSummary } from '../run/front.ts';
import type { GibbonSearchEvent } from '../run/gibbon-search.ts';
import type { EvaluationRecord } from '../search/run-search.ts';
import type { ErrorCode } from '../util/errors.ts';

export interface SearchStart {
  type: 'start';
  /** The run's name in this browser (its IndexedDB store). */
  run: string;
  /** gibbon search's settings, validated by searchArgsOf (resume included). */
  args: SearchArgs;
  /** The space document (a preset's or a picked file's), resolved again in the worker. */
  spaceSpec: unknown;
  /** The picked files of args.dataset when it is not the embedded MNIST (idx:, cifar10:, cifar100:). */
  datasetFiles?: PickedDatasetFiles;
}

export type SearchToWorker = SearchStart | { type: 'stop' };

export type SearchFromWorker =
  | { type: 'event'; event: GibbonSearchEvent }
  /** A record once it is durable in the run's journal. */
  | { type: 'record'; record: EvaluationRecord }
  | { type: 'done'; summary: RunSummary; newEvaluations: number; supernetEpochs: number }
  /** A GibbonError's one line and code; anything else code null and `internal error: ...` (the stack on the worker's console). */
  | { type: 'error'; message: string; code: ErrorCode | null };
