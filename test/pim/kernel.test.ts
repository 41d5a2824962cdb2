// The functional simulator's WASM kernel (assembly/funcsim.ts through src/pim/kernel.ts): hand-worked
// conversions, lossless equality with plain integer inference, and bit-for-bit equality with the plain
// TypeScript reference (src/pim/reference.ts) on random models of every layer kind and shape, across
// cell bits, DAC bits, polarity, subtraction position, ADC bits, range modes and device non-idealities.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simulator } from '../helpers.ts';
import { InThreadPimExecutor } from '../../src/pim/executor.ts';
import { calibratePsumRanges, leastErrorPsumRanges } from '../../src/pim/run.ts';
import { PimKernel, hardwareFor, type PimRunResult } from '../../src/pim/kernel.ts';
import { referenceForward, integerForward } from '../../src/pim/reference.ts';
import { GIBBON_BASE_ARCH, MNSIM_DEFAULT_ARCH } from '../../src/hw/arch.ts';
import type { ArchConfig } from '../../src/hw/types.ts';
import type {
  PimAddLayer, PimDeviceOptions, PimHardware, PimInputSpec, PimLayer, PimMatrixLayer, PimModel, PimPoolLayer, TensorGrid,
} from '../../src/pim/types.ts';
import { GibbonError } from '../../src/util/errors.ts';
import { Rng } from '../../src/util/rng.ts';

const kernel = new PimKernel(await simulator());

const IDEAL: PimDeviceOptions = {
  rangeMode: 'fixed', safHrsPct: 0, safLrsPct: 0, variationSigmaPctOfR: 0, hrsLrsRatio: Infinity, readNoiseSigma: 0,
};

function hardware(over: Partial<PimHardware> = {}, device: Partial<PimDeviceOptions> = {}): PimHardware {
  return {
    xbarRows: 64, xbarCols: 64, cellBits: 1, dacBits: 1, adcBits: 8, polarity: 2, subPosition: 0, rowsPerConversion: 64,
    ...over, device: { ...IDEAL, ...device },
  };
}

const gridTop = (bits: number): number => 2 ** (bits - 1) - 1;
const LOGITS_GRID: TensorGrid = { bits: 0, scale: 1, signed: true };

// ===== A small model builder (PimModel directly, every field explicit) =====

interface Tensor { c: number; h: number; w: number; grid: TensorGrid }
type Pad = [number, number, number, number];

class Builder {
  readonly layers: PimLayer[] = [];
  readonly tensors: Tensor[] = [];
  constructor(readonly rng: Rng, readonly input: PimInputSpec, readonly aBits = 8, readonly wBits = 8) {}

  #t(i: number): Tensor {
    if (i < 0) return { c: this.input.channels, h: this.input.height, w: this.input.width, grid: this.input };
    return this.tensors[i];
  }
  #from(from?: number): number { return from ?? this.layers.length - 1; }

  /** Random weights in [-T, T] with some zeros and some extremes; scales that keep activations in range. */
  #matrix(type: 'conv' | 'fc', x: Tensor, inputs: number, o: {
    outC: number; outH: number; outW: number; inC: number; inH: number; inW: number; k: number; stride: number; pad: Pad; groups: number; relu: boolean;
  }): PimMatrixLayer {
    const r = this.rng, wBits = this.wBits, wTop = gridTop(wBits);
    const fanIn = (o.inC / o.groups) * o.k * o.k;
    const weights = new Int32Array(o.outC * fanIn).map(() => {
      const u = r.next();
      return u < 0.15 ? 0 : u < 0.2 ? (r.next() < 0.5 ? -wTop : wTop) : r.int(2 * wTop + 1) - wTop;
    });
    const base = 1 / wTop;
    const weightScale = new Float64Array(o.outC).map(() => base * (0.75 + 0.5 * r.next()));
    const accStd = Math.sqrt(fanIn) * (wTop / Math.sqrt(3)) * gridTop(x.grid.bits) / 3;
    const bMax = Math.max(1, Math.round(accStd / 4));
    const bias = new Float64Array(o.outC).map(() => r.int(2 * bMax + 1) - bMax);
    const outScale = (x.grid.scale * base * accStd) / (gridTop(this.aBits) / 3);
    const out: TensorGrid = { bits: this.aBits, scale: outScale, signed: !o.relu };
    const index = this.layers.length;
    return {
      type, index, name: `${type}${index}`, inputs: [inputs], inC: o.inC, inH: o.inH, inW: o.inW, outC: o.outC, outH: o.outH, outW: o.outW,
      out, kernel: o.k, stride: o.stride, padding: o.pad, convGroups: o.groups, weightBits: wBits, weights, weightScale, bias,
      input: { ...x.grid }, relu: o.relu, isLast: false,
    };
  }

  conv(outC: number, k: number, o: { stride?: number; pad?: Pad; groups?: number; relu?: boolean; from?: number } = {}): this {
    const from = this.#from(o.from), x = this.#t(from);
    const stride = o.stride ?? 1, pad = o.pad ?? [0, 0, 0, 0];
    const outH = Math.floor((x.h + pad[0] + pad[2] - k) / stride) + 1, outW = Math.floor((x.w + pad[1] + pad[3] - k) / stride) + 1;
    const l = this.#matrix('conv', x, from, {
      outC, outH, outW, inC: x.c, inH: x.h, inW: x.w, k, stride, pad, groups: o.groups ?? 1, relu: o.relu ?? true,
    });
    this.layers.push(l);
    this.tensors.push({ c: outC, h: outH, w: outW, grid: l.out });
    return this;
  }

  fc(outF: number, o: { relu?: boolean; from?: number } = {}): this {
    const from = this.#from(o.from), x = this.#t(from);
    const l = this.#matrix('fc', x, from, {
      outC: outF, outH: 1, outW: 1, inC: x.c * x.h * x.w, inH: 1, inW: 1, k: 1, stride: 1, pad: [0, 0, 0, 0], groups: 1, relu: o.relu ?? true,
    });
    this.layers.push(l);
    this.tensors.push({ c: outF, h: 1, w: 1, grid: l.out });
    return this;
  }

  pool(mode: 'max' | 'avg', k: number, o: { stride?: number; pad?: Pad; from?: number } = {}): this {
    const from = this.#from(o.from), x = this.#t(from);
    const stride = o.stride ?? k, pad = o.pad ?? [0, 0, 0, 0];
    const outH = Math.floor((x.h + pad[0] + pad[2] - k) / stride) + 1, outW = Math.floor((x.w + pad[1] + pad[3] - k) / stride) + 1;
    const index = this.layers.length;
    const l: PimPoolLayer = {
      type: 'pool', index, name: `pool${index}`, inputs: [from], inC: x.c, inH: x.h, inW: x.w, outC: x.c, outH, outW,
      out: { ...x.grid }, mode, kernel: k, stride, padding: pad,
    };
    this.layers.push(l);
    this.tensors.push({ c: x.c, h: outH, w: outW, grid: l.out });
    return this;
  }

  add(from: number[], relu = true): this {
    const xs = from.map((f) => this.#t(f));
    const scale = Math.max(...xs.map((x) => x.grid.scale)) * (1 + this.rng.next());
    const index = this.layers.length;
    const l: PimAddLayer = {
      type: 'add', index, name: `add${index}`, inputs: from, inC: xs[0].c, inH: xs[0].h, inW: xs[0].w, outC: xs[0].c, outH: xs[0].h, outW: xs[0].w,
      out: { bits: this.aBits, scale, signed: !relu }, relu, inputScales: xs.map((x) => x.grid.scale),
    };
    this.layers.push(l);
    this.tensors.push({ c: xs[0].c, h: xs[0].h, w: xs[0].w, grid: l.out });
    return this;
  }

  /** The last layer yields the logits. */
  build(name: string): PimModel {
    const last = this.layers[this.layers.length - 1] as PimMatrixLayer;
    last.isLast = true;
    last.relu = false;
    last.out = { ...LOGITS_GRID };
    return { name, input: this.input, layers: this.layers, classes: last.outC * last.outH * last.outW };
  }
}

