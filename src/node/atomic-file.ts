// Atomic file replacement on disk (docs/search.md §7): write `<path>.tmp`, fsync it, rename over `<path>`, fsync
// the directory. A reader sees the old file or the new one, never a mix.

import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { GibbonError, formatValue } from '../util/errors.ts';

export function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    const bytes = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally { closeSync(fd); }
  renameSync(tmp, path);
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
