// Datasets on disk: small files written here in exactly the MNIST IDX (plain and gzipped) and CIFAR-10 /
// CIFAR-100 binary formats, loaded through loadDataset, and every error message with the file it names.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createWriteStream, mkdtempSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip, gzipSync } from 'node:zlib';
import { loadDataset } from '../../src/node/dataset-files.ts';
import { datasetSummary } from '../../src/data/datasets.ts';
import { parseIdxImages } from '../../src/data/idx.ts';
import type { Dataset, Split } from '../../src/data/types.ts';
import type { ErrorCode } from '../../src/util/errors.ts';
import { rejectsGibbon, throwsGibbon } from '../helpers.ts';

const root = mkdtempSync(join(tmpdir(), 'gibbon-data-'));
let dirCount = 0;
function freshDir(files: Record<string, Uint8Array>): string {
  const dir = join(root, `d${dirCount++}`);
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

// ===== Writers of the two formats =====

function be32(...values: number[]): number[] {
  return values.flatMap((v) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]);
}

/** An IDX image file: magic 0x00000803, count, rows, cols, then the pixels. Pixel 0 of image i is `tag + i`. */
function idxImages(count: number, rows: number, cols: number, tag: number): Uint8Array {
  const pixels = Array.from({ length: count * rows * cols }, (_, k) => (k % (rows * cols) === 0 ? tag + k / (rows * cols) : (k * 7) % 256));
  return Uint8Array.from([...be32(0x803, count, rows, cols), ...pixels]);
}

function idxLabels(labels: number[]): Uint8Array {
  return Uint8Array.from([...be32(0x801, labels.length), ...labels]);
}

/** CIFAR records: [coarse,] label, then 3072 pixels; pixel 0 of record i is `tag + i`. */
function cifarRecords(labels: number[], tag: number, coarse?: number[]): Uint8Array {
  const head = coarse ? 2 : 1;
  const out = new Uint8Array(labels.length * (head + 3072));
  labels.forEach((label, i) => {
    const at = i * (head + 3072);
    if (coarse) out[at] = coarse[i];
    out[at + head - 1] = label;
    for (let k = 0; k < 3072; k++) out[at + head + k] = k === 0 ? tag + i : (k + i) % 251;
  });
  return out;
}

/** 30 training digits (3 per class), 7 test digits. */
const TRAIN_LABELS = Array.from({ length: 30 }, (_, i) => (i * 3) % 10);
const TEST_LABELS = [3, 1, 4, 1, 5, 9, 2];

function idxFiles(gz: boolean, change: Partial<Record<string, Uint8Array>> = {}): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte': idxImages(30, 4, 5, 0),
    'train-labels-idx1-ubyte': idxLabels(TRAIN_LABELS),
    't10k-images-idx3-ubyte': idxImages(7, 4, 5, 100),
    't10k-labels-idx1-ubyte': idxLabels(TEST_LABELS),
    ...change,
  } as Record<string, Uint8Array>;
  return gz ? Object.fromEntries(Object.entries(files).map(([n, b]) => [`${n}.gz`, gzipSync(b)])) : files;
}

/** The source index of each image of a split, from its tag pixel. */
const tags = (split: Split, size: number, tag: number): number[] => Array.from({ length: split.count }, (_, k) => split.images[k * size] - tag);

const rejects = (spec: string, code: ErrorCode, message: string) => rejectsGibbon(() => loadDataset(spec), code, message);