function randomInputs(rng: Rng, model: PimModel, n: number): Int32Array {
  const { channels, height, width, bits, signed } = model.input;
  const top = gridTop(bits), lo = signed ? -top : 0;
  return new Int32Array(n * channels * height * width).map(() => (rng.next() < 0.2 ? 0 : lo + rng.int(top - lo + 1)));
}

/** Odd sizes, a grouped conv with an even kernel and asymmetric padding (signed output), avg pool, add, fc. */
function cnnModel(rng: Rng, aBits = 6, wBits = 7): PimModel {
  const b = new Builder(rng, { channels: 2, height: 9, width: 8, bits: 6, scale: 1 / 31, signed: true }, aBits, wBits);
  b.conv(6, 3, { pad: [1, 1, 1, 1] }) // 0: 6x9x8
    .conv(6, 2, { stride: 2, pad: [0, 1, 1, 0], groups: 3, relu: false }) // 1: 6x5x5, signed
    .conv(4, 3, { pad: [1, 0, 1, 2], groups: 2 }) // 2: 4x5x6
    .pool('avg', 2, { stride: 2, pad: [0, 0, 1, 0] }) // 3: 4x3x3
    .conv(4, 1, { relu: false }) // 4: 4x3x3 signed
    .add([3, 4], false) // 5: signed
    .pool('max', 2, { stride: 1, pad: [0, 0, 1, 1] }) // 6: 4x3x3
    .fc(7); // 7: logits
  return b.build('cnn');
}

/** Depthwise (groups share a crossbar as diagonal blocks), 1x1, max pool with padding, a conv as last layer. */
function depthwiseModel(rng: Rng): PimModel {
  const b = new Builder(rng, { channels: 8, height: 7, width: 7, bits: 5, scale: 1 / 15, signed: false }, 5, 6);
  b.conv(8, 3, { pad: [1, 1, 1, 1], groups: 8 }) // 0: 8x7x7 depthwise
    .conv(12, 1, {}) // 1: 12x7x7
    .pool('max', 3, { stride: 2, pad: [1, 1, 1, 1] }) // 2: 12x4x4
    .conv(10, 3, { groups: 2, relu: false }) // 3: 10x2x2
    .conv(5, 2, {}); // 4: logits 5x1x1
  return b.build('depthwise');
}

/** fc only: 150 inputs over several row tiles that do not divide evenly; a signed hidden layer. */
function mlpModel(rng: Rng): PimModel {
  const b = new Builder(rng, { channels: 1, height: 1, width: 150, bits: 8, scale: 1 / 127, signed: false }, 7, 8);
  b.fc(70).fc(33, { relu: false }).fc(10);
  return b.build('mlp');
}

// ===== Comparison =====

