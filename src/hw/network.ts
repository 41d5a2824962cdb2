// The network file: a list of hardware layers (conv, fc, pool, add), each with its input shape. It is
// checked and resolved into ResolvedLayer records: defaults filled in, producers made absolute, output
// shapes derived, and every layer's input shape matched against its producer's output.
// Format: mnsim-model.md §5 (MNSIM's structure list, one entry per hardware layer).

import type { ArchConfig, LayerSpec, LayerType, ResolvedLayer } from './types.ts';
import { GibbonError, fieldError, formatValue, unknownKeyError } from '../util/errors.ts';
import { MAX_LAYERS } from '../../assembly/layout.ts';
import { MIN_BITS, MAX_BITS, MAX_CHANNELS, MAX_FEATURES, MAX_SIDE, MAX_CONV_KERNEL, MAX_POOL_KERNEL, MAX_STRIDE, MAX_PADDING, absoluteInputs } from './limits.ts';

export interface ResolvedNetwork {
  name: string;
  layers: ResolvedLayer[];
}

// ===== Ranges and defaults =====

const LAYER_TYPES: readonly LayerType[] = ['conv', 'fc', 'pool', 'add'];
/** MNSIM's default precision for every layer (mnsim-model.md §1.8). */
const DEFAULT_BITS = 9;

const MAX_INPUTS = 4;

/** Keys of each layer type, in the order error messages list them. */
const LAYER_KEYS: Readonly<Record<LayerType, readonly (keyof LayerSpec)[]>> = {
  conv: ['type', 'name', 'inChannels', 'inSize', 'outChannels', 'kernel', 'stride', 'padding', 'convGroups', 'weightBits', 'activationBits', 'outputBits', 'inputs'],
  pool: ['type', 'name', 'inChannels', 'inSize', 'kernel', 'stride', 'padding', 'poolMode', 'activationBits', 'outputBits', 'inputs'],
  fc: ['type', 'name', 'inFeatures', 'outFeatures', 'weightBits', 'activationBits', 'outputBits', 'inputs'],
  add: ['type', 'name', 'activationBits', 'outputBits', 'inputs'],
};

interface Shape {
  c: number;
  h: number;
  w: number;
}

/** The tensor a layer reads through one input: a layer's output, or the network input. */
interface Producer {
  abs: number;
  shape: Shape | undefined;
  text: string;
}

interface Context {
  source: string;
  raw: Record<string, unknown>;
  index: number;
  path: string;
  /** The first layer that reads the network input fixes its shape. */
  networkInput: { shape: Shape; by: string } | undefined;
  resolved: readonly ResolvedLayer[];
}

const shapeText = (s: Shape): string => `${s.c}x${s.h}x${s.w}`;
const layerLabel = (index: number, name: string): string => `layers[${index}] (${name})`;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// ===== Field readers =====

function intField(ctx: Context, key: keyof LayerSpec, min: number, max: number, fallback?: number): number {
  const value = ctx.raw[key] === undefined && fallback !== undefined ? fallback : ctx.raw[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw fieldError('E_NETWORK', ctx.source, `${ctx.path}.${key}`, ctx.raw[key], `an integer in ${min}..${max}`);
  }
  return value;
}

function inSizeField(ctx: Context): [number, number] {
  const value = ctx.raw.inSize;
  const ok = Array.isArray(value) && value.length === 2 && value.every((v) => Number.isInteger(v) && v >= 1 && v <= MAX_SIDE);
  if (!ok) throw fieldError('E_NETWORK', ctx.source, `${ctx.path}.inSize`, value, `[height, width], two integers in 1..${MAX_SIDE}`);
  return [value[0] as number, value[1] as number];
}

function paddingField(ctx: Context): [number, number, number, number] {
  const value = ctx.raw.padding ?? 0;
  const isPad = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_PADDING;
  if (isPad(value)) return [value, value, value, value];
  if (Array.isArray(value) && value.length === 4 && value.every(isPad)) return [value[0], value[1], value[2], value[3]];
  throw fieldError('E_NETWORK', ctx.source, `${ctx.path}.padding`, value,
    `an integer in 0..${MAX_PADDING}, or [top, left, bottom, right] of such integers`);
}

function bitsField(ctx: Context, key: 'weightBits' | 'activationBits' | 'outputBits'): number {
  return intField(ctx, key, MIN_BITS, MAX_BITS, DEFAULT_BITS);
}

