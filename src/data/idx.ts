// The IDX format of MNIST and Fashion-MNIST (the MNIST page, "FILE FORMATS FOR THE MNIST DATABASE"): a big-endian
// header — two zero bytes, a type byte (0x08 = unsigned byte), the number of dimensions — then one
// 32-bit big-endian size per dimension, then the values in row-major order. Images have 3 dimensions
// (count, rows, columns), labels 1 (count). Web-standard: bytes in, typed arrays out.

import { checkLabels, dataError, isGzip } from './check.ts';
import { fieldError } from '../util/errors.ts';

/** The only IDX value type these datasets use: unsigned bytes. */
const IDX_UBYTE = 0x08;
const IMAGE_DIMS = 3;
const LABEL_DIMS = 1;

export interface IdxImages {
  count: number;
  height: number;
  width: number;
  /** count * height * width bytes, a view into the file's bytes. */
  pixels: Uint8Array;
}

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

/** Header checks and sizes of an IDX file of unsigned bytes with `dims` dimensions. */
function parseIdx(bytes: Uint8Array, file: string, dims: number, what: string): { sizes: number[]; data: Uint8Array } {
  if (isGzip(bytes)) throw dataError(file, 'format', 'gzip-compressed bytes', 'plain IDX bytes (decompress the file first)');
  const magic = IDX_UBYTE * 256 + dims;
  const magicText = `${magic} (${hex(magic)}: an IDX file of unsigned bytes with ${dims} dimension${dims === 1 ? '' : 's'}, ${what})`;
  if (bytes.length < 4) throw dataError(file, 'size in bytes', `${bytes.length}`, `at least 4, for the magic number ${magicText}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const got = view.getUint32(0, false);
  if (got !== magic) throw fieldError('E_DATASET', file, 'magic number', got, magicText);
  const header = 4 + 4 * dims;
  if (bytes.length < header) throw dataError(file, 'size in bytes', `${bytes.length}`, `at least ${header}, the IDX header of ${what}`);
  const sizes = Array.from({ length: dims }, (_, k) => view.getUint32(4 + 4 * k, false));
  const valueCount = sizes.reduce((a, b) => a * b, 1);
  if (bytes.length !== header + valueCount) {
    const terms = dims === 1 ? `${sizes[0]} labels` : `${sizes[0]} images x ${sizes.slice(1).join(' x ')}`;
    throw dataError(file, 'size in bytes', `${bytes.length}`, `${header + valueCount} = ${header} header bytes + ${terms} (the header's count)`);
  }
  return { sizes, data: bytes.subarray(header) };
}

/** An IDX image file (magic 2051): count x rows x columns unsigned bytes. */
export function parseIdxImages(bytes: Uint8Array, file: string): IdxImages {
  const { sizes, data } = parseIdx(bytes, file, IMAGE_DIMS, 'images');
  const [count, height, width] = sizes;
  if (count < 1 || height < 1 || width < 1) throw fieldError('E_DATASET', file, 'dimensions', sizes, 'at least 1 image of at least 1 x 1 pixels');
  return { count, height, width, pixels: data };
}

/** An IDX label file (magic 2049), every label in 0..classes-1. */
export function parseIdxLabels(bytes: Uint8Array, file: string, classes: number): Uint8Array {
  const { data } = parseIdx(bytes, file, LABEL_DIMS, 'labels');
  checkLabels(data, classes, file, (i) => `labels[${i}]`);
  return data;
}
