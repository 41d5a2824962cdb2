// The runs this browser keeps (IndexedDB, beside their stores): what the form held when each started, so a
// reload can offer an unfinished one and resume it with the same settings, and the run as the report's
// reader sees a run directory (its documents and journal read from IndexedDB).
import type { SearchFlagValues } from '../cli/search-args.ts';
import type { RunSource } from '../report/run-reader.ts';
import type { PickedDatasetFiles } from './picked-dataset.ts';
import { RUN_FILES } from '../run/store.ts';
import { requestResult, STORES, transact } from '../web/idb.ts';
import { indexedDbRunStore, journalText, runLocation, runLockName } from '../web/idb-run-store.ts';

export interface KeptRun {
  run: string;
  /** The form's flags when it started (resume is added when resuming). */
  flags: SearchFlagValues;
  /** The space document it searches (a preset's or a picked file's). */
  spaceSpec: unknown;
  space: string;
  /** The picked dataset files when flags.dataset is not the embedded MNIST (kept, so a resume needs no picking). */
  datasetFiles?: PickedDatasetFiles;
  /** ISO time of the first start. */
  started: string;
}

export async function keepRun(k: KeptRun): Promise<void> {
  await transact([STORES.runs], 'readwrite', runLocation(k.run), async (tx) => { await requestResult(tx.objectStore(STORES.runs).put(k, k.run), runLocation(k.run)); });
}

export function keptRuns(): Promise<KeptRun[]> {
  return transact([STORES.runs], 'readonly', 'kept runs', (tx) => requestResult(tx.objectStore(STORES.runs).getAll(), 'kept runs') as Promise<KeptRun[]>);
}

/** Whether a run's summary says it may go on: none yet (cut off by a reload, a closed tab), or stopped before its budget. */
function resumable(summary: string | undefined): boolean {
  if (summary === undefined) return true;
  const stoppedBy = (JSON.parse(summary) as { stoppedBy?: string }).stoppedBy;
  return stoppedBy === 'aborted' || stoppedBy === 'time';
}

/** The kept runs that did not finish (stopped, or cut off by a reload), latest first. */
export async function unfinishedRuns(): Promise<KeptRun[]> {
  const all = await keptRuns();
  const open = await Promise.all(all.map(async (k) => resumable(await indexedDbRunStore(k.run).read(RUN_FILES.summary))));
  return all.filter((_, i) => open[i]).sort((a, b) => b.started.localeCompare(a.started));
}

/** Whether another tab (or worker) of this browser holds the run now (its Web Lock). */
export async function runInUse(run: string): Promise<boolean> {
  const held = (await navigator.locks?.query())?.held ?? [];
  return held.some((l) => l.name === runLockName(run));
}

/**
 * Waits up to `ms` for the run's Web Lock to be free: a tab just reloaded (or a worker just ended) frees the
 * lock of the run it held a moment later, and a Resume clicked at once must not be refused for that.
 * Resolves either way; a holder still there after `ms` is another tab, and the store refuses it with its message.
 */
export async function settleRunLock(run: string, ms: number): Promise<void> {
  if (!(await runInUse(run))) return;
  await navigator.locks.request(runLockName(run), { signal: AbortSignal.timeout(ms) }, async () => {}).catch(() => {});
}

/** The first of search-<space>-s<seed>, -2, -3, ... that this browser does not hold yet. */
export async function freshRunName(space: string, seed: number): Promise<string> {
  const taken = new Set((await keptRuns()).map((k) => k.run));
  const stem = `search-${space.replace(/[^A-Za-z0-9._-]+/g, '_')}-s${seed}`;
  for (let n = 1; ; n++) {
    const name = n === 1 ? stem : `${stem}-${n}`;
    if (!taken.has(name) && (await indexedDbRunStore(name).read(RUN_FILES.search)) === undefined) return name;
  }
}

/** A supernet directory's summary: the report's reader takes a run's space from it (a run of a space file). */
const SUPERNET_SUMMARY = 'supernet.json';

/** The run's files as a run directory holds them (journal.jsonl byte for byte as the CLI writes it). */
export async function runFiles(k: KeptRun): Promise<Map<string, string>> {
  const store = indexedDbRunStore(k.run);
  const files = new Map<string, string>();
  for (const name of [RUN_FILES.config, RUN_FILES.search, RUN_FILES.checkpoint, RUN_FILES.frontJson, RUN_FILES.frontCsv, RUN_FILES.summary] as const) {
    const text = await store.read(name);
    if (text !== undefined) files.set(name, text);
  }
  files.set(RUN_FILES.journal, await journalText(k.run));
  return files;
}

/** The run as the report's reader takes a run directory; the space document goes as supernet.json's spaceSpec. */
export async function runSource(k: KeptRun): Promise<RunSource> {
  const files = await runFiles(k);
  files.set(SUPERNET_SUMMARY, JSON.stringify({ spaceSpec: k.spaceSpec }));
  const encoder = new TextEncoder();
  const location = runLocation(k.run);
  return { location, nameOf: (f) => `${location}: ${f}`, bytes: (f) => { const t = files.get(f); return t === undefined ? undefined : encoder.encode(t); } };
}