function nameField(ctx: Context, type: LayerType): string {
  const value = ctx.raw.name;
  if (value === undefined) return `${type}${ctx.index}`;
  if (typeof value !== 'string' || value.length === 0) {
    throw fieldError('E_NETWORK', ctx.source, `${ctx.path}.name`, value, 'a non-empty string');
  }
  return value;
}

/** Relative input indices -> producers. r makes i + r; -1 absolute is the network input. */
function producers(ctx: Context, type: LayerType): Producer[] {
  const at = { index: ctx.index, type, maxAddInputs: MAX_INPUTS, code: 'E_NETWORK' as const, source: ctx.source, path: ctx.path };
  return absoluteInputs(ctx.raw.inputs ?? [-1], at).map((abs) => {
    if (abs === -1) {
      const net = ctx.networkInput;
      const text = net ? `the network input (${shapeText(net.shape)}, as ${net.by} reads it)` : 'the network input';
      return { abs, shape: net?.shape, text };
    }
    const p = ctx.resolved[abs];
    const shape = { c: p.outChannels, h: p.outH, w: p.outW };
    return { abs, shape, text: `the output of ${layerLabel(abs, p.name)}: ${shapeText(shape)}` };
  });
}

/** A conv's or pool's output side, floor((in + pads - K) / stride) + 1 (the kernel checks every layer against it). */
export const convOutputSide = (inSide: number, padA: number, padB: number, kernel: number, stride: number): number =>
  Math.floor((inSide + padA + padB - kernel) / stride) + 1;

/** Output side (convOutputSide), which is >= 1 exactly when the padded input holds the kernel. */
function outputSide(ctx: Context, side: 'height' | 'width', inSide: number, padA: number, padB: number, kernel: number, stride: number): number {
  const padded = inSide + padA + padB;
  if (padded < kernel) {
    throw fieldError('E_NETWORK', ctx.source, `${ctx.path}.kernel`, kernel,
      `at most ${padded}, the padded input ${side} (${inSide} + ${padA} + ${padB}); a larger kernel leaves no output`);
  }
  return convOutputSide(inSide, padA, padB, kernel, stride);
}

// ===== Shape matching =====

/** A conv/pool reads C x H x W: it must match its first producer (which may define the network input). */
function matchFeatureMap(ctx: Context, producer: Producer, reads: Shape, label: string): void {
  if (producer.shape === undefined) {
    ctx.networkInput = { shape: reads, by: label };
    return;
  }
  const got = producer.shape;
  const tail = `${producer.text}; ${label} reads ${shapeText(reads)}`;
  if (got.c !== reads.c) throw fieldError('E_NETWORK', ctx.source, `${ctx.path}.inChannels`, reads.c, `${got.c}, ${tail}`);
  if (got.h !== reads.h || got.w !== reads.w) {
    throw fieldError('E_NETWORK', ctx.source, `${ctx.path}.inSize`, [reads.h, reads.w], `${formatValue([got.h, got.w])}, ${tail}`);
  }
}

function matchFeatures(ctx: Context, producer: Producer, inFeatures: number, label: string): void {
  if (producer.shape === undefined) {
    ctx.networkInput = { shape: { c: inFeatures, h: 1, w: 1 }, by: label };
    return;
  }
  const s = producer.shape;
  const features = s.c * s.h * s.w;
  if (features !== inFeatures) {
    throw fieldError('E_NETWORK', ctx.source, `${ctx.path}.inFeatures`, inFeatures,
      `${features}, ${producer.text} = ${features} features; ${label} reads ${inFeatures}`);
  }
}

// ===== One layer per type =====

type Body = Omit<ResolvedLayer, 'name' | 'type' | 'inputBits' | 'outputBits' | 'inputs'>;

