// A sub-network of the supernet as a gibbon-pim-model file (docs/supernet.md §4). Web-standard.
// The candidate's weights are copied into a stand-alone Net (src/nn/net.ts), its batch-norm statistics
// recalibrated on training images (per sub-network: the shared weights have no statistics of their own),
// its activation ranges calibrated on a few training batches, and then every conv and fc is folded and
// quantized per output channel at the candidate's own weightBits (foldLayer, as src/nn/export.ts does for
// one global bit width) and every requantized tensor gets its outputBits. The layer graph is
// toModelSkeleton(space, candidate) filled in; parsePimModel checks the result.

import type { Split } from '../data/types.ts';
import type { Candidate } from '../space/types.ts';
import { toModelSkeleton } from '../space/convert.ts';
import { parsePimModel } from '../pim/model-file.ts';
import type { PimInputSpec, PimModel } from '../pim/types.ts';
import { GibbonError } from '../util/errors.ts';
import { calibrateActivations, recalibrateBn } from './data.ts';
import { type Net, actScale, foldLayer, inputScale } from './net.ts';
import type { Supernet } from './supernet.ts';

export interface SubnetExportOptions {
  /** Batches of 64 training images for the batch-norm recalibration (default 20, mnist-notes.md §3). */
  bnBatches?: number;
  /** Batches of 64 training images for the activation ranges (default 8). */
  calibrationBatches?: number;
  /** The model's name (default `<space>-candidate`). */
  name?: string;
  meta?: Record<string, unknown>;
}

/** The sub-network as a float Net with batch norm recalibrated and activation ranges calibrated. */
export function prepareSubnet(sn: Supernet, candidate: Candidate, calibration: Split, opts: SubnetExportOptions = {}): Net {
  const net = sn.subnetNet(candidate);
  recalibrateBn(net, calibration, opts.bnBatches ?? 20);
  calibrateActivations(net, calibration, opts.calibrationBatches ?? 8);
  return net;
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
 * norm recalibrated and folded, activation ranges calibrated on the first training images.
 */
export function exportSubnet(sn: Supernet, candidate: Candidate, calibration: Split, opts: SubnetExportOptions = {}): PimModel {
  const net = prepareSubnet(sn, candidate, calibration, opts);
  try {
    return exportPreparedSubnet(sn, candidate, net, opts);
  } finally {
    net.dispose();
  }
}
