// The model file of the functional simulator (format `gibbon-pim-model`, version 1; docs/functional.md §2):
// parsePimModel checks a parsed JSON object field by field and resolves it into a PimModel (producers made
// absolute, shapes and tensor grids derived, weights as typed arrays); serializePimModel writes one back.
// Every problem is a GibbonError E_MODEL naming the field: `<source>: layers[3].kernel: got 9; allowed: ...`.
//
// The last layer (conv or fc) yields logits, not a tensor: its `out` grid is a placeholder
// { bits: 0, scale: 1, signed: true } that nothing reads (no layer can consume the last one).

import type { PimAddLayer, PimInputSpec, PimLayer, PimMatrixLayer, PimModel, PimPoolLayer, TensorGrid } from './types.ts';
import { GibbonError, fieldError, unknownKeyError } from '../util/errors.ts';
import { MIN_BITS, MAX_BITS, MAX_CHANNELS, MAX_FEATURES, MAX_SIDE, MAX_CONV_KERNEL, MAX_POOL_KERNEL, MAX_STRIDE, MAX_PADDING, absoluteInputs } from '../hw/limits.ts';

export const PIM_MODEL_FORMAT = 'gibbon-pim-model';
export const PIM_MODEL_VERSION = 1;

// ===== Ranges =====

const MAX_ADD_INPUTS = 64;
/** The placeholder grid of the last layer, which yields logits (see the header). */
const LOGITS_GRID: Readonly<TensorGrid> = Object.freeze({ bits: 0, scale: 1, signed: true });

/** T(n) = 2^(n-1) - 1, the largest magnitude on an n-bit signed symmetric grid (docs/functional.md §1). */
const gridMax = (bits: number): number => 2 ** (bits - 1) - 1;

type LayerType = PimLayer['type'];
const LAYER_TYPES: readonly LayerType[] = ['conv', 'fc', 'pool', 'add'];
const LAST_TYPES = 'one of "conv", "fc" (the last layer yields the logits)';
const TOP_KEYS = ['format', 'version', 'name', 'input', 'layers', 'meta'] as const;
const INPUT_KEYS = ['channels', 'height', 'width', 'bits', 'scale', 'signed'] as const;
const MATRIX_TAIL = ['weightBits', 'weights', 'weightsBase64', 'weightScale', 'bias', 'outputScale', 'outputBits', 'relu', 'psumRange'];
/** Keys of each layer type, in the order error messages list them. */
const LAYER_KEYS: Readonly<Record<LayerType, readonly string[]>> = {
  conv: ['type', 'name', 'inputs', 'inChannels', 'outChannels', 'kernel', 'stride', 'padding', 'convGroups', ...MATRIX_TAIL],
  fc: ['type', 'name', 'inputs', 'inFeatures', 'outFeatures', ...MATRIX_TAIL],
  pool: ['type', 'name', 'inputs', 'inChannels', 'mode', 'kernel', 'stride', 'padding'],
  add: ['type', 'name', 'inputs', 'outputScale', 'outputBits', 'relu'],
};

interface Shape { c: number; h: number; w: number }

/** The tensor a layer reads through one input: a layer's output, or the network input. */
interface Producer {
  abs: number;
  shape: Shape;
  grid: TensorGrid;
  text: string;
}

interface Context {
  source: string;
  raw: Record<string, unknown>;
  index: number;
  path: string;
  isLast: boolean;
  input: PimInputSpec;
  layers: readonly PimLayer[];
}

const shapeText = (s: Shape): string => `${s.c}x${s.h}x${s.w}`;
const article = (type: LayerType): string => (type === 'add' ? 'an' : 'a');

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The standard message shape with a `got` that is a description, not a JSON value (`149 values`). */
function countError(source: string, path: string, got: string, allowed: string): GibbonError {
  return new GibbonError('E_MODEL', `${source}: ${path}: got ${got}; allowed: ${allowed}`, { source, path });
}

// ===== Field readers =====

function intAt(source: string, obj: Record<string, unknown>, key: string, path: string, min: number, max: number): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw fieldError('E_MODEL', source, `${path}.${key}`, value, `an integer in ${min}..${max}`);
  }
  return value;
}

function scaleAt(source: string, obj: Record<string, unknown>, key: string, path: string): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw fieldError('E_MODEL', source, `${path}.${key}`, value, 'a finite number > 0');
  }
  return value;
}

