// The plain reference of docs/functional.md against hand-worked conversions and, at a lossless ADC,
// against plain integer inference.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { referenceForward, integerForward, gridTop } from '../../src/pim/reference.ts';
import type { PimHardware, PimMatrixLayer, PimModel } from '../../src/pim/types.ts';
import { Rng } from '../../src/util/rng.ts';

const IDEAL = { rangeMode: 'fixed' as const, safHrsPct: 0, safLrsPct: 0, variationSigmaPctOfR: 0, hrsLrsRatio: Infinity, readNoiseSigma: 0 };
function hw(over: Partial<PimHardware> = {}): PimHardware {
  return { xbarRows: 128, xbarCols: 128, cellBits: 1, dacBits: 1, adcBits: 8, polarity: 2, subPosition: 0, rowsPerConversion: 128, device: IDEAL, ...over };
}

function fc(index: number, inF: number, outF: number, w: number[], wBits: number, inBits: number, isLast = true): PimMatrixLayer {
  return {
    type: 'fc', index, name: `fc${index}`, inputs: [index - 1], inC: inF, inH: 1, inW: 1, outC: outF, outH: 1, outW: 1,
    kernel: 1, stride: 1, padding: [0, 0, 0, 0], convGroups: 1, weightBits: wBits, weights: Int32Array.from(w),
    weightScale: new Float64Array(outF).fill(1), bias: new Float64Array(outF), input: { bits: inBits, scale: 1, signed: false },
    out: { bits: 8, scale: 1, signed: false }, relu: false, isLast,
  };
}
function model(layers: PimModel['layers'], c: number, h: number, w: number, bits: number, classes: number): PimModel {
  return { name: 't', input: { channels: c, height: h, width: w, bits, scale: 1, signed: false }, layers, classes };
}
const OPTS = { seed: 1, trial: 0, imageOffset: 0 };

test('hand-worked fc: w=[3,-2,1] (3 bits), x=[2,1,3] (3 bits), 1-bit cells and DAC', () => {
  // Slices: pos 3 -> [1,1], 1 -> [1,0]; neg 2 -> [0,1]. Cycles: x digits i0 [0,1,1], i1 [1,0,1].
  // p(j0,i0)=1, p(j0,i1)=2, p(j1,i0)=-1, p(j1,i1)=1 -> acc = 1 + 2*2 + 2*(-1) + 4*1 = 7 = 6 - 2 + 3.
  const m = model([fc(0, 3, 1, [3, -2, 1], 3, 3)], 3, 1, 1, 3, 1);
  const x = Int32Array.from([2, 1, 3]);
  const lossless = referenceForward(m, hw({ adcBits: 3 }), x, 1, OPTS); // F = 3 rows, top = 3: LSB 1
  assert.is(lossless.logits[0], 7);
  assert.is(lossless.stats[0].conversions, 4);
  assert.is(lossless.stats[0].psumMae, 0);
  assert.is(lossless.psumMax[0], 2);
  // Q = 2: top 1, LSB 4. Codes rha(1/4)=0, rha(2/4)=1 -> 4, rha(-1/4)=0, rha(1/4)=0: acc = 2*4 = 8.
  const coarse = referenceForward(m, hw({ adcBits: 2 }), x, 1, OPTS);
  assert.is(coarse.logits[0], 8);
  assert.is(coarse.stats[0].saturated, 0);
  assert.is(coarse.stats[0].psumMae, (1 + 2 + 1 + 1) / 4);
  // Calibrated full scale 1 at Q = 2: LSB 1, p = 2 saturates to 1: acc = 1 + 2*1 + 2*(-1) + 4*1 = 5.
  const cal = referenceForward(m, hw({ adcBits: 2, device: { ...IDEAL, rangeMode: 'calibrated' } }), x, 1, { ...OPTS, psumRanges: Float64Array.from([1]) });
  assert.is(cal.logits[0], 5);
  assert.is(cal.stats[0].saturated, 1);
  // Digital subtraction (sub = 1): pos and neg converted apart, 8 conversions, same lossless sum.
  const sub = referenceForward(m, hw({ adcBits: 3, subPosition: 1 }), x, 1, OPTS);
  assert.is(sub.logits[0], 7);
  assert.is(sub.stats[0].conversions, 8);
  // 2-bit cells: one slice of magnitude digits (3 -> 3, 2 -> 2, 1 -> 1): p(i0)=1*0 ... = acc 7 again.
  assert.is(referenceForward(m, hw({ adcBits: 6, cellBits: 2 }), x, 1, OPTS).logits[0], 7);
});

