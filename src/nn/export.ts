// Export of a trained Net as a gibbon-pim-model v1 (docs/functional.md §2, docs/training.md §4): batch norm
// folded into the weights and an integer bias in accumulator units, weights per output channel on the
// w-bit grid, activation grids from the net's ranges (QAT) or from a calibration on training images (PTQ).
//
// Folding after per-channel quantization is exact: with a = gamma / sqrt(var + eps) per output channel,
// quantizing w*a per channel gives the integers of w times sign(a) and the scale s*|a| (a positive factor
// scales max|w| and the grid alike). So the exported integers are the ones the fake-quantized forward
// used; and the net's eval-mode fake-quantized forward folds batch norm and rounds the bias to accumulator
// units the same way (foldLayer), so it and the exported model differ only by float32 rounding.

import type { Split } from '../data/types.ts';
import { PIXEL_SCALE } from '../data/types.ts';
import { parsePimModel } from '../pim/model-file.ts';
import type { PimInputSpec, PimModel } from '../pim/types.ts';
import { GibbonError } from '../util/errors.ts';
import { calibrateActivations } from './data.ts';
import { type Net, actScale, foldLayer, inputScale, rha } from './net.ts';
import { gridTop } from './ops.ts';

export interface ExportOptions {
  /** The model's name (default: the net's). */
  name?: string;
  /** Bits for a float net (post-training quantization); default the net's QuantConfig. */
  weightBits?: number;
  actBits?: number;
  /** Recalibrate the activation ranges on the calibration images even when the net has them (QAT). */
  recalibrate?: boolean;
  /** Calibration batches of 64 (default 8). */
  calibrationBatches?: number;
  /** Extra `meta` entries of the model file. */
  meta?: Record<string, unknown>;
}

function exportError(path: string, msg: string): GibbonError {
  return new GibbonError('E_MODEL', `export: ${path}: ${msg}`, { source: 'export', path });
}

/**
 * The net as a PimModel (parsePimModel accepts it and serializePimModel writes it). A float net is
 * quantized to `weightBits`/`actBits` and calibrated on the first images of `calibration`; a QAT net keeps
 * its ranges unless `recalibrate`. Side effect: the net is left fake-quantized with the exported ranges, so
 * `net.forward(x, 'eval')` is the float twin of the exported model.
 */
export function exportPimModel(net: Net, calibration: Split, opts: ExportOptions = {}): PimModel {
  const weightBits = opts.weightBits ?? net.quant?.weightBits;
  const actBits = opts.actBits ?? net.quant?.actBits;
  if (weightBits === undefined || actBits === undefined) {
    throw exportError('bits', 'got a float net and no weightBits/actBits; allowed: a QAT net or explicit bits');
  }
  net.setQuant({ weightBits, actBits });
  if (opts.recalibrate || !net.calibrated()) calibrateActivations(net, calibration, opts.calibrationBatches ?? 8);
  const { channels, height, width } = net.spec.input;
  const input: PimInputSpec = { channels, height, width, bits: actBits, scale: inputScale(actBits), signed: false };
  /** Scale of each layer's output grid (pools: their producer's). */
  const scales: number[] = [];
  const scaleOf = (abs: number) => (abs < 0 ? input.scale : scales[abs]);
  const layers: Record<string, unknown>[] = [];
  for (const l of net.layers) {
    const rel = l.inputs.map((abs) => abs - l.index);
    const inputsField = rel.length === 1 && rel[0] === -1 ? {} : { inputs: rel };
    if (l.type === 'pool') {
      scales.push(scaleOf(l.inputs[0]));
      layers.push({ type: 'pool', name: l.name, ...inputsField, inChannels: l.inShape[2], mode: l.mode, kernel: l.kernel, stride: l.stride, padding: [...l.padding] });
      continue;
    }
    const outScale = l.isLast ? 1 : actScale(l.act.amax!, actBits);
    scales.push(outScale);
    const output = l.isLast ? {} : { outputScale: outScale, outputBits: actBits, relu: l.relu };
    if (l.type === 'add') {
      layers.push({ type: 'add', name: l.name, ...inputsField, ...output });
      continue;
    }
    const sx = scaleOf(l.inputs[0]);
    const { q, sign, weightScale: ws, biasInt } = foldLayer(l, sx, weightBits);
    const cout = l.outShape[2];
    const weightScale = Array.from(ws), bias = Array.from(biasInt);
    const weights: number[] = new Array(q.length);
    if (l.type === 'conv') {
      const k = l.kernel, gin = l.inShape[2] / l.groups;
      for (let kh = 0; kh < k; kh++) for (let kw = 0; kw < k; kw++) for (let ci = 0; ci < gin; ci++) for (let co = 0; co < cout; co++) {
        weights[((co * gin + ci) * k + kh) * k + kw] = q[((kh * k + kw) * gin + ci) * cout + co] * sign[co] + 0;
      }
      layers.push({
        type: 'conv', name: l.name, ...inputsField, inChannels: l.inShape[2], outChannels: cout, kernel: k, stride: l.stride,
        padding: [...l.padding], convGroups: l.groups, weightBits, weights, weightScale, bias, ...output,
      });
    } else {
      // tfjs flattens NHWC in (h, w, c) order; the model file flattens in (c, h, w) order.
      const [H, W, C] = l.inShape;
      const fin = H * W * C;
      for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) for (let c = 0; c < C; c++) for (let o = 0; o < cout; o++) {
        weights[o * fin + (c * H + h) * W + w] = q[((h * W + w) * C + c) * cout + o] * sign[o] + 0;
      }
      layers.push({ type: 'fc', name: l.name, ...inputsField, inFeatures: fin, outFeatures: cout, weightBits, weights, weightScale, bias, ...output });
    }
  }
  const name = opts.name ?? net.spec.name;
  const json = {
    format: 'gibbon-pim-model', version: 1, name, input, layers,
    meta: { generator: 'gibbon-ts src/nn', net: net.spec.name, weightBits, actBits, ...opts.meta },
  };
  return parsePimModel(json, name);
}

/**
 * The network input of images `[0, count)` of a split on the model's input grid:
 * xq = clamp(rha((byte / 255) / scale), lo, T(bits)), n x C x H x W (docs/functional.md §1).
 */
export function quantizeInputs(split: Split, count: number, spec: PimInputSpec): Int32Array {
  const size = spec.channels * spec.height * spec.width;
  const n = Math.min(count, split.count);
  const top = gridTop(spec.bits), lo = spec.signed ? -top : 0;
  const lut = new Int32Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.min(Math.max(rha((v * PIXEL_SCALE) / spec.scale), lo), top);
  const out = new Int32Array(n * size);
  for (let i = 0; i < n * size; i++) out[i] = lut[split.images[i]];
  return out;
}