function boolAt(source: string, obj: Record<string, unknown>, key: string, path: string): boolean {
  const value = obj[key];
  if (typeof value !== 'boolean') throw fieldError('E_MODEL', source, `${path}.${key}`, value, 'true or false');
  return value;
}

const intField = (ctx: Context, key: string, min: number, max: number): number => intAt(ctx.source, ctx.raw, key, ctx.path, min, max);
const bitsField = (ctx: Context, key: string): number => intField(ctx, key, MIN_BITS, MAX_BITS);
const scaleField = (ctx: Context, key: string): number => scaleAt(ctx.source, ctx.raw, key, ctx.path);
const boolField = (ctx: Context, key: string): boolean => boolAt(ctx.source, ctx.raw, key, ctx.path);

/** [top, left, bottom, right]; a pool's padding stays below its kernel, so that every window holds an input. */
function paddingField(ctx: Context, kernel: number, isPool: boolean): [number, number, number, number] {
  const value = ctx.raw.padding;
  const max = isPool ? Math.min(kernel - 1, MAX_PADDING) : MAX_PADDING;
  const isPad = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;
  if (Array.isArray(value) && value.length === 4 && value.every(isPad)) return [value[0], value[1], value[2], value[3]];
  const why = isPool ? ` (below the kernel ${kernel}, so that every window holds an input)` : '';
  throw fieldError('E_MODEL', ctx.source, `${ctx.path}.padding`, value, `[top, left, bottom, right], each an integer in 0..${max}${why}`);
}

function nameField(ctx: Context, type: LayerType): string {
  const value = ctx.raw.name;
  if (value === undefined) return `${type}${ctx.index}`;
  if (typeof value !== 'string' || value.length === 0) throw fieldError('E_MODEL', ctx.source, `${ctx.path}.name`, value, 'a non-empty string');
  return value;
}

function layerType(ctx: Context): LayerType {
  const type = ctx.raw.type;
  if (typeof type !== 'string' || !(LAYER_TYPES as readonly string[]).includes(type)) {
    throw fieldError('E_MODEL', ctx.source, `${ctx.path}.type`, type, `one of ${LAYER_TYPES.map((t) => JSON.stringify(t)).join(', ')}`);
  }
  return type as LayerType;
}

/** Relative input indices -> producers: i + r, where -1 absolute is the network input. */
function producers(ctx: Context, type: LayerType): Producer[] {
  const at = { index: ctx.index, type, maxAddInputs: MAX_ADD_INPUTS, code: 'E_MODEL' as const, source: ctx.source, path: ctx.path };
  return absoluteInputs(ctx.raw.inputs ?? [-1], at).map((abs) => {
    if (abs === -1) {
      const { channels: c, height: h, width: w, bits, scale, signed } = ctx.input;
      const shape = { c, h, w };
      return { abs, shape, grid: { bits, scale, signed }, text: `the network input: ${shapeText(shape)}` };
    }
    const p = ctx.layers[abs];
    const shape = { c: p.outC, h: p.outH, w: p.outW };
    return { abs, shape, grid: p.out, text: `the output of layers[${abs}] (${p.name}): ${shapeText(shape)}` };
  });
}

/** Output side: floor((in + pads - K) / stride) + 1, which is >= 1 exactly when the padded input holds the kernel. */
function outputSide(ctx: Context, side: 'height' | 'width', inSide: number, padA: number, padB: number, kernel: number, stride: number): number {
  const padded = inSide + padA + padB;
  if (padded < kernel) {
    throw fieldError('E_MODEL', ctx.source, `${ctx.path}.kernel`, kernel,
      `at most ${padded}, the padded input ${side} (${inSide} + ${padA} + ${padB}); a larger kernel leaves no output`);
  }
  return Math.floor((padded - kernel) / stride) + 1;
}

function matchChannels(ctx: Context, producer: Producer, inChannels: number): void {
  if (inChannels !== producer.shape.c) {
    throw fieldError('E_MODEL', ctx.source, `${ctx.path}.inChannels`, inChannels, `${producer.shape.c}, the channels of ${producer.text}`);
  }
}

// ===== Weights =====

/** Decode base64 to bytes (web-standard atob); undefined when the text is not base64. */
function base64Bytes(text: string): Uint8Array | undefined {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function bytesBase64(bytes: Uint8Array): string {
  const CHUNK = 0x8000; // String.fromCharCode's argument count stays well below engine limits
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK) parts.push(String.fromCharCode(...bytes.subarray(i, i + CHUNK)));
  return btoa(parts.join(''));
}

