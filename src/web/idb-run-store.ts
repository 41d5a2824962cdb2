// A run store in the browser (the contract: src/run/store.ts) on IndexedDB: each document one record
// (replaced in one transaction: a reader sees the old text or the new one), the journal one record per
// line, each put committed with strict durability before append resolves. One writer per run through the
// Web Locks API: the lock `gibbon-run:<run>` is held from lock() to release(), across the tabs and workers
// of this origin, and the browser frees it when its holder (a tab, a worker) goes away, so a closed or
// crashed tab never blocks its run. Web-standard (a page or a worker).
import { parseJournal, journalLine } from '../run/journal.ts';
import { RUN_FILES, type RunDocument, type RunJournal, type RunLease, type RunStore } from '../run/store.ts';
import type { EvaluationRecord } from '../search/run-search.ts';
import { GibbonError } from '../util/errors.ts';
import { keysOf, requestResult, runRange, STORES, transact } from './idb.ts';

/** How messages name a run kept in this browser. */
export const runLocation = (run: string): string => `browser run "${run}"`;

/** The Web Lock of a run (also asked by the page, to tell whether a kept run is in use). */
export const runLockName = (run: string): string => `gibbon-run:${run}`;

/** The journal's lines in order (each ends with a newline): journal.jsonl as the CLI writes it. */
export async function journalText(run: string): Promise<string> {
  return transact([STORES.journal], 'readonly', runLocation(run), async (tx) =>
    (await requestResult(tx.objectStore(STORES.journal).getAll(runRange(run)), runLocation(run)) as string[]).join(''));
}

/** Takes the run's Web Lock without waiting: the lease, or E_FILE naming the run when another holder has it. */
async function takeLock(run: string, holder: string): Promise<RunLease> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (locks === undefined) throw new GibbonError('E_FILE', `${runLocation(run)}: this browser has no Web Locks API; allowed: a browser with navigator.locks (a secure context: https or localhost)`);
  let release!: () => void;
  const held = new Promise<void>((resolve) => { release = resolve; });
  const granted = await new Promise<boolean>((resolve, reject) => {
    // The lock is held while the callback's promise is pending: until release().
    locks.request(runLockName(run), { ifAvailable: true }, (lock) => {
      resolve(lock !== null);
      return lock === null ? undefined : held;
    }).catch(reject);
  });
  if (!granted) {
    throw new GibbonError('E_FILE', `${runLocation(run)}: run in use by ${holder} in another tab or window of this browser; one tab per run: continue it there, or close that tab and resume it here`, { source: runLocation(run) });
  }
  return { release: () => release() };
}

/** The store of run `run` in this browser's IndexedDB. */
export function indexedDbRunStore(run: string): RunStore {
  const location = runLocation(run);
  return {
    location,
    nameOf: (name) => `${location}: ${name}`,
    lock: (holder) => takeLock(run, holder),
    read: (name) => transact([STORES.documents], 'readonly', location, (tx) =>
      requestResult(tx.objectStore(STORES.documents).get([run, name]), `${location}: ${name}`) as Promise<string | undefined>),
    write: (name: RunDocument, text: string) => transact([STORES.documents], 'readwrite', `${location}: ${name}`, async (tx) => {
      await requestResult(tx.objectStore(STORES.documents).put(text, [run, name]), `${location}: ${name}`);
    }),
    openJournal: async (): Promise<RunJournal> => {
      const source = `${location}: ${RUN_FILES.journal}`;
      const text = await journalText(run);
      // The journal's own parser, so a damaged record is reported as for a file (no torn tail: a put is atomic).
      const { records } = parseJournal<EvaluationRecord>(new TextEncoder().encode(text), source);
      let next: number = await transact([STORES.journal], 'readonly', source, async (tx) => (await keysOf(tx, STORES.journal, runRange(run), source)).length);
      return {
        records,
        append: (record) => {
          const at = next++; // taken now: appends may overlap, and each keeps its place in order
          return transact([STORES.journal], 'readwrite', source, async (tx) => {
            await requestResult(tx.objectStore(STORES.journal).put(journalLine(record), [run, at]), source);
          });
        },
        close: () => {},
      };
    },
  };
}

/** Removes everything kept of run `run` (its documents, journal and entry in the list of runs). */
export function deleteRun(run: string): Promise<void> {
  return transact([STORES.documents, STORES.journal, STORES.runs], 'readwrite', runLocation(run), async (tx) => {
    await requestResult(tx.objectStore(STORES.documents).delete(runRange(run)), runLocation(run));
    await requestResult(tx.objectStore(STORES.journal).delete(runRange(run)), runLocation(run));
    await requestResult(tx.objectStore(STORES.runs).delete(run), runLocation(run));
  });
}