/** A random valid model: conv (grouped, even kernel, asymmetric pad) -> pool -> conv -> add -> fc. */
function randomModel(rng: Rng, wBits: number, aBits: number): PimModel {
  const T = (b: number) => gridTop(b);
  const rw = (n: number, b: number) => Int32Array.from({ length: n }, () => rng.int(2 * T(b) + 1) - T(b));
  const grid = (bits: number, signed: boolean) => ({ bits, scale: 0.5 + rng.next(), signed });
  const inG = grid(aBits, true);
  const c1: PimMatrixLayer = {
    type: 'conv', index: 0, name: 'c1', inputs: [-1], inC: 4, inH: 7, inW: 6, outC: 6, outH: 7, outW: 6, kernel: 2, stride: 1,
    padding: [1, 0, 0, 1], convGroups: 2, weightBits: wBits, weights: rw(6 * 2 * 4, wBits), weightScale: Float64Array.from({ length: 6 }, () => 0.01 + rng.next() * 0.02),
    bias: Float64Array.from({ length: 6 }, () => rng.int(41) - 20), input: inG, out: grid(aBits, false), relu: true, isLast: false,
  };
  const p = { type: 'pool' as const, index: 1, name: 'p', inputs: [0], inC: 6, inH: 7, inW: 6, outC: 6, outH: 4, outW: 3, mode: 'max' as const, kernel: 2, stride: 2, padding: [1, 0, 0, 0] as [number, number, number, number], out: c1.out };
  const c2: PimMatrixLayer = {
    type: 'conv', index: 2, name: 'c2', inputs: [1], inC: 6, inH: 4, inW: 3, outC: 6, outH: 4, outW: 3, kernel: 3, stride: 1,
    padding: [1, 1, 1, 1], convGroups: 1, weightBits: wBits, weights: rw(6 * 6 * 9, wBits), weightScale: Float64Array.from({ length: 6 }, () => 0.005 + rng.next() * 0.01),
    bias: Float64Array.from({ length: 6 }, () => rng.int(41) - 20), input: c1.out, out: grid(aBits, true), relu: false, isLast: false,
  };
  const a = { type: 'add' as const, index: 3, name: 'a', inputs: [2, 1], inC: 6, inH: 4, inW: 3, outC: 6, outH: 4, outW: 3, relu: true, inputScales: [c2.out.scale, c1.out.scale], out: grid(aBits, false) };
  const f: PimMatrixLayer = {
    type: 'fc', index: 4, name: 'f', inputs: [3], inC: 72, inH: 1, inW: 1, outC: 5, outH: 1, outW: 1, kernel: 1, stride: 1,
    padding: [0, 0, 0, 0], convGroups: 1, weightBits: wBits, weights: rw(72 * 5, wBits), weightScale: Float64Array.from({ length: 5 }, () => 0.01 + rng.next()),
    bias: Float64Array.from({ length: 5 }, () => rng.int(11) - 5), input: a.out, out: grid(8, true), relu: false, isLast: true,
  };
  return { name: 'random', input: { ...inG, channels: 4, height: 7, width: 6 }, layers: [c1, p, c2, a, f], classes: 5 };
}

test('lossless ADC, ideal devices: PIM logits equal integer inference exactly (all layer kinds)', () => {
  const rng = new Rng(5);
  for (const [wBits, aBits, cellBits, dacBits, polarity, sub, rows, rpc] of [
    [9, 9, 1, 1, 2, 0, 64, 64], [7, 5, 2, 2, 2, 1, 32, 16], [5, 7, 2, 1, 1, 0, 128, 48], [9, 5, 1, 2, 2, 0, 16, 8],
  ] as const) {
    const m = randomModel(rng, wBits, aBits);
    const n = 3, T = gridTop(aBits);
    const x = Int32Array.from({ length: n * 4 * 7 * 6 }, () => rng.int(2 * T + 1) - T);
    const h = hw({ xbarRows: rows, xbarCols: rows, cellBits, dacBits, polarity, subPosition: sub, rowsPerConversion: rpc, adcBits: 16 });
    const pim = referenceForward(m, h, x, n, OPTS);
    assert.equal(Array.from(pim.logits), Array.from(integerForward(m, x, n)), `config w${wBits} a${aBits} b${cellBits} d${dacBits} P${polarity} sub${sub} R${rows}`);
    assert.ok(pim.stats.every((s) => s.saturated === 0 && s.absErrorSum === 0));
  }
});

test('coupled stuck-at faults: higher rates never lower the mean partial-sum error', () => {
  const rng = new Rng(8);
  const m = randomModel(rng, 9, 9);
  const x = Int32Array.from({ length: 4 * 4 * 7 * 6 }, () => rng.int(511) - 255);
  let prev = -1, convs = 0;
  for (const pct of [0, 0.5, 2, 8]) {
    const r = referenceForward(m, hw({ adcBits: 16, device: { ...IDEAL, safHrsPct: pct, safLrsPct: pct } }), x, 4, OPTS);
    const err = r.stats.reduce((s, l) => s + l.absErrorSum, 0);
    convs = r.stats.reduce((s, l) => s + l.conversions, 0);
    assert.ok(err >= prev, `error at ${pct}% = ${err} < ${prev}`);
    prev = err;
  }
  assert.ok(convs >= 10000, `only ${convs} partial sums`);
  assert.ok(prev > 0);
});

test.run();