/** `weights` (integers) or `weightsBase64` (little-endian int16), exactly `count` values in [-T(w), T(w)]. */
function weightsField(ctx: Context, count: number, countText: string, weightBits: number): Int32Array {
  const { raw, source, path } = ctx;
  const top = gridMax(weightBits);
  const range = `an integer in ${-top}..${top} (weightBits ${weightBits})`;
  const hasList = raw.weights !== undefined;
  const hasBase64 = raw.weightsBase64 !== undefined;
  if (hasList && hasBase64) {
    throw fieldError('E_MODEL', source, `${path}.weightsBase64`, raw.weightsBase64, 'either weights or weightsBase64, not both');
  }
  const out = new Int32Array(count);
  if (!hasBase64) {
    const list = raw.weights;
    if (!Array.isArray(list)) {
      throw fieldError('E_MODEL', source, `${path}.weights`, list, `a list of ${countText} integers (or weightsBase64: little-endian int16)`);
    }
    if (list.length !== count) throw countError(source, `${path}.weights`, `${list.length} values`, `${countText} values`);
    for (let k = 0; k < count; k++) {
      const v: unknown = list[k];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < -top || v > top) throw fieldError('E_MODEL', source, `${path}.weights[${k}]`, v, range);
      out[k] = v;
    }
    return out;
  }
  const text = raw.weightsBase64;
  const bytes = typeof text === 'string' ? base64Bytes(text) : undefined;
  if (bytes === undefined) {
    throw fieldError('E_MODEL', source, `${path}.weightsBase64`, text, `a base64 string of ${countText} little-endian int16 values`);
  }
  if (bytes.length !== 2 * count) {
    throw countError(source, `${path}.weightsBase64`, `${bytes.length} bytes`, `${2 * count} bytes: ${countText} little-endian int16 values`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let k = 0; k < count; k++) {
    const v = view.getInt16(2 * k, true);
    if (v < -top || v > top) throw fieldError('E_MODEL', source, `${path}.weightsBase64[${k}]`, v, range);
    out[k] = v;
  }
  return out;
}

/** One scale for the layer (broadcast) or one per output. */
function weightScaleField(ctx: Context, outputs: number): Float64Array {
  const value = ctx.raw.weightScale;
  const path = `${ctx.path}.weightScale`;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return new Float64Array(outputs).fill(value);
  if (!Array.isArray(value)) throw fieldError('E_MODEL', ctx.source, path, value, `a finite number > 0, or a list of ${outputs} such numbers (one per output)`);
  if (value.length !== outputs) throw countError(ctx.source, path, `${value.length} values`, `${outputs} values (one per output), or one number`);
  return Float64Array.from(value, (v: unknown, k) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw fieldError('E_MODEL', ctx.source, `${path}[${k}]`, v, 'a finite number > 0');
    return v;
  });
}

function biasField(ctx: Context, outputs: number): Float64Array {
  const value = ctx.raw.bias;
  const path = `${ctx.path}.bias`;
  const allowed = 'an integer in accumulator units (|bias| <= 2^53 - 1)';
  if (!Array.isArray(value)) throw fieldError('E_MODEL', ctx.source, path, value, `a list of ${outputs} integers in accumulator units (one per output)`);
  if (value.length !== outputs) throw countError(ctx.source, path, `${value.length} values`, `${outputs} values (one per output)`);
  return Float64Array.from(value, (v: unknown, k) => {
    if (!Number.isSafeInteger(v)) throw fieldError('E_MODEL', ctx.source, `${path}[${k}]`, v, allowed);
    return v as number;
  });
}

// ===== One layer per type =====

interface OutputFields { out: TensorGrid; relu: boolean }

/** outputScale / outputBits / relu: required, except on the last layer where they are checked if present and ignored. */
function outputFields(ctx: Context): OutputFields {
  if (ctx.isLast) {
    if (ctx.raw.outputScale !== undefined) scaleField(ctx, 'outputScale');
    if (ctx.raw.outputBits !== undefined) bitsField(ctx, 'outputBits');
    if (ctx.raw.relu !== undefined) boolField(ctx, 'relu');
    return { out: { ...LOGITS_GRID }, relu: false };
  }
  const scale = scaleField(ctx, 'outputScale');
  const bits = bitsField(ctx, 'outputBits');
  const relu = boolField(ctx, 'relu');
  return { out: { bits, scale, signed: !relu }, relu };
}