function convOrPool(ctx: Context, type: 'conv' | 'pool', label: string, first: Producer): Body {
  const inChannels = intField(ctx, 'inChannels', 1, MAX_CHANNELS);
  const [inH, inW] = inSizeField(ctx);
  matchFeatureMap(ctx, first, { c: inChannels, h: inH, w: inW }, label);
  const kernel = intField(ctx, 'kernel', 1, type === 'conv' ? MAX_CONV_KERNEL : MAX_POOL_KERNEL);
  const stride = intField(ctx, 'stride', 1, MAX_STRIDE, type === 'conv' ? 1 : kernel);
  const padding = paddingField(ctx);
  const outH = outputSide(ctx, 'height', inH, padding[0], padding[2], kernel, stride);
  const outW = outputSide(ctx, 'width', inW, padding[1], padding[3], kernel, stride);
  let outChannels = inChannels;
  let convGroups = 1;
  let poolMode: 'max' | 'avg' = 'max';
  let weightBits = DEFAULT_BITS;
  if (type === 'conv') {
    outChannels = intField(ctx, 'outChannels', 1, MAX_CHANNELS);
    convGroups = intField(ctx, 'convGroups', 1, MAX_CHANNELS, 1);
    if (inChannels % convGroups !== 0 || outChannels % convGroups !== 0) {
      throw fieldError('E_NETWORK', ctx.source, `${ctx.path}.convGroups`, convGroups,
        `a divisor of both inChannels (${inChannels}) and outChannels (${outChannels})`);
    }
    weightBits = bitsField(ctx, 'weightBits');
  } else {
    const mode = ctx.raw.poolMode ?? 'max';
    if (mode !== 'max' && mode !== 'avg') throw fieldError('E_NETWORK', ctx.source, `${ctx.path}.poolMode`, mode, 'one of "max", "avg"');
    poolMode = mode;
  }
  return { inChannels, inH, inW, outChannels, outH, outW, kernel, stride, padding, convGroups, poolMode, weightBits };
}

function fullyConnected(ctx: Context, label: string, first: Producer): Body {
  const inFeatures = intField(ctx, 'inFeatures', 1, MAX_FEATURES);
  matchFeatures(ctx, first, inFeatures, label);
  const outFeatures = intField(ctx, 'outFeatures', 1, MAX_FEATURES);
  return {
    inChannels: inFeatures, inH: 1, inW: 1, outChannels: outFeatures, outH: 1, outW: 1,
    kernel: 1, stride: 1, padding: [0, 0, 0, 0], convGroups: 1, poolMode: 'max', weightBits: bitsField(ctx, 'weightBits'),
  };
}

/** An element-wise add takes its shape from its inputs, which must all agree. */
function elementAdd(ctx: Context, inputs: Producer[]): Body {
  const inputsPath = `${ctx.path}.inputs`;
  const value = ctx.raw.inputs;
  const known = inputs.find((p) => p.shape !== undefined);
  if (known?.shape === undefined || inputs.some((p) => p.shape === undefined)) {
    throw fieldError('E_NETWORK', ctx.source, inputsPath, value, 'earlier layers; an add cannot be the first layer to read the network input');
  }
  const s = known.shape;
  const odd = inputs.find((p) => p.shape !== undefined && shapeText(p.shape) !== shapeText(s));
  if (odd !== undefined) {
    throw fieldError('E_NETWORK', ctx.source, inputsPath, value, `producers of one shape, but ${known.text} and ${odd.text}`);
  }
  return {
    inChannels: s.c, inH: s.h, inW: s.w, outChannels: s.c, outH: s.h, outW: s.w,
    kernel: 1, stride: 1, padding: [0, 0, 0, 0], convGroups: 1, poolMode: 'max', weightBits: DEFAULT_BITS,
  };
}

function layerType(ctx: Context): LayerType {
  const type = ctx.raw.type;
  if (typeof type !== 'string' || !(LAYER_TYPES as readonly string[]).includes(type)) {
    throw fieldError('E_NETWORK', ctx.source, `${ctx.path}.type`, type,
      `one of ${LAYER_TYPES.map((t) => JSON.stringify(t)).join(', ')} (relu, bn, view and dropout fold into their producer: leave them out)`);
  }
  return type as LayerType;
}

