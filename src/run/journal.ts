// The run journal (docs/search.md §7): append-only JSON lines, one fsync per append (optuna's
// JournalFileBackend contract). A crash can only tear the LAST line; reading skips a torn last line, and
// reopening for append cuts it off first. A bad line followed by good ones is corruption, not a crash, and
// raises naming the file and line.

import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { parseJournal, type JournalContents } from './run-format.ts';

export type { JournalContents } from './run-format.ts';

/** Reads every complete record of the file (none when it does not exist); see parseJournal. */
export function readJournal<T = unknown>(path: string): JournalContents<T> {
  if (!existsSync(path)) return { records: [], validBytes: 0, torn: false };
  return parseJournal<T>(readFileSync(path), path);
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