function psumRangeField(ctx: Context): { psumRange?: number } {
  return ctx.raw.psumRange === undefined ? {} : { psumRange: scaleField(ctx, 'psumRange') };
}

function convLayer(ctx: Context, name: string, producer: Producer): PimMatrixLayer {
  const inC = intField(ctx, 'inChannels', 1, MAX_CHANNELS);
  matchChannels(ctx, producer, inC);
  const { h: inH, w: inW } = producer.shape;
  const outC = intField(ctx, 'outChannels', 1, MAX_CHANNELS);
  const kernel = intField(ctx, 'kernel', 1, MAX_CONV_KERNEL);
  const stride = intField(ctx, 'stride', 1, MAX_STRIDE);
  const padding = paddingField(ctx, kernel, false);
  const convGroups = intField(ctx, 'convGroups', 1, MAX_CHANNELS);
  if (inC % convGroups !== 0 || outC % convGroups !== 0) {
    throw fieldError('E_MODEL', ctx.source, `${ctx.path}.convGroups`, convGroups, `a divisor of both inChannels (${inC}) and outChannels (${outC})`);
  }
  const outH = outputSide(ctx, 'height', inH, padding[0], padding[2], kernel, stride);
  const outW = outputSide(ctx, 'width', inW, padding[1], padding[3], kernel, stride);
  const weightBits = bitsField(ctx, 'weightBits');
  const gin = inC / convGroups;
  const count = outC * gin * kernel * kernel;
  const countText = `${count} = outChannels ${outC} x inChannels/convGroups ${gin} x kernel ${kernel} x kernel ${kernel}`;
  const weights = weightsField(ctx, count, countText, weightBits);
  const weightScale = weightScaleField(ctx, outC);
  const bias = biasField(ctx, outC);
  const { out, relu } = outputFields(ctx);
  return {
    type: 'conv', index: ctx.index, name, inputs: [producer.abs], inC, inH, inW, outC, outH, outW, out,
    kernel, stride, padding, convGroups, weightBits, weights, weightScale, bias, input: { ...producer.grid }, relu,
    isLast: ctx.isLast, ...psumRangeField(ctx),
  };
}

function fcLayer(ctx: Context, name: string, producer: Producer): PimMatrixLayer {
  const inF = intField(ctx, 'inFeatures', 1, MAX_FEATURES);
  const { c, h, w } = producer.shape;
  if (inF !== c * h * w) {
    throw fieldError('E_MODEL', ctx.source, `${ctx.path}.inFeatures`, inF, `${c * h * w}, the size of ${producer.text} (flattened in c, h, w order)`);
  }
  const outF = intField(ctx, 'outFeatures', 1, MAX_FEATURES);
  const weightBits = bitsField(ctx, 'weightBits');
  const count = outF * inF;
  const weights = weightsField(ctx, count, `${count} = outFeatures ${outF} x inFeatures ${inF}`, weightBits);
  const weightScale = weightScaleField(ctx, outF);
  const bias = biasField(ctx, outF);
  const { out, relu } = outputFields(ctx);
  return {
    type: 'fc', index: ctx.index, name, inputs: [producer.abs], inC: inF, inH: 1, inW: 1, outC: outF, outH: 1, outW: 1, out,
    kernel: 1, stride: 1, padding: [0, 0, 0, 0], convGroups: 1, weightBits, weights, weightScale, bias, input: { ...producer.grid }, relu,
    isLast: ctx.isLast, ...psumRangeField(ctx),
  };
}

function poolLayer(ctx: Context, name: string, producer: Producer): PimPoolLayer {
  if (ctx.raw.inChannels !== undefined) matchChannels(ctx, producer, intField(ctx, 'inChannels', 1, MAX_CHANNELS));
  const mode = ctx.raw.mode;
  if (mode !== 'max' && mode !== 'avg') throw fieldError('E_MODEL', ctx.source, `${ctx.path}.mode`, mode, 'one of "max", "avg"');
  const kernel = intField(ctx, 'kernel', 1, MAX_POOL_KERNEL);
  const stride = intField(ctx, 'stride', 1, MAX_STRIDE);
  const padding = paddingField(ctx, kernel, true);
  const { c, h, w } = producer.shape;
  const outH = outputSide(ctx, 'height', h, padding[0], padding[2], kernel, stride);
  const outW = outputSide(ctx, 'width', w, padding[1], padding[3], kernel, stride);
  return {
    type: 'pool', index: ctx.index, name, inputs: [producer.abs], inC: c, inH: h, inW: w, outC: c, outH, outW,
    out: { ...producer.grid }, mode, kernel, stride, padding,
  };
}

