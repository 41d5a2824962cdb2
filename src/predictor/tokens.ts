// The predictor's view of a candidate (docs/predictor.md §1): the hardware simulator's layer list
// (toNetworkSpec + resolveNetwork, the FC head, projections, adds and pools included) as a sequence of
// per-layer feature tokens, padded to the space's longest sequence with a presence flag, plus one
// feature vector of the hardware knobs. Every feature is a normalized number (log2 of sizes, bits / 10,
// one-hots); the model's first layer embeds them.

import * as L from '../../assembly/layout.ts';
import { packArch } from '../hw/abi.ts';
import { defaultLayerPlanner, type LayerPlan } from '../hw/layer-plan.ts';
import { convOutputSide, resolveNetwork } from '../hw/network.ts';
import type { LayerType, ResolvedLayer } from '../hw/types.ts';
import { toNetworkSpec } from '../space/convert.ts';
import type { Space } from '../space/space.ts';
import type { Candidate } from '../space/types.ts';

export const LAYER_TYPES: readonly LayerType[] = ['conv', 'fc', 'pool', 'add'];
/** Kernels with a one-hot (the PIM-relevant 1, 2 and 3); any kernel also enters as log2(kernel) / 4. */
export const ONE_HOT_KERNELS = [1, 2, 3] as const;

/** Names of the per-layer features, in token order (the last is the presence flag). */
export const LAYER_FEATURES = [
  'type.conv', 'type.fc', 'type.pool', 'type.add',
  'log2InChannels/10', 'log2OutChannels/10', 'log2InSide/6', 'log2OutSide/6',
  'kernel.1', 'kernel.2', 'kernel.3', 'log2Kernel/4', 'stride/4', 'log2Groups/5',
  'weightBits/10', 'inputBits/10', 'outputBits/10',
  'log2Weights/20', 'log2Macs/30', 'position', 'present',
] as const;
export const LAYER_FEATURE_COUNT = LAYER_FEATURES.length;

/**
 * With the predictor's `tileFeatures` 1, these come before the presence flag (which stays last): the
 * layer's tiles and first tile on the chip, its hops in and out, and its NoC time per output pixel and
 * over all its output pixels, from the simulator's mapping and placement on the candidate's hardware
 * (the kernel's layer plan, src/hw/layer-plan.ts; docs/predictor.md §1).
 */
export const TILE_FEATURES = [
  'log2(1+tiles)/10', 'log2(1+firstTile)/12', 'log2(1+hopsIn)/7', 'log2(1+hopsOut)/7',
  'log2(1+nocNsPerPixel)/14', 'log2(1+pixels*nocNsPerPixel)/24',
] as const;
/**
 * With the predictor's `latencyFeatures` 1, these come after the tile features (if any), before the
 * presence flag: the layer's steady pixel latency on the candidate's hardware (the kernel's layer plan,
 * the simulator's per-pixel schedule), its busy time (output pixels x pixel latency) and the busy time's
 * share of the busiest layer's, linear and log2 (docs/predictor.md §1).
 */
export const LATENCY_FEATURES = ['log2(1+pixelNs)/14', 'log2(1+busyNs)/24', 'busy/maxBusy', 'max(log2(busy/maxBusy),-20)/20'] as const;
/** Features per token: LAYER_FEATURE_COUNT, plus TILE_FEATURES with tileFeatures 1, plus LATENCY_FEATURES with latencyFeatures 1. */
export const layerFeatureCount = (tileFeatures: number, latencyFeatures = 0): number =>
  LAYER_FEATURE_COUNT + (tileFeatures === 1 ? TILE_FEATURES.length : 0) + (latencyFeatures === 1 ? LATENCY_FEATURES.length : 0);

/** How a space's candidates become arrays (fixed per space). */
export interface TokenLayout {
  space: string;
  /** Padded sequence length: the most layers any candidate of the space can have. */
  maxLayers: number;
  /** Hardware paths in space order, each with its values (numbers get log2(v) / 10 plus a one-hot; strings a one-hot). */
  hardware: { path: string; values: readonly (number | string)[] }[];
  hardwareFeatureCount: number;
}

export function tokenLayout(space: Space): TokenLayout {
  const { stages, head } = space.spec;
  let maxLayers = 1; // stem
  for (const s of stages) maxLayers += Math.max(...s.blocks) * (s.convsPerBlock + (s.residual ? 2 : 0)); // convs + projection + add
  maxLayers += (head.pool === 'none' ? 0 : 1) + 1; // pool, fc
  const hardware = Object.entries(space.spec.hardware).map(([path, values]) => ({ path, values }));
  const hardwareFeatureCount = hardware.reduce((n, h) => n + h.values.length + (h.values.every((v) => typeof v === 'number') ? 1 : 0), 0);
  return { space: space.name, maxLayers, hardware, hardwareFeatureCount };
}

const log2 = Math.log2;

