// A run store in a directory (the contract: src/run/store.ts): each document a file replaced atomically
// (write, fsync, rename), the journal a JSON-lines file with one fsync per record. The directory is made
// at the first write, or when the run is locked: run.lock beside config.json (src/node/run-lock.ts) keeps a
// second process out while one writes.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunJournal, RunStore } from '../run/store.ts';
import { RUN_FILES } from '../run/store.ts';
import type { EvaluationRecord } from '../search/run-search.ts';
import { writeAtomic } from './atomic-file.ts';
import { LOCK_FILE, lockRunDirectory } from './run-lock.ts';
import { GibbonError } from '../util/errors.ts';
import { Journal, readJournal } from './journal-file.ts';

export function fileRunStore(dir: string): RunStore {
  return {
    location: dir,
    nameOf: (name) => join(dir, name),
    lock: async (holder) => {
      mkdirSync(dir, { recursive: true });
      return lockRunDirectory(dir, holder);
    },
    read: async (name) => {
      const path = join(dir, name);
      return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    },
    write: async (name, text) => {
      mkdirSync(dir, { recursive: true });
      writeAtomic(join(dir, name), text);
    },
    openJournal: async (): Promise<RunJournal> => {
      mkdirSync(dir, { recursive: true });
      const path = join(dir, RUN_FILES.journal);
      const records = readJournal<EvaluationRecord>(path).records;
      const journal = new Journal(path);
      return { records, append: (r) => journal.append(r), close: () => journal.close() };
    },
  };
}

/** What may sit in a run directory besides the run's documents: its lock, a report, a write in progress. */
const RUN_DIRECTORY_EXTRAS = new Set<string>([LOCK_FILE, 'report.html']);

/**
 * Refuses a run directory (`flag`, e.g. --out) that is empty text, a file, or a directory holding other
 * files than a run's: a run's files must never mix with a user's. A missing directory is fine (made later).
 */
export function checkRunDirectory(dir: string, flag: string): void {
  if (dir === '') throw new GibbonError('E_OPTION', `${flag}: got ""; allowed: a directory for the run`);
  let isDirectory: boolean;
  try { isDirectory = statSync(dir).isDirectory(); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (!isDirectory) throw new GibbonError('E_FILE', `${dir}: ${flag}: got a file; allowed: a directory for the run (a new one, or a run directory with --resume)`, { source: dir });
  const runFiles = new Set<string>(Object.values(RUN_FILES));
  const other = readdirSync(dir).filter((f) => !runFiles.has(f) && !RUN_DIRECTORY_EXTRAS.has(f) && !f.endsWith('.tmp') && !f.startsWith(`.${LOCK_FILE}.`));
  if (other.length > 0) {
    const shown = other.sort().slice(0, 3).map((f) => JSON.stringify(f)).join(', ');
    throw new GibbonError('E_FILE', `${dir}: ${flag}: got a directory that holds other files (${shown}${other.length > 3 ? `, and ${other.length - 3} more` : ''}); allowed: a new or empty directory, or a run directory`, { source: dir });
  }
}
