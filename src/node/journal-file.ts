// The run journal on disk (format: src/run/journal.ts): read a journal file, and append to one with one
// fsync per line after cutting a torn tail.
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { journalLine, parseJournal, type JournalContents } from '../run/journal.ts';
import { withPath } from './fs-errors.ts';

/** Every complete record of the journal file at `path` (none when it does not exist). */
export function readJournal<T = unknown>(path: string): JournalContents<T> {
  if (!existsSync(path)) return { records: [], validBytes: 0, torn: false };
  return parseJournal<T>(readFileSync(path), path);
}

/** An open journal file: cuts a torn tail, then appends one fsync'd line per record. */
export class Journal {
  readonly #fd: number;
  constructor(readonly path: string) {
    const { validBytes, torn } = readJournal(path);
    this.#fd = openSync(path, 'a+');
    if (torn) { ftruncateSync(this.#fd, validBytes); fsyncSync(this.#fd); }
  }
  /** A failed write (a full disk) may leave part of the line: a torn last line, cut when the journal is reopened. */
  append(record: unknown): void {
    const bytes = Buffer.from(journalLine(record), 'utf8');
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(this.#fd, bytes, off, bytes.length - off);
      fsyncSync(this.#fd);
    } catch (e) { throw withPath(e, this.path); }
  }
  close(): void { closeSync(this.#fd); }
}
