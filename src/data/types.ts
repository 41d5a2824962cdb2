// Datasets of image classification, as the accuracy side of Gibbon-TS reads them (docs/datasets.md).
// Web-standard: nothing here touches a file system; src/node/dataset-files.ts reads the files.

/**
 * One split: `count` images of C x H x W pixels, stored as bytes in (image, channel, row, column) order.
 * A pixel's value is `byte * PIXEL_SCALE`, in [0, 1] (bytes keep CIFAR's 60,000 images at 184 MB, not 737).
 */
export interface Split {
  count: number;
  /** count * C * H * W bytes. */
  images: Uint8Array;
  /** One class index per image, in 0..classes-1. */
  labels: Uint8Array;
}

export interface Dataset {
  /** The spec it was loaded from: `mnist`, `idx:<dir>`, `cifar10:<dir>`, `cifar100:<dir>`. */
  name: string;
  /** [channels, height, width] of one image. */
  shape: [number, number, number];
  classes: number;
  train: Split;
  validation: Split;
  test: Split;
}

/** Real pixel value of a stored byte: byte / 255, so 0 -> 0 and 255 -> 1. */
export const PIXEL_SCALE = 1 / 255;

export type DatasetSpec =
  | { kind: 'mnist' }
  | { kind: 'idx' | 'cifar10' | 'cifar100'; dir: string };

export type SplitName = 'train' | 'validation' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'validation', 'test'];

/** Bytes of one file, with the name errors should show (its path). */
export interface NamedBytes {
  file: string;
  bytes: Uint8Array;
}