function assertSame(got: PimRunResult, want: PimRunResult, what: string): void {
  assert.is(got.logits.length, want.logits.length, `${what}: logit count`);
  for (let i = 0; i < want.logits.length; i++) {
    if (!Object.is(got.logits[i], want.logits[i])) assert.unreachable(`${what}: logit ${i}: kernel ${got.logits[i]}, reference ${want.logits[i]}`);
  }
  assert.equal(Array.from(got.predictions), Array.from(want.predictions), `${what}: predictions`);
  assert.equal(got.stats, want.stats, `${what}: stats`);
  assert.equal(Array.from(got.psumMax), Array.from(want.psumMax), `${what}: psumMax`);
}

interface Case { model: PimModel; hw: PimHardware; n: number; seed: number; trial: number; imageOffset: number; psumRanges?: Float64Array }

function crossCheck(c: Case, what: string, rng: Rng): PimRunResult {
  const inputs = randomInputs(rng, c.model, c.n);
  const prep = kernel.prepare(c.model, c.hw, c.seed, c.trial);
  try {
    const got = kernel.run(prep, inputs, c.n, c.imageOffset, { psumRanges: c.psumRanges });
    const want = referenceForward(c.model, c.hw, inputs, c.n, { seed: c.seed, trial: c.trial, imageOffset: c.imageOffset, psumRanges: c.psumRanges });
    assertSame(got, want, what);
    return got;
  } finally {
    kernel.free(prep);
  }
}

/** Calibrated full scales around the measured max |p_ideal|: some layers clip, some do not. */
function calibratedRanges(model: PimModel, hw: PimHardware, rng: Rng): Float64Array {
  const prep = kernel.prepare(model, { ...hw, device: { ...hw.device, rangeMode: 'fixed' } }, 1, 0);
  const r = kernel.run(prep, randomInputs(rng, model, 2), 2, 0);
  kernel.free(prep);
  return r.psumMax.map((m) => Math.round(m * (0.4 + rng.next())));
}

// ===== Hand-worked =====

/** fc 3 -> 2: x = [5, 3, 6] (4 bits), w = [[7, -6, 13], [-15, 0, 9]] (5 bits), 2-bit cells, 1-bit DAC. */
function handModel(): PimModel {
  const layer: PimMatrixLayer = {
    type: 'fc', index: 0, name: 'fc0', inputs: [-1], inC: 3, inH: 1, inW: 1, outC: 2, outH: 1, outW: 1, out: { ...LOGITS_GRID },
    kernel: 1, stride: 1, padding: [0, 0, 0, 0], convGroups: 1, weightBits: 5, weights: Int32Array.from([7, -6, 13, -15, 0, 9]),
    weightScale: Float64Array.from([0.25, 1]), bias: Float64Array.from([1, -2]), input: { bits: 4, scale: 0.5, signed: false },
    relu: false, isLast: true,
  };
  return { name: 'hand', input: { channels: 3, height: 1, width: 1, bits: 4, scale: 0.5, signed: false }, layers: [layer], classes: 2 };
}
const HAND_X = Int32Array.from([5, 3, 6]);
const HAND_HW = hardware({ xbarRows: 4, xbarCols: 4, cellBits: 2, dacBits: 1, adcBits: 4, rowsPerConversion: 4 });

test('hand-worked fc, fixed range: 2-bit cells, 1-bit DAC, 4-bit ADC (LSB 2)', () => {
  // Slices (base 4, P = 2): 7 -> pos [3,1]; -6 -> neg [2,1]; 13 -> pos [1,3]; -15 -> neg [3,3]; 9 -> pos [1,2].
  // Column 0: G_j0 = [3,-2,1], G_j1 = [1,-1,3]. Input cycles (bits of x): i0 [1,1,0], i1 [0,1,1], i2 [1,0,1].
  //   p(j0) = [1, -1, 4], p(j1) = [0, 2, 4].
  // Column 1: G_j0 = [-3,0,1], G_j1 = [-3,0,2]: p(j0) = [-3, 1, -2], p(j1) = [-3, 2, -1].
  // Fixed F = (2^1-1)(2^2-1)*3 = 9, top T(4) = 7: LSB 2 (7 < 9 <= 14). p̂ = 2 rha(p/2):
  //   col 0: [2,-2,4], [0,2,4] -> acc = 2 - 4 + 16 + 4*(0 + 4 + 16) = 94 (exact 95), |err| 1+1 = 2
  //   col 1: [-4,2,-2], [-4,2,-2] -> acc = -4 + 4 - 8 + 4*(-4 + 4 - 8) = -40 (exact -21), |err| 1+1+1+1 = 4
  // Logits: (94 + 1) * 0.5 * 0.25 = 11.875; (-40 - 2) * 0.5 * 1 = -21.
  const prep = kernel.prepare(handModel(), HAND_HW, 1, 0);
  const r = kernel.run(prep, HAND_X, 1, 0);
  kernel.free(prep);
  assert.equal(Array.from(r.logits), [11.875, -21]);
  assert.equal(Array.from(r.predictions), [0]);
  const s = r.stats[0];
  assert.is(s.conversions, 12);
  assert.is(s.saturated, 0);
  assert.is(s.absErrorSum, 6);
  assert.is(s.psumMae, 0.5);
  assert.is(r.psumMax[0], 4);
  assert.is(s.rowTiles, 1);
  assert.is(s.weightSlices, 2);
  assert.is(s.inputCycles, 3);
  assert.is(s.psumRange, -1);
});

