// Reads a `gibbon search` run directory (docs/report.md) through the web-standard reader
// (src/report/run-reader.ts): the directory is checked first, then each file is read from disk.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readFront as readFrontOf, readRunHead as readRunHeadOf, type RunFiles, type RunSource } from '../report/run-reader.ts';
import type { Candidate } from '../space/types.ts';
import { fieldError } from '../util/errors.ts';

export type { RunFiles } from '../report/run-reader.ts';

/** A run directory as a RunSource. */
export function runDirSource(dir: string): RunSource {
  return {
    location: dir,
    nameOf: (file) => join(dir, file),
    bytes: (file) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file)) : undefined),
  };
}

/** Whether `dir` is a directory (the run directory check before any file). */
function checkDir(dir: string): void {
  let ok = false;
  try { ok = statSync(dir).isDirectory(); } catch { ok = false; }
  if (!ok) throw fieldError('E_FILE', dir, '(directory)', undefined, 'a run directory of gibbon search (config.json, journal.jsonl, front.json)');
}

/** The run's files except front.json (which may need the space to decode genomes). */
export function readRunHead(dir: string): Omit<RunFiles, 'front'> {
  checkDir(dir);
  return readRunHeadOf(runDirSource(dir));
}

/** front.json's designs (src/report/run-reader.ts); `decode` supplies the candidate of a design stored without one. */
export function readFront(dir: string, decode?: (genome: number[]) => Candidate): RunFiles['front'] {
  return readFrontOf(runDirSource(dir), decode);
}
