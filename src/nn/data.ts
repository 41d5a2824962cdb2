// Batches from a dataset split (bytes, C x H x W per image) as NHWC float tensors with values byte/255,
// seeded shift augmentation, and batched evaluation of a Net.

import * as tf from '@tensorflow/tfjs';
import type { Split } from '../data/types.ts';
import { PIXEL_SCALE } from '../data/types.ts';
import type { Rng } from '../util/rng.ts';
import type { ForwardMode, Net } from './net.ts';

export interface ImageShape { channels: number; height: number; width: number }

/**
 * The NHWC float pixels of images `idx` of a split (values byte/255). With `shift` > 0 and an rng, each
 * image moves by a random integer (dy, dx) in [-shift, shift]^2 (drawn in that order), zero-filled.
 */
export function batchPixels(split: Split, shape: ImageShape, idx: ArrayLike<number>, shift = 0, rng?: Rng): Float32Array {
  const { channels: C, height: H, width: W } = shape;
  const size = C * H * W;
  const out = new Float32Array(idx.length * size);
  for (let b = 0; b < idx.length; b++) {
    const base = idx[b] * size;
    let dy = 0, dx = 0;
    if (shift > 0 && rng) { dy = rng.int(2 * shift + 1) - shift; dx = rng.int(2 * shift + 1) - shift; }
    const ob = b * size;
    for (let y = 0; y < H; y++) {
      const sy = y - dy;
      if (sy < 0 || sy >= H) continue;
      for (let x = 0; x < W; x++) {
        const sx = x - dx;
        if (sx < 0 || sx >= W) continue;
        for (let c = 0; c < C; c++) out[ob + (y * W + x) * C + c] = split.images[base + (c * H + sy) * W + sx] * PIXEL_SCALE;
      }
    }
  }
  return out;
}

/** Labels of images `idx`. */
export function batchLabels(split: Split, idx: ArrayLike<number>): Int32Array {
  const out = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = split.labels[idx[i]];
  return out;
}

/** Index of the largest value per row (ties: the lower index). */
export function argmaxRows(logits: ArrayLike<number>, classes: number): Int32Array {
  const n = logits.length / classes;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[i * classes + c] > logits[i * classes + best]) best = c;
    out[i] = best;
  }
  return out;
}

/** The first `count` images of a split (or all). */
export function firstImages(split: Split, count = split.count): number[] {
  return Array.from({ length: Math.min(count, split.count) }, (_, i) => i);
}

/** Runs `net` over images `idx` in batches (mode 'eval' unless given) and returns the logits, row-major. */
export function netLogits(net: Net, split: Split, idx: number[], batchSize = 500, mode: ForwardMode = 'eval'): Float32Array {
  const { channels, height, width } = net.spec.input;
  const out = new Float32Array(idx.length * net.classes);
  for (let s = 0; s < idx.length; s += batchSize) {
    const part = idx.slice(s, s + batchSize);
    const px = batchPixels(split, net.spec.input, part);
    const logits = tf.tidy(() => net.forward(tf.tensor4d(px, [part.length, height, width, channels]), mode).dataSync());
    out.set(logits, s * net.classes);
  }
  return out;
}

export interface EvalResult {
  accuracy: number;
  predictions: Int32Array;
}

/** Accuracy of `net` (eval mode: running batch-norm statistics, fixed ranges) on the first `count` images. */
export function evaluate(net: Net, split: Split, count = split.count, batchSize = 500): EvalResult {
  const idx = firstImages(split, count);
  const predictions = argmaxRows(netLogits(net, split, idx, batchSize), net.classes);
  let ok = 0;
  for (let i = 0; i < idx.length; i++) if (predictions[i] === split.labels[idx[i]]) ok++;
  return { accuracy: idx.length ? ok / idx.length : 0, predictions };
}

/**
 * Batch-norm recalibration: running statistics := statistics pooled over `batches` batches of the first
 * images of `split` (no augmentation, fixed order). Needed after weight sharing or a short training.
 */
export function recalibrateBn(net: Net, split: Split, batches = 20, batchSize = 64): void {
  const idx = firstImages(split, batches * batchSize);
  net.beginBnRecalibration();
  netLogits(net, split, idx, batchSize, 'bn-stats');
  net.endBnRecalibration();
}

/**
 * Post-training calibration of the activation ranges: each quantization point's range becomes the largest
 * |value| over `batches` batches of the first images of `split` (eval mode, activations in float, weights
 * fake-quantized when the net has a QuantConfig).
 */
export function calibrateActivations(net: Net, split: Split, batches = 8, batchSize = 64): void {
  net.resetActRanges();
  netLogits(net, split, firstImages(split, batches * batchSize), batchSize, 'observe');
}