test('hand-worked fc, calibrated range 2 on a 2-bit ADC: LSB 2, top 1, four conversions clip', () => {
  // top T(2) = 1, F = 2: LSB 2. code = clamp(rha(p/2), -1, 1):
  //   col 0: p [1,-1,4 | 0,2,4] -> p̂ [2,-2,2 | 0,2,2] (4 clips) acc = 2 - 4 + 8 + 4*(0 + 4 + 8) = 54, |err| 1+1+2+0+0+2
  //   col 1: p [-3,1,-2 | -3,2,-1] -> p̂ [-2,2,-2 | -2,2,-2] (-3 clips twice) acc = -2 + 4 - 8 + 4*(-2 + 4 - 8) = -30, |err| 1+1+0+1+0+1
  const hw = { ...HAND_HW, adcBits: 2, device: { ...IDEAL, rangeMode: 'calibrated' as const } };
  const prep = kernel.prepare(handModel(), hw, 1, 0);
  const r = kernel.run(prep, HAND_X, 1, 0, { psumRanges: Float64Array.from([2]) });
  kernel.free(prep);
  assert.equal(Array.from(r.logits), [(54 + 1) * 0.5 * 0.25, (-30 - 2) * 0.5]);
  assert.is(r.stats[0].saturated, 4);
  assert.is(r.stats[0].absErrorSum, 10);
  assert.is(r.stats[0].psumRange, 2);
  assert.is(r.psumMax[0], 4);
});

test('hand-worked fc, least-error range on a 3-bit ADC: max 4 (LSB 2, error 6) loses to 2 (LSB 1, two clips, error 2)', async () => {
  // Partial sums (above): col 0 [1,-1,4 | 0,2,4], col 1 [-3,1,-2 | -3,2,-1]; largest |p| 4; top T(3) = 3.
  // k = 0, F = 4: LSB 2 (3 < 4 <= 6), p̂ = 2 clamp(rha(p/2), -3, 3): col 0 [2,-2,4 | 0,2,4] |err| 2,
  //   col 1 [-4,2,-2 | -4,2,-2] |err| 4: mean 6/12.
  // k = 1, F = 2: LSB 1 (2 <= 3), p̂ = clamp(p, -3, 3): only the two 4s clip to 3: mean 2/12.
  // k = 2..4 (F = 1, 1/2, 1/4): LSB 1 as well, the same error: the tie keeps k = 1. Chosen F = 2.
  // The run at F = 2: col 0 acc = 1 - 2 + 4*3 + 4*(0 + 2*2 + 4*3) = 75 (exact 95), col 1 exact -21.
  const hw = { ...HAND_HW, adcBits: 3, device: { ...IDEAL, rangeMode: 'least-error' as const } };
  const exec = new InThreadPimExecutor(await simulator());
  const ranges = await calibratePsumRanges(exec, handModel(), hw, HAND_X, 1);
  assert.equal(Array.from(ranges), [4]);
  const chosen = await leastErrorPsumRanges(exec, handModel(), hw, HAND_X, 1, ranges, 1);
  assert.equal(Array.from(chosen), [2]);
  const r = await exec.run({ model: handModel(), hw, seed: 1, trial: 0, inputs: HAND_X, n: 1, imageOffset: 0, psumRanges: chosen });
  assert.equal(Array.from(r.logits), [(75 + 1) * 0.5 * 0.25, (-21 - 2) * 0.5]);
  assert.is(r.stats[0].absErrorSum, 2);
  assert.is(r.stats[0].saturated, 2);
  // A range the model file sets is kept.
  const own = { ...handModel(), layers: [{ ...(handModel().layers[0] as PimMatrixLayer), psumRange: 4 }] };
  assert.equal(Array.from(await leastErrorPsumRanges(exec, own, hw, HAND_X, 1, ranges, 1)), [4]);
  exec.dispose();
});

test('hand-worked fc at a lossless ADC equals the integer dot products 95 and -21', () => {
  const prep = kernel.prepare(handModel(), { ...HAND_HW, adcBits: 5 }, 1, 0); // F = 9 <= T(5) = 15: LSB 1
  const r = kernel.run(prep, HAND_X, 1, 0);
  kernel.free(prep);
  assert.equal(Array.from(r.logits), [(95 + 1) * 0.5 * 0.25, (-21 - 2) * 0.5]);
  assert.is(r.stats[0].absErrorSum, 0);
});

// ===== Lossless =====

test('lossless: at an ADC with LSB 1 (fixed range), PIM logits equal plain integer inference', () => {
  const rng = new Rng(101);
  const combos: [number, number, 1 | 2, 0 | 1][] = [[1, 1, 2, 0], [2, 1, 2, 1], [1, 2, 1, 0], [2, 2, 2, 0], [3, 1, 1, 0]];
  for (const [b, d, polarity, subPosition] of combos) {
    for (const make of [cnnModel, depthwiseModel, mlpModel]) {
      const model = make(rng.fork('model'));
      const rows = 64, rpc = 24;
      const full = (2 ** d - 1) * (2 ** b - 1) * rpc;
      const adcBits = 1 + Math.ceil(Math.log2(full + 1)); // T(adcBits) >= full
      const hw = hardware({ xbarRows: rows, cellBits: b, dacBits: d, adcBits, polarity, subPosition, rowsPerConversion: rpc });
      const inputs = randomInputs(rng, model, 3);
      const prep = kernel.prepare(model, hw, 5, 0);
      const r = kernel.run(prep, inputs, 3, 0);
      kernel.free(prep);
      const want = integerForward(model, inputs, 3);
      const what = `${model.name} b${b} d${d} P${polarity} sub${subPosition}`;
      for (let i = 0; i < want.length; i++) if (!Object.is(r.logits[i], want[i])) assert.unreachable(`${what}: logit ${i}: ${r.logits[i]} vs ${want[i]}`);
      for (const s of r.stats) { assert.is(s.absErrorSum, 0, what); assert.is(s.saturated, 0, what); }
    }
  }
});