function addLayer(ctx: Context, name: string, inputs: Producer[]): PimAddLayer {
  const first = inputs[0];
  const odd = inputs.find((p) => shapeText(p.shape) !== shapeText(first.shape));
  if (odd !== undefined) {
    throw fieldError('E_MODEL', ctx.source, `${ctx.path}.inputs`, ctx.raw.inputs, `producers of one shape, but ${first.text} and ${odd.text}`);
  }
  const { c, h, w } = first.shape;
  const { out, relu } = outputFields(ctx);
  return {
    type: 'add', index: ctx.index, name, inputs: inputs.map((p) => p.abs), inC: c, inH: h, inW: w, outC: c, outH: h, outW: w,
    out, relu, inputScales: inputs.map((p) => p.grid.scale),
  };
}

function parseLayer(ctx: Context): PimLayer {
  const type = layerType(ctx);
  const keys = LAYER_KEYS[type];
  for (const key of Object.keys(ctx.raw)) {
    if (!keys.includes(key)) throw unknownKeyError('E_MODEL', ctx.source, `${ctx.path}.${key}`, 'key', `the keys of ${article(type)} ${type} layer: ${keys.join(', ')}`);
  }
  const name = nameField(ctx, type);
  const inputs = producers(ctx, type);
  switch (type) {
    case 'conv': return convLayer(ctx, name, inputs[0]);
    case 'fc': return fcLayer(ctx, name, inputs[0]);
    case 'pool': return poolLayer(ctx, name, inputs[0]);
    case 'add': return addLayer(ctx, name, inputs);
  }
}

// ===== Model =====

function parseInput(value: unknown, source: string): PimInputSpec {
  if (!isObject(value)) throw fieldError('E_MODEL', source, 'input', value, `an object with keys ${INPUT_KEYS.join(', ')}`);
  for (const key of Object.keys(value)) {
    if (!(INPUT_KEYS as readonly string[]).includes(key)) {
      throw unknownKeyError('E_MODEL', source, `input.${key}`, 'key', `the keys of input: ${INPUT_KEYS.join(', ')}`);
    }
  }
  return {
    channels: intAt(source, value, 'channels', 'input', 1, MAX_CHANNELS),
    height: intAt(source, value, 'height', 'input', 1, MAX_SIDE),
    width: intAt(source, value, 'width', 'input', 1, MAX_SIDE),
    bits: intAt(source, value, 'bits', 'input', MIN_BITS, MAX_BITS),
    scale: scaleAt(source, value, 'scale', 'input'),
    signed: boolAt(source, value, 'signed', 'input'),
  };
}

function defaultName(source: string): string {
  return source.replace(/^.*[\\/]/, '').replace(/\.json$/i, '') || 'model';
}

/**
 * Check and resolve a model file (parsed JSON) of format gibbon-pim-model version 1. Throws GibbonError
 * E_MODEL naming the field (`layers[i].<field>`) on the first problem.
 */
