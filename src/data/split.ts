// Seeded, stratified splitting of a labelled pool of images (docs/datasets.md, "Splits"):
// per class, the indices are shuffled by the class's own Rng stream, then every part takes its share
// by largest-remainder allocation, and the rest stays in the pool's remainder part. Each part is then put
// in a seeded random order, so no split is sorted by class.

import type { Rng } from '../util/rng.ts';
import type { Split } from './types.ts';

/** Images per class. */
export function classCounts(labels: Uint8Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const label of labels) counts[label] += 1;
  return counts;
}

/**
 * Split `total` items over classes in proportion to `counts`, by largest remainder: each class gets
 * floor(counts[c] * total / N), and the items left over go one each to the largest remainders, ties to
 * the lower class index. Integer arithmetic only (no rounding depends on floating point).
 */
export function largestRemainder(counts: readonly number[], total: number): number[] {
  const n = counts.reduce((a, b) => a + b, 0);
  if (!Number.isSafeInteger(total) || total < 0 || total > n) throw new RangeError(`total must be an integer in 0..${n}, got ${total}`);
  if (n === 0) return counts.map(() => 0);
  const shares = counts.map((count) => Math.floor((count * total) / n));
  const remainders = counts.map((count, c) => ({ c, r: (count * total) % n }));
  let left = total - shares.reduce((a, b) => a + b, 0);
  remainders.sort((a, b) => b.r - a.r || a.c - b.c);
  for (const { c } of remainders) {
    if (left === 0) break;
    shares[c] += 1;
    left -= 1;
  }
  return shares;
}

/**
 * Stratified parts of a pool: `sizes[p]` items for each part p (allocated over classes by largest
 * remainder), then a last part with everything left. Class c's indices are shuffled by
 * `rng.fork('class', c)` and dealt in part order; part p is then shuffled by `rng.fork('order', p)`.
 * Returns sizes.length + 1 index lists.
 */
export function stratifiedParts(labels: Uint8Array, classes: number, sizes: readonly number[], rng: Rng): Int32Array[] {
  const counts = classCounts(labels, classes);
  const perPart = sizes.map((size) => largestRemainder(counts, size));
  const byClass: number[][] = counts.map(() => []);
  labels.forEach((label, i) => byClass[label].push(i));
  const parts: number[][] = [...sizes.map(() => []), []];
  byClass.forEach((indices, c) => {
    rng.fork('class', c).shuffle(indices);
    let at = 0;
    perPart.forEach((shares, p) => {
      if (at + shares[c] > indices.length) throw new RangeError(`class ${c} has ${indices.length} items, too few for parts of sizes ${sizes.join(', ')}`);
      for (const end = at + shares[c]; at < end; at++) parts[p].push(indices[at]);
    });
    for (; at < indices.length; at++) parts[sizes.length].push(indices[at]);
  });
  return parts.map((part, p) => Int32Array.from(rng.fork('order', p).shuffle(part.sort((a, b) => a - b))));
}

/** The images and labels of `indices`, copied out of a pool, in that order. */
export function gatherSplit(images: Uint8Array, labels: Uint8Array, imageSize: number, indices: Int32Array): Split {
  const out = new Uint8Array(indices.length * imageSize);
  const outLabels = new Uint8Array(indices.length);
  indices.forEach((i, k) => {
    out.set(images.subarray(i * imageSize, (i + 1) * imageSize), k * imageSize);
    outLabels[k] = labels[i];
  });
  return { count: indices.length, images: out, labels: outLabels };
}

/** A split's images as floats in [0, 1] (byte / 255), (image, channel, row, column) order. */
export function splitImagesFloat32(split: Split): Float32Array {
  const out = new Float32Array(split.images.length);
  for (let i = 0; i < out.length; i++) out[i] = split.images[i] / 255;
  return out;
}