// ===== Bit for bit with the reference =====

type Combo = { b: number; d: number; polarity: 1 | 2; sub: 0 | 1 };
const COMBOS: Combo[] = [];
for (const b of [1, 2]) for (const d of [1, 2]) for (const [polarity, sub] of [[1, 0], [2, 0], [2, 1]] as const) COMBOS.push({ b, d, polarity, sub });
/** Crossbar geometries: rows, columns, rowsPerConversion (chunks not multiples of 64, tiles that do not divide). */
const GEOMETRIES: [number, number, number][] = [[64, 64, 64], [48, 8, 12], [128, 16, 40], [32, 64, 32], [96, 12, 96]];

test('equals the reference bit for bit: ideal devices, every cell/DAC/polarity combination, ADC 4/6/8, both range modes', () => {
  const rng = new Rng(202);
  let k = 0;
  for (const combo of COMBOS) {
    for (const adcBits of [4, 6, 8]) {
      const [rows, cols, rpc] = GEOMETRIES[k % GEOMETRIES.length];
      const make = [cnnModel, depthwiseModel, mlpModel][k % 3];
      const calibrated = k % 2 === 1;
      k++;
      const model = make(rng.fork('model', k));
      const hw = hardware({
        xbarRows: rows, xbarCols: cols, rowsPerConversion: rpc, cellBits: combo.b, dacBits: combo.d, adcBits,
        polarity: combo.polarity, subPosition: combo.sub,
      }, { rangeMode: calibrated ? 'calibrated' : 'fixed' });
      const psumRanges = calibrated ? calibratedRanges(model, hw, rng) : undefined;
      const what = `${model.name} b${combo.b} d${combo.d} P${combo.polarity} sub${combo.sub} adc${adcBits} ${rows}x${cols}/${rpc} ${calibrated ? 'calibrated' : 'fixed'}`;
      crossCheck({ model, hw, n: 2, seed: 11 + k, trial: k % 3, imageOffset: k, psumRanges }, what, rng);
    }
  }
});

test('equals the reference bit for bit with stuck-at faults (and faults on the zero cells of a dense-held grouped conv)', () => {
  const rng = new Rng(303);
  const cases: [Combo, number, number, number][] = [
    [{ b: 1, d: 1, polarity: 2, sub: 0 }, 1, 1, 6],
    [{ b: 2, d: 1, polarity: 2, sub: 1 }, 2, 0.5, 4],
    [{ b: 1, d: 2, polarity: 1, sub: 0 }, 0.5, 2, 8],
    [{ b: 2, d: 2, polarity: 2, sub: 0 }, 5, 5, 6],
  ];
  cases.forEach(([combo, hrs, lrs, adcBits], k) => {
    for (const make of [cnnModel, depthwiseModel, mlpModel]) {
      const model = make(rng.fork('model', k));
      // 32 x 8 crossbars: the cnn's grouped convs are cheaper dense there (test the fallback's zero cells).
      const [rows, cols, rpc] = k % 2 === 0 ? [32, 8, 20] : [64, 64, 24];
      const hw = hardware({ xbarRows: rows, xbarCols: cols, rowsPerConversion: rpc, cellBits: combo.b, dacBits: combo.d, adcBits, polarity: combo.polarity, subPosition: combo.sub },
        { safHrsPct: hrs, safLrsPct: lrs });
      crossCheck({ model, hw, n: 2, seed: 77, trial: k, imageOffset: 3 }, `${model.name} SAF ${hrs}/${lrs} b${combo.b} d${combo.d} P${combo.polarity} sub${combo.sub}`, rng);
    }
  });
});

test('equals the reference bit for bit with variation, a finite HRS/LRS ratio, faults and read noise (f64 sums in row order)', () => {
  const rng = new Rng(404);
  const devices: Partial<PimDeviceOptions>[] = [
    { variationSigmaPctOfR: 5 },
    { variationSigmaPctOfR: 12, safHrsPct: 1, safLrsPct: 1 },
    { hrsLrsRatio: 20 },
    { variationSigmaPctOfR: 8, hrsLrsRatio: 50, readNoiseSigma: 0.7 },
    { readNoiseSigma: 1.5, safHrsPct: 2 },
    { variationSigmaPctOfR: 10, rangeMode: 'calibrated' },
  ];
  devices.forEach((device, k) => {
    const combo = COMBOS[(k * 5) % COMBOS.length];
    const make = [cnnModel, depthwiseModel, mlpModel][k % 3];
    const model = make(rng.fork('model', k));
    const [rows, cols, rpc] = GEOMETRIES[k % GEOMETRIES.length];
    const hw = hardware({ xbarRows: rows, xbarCols: cols, rowsPerConversion: rpc, cellBits: combo.b, dacBits: combo.d, adcBits: 6, polarity: combo.polarity, subPosition: combo.sub }, device);
    const psumRanges = device.rangeMode === 'calibrated' ? calibratedRanges(model, hw, rng) : undefined;
    crossCheck({ model, hw, n: 2, seed: 99, trial: k, imageOffset: 17, psumRanges }, `${model.name} ${JSON.stringify(device)} b${combo.b} d${combo.d} P${combo.polarity} sub${combo.sub}`, rng);
  });
});

