// Datasets from bytes (web-standard; src/node/dataset-files.ts reads the files): the embedded MNIST digits,
// MNIST-format IDX files and CIFAR binaries, each with its train / validation / test split, and the
// `--dataset` spec strings. The split rules and seeds are docs/datasets.md's.

import { GibbonError, fieldError, formatValue } from '../util/errors.ts';
import { Rng } from '../util/rng.ts';
import { CIFAR_CLASSES, CIFAR_SHAPE, parseCifar, type CifarRecords, type CifarVariant } from './cifar.ts';
import { parseIdxImages, parseIdxLabels } from './idx.ts';
import { classCounts, gatherSplit, stratifiedParts } from './split.ts';
import { SPLIT_NAMES, type Dataset, type DatasetSpec, type NamedBytes, type Split, type SplitName } from './types.ts';

// ===== Split rules (docs/datasets.md) =====

/** Seed of every fixed split: the embedded MNIST's and the validation share of files on disk. */
export const SPLIT_SEED = 12345;
/** Stream labels: new Rng(SPLIT_SEED).fork(label). */
export const MNIST_SPLIT_LABEL = 'mnist-split';
export const VALIDATION_SPLIT_LABEL = 'validation-split';
/** The embedded MNIST's 10,000 digits: 1,500 test, 1,500 validation, 7,000 train. */
export const MNIST_TEST_COUNT = 1500;
export const MNIST_VALIDATION_COUNT = 1500;
/** Files on disk: validation is floor(train images / 10), taken from the training files. */
export const VALIDATION_DIVISOR = 10;

export const MNIST_SHAPE: readonly [number, number, number] = [1, 28, 28];
export const MNIST_CLASSES = 10;
/** MNIST and Fashion-MNIST have 10 classes; an `idx:` label outside 0..9 is an error. */
export const IDX_CLASSES = 10;

/** The file names of an `idx:` directory (each may also be gzipped, `<name>.gz`). */
export const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;
export type IdxFileKey = keyof typeof IDX_FILES;

/** The file names of a `cifar10:` / `cifar100:` directory. */
export const CIFAR_FILES: Readonly<Record<CifarVariant, { train: readonly string[]; test: string }>> = {
  cifar10: { train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'], test: 'test_batch.bin' },
  cifar100: { train: ['train.bin'], test: 'test.bin' },
};

// ===== Spec strings =====

const SPEC_TEXT = 'mnist, idx:<dir>, cifar10:<dir> or cifar100:<dir>';

/** `mnist | idx:<dir> | cifar10:<dir> | cifar100:<dir>`. Throws E_OPTION naming `source` (the option). */
export function parseDatasetSpec(spec: string, source = '--dataset'): DatasetSpec {
  if (spec === 'mnist') return { kind: 'mnist' };
  const colon = spec.indexOf(':');
  const kind = spec.slice(0, colon);
  const dir = spec.slice(colon + 1);
  if (colon > 0 && dir !== '' && (kind === 'idx' || kind === 'cifar10' || kind === 'cifar100')) return { kind, dir };
  throw new GibbonError('E_OPTION', `${source}: got ${formatValue(spec)}; allowed: ${SPEC_TEXT}`, { source });
}

export function datasetSpecText(spec: DatasetSpec): string {
  return spec.kind === 'mnist' ? 'mnist' : `${spec.kind}:${spec.dir}`;
}

// ===== Assembly =====

interface Pool {
  images: Uint8Array;
  labels: Uint8Array;
}

const imageSize = (shape: readonly number[]): number => shape[0] * shape[1] * shape[2];

/** Training files -> train and a seeded stratified validation share; the official test files stay the test split. */
function withValidation(name: string, shape: readonly [number, number, number], classes: number, pool: Pool, test: Split): Dataset {
  const size = imageSize(shape);
  const validationCount = Math.floor(pool.labels.length / VALIDATION_DIVISOR);
  const rng = new Rng(SPLIT_SEED).fork(VALIDATION_SPLIT_LABEL);
  const [validation, train] = stratifiedParts(pool.labels, classes, [validationCount], rng);
  return {
    name, shape: [...shape], classes,
    train: gatherSplit(pool.images, pool.labels, size, train),
    validation: gatherSplit(pool.images, pool.labels, size, validation),
    test,
  };
}

/** Pixels in [0, 1] (the mnist package's floats) -> bytes: round(v * 255), clamped. */
export function pixelsFromFloats(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Uint8ClampedArray.from(values, (v) => Math.round(v * 255)).buffer);
}

/**
 * The embedded MNIST: `digits[d]` holds digit d's images as bytes (n_d x 784). Stratified per digit with
 * new Rng(12345).fork('mnist-split'): 1,500 test, 1,500 validation, the remaining 7,000 train.
 */