export function parsePimModel(json: unknown, source: string): PimModel {
  if (!isObject(json)) {
    throw fieldError('E_MODEL', source, '(root)', json, `a ${PIM_MODEL_FORMAT} object with keys ${TOP_KEYS.join(', ')}`);
  }
  for (const key of Object.keys(json)) {
    if (!(TOP_KEYS as readonly string[]).includes(key)) throw unknownKeyError('E_MODEL', source, key, 'key', `the top-level keys: ${TOP_KEYS.join(', ')}`);
  }
  if (json.format !== PIM_MODEL_FORMAT) throw fieldError('E_MODEL', source, 'format', json.format, JSON.stringify(PIM_MODEL_FORMAT));
  if (json.version !== PIM_MODEL_VERSION) throw fieldError('E_MODEL', source, 'version', json.version, `${PIM_MODEL_VERSION}`);
  let name = defaultName(source);
  if (json.name !== undefined) {
    if (typeof json.name !== 'string' || json.name.length === 0) throw fieldError('E_MODEL', source, 'name', json.name, 'a non-empty string');
    name = json.name;
  }
  const input = parseInput(json.input, source);
  const rawLayers = json.layers;
  if (!Array.isArray(rawLayers) || rawLayers.length === 0) {
    throw fieldError('E_MODEL', source, 'layers', rawLayers, 'a list of 1 or more layers, the last a conv or fc');
  }
  // The last layer's type first: appending a layer makes the one before it need its output fields.
  const lastRaw: unknown = rawLayers[rawLayers.length - 1];
  if (isObject(lastRaw) && lastRaw.type !== 'conv' && lastRaw.type !== 'fc') {
    throw fieldError('E_MODEL', source, `layers[${rawLayers.length - 1}].type`, lastRaw.type, LAST_TYPES);
  }
  const layers: PimLayer[] = [];
  rawLayers.forEach((raw: unknown, index) => {
    const path = `layers[${index}]`;
    if (!isObject(raw)) throw fieldError('E_MODEL', source, path, raw, `an object with a "type" (${LAYER_TYPES.join(', ')})`);
    layers.push(parseLayer({ source, raw, index, path, isLast: index === rawLayers.length - 1, input, layers }));
  });
  const last = layers[layers.length - 1];
  const model: PimModel = { name, input, layers, classes: last.outC * last.outH * last.outW };
  if (json.meta !== undefined) {
    if (!isObject(json.meta)) throw fieldError('E_MODEL', source, 'meta', json.meta, 'an object (free-form metadata: provenance, accuracies)');
    model.meta = json.meta;
  }
  return model;
}

// ===== Writing =====

function relativeInputs(layer: PimLayer): { inputs?: number[] } {
  const rel = layer.inputs.map((abs) => abs - layer.index);
  return rel.length === 1 && rel[0] === -1 ? {} : { inputs: rel };
}

function weightsBase64(weights: Int32Array): string {
  const bytes = new Uint8Array(2 * weights.length);
  const view = new DataView(bytes.buffer);
  weights.forEach((v, k) => view.setInt16(2 * k, v, true));
  return bytesBase64(bytes);
}

function matrixJson(layer: PimMatrixLayer): Record<string, unknown> {
  const shape = layer.type === 'conv'
    ? { inChannels: layer.inC, outChannels: layer.outC, kernel: layer.kernel, stride: layer.stride, padding: [...layer.padding], convGroups: layer.convGroups }
    : { inFeatures: layer.inC, outFeatures: layer.outC };
  const scales = Array.from(layer.weightScale);
  const output = layer.isLast ? {} : { outputScale: layer.out.scale, outputBits: layer.out.bits, relu: layer.relu };
  return {
    type: layer.type, name: layer.name, ...relativeInputs(layer), ...shape, weightBits: layer.weightBits,
    weightsBase64: weightsBase64(layer.weights),
    weightScale: scales.every((s) => s === scales[0]) ? scales[0] : scales,
    bias: Array.from(layer.bias), ...output,
    ...(layer.psumRange === undefined ? {} : { psumRange: layer.psumRange }),
  };
}

function layerJson(layer: PimLayer): Record<string, unknown> {
  switch (layer.type) {
    case 'conv': case 'fc': return matrixJson(layer);
    case 'pool':
      return { type: 'pool', name: layer.name, ...relativeInputs(layer), inChannels: layer.inC, mode: layer.mode, kernel: layer.kernel, stride: layer.stride, padding: [...layer.padding] };
    case 'add':
      return { type: 'add', name: layer.name, ...relativeInputs(layer), outputScale: layer.out.scale, outputBits: layer.out.bits, relu: layer.relu };
  }
}

/**
 * A PimModel as a model file object (JSON.stringify it to write the file): weights as weightsBase64,
 * a per-layer weightScale when all outputs share one, inputs relative and omitted when [-1].
 * parsePimModel(serializePimModel(m)) equals m for every model parsePimModel returns.
 */
export function serializePimModel(model: PimModel): Record<string, unknown> {
  const { channels, height, width, bits, scale, signed } = model.input;
  return {
    format: PIM_MODEL_FORMAT, version: PIM_MODEL_VERSION, name: model.name,
    input: { channels, height, width, bits, scale, signed },
    layers: model.layers.map(layerJson),
    ...(model.meta ? { meta: model.meta } : {}),
  };
}