test('equals the reference bit for bit on a LeNet-shaped model at the bench configuration (SIMD paths, chunks of 25 and 125 rows)', () => {
  const rng = new Rng(505);
  const b = new Builder(rng, { channels: 1, height: 16, width: 16, bits: 8, scale: 1 / 127, signed: false }, 8, 8);
  b.conv(6, 5, { pad: [2, 2, 2, 2] }).pool('max', 2).conv(16, 5).pool('max', 2).fc(24).fc(10);
  const model = b.build('lenet-small');
  // 6 and 8 bits: i16 lanes; 10 bits: (2^7 - 1) * 511 >= 2^15, so i32 lanes.
  for (const [adcBits, rangeMode] of [[6, 'fixed'], [8, 'fixed'], [4, 'calibrated'], [10, 'fixed'], [10, 'calibrated']] as const) {
    const hw = hardware({ xbarRows: 128, xbarCols: 128, rowsPerConversion: 128, adcBits }, { rangeMode });
    const psumRanges = rangeMode === 'calibrated' ? calibratedRanges(model, hw, rng) : undefined;
    crossCheck({ model, hw, n: 2, seed: 3, trial: 0, imageOffset: 0, psumRanges }, `lenet adc${adcBits} ${rangeMode}`, rng);
  }
});

test('a grouped conv that is cheaper dense is held dense: zero cells off the blocks can fail too (equals the reference)', () => {
  const rng = new Rng(515);
  // 8 -> 8, groups 2, 3x3 on 32-row crossbars: ch = 3 < gin = 4, so blocks need 2*2 = 4 row tiles, dense 3.
  const b = new Builder(rng, { channels: 8, height: 5, width: 5, bits: 6, scale: 1 / 31, signed: false }, 6, 6);
  b.conv(8, 3, { pad: [1, 1, 1, 1], groups: 2 }).fc(6);
  const model = b.build('dense-fallback');
  for (const device of [{}, { safHrsPct: 4, safLrsPct: 4 }, { variationSigmaPctOfR: 7, safLrsPct: 2 }]) {
    const hw = hardware({ xbarRows: 32, xbarCols: 8, rowsPerConversion: 16, adcBits: 6 }, device);
    const r = crossCheck({ model, hw, n: 2, seed: 5, trial: 1, imageOffset: 0 }, `dense fallback ${JSON.stringify(device)}`, rng);
    assert.is(r.stats[0].rowTiles, 3, 'dense row tiles');
  }
});

test('16-bit weights and activations (no SIMD: lanes could overflow; inputs wider than a byte) equal the reference', () => {
  const rng = new Rng(616);
  const b = new Builder(rng, { channels: 1, height: 1, width: 90, bits: 16, scale: 1 / 32767, signed: true }, 16, 16);
  b.fc(20, { relu: false }).fc(6);
  const model = b.build('wide');
  for (const [cellBits, dacBits, adcBits] of [[1, 1, 8], [2, 2, 10], [1, 2, 12]]) {
    const hw = hardware({ xbarRows: 64, rowsPerConversion: 48, cellBits, dacBits, adcBits });
    crossCheck({ model, hw, n: 2, seed: 9, trial: 0, imageOffset: 0 }, `wide b${cellBits} d${dacBits} adc${adcBits}`, rng);
  }
});

test('chunks of up to 300 rows (multi-word popcounts, byte sums widened every 7 words) equal the reference', () => {
  const rng = new Rng(717);
  const b = new Builder(rng, { channels: 1, height: 1, width: 300, bits: 8, scale: 1 / 127, signed: true }, 8, 8);
  b.fc(12, { relu: false }).fc(5);
  const model = b.build('long');
  const cases: [Partial<PimHardware>, Partial<PimDeviceOptions>][] = [
    [{ cellBits: 1, dacBits: 1, adcBits: 10 }, {}], // SIMD, i32 lanes, 10 words of 32 rows
    [{ cellBits: 1, dacBits: 1, adcBits: 6 }, {}], // SIMD, i16 lanes
    [{ cellBits: 2, dacBits: 1, adcBits: 8 }, { safHrsPct: 1 }], // planes of 5 u64 words (v128 popcounts)
    [{ cellBits: 1, dacBits: 2, adcBits: 8, polarity: 1 }, { variationSigmaPctOfR: 4 }],
  ];
  for (const [over, device] of cases) {
    const hw = hardware({ xbarRows: 512, xbarCols: 16, rowsPerConversion: 320, ...over }, device);
    crossCheck({ model, hw, n: 2, seed: 4, trial: 0, imageOffset: 0 }, `long ${JSON.stringify(over)} ${JSON.stringify(device)}`, rng);
  }
});

// ===== Baseline, determinism, chips =====

test('the f32 baseline (one multiply-accumulate per cell per cycle) gives the same results as the kernel', () => {
  const rng = new Rng(606);
  const hws = [
    hardware({ adcBits: 6 }),
    hardware({ cellBits: 2, dacBits: 2, subPosition: 1, adcBits: 5, rowsPerConversion: 40 }, { safHrsPct: 3, safLrsPct: 3 }),
    hardware({ polarity: 1, adcBits: 4, xbarRows: 48, rowsPerConversion: 16 }, { readNoiseSigma: 1 }),
  ];
  hws.forEach((hw, k) => {
    const model = [cnnModel, depthwiseModel, mlpModel][k](rng.fork('model', k));
    const inputs = randomInputs(rng, model, 3);
    const prep = kernel.prepare(model, hw, 8, 1);
    const fast = kernel.run(prep, inputs, 3, 4);
    const slow = kernel.runBaseline(prep, inputs, 3, 4);
    kernel.free(prep);
    assertSame(fast, slow, `${model.name} baseline ${k}`);
  });
});

