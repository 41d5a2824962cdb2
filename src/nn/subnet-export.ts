// A sub-network of the supernet as a gibbon-pim-model file (docs/supernet.md §4). Web-standard.
// The candidate's weights are copied into a stand-alone Net (src/nn/net.ts), its batch-norm statistics
// recalibrated on training images (per sub-network: the shared weights have no statistics of their own),
// its activation ranges calibrated on a few training batches, and then every conv and fc is folded and
// quantized per output channel at the candidate's own weightBits (foldLayer, as src/nn/export.ts does for
// one global bit width) and every requantized tensor gets its outputBits. The layer graph is
// toModelSkeleton(space, candidate) filled in; parsePimModel checks the result.

import * as tf from '@tensorflow/tfjs';
import type { Split } from '../data/types.ts';
import type { Candidate } from '../space/types.ts';
import { toModelSkeleton } from '../space/convert.ts';
import { parsePimModel } from '../pim/model-file.ts';
import type { PimInputSpec, PimModel } from '../pim/types.ts';
import { GibbonError } from '../util/errors.ts';
import { batchPixels, firstImages, recalibrateBn } from './data.ts';
import { type Net, actScale, foldLayer, inputScale } from './net.ts';
import type { Supernet } from './supernet.ts';
import { BnStatsPool } from './ops.ts';

export interface SubnetExportOptions {
  /** Batches of 64 training images for the batch-norm recalibration (default 20, mnist-notes.md §3). */
  bnBatches?: number;
  /** Batches of 64 training images for the activation ranges (default 8). */
  calibrationBatches?: number;
  /** The model's name (default `<space>-candidate`). */
  name?: string;
  meta?: Record<string, unknown>;
}

/** The sub-network as a float Net with batch norm recalibrated (in float, for its float accuracy). */
export function prepareSubnet(sn: Supernet, candidate: Candidate, calibration: Split, opts: SubnetExportOptions = {}): Net {
  const net = sn.subnetNet(candidate);
  recalibrateBn(net, calibration, opts.bnBatches ?? 20);
  return net;
}

/**
 * The name of how a sub-network's export is calibrated (quantizedCalibration). Run directories pin it
 * (search.json's accuracyCalibration), so a run measured with the float calibration of earlier versions is
 * not resumed into one front with figures of this one.
 */
export const SUBNET_CALIBRATION = 'quantized-forward';

/**
 * What the quantized sub-network sees, measured by the supernet's own quantized forward (the forward it was
 * trained with: weights at weightBits, every requantized tensor on its batch's grid) on the first training
 * images, in batches of 64: per conv, the batch-norm statistics pooled over `bnBatches` batches; per
 * requantized tensor, the range, the mean over `calibrationBatches` batches of each batch's largest
 * (|)value(|), which is the grid QAT trained the weights for.
 *
 * Why not the float net's statistics: QAT trains batch norm on the conv outputs of quantized weights and
 * inputs. Statistics recalibrated in float differ from those, and a range taken as the largest value over
 * 512 images is wider than the 64-image batches' ranges of training. Together they cost stand-alone-trained
 * candidates 5-16 points of quantized accuracy at some seeds: m2b3 by its batch norm (the range alone
 * recovered 1 of 16 points), m3b1 mostly by its ranges (docs/supernet.md §7.5).
 */
export interface QuantizedCalibration {
  /** By layer index: the conv's pooled batch-norm mean and variance. */
  bn: Map<number, { mean: Float64Array; variance: Float64Array }>;
  /** By layer index: the requantized tensor's range. */
  amax: Map<number, number>;
}

/** The QuantizedCalibration of `candidate`'s sub-network, from the supernet's quantized forward on `calibration`. */
export function quantizedCalibration(sn: Supernet, candidate: Candidate, calibration: Split, opts: SubnetExportOptions = {}): QuantizedCalibration {
  const bnBatches = opts.bnBatches ?? 20, rangeBatches = opts.calibrationBatches ?? 8, batchSize = 64;
  const idx = firstImages(calibration, Math.max(bnBatches, rangeBatches) * batchSize);
  const shape = sn.space.spec.input;
  const bnPool = new BnStatsPool();
  const rangeAcc = new Map<number, { n: number; sum: number }>();
  for (let b = 0; b * batchSize < idx.length; b++) {
    const part = idx.slice(b * batchSize, (b + 1) * batchSize);
    const px = batchPixels(calibration, shape, part);
    const onBnStats = b < bnBatches ? (layer: number, st: { mean: Float32Array; variance: Float32Array }) => bnPool.add(layer, st.mean, st.variance) : undefined;
    const onRange = b < rangeBatches ? (layer: number, amax: number) => {
      const a = rangeAcc.get(layer) ?? { n: 0, sum: 0 };
      a.n++;
      a.sum += amax;
      rangeAcc.set(layer, a);
    } : undefined;
    tf.tidy(() => { sn.forward(candidate, tf.tensor4d(px, [part.length, shape.height, shape.width, shape.channels]), { quant: true, onBnStats, onRange }); });
  }
  const bn: QuantizedCalibration['bn'] = new Map();
  for (const layer of bnPool.keys()) bn.set(layer, bnPool.pooled(layer)!);
  const amax: QuantizedCalibration['amax'] = new Map();
  for (const [layer, a] of rangeAcc) amax.set(layer, a.sum / a.n);
  return { bn, amax };
}

