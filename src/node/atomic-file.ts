// Atomic file replacement on disk (docs/search.md §7): write `<path>.<pid>.<n>.tmp`, fsync it, rename over `<path>`, fsync
// the directory. A reader sees the old file or the new one, never a mix.

import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { GibbonError, formatValue } from '../util/errors.ts';
import { withPath } from './fs-errors.ts';

/** Makes each temp file's name unique within this process (the pid makes it unique across processes). */
let tmpSerial = 0;

export function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.${++tmpSerial}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      const bytes = Buffer.from(text, 'utf8');
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally { closeSync(fd); }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true }); // a full disk or a directory at `path` leaves nothing behind
    throw withPath(e, path); // a failed write names no file: name the one being replaced
  }
  try { const dfd = openSync(dirname(path), 'r'); try { fsyncSync(dfd); } finally { closeSync(dfd); } } catch { /* directories cannot be fsync'd on some platforms */ }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** The parsed JSON file, or undefined when it does not exist. */
export function readJsonFile<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  try { return JSON.parse(text) as T; } catch (error) {
    throw new GibbonError('E_FILE', `${path}: (root): got ${formatValue(text.slice(0, 40))}; allowed: a JSON document (${(error as Error).message})`, { source: path });
  }
}