/** The fields of a resolved layer the tokens read (padding and inputs: for the layer plan). */
export type TokenLayer = Pick<ResolvedLayer, 'type' | 'inChannels' | 'outChannels' | 'inH' | 'inW' | 'outH' | 'outW' | 'kernel' | 'stride' | 'padding' | 'convGroups' | 'weightBits' | 'inputBits' | 'outputBits' | 'inputs'>;

/** The features of one layer at `position` of `count` layers (LAYER_FEATURES order). */
export function layerFeatures(l: TokenLayer, position: number, count: number): number[] {
  const weighted = l.type === 'conv' || l.type === 'fc';
  const weights = weighted ? (l.kernel * l.kernel * l.inChannels * l.outChannels) / l.convGroups : 0;
  const macs = weights * l.outH * l.outW;
  return [
    ...LAYER_TYPES.map((t) => (l.type === t ? 1 : 0)),
    log2(l.inChannels) / 10, log2(l.outChannels) / 10, log2(Math.max(l.inH, l.inW)) / 6, log2(Math.max(l.outH, l.outW)) / 6,
    ...ONE_HOT_KERNELS.map((k) => (weighted && l.kernel === k ? 1 : 0)), log2(l.kernel) / 4, l.stride / 4, log2(l.convGroups) / 5,
    weighted ? l.weightBits / 10 : 0, l.inputBits / 10, l.outputBits / 10,
    weighted ? log2(weights) / 20 : 0, weighted ? log2(macs) / 30 : 0,
    count > 1 ? position / (count - 1) : 0, 1,
  ];
}

/** The features of one placed layer (TILE_FEATURES order), from its layer plan. */
export function placementFeatures(l: TokenLayer, p: LayerPlan): number[] {
  const noc = p.nocNs, pixels = l.outH * l.outW;
  return [
    log2(1 + p.tiles) / 10, log2(1 + p.firstTile) / 12, log2(1 + p.hopsIn) / 7, log2(1 + p.hopsOut) / 7,
    log2(1 + noc) / 14, log2(1 + pixels * noc) / 24,
  ];
}

/** The latency features of every layer (LATENCY_FEATURES order), from their steady pixel latencies in the layer plan. */
export function latencyFeatures(ls: readonly TokenLayer[], plans: readonly LayerPlan[]): number[][] {
  const busy = ls.map((l, t) => plans[t].pixelNs * l.outH * l.outW);
  const top = Math.max(...busy);
  return plans.map((p, t) => {
    const share = busy[t] / top;
    return [log2(1 + p.pixelNs) / 14, log2(1 + busy[t]) / 24, share, Math.max(log2(share), -20) / 20];
  });
}

/** The architecture record of each space's hardware choices (archOf validates and resolves: worth a memo). */
const archRecords = new WeakMap<Space, Map<string, Float64Array>>();
function archRecordFor(space: Space, c: Candidate): Float64Array {
  let bySpace = archRecords.get(space);
  if (bySpace === undefined) { bySpace = new Map(); archRecords.set(space, bySpace); }
  const key = JSON.stringify(c.hardware);
  let hit = bySpace.get(key);
  if (hit === undefined) {
    hit = new Float64Array(L.ARCH_LEN);
    packArch(space.archOf(c), undefined, hit); // the gibbon model, pipelined: what the search evaluates
    bySpace.set(key, hit);
  }
  return hit;
}

/** The kernel's layer plan of a candidate on its hardware (src/hw/layer-plan.ts). */
export function candidatePlan(space: Space, c: Candidate, layers: readonly TokenLayer[] = tokenLayers(space, c)): LayerPlan[] {
  return defaultLayerPlanner().planRecord(archRecordFor(space, c), layers, { network: `${space.name} candidate`, arch: `${space.name} hardware` }).layers;
}

/**
 * The layer tokens of one candidate, unpadded: [count, layerFeatureCount(tileFeatures, latencyFeatures)]
 * row-major. With tileFeatures or latencyFeatures 1 they depend on the hardware knobs too (tile counts
 * follow the crossbar size and cell bits, pixel latencies every knob).
 */
export function candidateTokens(space: Space, c: Candidate, withTiles: number, withLatency = 0): { count: number; layers: Float32Array } {
  const ls = tokenLayers(space, c);
  const F = layerFeatureCount(withTiles, withLatency);
  const out = new Float32Array(ls.length * F);
  if (withTiles !== 1 && withLatency !== 1) {
    ls.forEach((l, t) => out.set(layerFeatures(l, t, ls.length), t * F));
    return { count: ls.length, layers: out };
  }
  const plans = candidatePlan(space, c, ls);
  const latency = withLatency === 1 ? latencyFeatures(ls, plans) : null;
  ls.forEach((l, t) => {
    const base = layerFeatures(l, t, ls.length);
    let at = t * F;
    out.set(base.slice(0, -1), at);
    at += LAYER_FEATURE_COUNT - 1;
    if (withTiles === 1) { out.set(placementFeatures(l, plans[t]), at); at += TILE_FEATURES.length; }
    if (latency !== null) out.set(latency[t], at);
    out[t * F + F - 1] = base[base.length - 1];
  });
  return { count: ls.length, layers: out };
}

