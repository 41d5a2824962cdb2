// The run journal's format (docs/search.md §7): append-only JSON lines, one record per line. A crash can
// only tear the LAST line (the store fsyncs each append: optuna's JournalFileBackend contract); parsing
// skips a torn last line and says where it starts, so a store can cut it off before appending. A bad line
// followed by good ones is corruption, not a crash, and raises naming the source and line. Web-standard:
// the bytes come from whatever store holds them (src/node/run-store.ts reads a file).
import { GibbonError, formatValue } from '../util/errors.ts';

export interface JournalContents<T> {
  records: T[];
  /** Bytes of the complete lines (where a torn tail starts). */
  validBytes: number;
  /** True when a torn last line was skipped. */
  torn: boolean;
}

const NEWLINE = 0x0a;

/** Every complete record of a journal's bytes; tolerates a torn last line (a final segment that is not a complete JSON object line). */
export function parseJournal<T = unknown>(bytes: Uint8Array, source: string): JournalContents<T> {
  const decoder = new TextDecoder();
  const records: T[] = [];
  let start = 0, line = 0, validBytes = 0, torn = false;
  while (start < bytes.length) {
    line++;
    const nl = bytes.indexOf(NEWLINE, start);
    const end = nl < 0 ? bytes.length : nl;
    const text = decoder.decode(bytes.subarray(start, end));
    const last = nl < 0 || nl === bytes.length - 1;
    let value: unknown;
    let ok = false;
    try { value = JSON.parse(text); ok = value !== null && typeof value === 'object' && !Array.isArray(value); } catch { ok = false; }
    if (!ok) {
      if (last) { torn = true; break; }
      throw new GibbonError('E_FILE', `${source}: line ${line}: got ${formatValue(text)}; allowed: a JSON object per line (only the last line may be torn by a crash; this one is followed by more lines, so the journal is corrupt)`, { source, path: `line ${line}` });
    }
    if (nl < 0) { torn = true; break; } // no newline: the append did not finish; the candidate is evaluated again on resume
    records.push(value as T);
    start = end + 1;
    validBytes = start;
  }
  return { records, validBytes, torn };
}

/** One record as its journal line (newline included). */
export function journalLine(record: unknown): string {
  return `${JSON.stringify(record)}\n`;
}
