// Supernet files in a run directory (Node): the checkpoint `supernet.ckpt`, written atomically (a
// temporary file in the same directory, fsynced, then renamed over the old one), and a readable
// `supernet.json` summary next to it.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { withPath } from './fs-errors.ts';
import { join } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint } from '../nn/checkpoint.ts';
import type { SupernetState } from '../nn/supernet.ts';
import { GibbonError } from '../util/errors.ts';

export const CHECKPOINT_FILE = 'supernet.ckpt';
export const SUMMARY_FILE = 'supernet.json';

/** Writes `data` to `path` atomically: readers see the old file or the new one, never a partial one. */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      const buf = typeof data === 'string' ? Buffer.from(data) : data;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true }); // a full disk leaves the last checkpoint as it was, and no temp file
    throw withPath(e, path);
  }
}

export function checkpointPath(dir: string): string { return join(dir, CHECKPOINT_FILE); }

/** Saves the checkpoint and the summary in `dir` (created if missing). */
export function saveSupernet(dir: string, state: SupernetState): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(checkpointPath(dir), encodeCheckpoint(state));
  const { weights: _w, optimizer: _o, ...summary } = state;
  writeFileAtomic(join(dir, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
}

/** Whether `dir` holds a checkpoint. */
export function hasSupernet(dir: string): boolean { return existsSync(checkpointPath(dir)); }

/** Loads the checkpoint of `dir`. */
export function loadSupernetState(dir: string): SupernetState {
  const path = checkpointPath(dir);
  let bytes: Uint8Array;
  try { bytes = readFileSync(path); } catch (e) {
    throw new GibbonError('E_FILE', `${path}: cannot read the supernet checkpoint (${(e as NodeJS.ErrnoException).code ?? String(e)}); train one with \`gibbon supernet train --out <dir>\``);
  }
  return decodeCheckpoint(bytes, path);
}