test('the f32 baseline refuses real conductances (variation) with E_MODEL', () => {
  const model = mlpModel(new Rng(1));
  const prep = kernel.prepare(model, hardware({}, { variationSigmaPctOfR: 5 }), 1, 0);
  try {
    assert.throws(() => kernel.runBaseline(prep, randomInputs(new Rng(2), model, 1), 1, 0), (e: unknown) => e instanceof GibbonError && e.code === 'E_MODEL' && /baseline/.test(e.message));
  } finally {
    kernel.free(prep);
  }
});

test('one chip per (seed, trial): split batches with imageOffset equal one batch; another trial draws another chip', () => {
  const rng = new Rng(707);
  const model = cnnModel(rng.fork('model'));
  const hw = hardware({ adcBits: 6 }, { safHrsPct: 2, safLrsPct: 2, variationSigmaPctOfR: 6, readNoiseSigma: 0.5 });
  const inputs = randomInputs(rng, model, 4);
  const inSize = 2 * 9 * 8;
  const prep = kernel.prepare(model, hw, 21, 3);
  const all = kernel.run(prep, inputs, 4, 10);
  const a = kernel.run(prep, inputs.subarray(0, 2 * inSize), 2, 10);
  const b = kernel.run(prep, inputs.subarray(2 * inSize), 2, 12);
  const again = kernel.prepare(model, hw, 21, 3);
  const same = kernel.run(again, inputs, 4, 10);
  const other = kernel.prepare(model, hw, 21, 4);
  const diff = kernel.run(other, inputs, 4, 10);
  [prep, again, other].forEach((p) => kernel.free(p));
  assert.equal(Array.from(all.logits), [...a.logits, ...b.logits]);
  all.stats.forEach((s, i) => {
    assert.is(s.conversions, a.stats[i].conversions + b.stats[i].conversions);
    assert.is(s.absErrorSum, a.stats[i].absErrorSum + b.stats[i].absErrorSum);
    assert.is(s.saturated, a.stats[i].saturated + b.stats[i].saturated);
  });
  assert.equal(Array.from(same.logits), Array.from(all.logits));
  assert.ok(Array.from(diff.logits).some((v, i) => v !== all.logits[i]), 'another trial should be another chip');
});

test('n = 0 runs nothing and reports zero statistics', () => {
  const model = mlpModel(new Rng(3));
  const prep = kernel.prepare(model, hardware(), 1, 0);
  const r = kernel.run(prep, new Int32Array(0), 0, 0);
  kernel.free(prep);
  assert.is(r.logits.length, 0);
  assert.equal(r.stats.map((s) => s.conversions), [0, 0, 0]);
  assert.equal(r.stats.map((s) => s.rowTiles), [3, 2, 1]);
});

// ===== Errors =====

function throwsModel(fn: () => unknown, pattern: RegExp, what: string): void {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof GibbonError, `${what}: a GibbonError`);
    assert.is((e as GibbonError).code, 'E_MODEL', `${what}: code (${(e as Error).message})`);
    assert.match((e as Error).message, pattern, what);
    return;
  }
  assert.unreachable(`${what}: should throw`);
}

test('kernel statuses become E_MODEL errors naming the layer, the field, the value and what is allowed', () => {
  const rng = new Rng(808);
  const model = mlpModel(rng);
  const bad = structuredClone(model);
  (bad.layers[1] as PimMatrixLayer).weights[5] = 200;
  throwsModel(() => kernel.prepare(bad, hardware(), 1, 0), /layers\[1\] \(fc1\)\.weights\[5\]: got 200; allowed: an integer in -127\.\.127/, 'weight range');
  throwsModel(() => kernel.prepare(model, hardware({ cellBits: 9 }), 1, 0), /cellBits: got 9; allowed: an integer in 1\.\.8/, 'cell bits');
  throwsModel(() => kernel.prepare(model, hardware({}, { safHrsPct: 60, safLrsPct: 50 }), 1, 0), /safLrsPct: got 50/, 'SAF sum');
  const conv = depthwiseModel(rng);
  throwsModel(() => kernel.prepare(conv, hardware({ xbarRows: 8 }), 1, 0), /layers\[0\] \(conv0\)\.kernel: got 3; allowed: a kernel whose K\*K rows fit/, 'kernel too large');
  const shape = structuredClone(model);
  (shape.layers[2] as PimMatrixLayer).inC = 34;
  (shape.layers[2] as PimMatrixLayer).weights = new Int32Array(340);
  throwsModel(() => kernel.prepare(shape, hardware(), 1, 0), /layers\[2\] \(fc2\)\.inC: got 34/, 'shape');
  throwsModel(() => kernel.prepare({ ...model, classes: 9 }, hardware(), 1, 0), /classes: got 9/, 'classes');
  const prep = kernel.prepare(model, hardware(), 1, 0);
  try {
    const x = randomInputs(rng, model, 2);
    x[150 + 7] = 128;
    throwsModel(() => kernel.run(prep, x, 2, 0), /inputs\[157\]: got 128; allowed: an integer on the input grid, 0\.\.127/, 'input range');
  } finally {
    kernel.free(prep);
  }
  const cal = kernel.prepare(model, hardware({}, { rangeMode: 'calibrated' }), 1, 0);
  try {
    throwsModel(() => kernel.run(cal, randomInputs(rng, model, 1), 1, 0), /layers\[0\] \(fc0\)\.psumRange: got nothing/, 'calibrated without a range');
  } finally {
    kernel.free(cal);
  }
  assert.throws(() => kernel.run(prep, randomInputs(rng, model, 1), 1, 0), (e: unknown) => e instanceof GibbonError && e.code === 'E_KERNEL', 'a freed handle');
});