export function mnistDataset(digits: readonly Uint8Array[]): Dataset {
  const size = imageSize(MNIST_SHAPE);
  if (digits.length !== MNIST_CLASSES) throw new RangeError(`mnistDataset needs ${MNIST_CLASSES} digits, got ${digits.length}`);
  const total = digits.reduce((n, d) => n + d.length, 0);
  const images = new Uint8Array(total);
  const labels = new Uint8Array(total / size);
  let at = 0;
  digits.forEach((bytes, d) => {
    if (bytes.length % size !== 0) throw new RangeError(`digit ${d}: ${bytes.length} bytes is not a whole number of ${size}-pixel images`);
    images.set(bytes, at);
    labels.fill(d, at / size, (at + bytes.length) / size);
    at += bytes.length;
  });
  const rng = new Rng(SPLIT_SEED).fork(MNIST_SPLIT_LABEL);
  const [test, validation, train] = stratifiedParts(labels, MNIST_CLASSES, [MNIST_TEST_COUNT, MNIST_VALIDATION_COUNT], rng);
  return {
    name: 'mnist', shape: [...MNIST_SHAPE], classes: MNIST_CLASSES,
    train: gatherSplit(images, labels, size, train),
    validation: gatherSplit(images, labels, size, validation),
    test: gatherSplit(images, labels, size, test),
  };
}

/** Images and labels of one IDX pair, counts matched. */
function idxPair(images: NamedBytes, labels: NamedBytes): { shape: [number, number, number]; pool: Pool } {
  const im = parseIdxImages(images.bytes, images.file);
  const lab = parseIdxLabels(labels.bytes, labels.file, IDX_CLASSES);
  if (lab.length !== im.count) throw fieldError('E_DATASET', labels.file, 'count', lab.length, `${im.count}, the image count of ${images.file}`);
  return { shape: [1, im.height, im.width], pool: { images: im.pixels, labels: lab } };
}

/** MNIST-format IDX files (MNIST, Fashion-MNIST): the t10k files are the test split. */
export function idxDataset(files: Readonly<Record<IdxFileKey, NamedBytes>>, name: string): Dataset {
  const train = idxPair(files.trainImages, files.trainLabels);
  const test = idxPair(files.testImages, files.testLabels);
  if (test.shape.join() !== train.shape.join()) {
    throw fieldError('E_DATASET', files.testImages.file, 'image size', test.shape.slice(1),
      `${formatValue(train.shape.slice(1))}, the image size of ${files.trainImages.file}`);
  }
  const testSplit: Split = { count: test.pool.labels.length, images: test.pool.images.slice(), labels: test.pool.labels.slice() };
  return withValidation(name, train.shape, IDX_CLASSES, train.pool, testSplit);
}

/** CIFAR-10 (data_batch_1..5.bin, test_batch.bin) or CIFAR-100 (train.bin, test.bin, fine labels), from bytes. */
export function cifarDataset(variant: CifarVariant, train: readonly NamedBytes[], test: NamedBytes, name: string): Dataset {
  const batches = train.map((f) => parseCifar(f.bytes, f.file, variant));
  return cifarFromRecords(variant, batches, parseCifar(test.bytes, test.file, variant), name);
}

/** The same from parsed files (Node parses each file as it reads it, so the file bytes can go). */
export function cifarFromRecords(variant: CifarVariant, train: readonly CifarRecords[], test: CifarRecords, name: string): Dataset {
  const size = imageSize(CIFAR_SHAPE);
  const count = train.reduce((n, b) => n + b.count, 0);
  const images = new Uint8Array(count * size);
  const labels = new Uint8Array(count);
  let at = 0;
  for (const b of train) {
    images.set(b.images, at * size);
    labels.set(b.labels, at);
    at += b.count;
  }
  return withValidation(name, CIFAR_SHAPE, CIFAR_CLASSES[variant], { images, labels }, { count: test.count, images: test.images, labels: test.labels });
}

// ===== Summary =====

export interface SplitSummary {
  count: number;
  classCounts: number[];
}

export type DatasetSummary = Record<SplitName, SplitSummary> & { shape: [number, number, number]; classes: number };

/** What `gibbon dataset --json` prints: counts per split and class, the image shape, the classes. */
export function datasetSummary(dataset: Dataset): DatasetSummary {
  const split = (s: Split): SplitSummary => ({ count: s.count, classCounts: classCounts(s.labels, dataset.classes) });
  const [train, validation, test] = SPLIT_NAMES.map((n) => split(dataset[n]));
  return { train, validation, test, shape: [...dataset.shape], classes: dataset.classes };
}
