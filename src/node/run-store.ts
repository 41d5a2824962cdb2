// A run store in a directory (the contract: src/run/store.ts): each document a file replaced atomically
// (write, fsync, rename), the journal a JSON-lines file with one fsync per record. The directory is made
// at the first write. Issue 16's exclusive lock belongs here (an O_EXCL lock file beside config.json).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunJournal, RunStore } from '../run/store.ts';
import { RUN_FILES } from '../run/store.ts';
import type { EvaluationRecord } from '../search/run-search.ts';
import { writeAtomic } from './atomic-file.ts';
import { Journal, readJournal } from './journal-file.ts';

export function fileRunStore(dir: string): RunStore {
  return {
    location: dir,
    nameOf: (name) => join(dir, name),
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
