// Stratified seeded splitting (src/data/split.ts): largest-remainder shares, disjoint parts, determinism.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classCounts, gatherSplit, largestRemainder, splitImagesFloat32, stratifiedParts } from '../../src/data/split.ts';
import { parseDatasetSpec, pixelsFromFloats } from '../../src/data/datasets.ts';
import { GibbonError } from '../../src/util/errors.ts';
import { Rng } from '../../src/util/rng.ts';

/** The embedded MNIST's images per digit (the mnist package 1.1.0). */
const MNIST_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

test('largestRemainder: floors, then the largest remainders, ties to the lower class', () => {
  // 15 % of each digit: floors sum to 1,496; remainders .80 (3), .70 (9), .65 (2), .60 (8) get one more.
  assert.equal(largestRemainder(MNIST_COUNTS, 1500), [150, 169, 149, 155, 147, 129, 152, 160, 142, 147]);
  assert.equal(largestRemainder([1, 1, 1], 2), [1, 1, 0]);
  assert.equal(largestRemainder([5, 5], 0), [0, 0]);
  assert.equal(largestRemainder([5, 5], 10), [5, 5]);
  assert.equal(largestRemainder([0, 3], 1), [0, 1]);
  assert.equal(largestRemainder([], 0), []);
  assert.throws(() => largestRemainder([2, 2], 5), /total must be an integer in 0..4, got 5/);
});

function labelsOf(counts: readonly number[]): Uint8Array {
  return Uint8Array.from(counts.flatMap((n, c) => new Array<number>(n).fill(c)));
}

test('stratifiedParts: exact shares per class, disjoint, covering, not sorted by class', () => {
  const labels = labelsOf(MNIST_COUNTS);
  const rng = new Rng(12345).fork('mnist-split');
  const [test1, validation, train] = stratifiedParts(labels, 10, [1500, 1500], rng);
  const per = (part: Int32Array) => classCounts(Uint8Array.from(part, (i) => labels[i]), 10);
  assert.equal(per(test1), [150, 169, 149, 155, 147, 129, 152, 160, 142, 147]);
  assert.equal(per(validation), [150, 169, 149, 155, 147, 129, 152, 160, 142, 147]);
  assert.equal(per(train), [701, 789, 693, 722, 686, 605, 710, 750, 660, 684]);
  const all = [...test1, ...validation, ...train];
  assert.is(new Set(all).size, 10000);
  assert.equal([...all].sort((a, b) => a - b), Array.from({ length: 10000 }, (_, i) => i));
  // Seeded order: the first 64 test images are not all one digit.
  assert.ok(new Set(Array.from(test1.subarray(0, 64), (i) => labels[i])).size >= 8);
  // Same seed, same parts; another seed, other parts.
  assert.equal(stratifiedParts(labels, 10, [1500, 1500], new Rng(12345).fork('mnist-split')), [test1, validation, train]);
  assert.not.equal(stratifiedParts(labels, 10, [1500, 1500], new Rng(12346).fork('mnist-split'))[0], test1);
});

test('stratifiedParts: a class too small for its shares is an error, not a silent overlap', () => {
  assert.throws(() => stratifiedParts(labelsOf([1, 1]), 2, [1, 1], new Rng(1)), /class 0 has 1 items/);
});

test('gatherSplit copies images and labels in index order; splitImagesFloat32 is byte / 255', () => {
  const images = Uint8Array.from([0, 1, 10, 11, 20, 21]);
  const labels = Uint8Array.from([7, 8, 9]);
  const split = gatherSplit(images, labels, 2, Int32Array.from([2, 0]));
  assert.equal(split, { count: 2, images: Uint8Array.from([20, 21, 0, 1]), labels: Uint8Array.from([9, 7]) });
  assert.equal(splitImagesFloat32({ count: 1, images: Uint8Array.from([0, 255, 51]), labels: Uint8Array.from([0]) }), Float32Array.from([0, 1, 0.2]));
  assert.equal(pixelsFromFloats([0, 1, 0.5, 1 / 255, 1.2, -0.1]), Uint8Array.from([0, 255, 128, 1, 255, 0]));
});

test('parseDatasetSpec: the four forms, and one message for anything else', () => {
  assert.equal(parseDatasetSpec('mnist'), { kind: 'mnist' });
  assert.equal(parseDatasetSpec('idx:data/fashion'), { kind: 'idx', dir: 'data/fashion' });
  assert.equal(parseDatasetSpec('cifar10:/d/c10'), { kind: 'cifar10', dir: '/d/c10' });
  assert.equal(parseDatasetSpec('cifar100:C:\\data'), { kind: 'cifar100', dir: 'C:\\data' });
  for (const bad of ['', 'MNIST', 'idx:', 'idx', 'cifar:x', ':x', 'mnist:x']) {
    try {
      parseDatasetSpec(bad, 'job.json dataset');
      assert.unreachable(bad);
    } catch (error) {
      assert.instance(error, GibbonError);
      assert.is((error as GibbonError).code, 'E_OPTION');
      assert.is((error as GibbonError).message, `job.json dataset: got ${JSON.stringify(bad)}; allowed: mnist, idx:<dir>, cifar10:<dir> or cifar100:<dir>`);
    }
  }
});

test.run();
