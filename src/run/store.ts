// The store of one run (docs/search.md §7): the contract runStudy and runGibbonSearch write through, so a
// run lives wherever its store keeps it: a directory (src/node/run-store.ts), IndexedDB or OPFS in a
// browser, memory in tests. Web-standard. A store keeps named documents and one journal:
//   config.json      the resolved config: problem, algorithm + resolved settings, seed, budget, chunk size,
//                    hypervolume reference point and normalization (written once; a resume must match it)
//   search.json      gibbon search's settings the config does not hold (space, dataset, supernet, limit, ...)
//   journal.jsonl    every evaluated candidate {id, generation, genome, metrics}, durable per record
//   checkpoint.json  the algorithm state after its last complete generation
//   front.json, front.csv, summary.json   written at the end (src/run/front.ts)
// Every document write replaces the document atomically: a reader sees the old text or the new one.
// One writer per run: whoever writes takes the store's lease first, and a second writer (another process,
// another tab, another call) is refused while the first holds it, with a message naming the holder.
import type { EvaluationRecord } from '../search/run-search.ts';
import { GibbonError, formatValue } from '../util/errors.ts';

export const RUN_FILES = {
  config: 'config.json', search: 'search.json', journal: 'journal.jsonl', checkpoint: 'checkpoint.json',
  frontJson: 'front.json', frontCsv: 'front.csv', summary: 'summary.json',
} as const;

/** A document of a run (every RUN_FILES name but the journal). */
export type RunDocument = Exclude<(typeof RUN_FILES)[keyof typeof RUN_FILES], 'journal.jsonl'>;

/** The open journal of a run: its complete records (a torn last record already dropped) and durable appends. */
export interface RunJournal {
  readonly records: readonly EvaluationRecord[];
  /** Resolves once the record is durable (a crash after it cannot lose it). */
  append(record: EvaluationRecord): void | Promise<void>;
  close(): void | Promise<void>;
}

/** The right to write a run, held from lock() to release(). */
export interface RunLease {
  /** Gives the run back; idempotent. */
  release(): void | Promise<void>;
}

export interface RunStore {
  /** Where the run is, for messages (a directory, a database name). */
  readonly location: string;
  /** How a document is named in messages (a file path). */
  nameOf(name: RunDocument | typeof RUN_FILES.journal): string;
  /** The document's text, or undefined when the run has none. */
  read(name: RunDocument): Promise<string | undefined>;
  /** Replaces the document atomically (creating the run's place first when needed). */
  write(name: RunDocument, text: string): Promise<void>;
  /** Opens the journal (creating the run's place first when needed); one open journal per run at a time. */
  openJournal(): Promise<RunJournal>;
  /**
   * Takes the run for one writer (creating the run's place when needed), or rejects with E_FILE naming
   * the writer that holds it. A holder that died without releasing (kill -9) must not block the run for
   * ever: the store detects that and lets the next writer in. `holder` says what writes, e.g. `gibbon search`.
   */
  lock(holder: string): Promise<RunLease>;
}

/** A JSON document's text as every run document is written: two-space indent, final newline. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The parsed JSON document, or undefined when the run has none. */
export async function readJson<T>(store: RunStore, name: RunDocument): Promise<T | undefined> {
  const text = await store.read(name);
  if (text === undefined) return undefined;
  try { return JSON.parse(text) as T; } catch (error) {
    const source = store.nameOf(name);
    throw new GibbonError('E_FILE', `${source}: (root): got ${formatValue(text.slice(0, 40))}; allowed: a JSON document (${(error as Error).message})`, { source });
  }
}

/** A store in memory (tests; a browser page that keeps nothing). `data` shows what was written. */
export function memoryRunStore(location = 'memory'): RunStore & { data: { documents: Map<string, string>; journal: EvaluationRecord[] } } {
  const data = { documents: new Map<string, string>(), journal: [] as EvaluationRecord[] };
  let holder: string | undefined;
  return {
    location, data,
    lock: async (who) => {
      if (holder !== undefined) throw new GibbonError('E_FILE', `${location}: run in use by ${holder}; one writer per run: wait for it to end`, { source: location });
      holder = who;
      let held = true;
      return { release: () => { if (held) { held = false; holder = undefined; } } };
    },
    nameOf: (name) => `${location}/${name}`,
    read: async (name) => data.documents.get(name),
    write: async (name, text) => { data.documents.set(name, text); },
    openJournal: async () => ({
      records: data.journal.map((r) => structuredClone(r)),
      append: (r) => { data.journal.push(structuredClone(r)); },
      close: () => {},
    }),
  };
}