/** Sets the net's batch-norm running statistics and activation ranges to a quantizedCalibration's. */
export function applyQuantizedCalibration(net: Net, cal: QuantizedCalibration): void {
  net.layers.forEach((l, i) => {
    const st = cal.bn.get(i);
    if (l.type === 'conv' && l.bn && st) { l.runMean!.set(st.mean); l.runVar!.set(st.variance); }
    if (l.type !== 'pool' && !l.isLast) {
      const a = cal.amax.get(i);
      if (a === undefined) throw new GibbonError('E_MODEL', `export: layer ${i} (${l.name}): the quantized forward gave it no range`);
      l.act.amax = a;
    }
  });
}

/** The exported model of a prepared sub-network (prepareSubnet) of `candidate`. */
export function exportPreparedSubnet(sn: Supernet, candidate: Candidate, net: Net, opts: SubnetExportOptions = {}): PimModel {
  const sk = toModelSkeleton(sn.space, candidate);
  if (sk.layers.length !== net.layers.length) throw new GibbonError('E_MODEL', `export: the net has ${net.layers.length} layers; the candidate's graph ${sk.layers.length}`);
  const input: PimInputSpec = { ...sk.input, scale: inputScale(sk.input.bits) };
  const scales: number[] = [];
  const scaleOf = (abs: number) => (abs < 0 ? input.scale : scales[abs]);
  const layers = sk.layers.map((l, i): Record<string, unknown> => {
    const nl = net.layers[i];
    const producer = nl.inputs[0];
    if (l.type === 'pool') { scales.push(scaleOf(producer)); return { ...l, padding: [...l.padding] }; }
    const range = nl.type === 'pool' ? undefined : nl.act.amax;
    if (l.type === 'add') {
      const outputScale = actScale(range!, l.outputBits);
      scales.push(outputScale);
      return { ...l, inputs: [...l.inputs], outputScale };
    }
    if (nl.type !== 'conv' && nl.type !== 'fc') throw new GibbonError('E_MODEL', `export: layer ${i} (${l.name}): the net has a ${nl.type}`);
    const sx = scaleOf(producer);
    const { q, sign, weightScale, biasInt } = foldLayer(nl, sx, l.weightBits);
    const cout = nl.outShape[2];
    const weights: number[] = new Array(q.length);
    const common = { weightScale: Array.from(weightScale), bias: Array.from(biasInt) };
    if (l.type === 'conv') {
      const k = l.kernel, gin = l.inChannels / l.convGroups;
      for (let kh = 0; kh < k; kh++) for (let kw = 0; kw < k; kw++) for (let ci = 0; ci < gin; ci++) for (let co = 0; co < cout; co++) {
        weights[((co * gin + ci) * k + kh) * k + kw] = q[((kh * k + kw) * gin + ci) * cout + co] * sign[co] + 0;
      }
      const outputScale = actScale(range!, l.outputBits);
      scales.push(outputScale);
      return { ...l, padding: [...l.padding], weights, ...common, outputScale };
    }
    // fc: tfjs flattens NHWC in (h, w, c) order, the model file in (c, h, w) order
    const [H, W, C] = nl.inShape;
    const fin = H * W * C;
    for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) for (let c = 0; c < C; c++) for (let o = 0; o < cout; o++) {
      weights[o * fin + (c * H + h) * W + w] = q[((h * W + w) * C + c) * cout + o] * sign[o] + 0;
    }
    scales.push(1);
    return { ...l, weights, ...common };
  });
  const name = opts.name ?? sk.name;
  return parsePimModel({
    format: 'gibbon-pim-model', version: 1, name, input, layers,
    meta: { generator: 'gibbon-ts supernet', space: sn.space.name, candidate, ...opts.meta },
  }, name);
}

/**
 * exportSubnet(supernet, candidate, calibrationImages): the candidate's sub-network as a PimModel, batch
 * norm and activation ranges calibrated by the quantized forward on the first training images
 * (quantizedCalibration), batch norm folded.
 */
export function exportSubnet(sn: Supernet, candidate: Candidate, calibration: Split, opts: SubnetExportOptions = {}): PimModel {
  const net = sn.subnetNet(candidate);
  try {
    applyQuantizedCalibration(net, quantizedCalibration(sn, candidate, calibration, opts));
    return exportPreparedSubnet(sn, candidate, net, opts);
  } finally {
    net.dispose();
  }
}
