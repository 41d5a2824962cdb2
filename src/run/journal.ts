// The run journal (docs/search.md §7): append-only JSON lines, one fsync per append (optuna's
// JournalFileBackend contract). A crash can only tear the LAST line; reading skips a torn last line, and
// reopening for append cuts it off first. A bad line followed by good ones is corruption, not a crash, and
// raises naming the file and line.

import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { GibbonError, formatValue } from '../util/errors.ts';

export interface JournalContents<T> {
  records: T[];
  /** Bytes of the complete lines (where a torn tail starts). */
  validBytes: number;
  /** True when a torn last line was skipped. */
  torn: boolean;
}

/** Reads every complete record; tolerates a torn last line (a final segment that is not a complete JSON object line). */
export function readJournal<T = unknown>(path: string): JournalContents<T> {
  if (!existsSync(path)) return { records: [], validBytes: 0, torn: false };
  const buf = readFileSync(path);
  const records: T[] = [];
  let start = 0, line = 0, validBytes = 0, torn = false;
  while (start < buf.length) {
    line++;
    const nl = buf.indexOf(0x0a, start);
    const end = nl < 0 ? buf.length : nl;
    const text = buf.subarray(start, end).toString('utf8');
    const last = nl < 0 || nl === buf.length - 1;
    let value: unknown;
    let ok = false;
    try { value = JSON.parse(text); ok = value !== null && typeof value === 'object' && !Array.isArray(value); } catch { ok = false; }
    if (!ok) {
      if (last) { torn = true; break; }
      throw new GibbonError('E_FILE', `${path}: line ${line}: got ${formatValue(text)}; allowed: a JSON object per line (only the last line may be torn by a crash; this one is followed by more lines, so the journal is corrupt)`, { source: path, path: `line ${line}` });
    }
    if (nl < 0) { torn = true; break; } // no newline: the append did not finish; the candidate is evaluated again on resume
    records.push(value as T);
    start = end + 1;
    validBytes = start;
  }
  return { records, validBytes, torn };
}

/** An open journal: cuts a torn tail, then appends one fsync'd line per record. */
export class Journal {
  readonly #fd: number;
  constructor(readonly path: string) {
    const { validBytes, torn } = readJournal(path);
    this.#fd = openSync(path, 'a+');
    if (torn) { ftruncateSync(this.#fd, validBytes); fsyncSync(this.#fd); }
  }
  append(record: unknown): void {
    const bytes = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    let off = 0;
    while (off < bytes.length) off += writeSync(this.#fd, bytes, off, bytes.length - off);
    fsyncSync(this.#fd);
  }
  close(): void { closeSync(this.#fd); }
}