/** The hardware-knob features of a candidate (TokenLayout.hardware order). */
export function hardwareFeatures(layout: TokenLayout, c: Candidate): number[] {
  const out: number[] = [];
  for (const { path, values } of layout.hardware) {
    const v = c.hardware[path];
    if (values.every((x) => typeof x === 'number')) out.push(log2(v as number) / 10);
    for (const x of values) out.push(x === v ? 1 : 0);
  }
  return out;
}

/** The resolved layer list of a candidate, as the hardware simulator sees it (the reference path). */
export function candidateLayers(space: Space, c: Candidate): ResolvedLayer[] {
  return resolveNetwork(toNetworkSpec(space, c), `${space.name} candidate`).layers;
}

/**
 * The same layers as candidateLayers (test/predictor/tokens.test.ts checks it field by field), derived
 * from toNetworkSpec without resolveNetwork's checks: the shapes follow from the producers and the
 * output-side formula (convOutputSide). Half the cost, which predict needs.
 */
export function tokenLayers(space: Space, c: Candidate): TokenLayer[] {
  return tokenNetwork(space, c).layers;
}

/** tokenLayers plus each layer's absolute producer indices (-1: the network input; also each layer's `inputs`). */
export function tokenNetwork(space: Space, c: Candidate): { layers: TokenLayer[]; inputs: number[][] } {
  const specs = toNetworkSpec(space, c).layers;
  const out: TokenLayer[] = [];
  const inputs = specs.map((l, i) => (l.inputs ?? [-1]).map((rel) => Math.max(-1, i + rel)));
  const { input } = space.spec;
  specs.forEach((l, i) => {
    const rel = l.inputs?.[0] ?? -1;
    const from = i + rel >= 0 ? out[i + rel] : undefined;
    const inC = from ? from.outChannels : input.channels, inH = from ? from.outH : input.height, inW = from ? from.outW : input.width;
    const bits = { inputBits: l.activationBits!, outputBits: l.outputBits! };
    if (l.type === 'conv' || l.type === 'pool') {
      const k = l.kernel!, s = l.stride!, p = l.padding as [number, number, number, number];
      out.push({
        type: l.type, inChannels: inC, outChannels: l.type === 'conv' ? l.outChannels! : inC, inH, inW,
        outH: convOutputSide(inH, p[0], p[2], k, s), outW: convOutputSide(inW, p[1], p[3], k, s),
        kernel: k, stride: s, padding: [...p], convGroups: l.type === 'conv' ? l.convGroups! : 1, weightBits: l.weightBits ?? 9, ...bits, inputs: inputs[i],
      });
    } else if (l.type === 'fc') {
      out.push({ type: 'fc', inChannels: l.inFeatures!, outChannels: l.outFeatures!, inH: 1, inW: 1, outH: 1, outW: 1, kernel: 1, stride: 1, padding: [0, 0, 0, 0], convGroups: 1, weightBits: l.weightBits!, ...bits, inputs: inputs[i] });
    } else {
      out.push({ type: 'add', inChannels: inC, outChannels: inC, inH, inW, outH: inH, outW: inW, kernel: 1, stride: 1, padding: [0, 0, 0, 0], convGroups: 1, weightBits: 9, ...bits, inputs: inputs[i] });
    }
  });
  return { layers: out, inputs };
}

/** A batch as arrays: layers [n, maxLayers, layerFeatureCount(tile features, latency features)] (zero padded), hardware [n, hardwareFeatureCount]. */
export interface TokenBatch {
  n: number;
  layers: Float32Array;
  hardware: Float32Array;
}

/** withTiles, withLatency: the predictor's `tileFeatures` and `latencyFeatures` (0: the 21 features; 1: with TILE_FEATURES, LATENCY_FEATURES). */
export function tokenizeBatch(space: Space, layout: TokenLayout, candidates: readonly Candidate[], withTiles = 0, withLatency = 0): TokenBatch {
  const n = candidates.length, T = layout.maxLayers, F = layerFeatureCount(withTiles, withLatency), H = layout.hardwareFeatureCount;
  const layers = new Float32Array(n * T * F);
  const hardware = new Float32Array(n * H);
  candidates.forEach((c, i) => {
    const tokens = candidateTokens(space, c, withTiles, withLatency);
    if (tokens.count > T) throw new Error(`internal: ${tokens.count} layers exceed the layout's ${T}`);
    layers.set(tokens.layers, i * T * F);
    hardware.set(hardwareFeatures(layout, c), i * H);
  });
  return { n, layers, hardware };
}
