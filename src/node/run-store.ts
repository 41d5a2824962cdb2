// A run store in a directory (the contract: src/run/store.ts): each document a file replaced atomically
// (write, fsync, rename), the journal a JSON-lines file with one fsync per record. The directory is made
// at the first write, or when the run is locked: run.lock beside config.json (src/node/run-lock.ts) keeps a
// second process out while one writes.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunJournal, RunStore } from '../run/store.ts';
import { RUN_FILES } from '../run/store.ts';
import type { EvaluationRecord } from '../search/run-search.ts';
import { writeAtomic } from './atomic-file.ts';
import { lockRunDirectory } from './run-lock.ts';
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
