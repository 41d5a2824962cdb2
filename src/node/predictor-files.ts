// Predictor files (Node): the saved predictor `predictor.json` (config + exact state, written atomically)
// and the label cache that makes repeated label sets cheap (docs/predictor.md §4, §5).

import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readJsonFile, writeJsonAtomic } from './atomic-file.ts';
import type { PredictorState, SampleLabels } from '../predictor/types.ts';
import { fieldError } from '../util/errors.ts';

export const PREDICTOR_FILE = 'predictor.json';

/** What `gibbon predictor train` records next to the state: how the training set was made. */
export interface PredictorTrainInfo {
  space: string;
  dataset: string | null;
  supernet: string | null;
  seed: number;
  samples: number;
  accuracySamples: number;
  limit: number | null;
  epochs: number;
  /** Labelled samples actually used (designs that do not fit the chip are dropped). */
  trainSamples: number;
  trainPimLossSamples: number;
  /** Genome keys of the training candidates (eval draws a disjoint set). */
  trainKeys: string[];
  /** The space document (a file space resolves again from it). */
  spaceSpec: unknown;
}

export interface PredictorFile {
  format: 'gibbon-predictor';
  version: 1;
  train: PredictorTrainInfo;
  state: PredictorState;
}

export function savePredictorFile(dir: string, file: PredictorFile): void {
  mkdirSync(dir, { recursive: true });
  writeJsonAtomic(join(dir, PREDICTOR_FILE), file);
}

export function loadPredictorFile(dir: string, source = '--predictor'): PredictorFile {
  const path = join(dir, PREDICTOR_FILE);
  const file = readJsonFile<PredictorFile>(path);
  if (file === undefined) throw fieldError('E_FILE', source, '(directory)', dir, `a directory holding ${PREDICTOR_FILE} (written by gibbon predictor train)`);
  if (file === null || typeof file !== 'object' || file.format !== 'gibbon-predictor' || file.version !== 1) {
    throw fieldError('E_FILE', path, 'format', (file as { format?: unknown } | null)?.format, '"gibbon-predictor" (version 1)');
  }
  if (file.state?.format !== 'gibbon-predictor-state') throw fieldError('E_FILE', path, 'state.format', file.state?.format, '"gibbon-predictor-state"');
  return file;
}

/** One cached label: a candidate key and its labels, or null when the design does not fit the chip. */
export interface CachedLabel {
  key: string;
  labels: SampleLabels | null;
}

/** A cache of labels in draw order, so any prefix of a seeded candidate list is reused. */
export interface LabelCache {
  format: 'gibbon-predictor-labels';
  version: 1;
  /** What produced the labels (space, supernet, limit, ...): a different one discards the cache. */
  producer: string;
  labels: CachedLabel[];
}

export function readLabelCache(path: string, producer: string): CachedLabel[] {
  if (!existsSync(path)) return [];
  const c = readJsonFile<LabelCache>(path);
  if (!c || c.format !== 'gibbon-predictor-labels' || c.producer !== producer) return [];
  return c.labels;
}

export function writeLabelCache(path: string, producer: string, labels: CachedLabel[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const cache: LabelCache = { format: 'gibbon-predictor-labels', version: 1, producer, labels };
  writeJsonAtomic(path, cache);
}
