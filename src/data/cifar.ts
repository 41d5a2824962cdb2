// The binary versions of CIFAR-10 and CIFAR-100 (the CIFAR page, "Binary version"):
// fixed-size records of label byte(s) then 3072 pixel bytes, 1024 red, 1024 green, 1024 blue, each 32x32
// row-major — already (channel, row, column) order. CIFAR-10 has 1 label byte (0..9); CIFAR-100 a coarse
// (0..19) then a fine (0..99) label byte, and Gibbon-TS uses the fine one. Web-standard: bytes in.

import { checkLabels, dataError } from './check.ts';

export type CifarVariant = 'cifar10' | 'cifar100';

export const CIFAR_SHAPE: readonly [number, number, number] = [3, 32, 32];
const PIXELS = 3 * 32 * 32;

export const CIFAR_CLASSES: Readonly<Record<CifarVariant, number>> = { cifar10: 10, cifar100: 100 };
const COARSE_CLASSES = 20;

export interface CifarRecords {
  count: number;
  /** count * 3072 bytes, (image, channel, row, column) order. */
  images: Uint8Array;
  labels: Uint8Array;
}

/** The records of one CIFAR binary file (a data_batch_N.bin / test_batch.bin, or train.bin / test.bin). */
export function parseCifar(bytes: Uint8Array, file: string, variant: CifarVariant): CifarRecords {
  const labelBytes = variant === 'cifar10' ? 1 : 2;
  const record = labelBytes + PIXELS;
  if (bytes.length === 0 || bytes.length % record !== 0) {
    const layout = variant === 'cifar10' ? '1 label byte' : '1 coarse and 1 fine label byte';
    throw dataError(file, 'size in bytes', `${bytes.length}`, `a positive multiple of ${record} (${layout} + ${PIXELS} pixel bytes per record)`);
  }
  const count = bytes.length / record;
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  const coarse = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const at = i * record;
    if (variant === 'cifar100') coarse[i] = bytes[at];
    labels[i] = bytes[at + labelBytes - 1];
    images.set(bytes.subarray(at + labelBytes, at + record), i * PIXELS);
  }
  if (variant === 'cifar100') checkLabels(coarse, COARSE_CLASSES, file, (i) => `record[${i}].coarseLabel`);
  checkLabels(labels, CIFAR_CLASSES[variant], file, (i) => `record[${i}].${variant === 'cifar10' ? 'label' : 'fineLabel'}`);
  return { count, images, labels };
}