function checkIdxDataset(d: Dataset): void {
  assert.equal(d.shape, [1, 4, 5]);
  assert.is(d.classes, 10);
  const s = datasetSummary(d);
  // Validation: floor(30 / 10) = 3 images, by largest remainder over 10 classes of 3: one each for classes 0, 1, 2.
  assert.equal([s.train.count, s.validation.count, s.test.count], [27, 3, 7]);
  assert.equal(s.validation.classCounts, [1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
  // The official test file is the test split, in file order.
  assert.equal(tags(d.test, 20, 100), [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(Array.from(d.test.labels), TEST_LABELS);
  assert.equal(Array.from(d.test.images.subarray(0, 20)), Array.from(idxImages(7, 4, 5, 100).subarray(16, 36)));
  // Train and validation: every training image once, each with its own label.
  const train = tags(d.train, 20, 0);
  const validation = tags(d.validation, 20, 0);
  assert.equal([...train, ...validation].sort((a, b) => a - b), Array.from({ length: 30 }, (_, i) => i));
  train.forEach((i, k) => assert.is(d.train.labels[k], TRAIN_LABELS[i]));
  validation.forEach((i, k) => assert.is(d.validation.labels[k], TRAIN_LABELS[i]));
}

// ===== IDX =====

test('idx: plain files -> 1x4x5 images, t10k as test, a seeded 10 % validation share', async () => {
  const dir = freshDir(idxFiles(false));
  const d = await loadDataset(`idx:${dir}`);
  assert.is(d.name, `idx:${dir}`);
  checkIdxDataset(d);
  assert.equal(await loadDataset(`idx:${dir}`), d); // deterministic
});

test('idx: gzipped files (.gz) give the same dataset; gzip data under a plain name is gunzipped too', async () => {
  const plain = await loadDataset(`idx:${freshDir(idxFiles(false))}`);
  const gz = await loadDataset(`idx:${freshDir(idxFiles(true))}`);
  checkIdxDataset(gz);
  assert.equal({ ...gz, name: '' }, { ...plain, name: '' });
  const mixed = idxFiles(false);
  mixed['train-images-idx3-ubyte'] = gzipSync(mixed['train-images-idx3-ubyte']);
  checkIdxDataset(await loadDataset(`idx:${freshDir(mixed)}`));
});

test('idx errors: missing directory and file, bad magic, header and size, counts, labels, gzip', async () => {
  await rejects(`idx:${join(root, 'nowhere')}`, 'E_FILE',
    `--dataset: idx:${join(root, 'nowhere')}: got no such directory; allowed: a directory holding the dataset files (docs/datasets.md)`);
  const noLabels = idxFiles(false);
  delete noLabels['t10k-labels-idx1-ubyte'];
  let dir = freshDir(noLabels);
  await rejects(`idx:${dir}`, 'E_FILE',
    `${dir}: t10k-labels-idx1-ubyte: got no such file; allowed: t10k-labels-idx1-ubyte or t10k-labels-idx1-ubyte.gz in ${dir} (docs/datasets.md)`);

  dir = freshDir(idxFiles(false, { 'train-labels-idx1-ubyte': idxImages(30, 1, 1, 0) }));
  await rejects(`idx:${dir}`, 'E_DATASET',
    `${join(dir, 'train-labels-idx1-ubyte')}: magic number: got 2051; allowed: 2049 (0x00000801: an IDX file of unsigned bytes with 1 dimension, labels)`);
  dir = freshDir(idxFiles(false, { 'train-images-idx3-ubyte': Uint8Array.from([0, 0, 0x0d, 3, ...be32(30, 4, 5)]) }));
  await rejects(`idx:${dir}`, 'E_DATASET',
    `${join(dir, 'train-images-idx3-ubyte')}: magic number: got 3331; allowed: 2051 (0x00000803: an IDX file of unsigned bytes with 3 dimensions, images)`);
  dir = freshDir(idxFiles(false, { 'train-images-idx3-ubyte': Uint8Array.from([0, 0]) }));
  await rejects(`idx:${dir}`, 'E_DATASET',
    `${join(dir, 'train-images-idx3-ubyte')}: size in bytes: got 2; allowed: at least 4, for the magic number 2051 (0x00000803: an IDX file of unsigned bytes with 3 dimensions, images)`);
  dir = freshDir(idxFiles(false, { 't10k-images-idx3-ubyte': idxImages(7, 4, 5, 100).subarray(0, 10) }));
  await rejects(`idx:${dir}`, 'E_DATASET', `${join(dir, 't10k-images-idx3-ubyte')}: size in bytes: got 10; allowed: at least 16, the IDX header of images`);
  dir = freshDir(idxFiles(false, { 't10k-images-idx3-ubyte': idxImages(7, 4, 5, 100).subarray(0, 155) }));
  await rejects(`idx:${dir}`, 'E_DATASET',
    `${join(dir, 't10k-images-idx3-ubyte')}: size in bytes: got 155; allowed: 156 = 16 header bytes + 7 images x 4 x 5 (the header's count)`);
  dir = freshDir(idxFiles(false, { 'train-labels-idx1-ubyte': Uint8Array.from([...idxLabels(TRAIN_LABELS), 0]) }));
  await rejects(`idx:${dir}`, 'E_DATASET',
    `${join(dir, 'train-labels-idx1-ubyte')}: size in bytes: got 39; allowed: 38 = 8 header bytes + 30 labels (the header's count)`);
  dir = freshDir(idxFiles(false, { 'train-labels-idx1-ubyte': idxLabels(TRAIN_LABELS.slice(1)) }));
  await rejects(`idx:${dir}`, 'E_DATASET', `${join(dir, 'train-labels-idx1-ubyte')}: count: got 29; allowed: 30, the image count of ${join(dir, 'train-images-idx3-ubyte')}`);
  dir = freshDir(idxFiles(false, { 't10k-labels-idx1-ubyte': idxLabels([3, 1, 4, 1, 10, 9, 2]) }));
  await rejects(`idx:${dir}`, 'E_DATASET', `${join(dir, 't10k-labels-idx1-ubyte')}: labels[4]: got 10; allowed: an integer in 0..9`);
  dir = freshDir(idxFiles(false, { 't10k-images-idx3-ubyte': idxImages(7, 5, 4, 100) }));
  await rejects(`idx:${dir}`, 'E_DATASET', `${join(dir, 't10k-images-idx3-ubyte')}: image size: got [5,4]; allowed: [4,5], the image size of ${join(dir, 'train-images-idx3-ubyte')}`);
  dir = freshDir(idxFiles(false, { 'train-images-idx3-ubyte': Uint8Array.from(be32(0x803, 0, 4, 5)) }));
  await rejects(`idx:${dir}`, 'E_DATASET', `${join(dir, 'train-images-idx3-ubyte')}: dimensions: got [0,4,5]; allowed: at least 1 image of at least 1 x 1 pixels`);
  const gz = idxFiles(true);
  gz['t10k-images-idx3-ubyte.gz'] = gz['t10k-images-idx3-ubyte.gz'].subarray(0, 30);
  dir = freshDir(gz);
  await rejects(`idx:${dir}`, 'E_DATASET', `${join(dir, 't10k-images-idx3-ubyte.gz')}: gzip: got corrupt data (unexpected end of file); allowed: a complete gzip file`);
});

test('a gzip bomb (1 MB that expands past 1 GiB) is refused before it takes the memory', async () => {
  const dir = freshDir(idxFiles(false));
  const bomb = join(dir, 'train-images-idx3-ubyte.gz');
  rmSync(join(dir, 'train-images-idx3-ubyte'));
  // Streamed, so that the test itself never holds the gigabyte: 1,025 chunks of 1 MiB of zeros.
  const zeros = Buffer.alloc(2 ** 20);
  await pipeline((function* () { for (let i = 0; i < 1025; i++) yield zeros; })(), createGzip({ level: 1 }), createWriteStream(bomb));
  assert.ok(statSync(bomb).size < 8 * 2 ** 20);
  await rejects(`idx:${dir}`, 'E_DATASET', `${bomb}: gzip: got data that expands past 1 GiB; allowed: a dataset file of at most 1 GiB uncompressed`);
});

test('the web-standard IDX parser refuses gzip bytes (gunzip first)', () => {
  throwsGibbon(() => parseIdxImages(gzipSync(idxImages(1, 2, 2, 0)), 'x.gz'), undefined, 'x.gz: format: got gzip-compressed bytes; allowed: plain IDX bytes (decompress the file first)');
});

// ===== CIFAR =====

/** CIFAR-10: five batches of 4 records (labels 0..9 twice), a test batch of 3. */
function cifar10Files(change: Partial<Record<string, Uint8Array>> = {}): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = { 'test_batch.bin': cifarRecords([7, 0, 7], 200) };
  for (let b = 1; b <= 5; b++) files[`data_batch_${b}.bin`] = cifarRecords([0, 1, 2, 3].map((k) => ((b - 1) * 4 + k) % 10), (b - 1) * 4);
  return { ...files, ...change } as Record<string, Uint8Array>;
}

test('cifar10: five batches in order, test_batch as test, 3x32x32 in channel order, 10 % validation', async () => {
  const d = await loadDataset(`cifar10:${freshDir(cifar10Files())}`);
  assert.equal([d.shape, d.classes], [[3, 32, 32], 10]);
  const s = datasetSummary(d);
  assert.equal([s.train.count, s.validation.count, s.test.count], [18, 2, 3]);
  assert.equal(s.validation.classCounts, [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]); // 2 over ten classes of 2: the two lowest
  assert.equal(Array.from(d.test.labels), [7, 0, 7]);
  assert.equal(tags(d.test, 3072, 200), [0, 1, 2]);
  assert.equal(Array.from(d.test.images.subarray(3072, 3072 + 3)), [201, 2, 3]); // record 1: tag, then (k + 1) % 251
  const train = tags(d.train, 3072, 0);
  const validation = tags(d.validation, 3072, 0);
  assert.equal([...train, ...validation].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
  train.forEach((i, k) => assert.is(d.train.labels[k], i % 10));
});

test('cifar100: fine labels (not coarse), train.bin / test.bin; the extracted subfolder is found', async () => {
  const fine = Array.from({ length: 20 }, (_, i) => 99 - i * 5);
  const files = { 'cifar-100-binary/train.bin': cifarRecords(fine, 0, fine.map((f) => f % 20)), 'cifar-100-binary/test.bin': cifarRecords([42, 0], 100, [19, 19]) };
  const d = await loadDataset(`cifar100:${freshDir(files)}`);
  assert.equal([d.shape, d.classes], [[3, 32, 32], 100]);
  assert.equal(Array.from(d.test.labels), [42, 0]);
  assert.equal([d.train.count, d.validation.count], [18, 2]);
  const all = [...tags(d.train, 3072, 0), ...tags(d.validation, 3072, 0)];
  assert.equal([...all].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
  tags(d.validation, 3072, 0).forEach((i, k) => assert.is(d.validation.labels[k], fine[i]));
});

test('cifar errors: missing batch, truncated records, empty file, labels out of range', async () => {
  const missing = cifar10Files();
  delete missing['data_batch_3.bin'];
  let dir = freshDir(missing);
  await rejects(`cifar10:${dir}`, 'E_FILE', `${dir}: data_batch_3.bin: got no such file; allowed: data_batch_3.bin in ${dir} (docs/datasets.md)`);
  dir = freshDir(cifar10Files({ 'data_batch_2.bin': cifarRecords([1, 2], 0).subarray(0, 6145) }));
  await rejects(`cifar10:${dir}`, 'E_DATASET',
    `${join(dir, 'data_batch_2.bin')}: size in bytes: got 6145; allowed: a positive multiple of 3073 (1 label byte + 3072 pixel bytes per record)`);
  dir = freshDir(cifar10Files({ 'test_batch.bin': new Uint8Array(0) }));
  await rejects(`cifar10:${dir}`, 'E_DATASET',
    `${join(dir, 'test_batch.bin')}: size in bytes: got 0; allowed: a positive multiple of 3073 (1 label byte + 3072 pixel bytes per record)`);
  dir = freshDir(cifar10Files({ 'data_batch_5.bin': cifarRecords([1, 2, 10, 11], 0) }));
  await rejects(`cifar10:${dir}`, 'E_DATASET', `${join(dir, 'data_batch_5.bin')}: record[2].label: got 10; allowed: an integer in 0..9`);
  dir = freshDir({ 'train.bin': cifarRecords([5, 100], 0, [1, 2]), 'test.bin': cifarRecords([1], 0, [1]) });
  await rejects(`cifar100:${dir}`, 'E_DATASET', `${join(dir, 'train.bin')}: record[1].fineLabel: got 100; allowed: an integer in 0..99`);
  dir = freshDir({ 'train.bin': cifarRecords([5, 6], 0, [20, 2]), 'test.bin': cifarRecords([1], 0, [1]) });
  await rejects(`cifar100:${dir}`, 'E_DATASET', `${join(dir, 'train.bin')}: record[0].coarseLabel: got 20; allowed: an integer in 0..19`);
  dir = freshDir({ 'train.bin': cifarRecords([5, 6], 0).subarray(0, 2 * 3073), 'test.bin': cifarRecords([1], 0, [1]) });
  await rejects(`cifar100:${dir}`, 'E_DATASET', // a CIFAR-10 file given as CIFAR-100: 6146 bytes is not a whole number of 3074-byte records
    `${join(dir, 'train.bin')}: size in bytes: got 6146; allowed: a positive multiple of 3074 (1 coarse and 1 fine label byte + 3072 pixel bytes per record)`);
  await rejects('cifar10', 'E_OPTION', '--dataset: got "cifar10"; allowed: mnist, idx:<dir>, cifar10:<dir> or cifar100:<dir>');
});

test.after(() => rmSync(root, { recursive: true, force: true }));

test.run();