function resolveLayer(ctx: Context): ResolvedLayer {
  const type = layerType(ctx);
  const keys: readonly string[] = LAYER_KEYS[type];
  for (const key of Object.keys(ctx.raw)) {
    if (!keys.includes(key)) throw unknownKeyError('E_NETWORK', ctx.source, `${ctx.path}.${key}`, 'key', `the keys of a ${type} layer: ${keys.join(', ')}`);
  }
  const name = nameField(ctx, type);
  const label = layerLabel(ctx.index, name);
  const inputs = producers(ctx, type);
  const body = type === 'fc' ? fullyConnected(ctx, label, inputs[0])
    : type === 'add' ? elementAdd(ctx, inputs)
    : convOrPool(ctx, type, label, inputs[0]);
  const inputBits = bitsField(ctx, 'activationBits');
  if (ctx.raw.outputBits !== undefined) bitsField(ctx, 'outputBits');
  // outputBits is settled once the consumers are known (resolveNetwork); 0 marks "not given".
  const outputBits = ctx.raw.outputBits === undefined ? 0 : (ctx.raw.outputBits as number);
  return { type, name, ...body, inputBits, outputBits, inputs: inputs.map((p) => p.abs) };
}

// ===== Network =====

function defaultName(source: string): string {
  return source.replace(/^.*[\\/]/, '').replace(/\.json$/i, '') || 'network';
}

/**
 * Check and resolve a network file (parsed JSON): `{ name, layers }` or a bare list of layers.
 * Throws GibbonError E_NETWORK naming `layers[i].<field>` on the first problem.
 */
export function resolveNetwork(input: unknown, source: string): ResolvedNetwork {
  let name = defaultName(source);
  let layers: unknown = input;
  if (isObject(input)) {
    for (const key of Object.keys(input)) {
      if (key !== 'name' && key !== 'layers') throw unknownKeyError('E_NETWORK', source, key, 'key', 'the top-level keys: name, layers');
    }
    if (input.name !== undefined) {
      if (typeof input.name !== 'string' || input.name.length === 0) throw fieldError('E_NETWORK', source, 'name', input.name, 'a non-empty string');
      name = input.name;
    }
    layers = input.layers;
  } else if (!Array.isArray(input)) {
    throw fieldError('E_NETWORK', source, '(root)', input, 'an object {"name", "layers"} or a list of layers');
  }
  if (!Array.isArray(layers) || layers.length === 0) throw fieldError('E_NETWORK', source, 'layers', layers, 'a list of 1 or more layers');
  // the kernel's own limit (assembly/layout.ts), checked before 65,536 layers are resolved and sent
  if (layers.length > MAX_LAYERS) {
    throw new GibbonError('E_NETWORK', `${source}: layers: got ${layers.length} layers; allowed: at most ${MAX_LAYERS} layers per network (the simulator kernel's MAX_LAYERS)`, { source, path: 'layers' });
  }

  const resolved: ResolvedLayer[] = [];
  const ctx: Context = { source, raw: {}, index: 0, path: '', networkInput: undefined, resolved };
  layers.forEach((raw: unknown, index) => {
    const path = `layers[${index}]`;
    if (!isObject(raw)) throw fieldError('E_NETWORK', source, path, raw, `an object with a "type" (${LAYER_TYPES.join(', ')})`);
    Object.assign(ctx, { raw, index, path });
    resolved.push(resolveLayer(ctx));
  });
  // Default output bits: what the first consumer reads, else the layer's own activation bits.
  for (const [index, layer] of resolved.entries()) {
    if (layer.outputBits !== 0) continue;
    const consumer = resolved.find((other, j) => j > index && other.inputs.includes(index));
    layer.outputBits = consumer ? consumer.inputBits : layer.inputBits;
  }
  return { name, layers: resolved };
}

/** The largest square kernel whose K*K rows fit in a crossbar of `rows` rows. */
function maxKernelFor(rows: number): number {
  let k = 0;
  while ((k + 1) * (k + 1) <= rows) k += 1;
  return k;
}

/**
 * Network-vs-architecture checks the mapping needs: every conv kernel's K*K rows (one input channel of one
 * conv group) must fit in a crossbar (mnsim-model.md §2.2 edge case: MNSIM divides by zero).
 */
export function checkNetworkAgainstArch(layers: readonly ResolvedLayer[], arch: ArchConfig, source: string): void {
  const rows = arch.xbar.rows;
  layers.forEach((layer, index) => {
    if (layer.type !== 'conv' || layer.kernel * layer.kernel <= rows) return;
    const k = layer.kernel;
    throw fieldError('E_NETWORK', source, `layers[${index}].kernel`, k,
      `at most ${maxKernelFor(rows)}; kernel larger than the crossbar (${k}x${k} = ${k * k} rows > xbar.rows ${rows})`);
  });
}