// ===== hardwareFor =====

test('hardwareFor: rowsPerConversion = min(dacNum, subarrayRows) * rows/subarrayRows; DAC/ADC bits from the tables; the kernel\'s errors', () => {
  const mnsim = hardwareFor(MNSIM_DEFAULT_ARCH, IDEAL);
  assert.equal([mnsim.xbarRows, mnsim.xbarCols, mnsim.rowsPerConversion, mnsim.dacBits, mnsim.adcBits, mnsim.cellBits, mnsim.polarity, mnsim.subPosition],
    [256, 256, 128, 1, 6, 1, 2, 0]);
  const gibbon = hardwareFor(GIBBON_BASE_ARCH, IDEAL);
  assert.equal([gibbon.rowsPerConversion, gibbon.dacBits, gibbon.adcBits], [128, 1, 8]);
  const a = structuredClone(GIBBON_BASE_ARCH) as ArchConfig;
  a.xbar.rows = 256; a.xbar.subarrayRows = 64; a.pe.dacNum = 32;
  a.dac.choice = 5; a.adc = { ...a.adc, choice: -1, customBits: 5, customAreaUm2: 100, customPowerW: 1e-3, customSampleRateGsps: 1 };
  const h = hardwareFor(a, { ...IDEAL, safHrsPct: 1 });
  assert.equal([h.rowsPerConversion, h.dacBits, h.adcBits, h.device.safHrsPct], [128, 6, 5, 1]);
  a.pe.dacNum = 100;
  assert.is(hardwareFor(a, IDEAL).rowsPerConversion, 256);
  a.adc.customSampleRateGsps = 0; // the architecture is checked as the hardware simulator checks it
  assert.throws(() => hardwareFor(a, IDEAL), (e: unknown) => e instanceof GibbonError && e.message === 'arch: adc.customSampleRateGsps: got 0; allowed: a number in 1e-9..1000000000000');
});

test('hardwareFor, digital PIM: the 1-bit DAC and an exact sense-amplifier readout (ADC bits whose top code holds the largest partial sum)', () => {
  const a = structuredClone(GIBBON_BASE_ARCH) as ArchConfig;
  a.xbar.rows = 4; a.xbar.cols = 4; a.xbar.subarrayRows = 4; a.pe.dacNum = 4; a.device.cellBits = 2;
  a.dac.choice = 2; a.adc.choice = 7; // analog: a 2-bit DAC and a 4-bit ADC
  const analog = hardwareFor(a, IDEAL);
  assert.equal([analog.dacBits, analog.adcBits, analog.rowsPerConversion], [2, 4, 4]);
  a.pe.pimType = 'digital';
  // d = 1 (DAC choice 1), b = 2, 4 rows per conversion: the largest partial sum is (2^1 - 1)(2^2 - 1) * 4 = 12;
  // T(4) = 7 < 12 <= T(5) = 15, so Q = 5.
  const digital = hardwareFor(a, IDEAL);
  assert.equal([digital.dacBits, digital.adcBits, digital.rowsPerConversion], [1, 5, 4]);
  // The hand-worked fc on it: 1-bit input digits, LSB 1, nothing clips: the integer dot products 95 and -21.
  const prep = kernel.prepare(handModel(), digital, 1, 0);
  const r = kernel.run(prep, HAND_X, 1, 0);
  kernel.free(prep);
  assert.equal(Array.from(r.logits), [(95 + 1) * 0.5 * 0.25, (-21 - 2) * 0.5]);
  assert.equal([r.stats[0].inputCycles, r.stats[0].conversions, r.stats[0].saturated, r.stats[0].absErrorSum], [3, 12, 0, 0]);
  // A user-defined DAC stays: d = 3 gives (2^3 - 1)(2^2 - 1) * 4 = 84, T(7) = 63 < 84 <= T(8) = 127.
  a.dac = { ...a.dac, choice: -1, customBits: 3, customAreaUm2: 1, customPowerW: 1e-5, customSampleRateGsps: 1 };
  assert.equal([hardwareFor(a, IDEAL).dacBits, hardwareFor(a, IDEAL).adcBits], [3, 8]);
  // A user-defined ADC is used as configured.
  a.adc = { ...a.adc, choice: -1, customBits: 6, customAreaUm2: 100, customPowerW: 1e-3, customSampleRateGsps: 1 };
  assert.is(hardwareFor(a, IDEAL).adcBits, 6);
  // Sums past 31 bits have no exact readout: (2^8 - 1)(2^8 - 1) * 65536 > 2^31 - 1.
  a.adc.choice = 2; a.dac.customBits = 8; a.device.cellBits = 8; a.xbar.rows = 65536; a.xbar.subarrayRows = 65536; a.pe.dacNum = 65536;
  assert.throws(() => hardwareFor(a, IDEAL), (e: unknown) => e instanceof GibbonError && e.message.startsWith('arch: dac.customBits: got 8; allowed: a DAC narrow enough'));
});

test.run();
