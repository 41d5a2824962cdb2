// Error helpers of the dataset parsers: the one message shape of src/util/errors.ts, with the file as the
// source, e.g. `data/t10k-labels-idx1-ubyte: labels[17]: got 12; allowed: an integer in 0..9`.
import { GibbonError, fieldError } from '../util/errors.ts';

/** A field error whose `got` is a description (`4700 bytes`), not a JSON value. */
export function dataError(file: string, path: string, got: string, allowed: string): GibbonError {
  return new GibbonError('E_DATASET', `${file}: ${path}: got ${got}; allowed: ${allowed}`, { source: file, path });
}

/** Every label below `classes`; else the first bad one, at `${what}[i]`. */
export function checkLabels(labels: Uint8Array, classes: number, file: string, pathOf: (i: number) => string): void {
  const bad = labels.findIndex((label) => label >= classes);
  if (bad >= 0) throw fieldError('E_DATASET', file, pathOf(bad), labels[bad], `an integer in 0..${classes - 1}`);
}

/** gzip's magic bytes 1f 8b: data a parser would misread as a header. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}
