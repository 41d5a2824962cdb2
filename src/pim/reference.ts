// A plain, independent implementation of docs/functional.md: loops over cells, rows, slices and
// cycles, no bit tricks, no packing. It is slow on purpose and exists to hold the WASM kernel to the
// contract bit for bit (test/pim/*). Keep it literal: each step cites the section it implements.
import { uniformAt, normalAt } from '../util/rng.ts';
import type { PimBatchResult, PimHardware, PimLayer, PimLayerStats, PimMatrixLayer, PimModel } from './types.ts';
import { layerGeometry, placeMatrixLayer, type LayerGeometry } from './mapping.ts';

export interface ReferenceOptions {
  seed: number;
  trial: number;
  /** Index of the first image in the evaluated split (keys the read noise). */
  imageOffset: number;
  /** Per layer index: the ADC full scale in calibrated mode (overrides the model's psumRange). */
  psumRanges?: Float64Array;
}

/** §0: the largest magnitude on an n-bit signed symmetric grid. */
export function gridTop(bits: number): number { return 2 ** (bits - 1) - 1; }

/** §0: round half away from zero. */
export function rha(v: number): number { return v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5); }

function clamp(v: number, lo: number, hi: number): number { return v < lo ? lo : v > hi ? hi : v; }

/** §5: digit `j` of m >= 0 in base 2^bits. */
function digit(m: number, j: number, bits: number): number { return Math.floor(m / 2 ** (bits * j)) % 2 ** bits; }

/** One chip instance of a matrix layer: per cell (index k of §5) its conductance and ideal level. */
interface LayerChip {
  geo: LayerGeometry;
  /** Conductance used by the analog sum (integer levels on the ideal path). */
  g: Float64Array;
  /** The ideal signed level (no faults, no variation, no leak). */
  ideal: Float64Array;
}

function isRealPath(hw: PimHardware): boolean {
  const d = hw.device;
  return d.variationSigmaPctOfR > 0 || Number.isFinite(d.hrsLrsRatio) || d.readNoiseSigma > 0;
}

/** §5 device model and randomness: draws the cells of layer `layer` for (seed, trial). */
function drawChip(layer: PimMatrixLayer, hw: PimHardware, seed: number, trial: number): LayerChip {
  const geo = layerGeometry(layer, hw);
  const b = hw.cellBits, maxLevel = 2 ** b - 1;
  const d = hw.device;
  const real = isRealPath(hw);
  const g0 = Number.isFinite(d.hrsLrsRatio) ? maxLevel / (d.hrsLrsRatio - 1) : 0;
  const sigma = d.variationSigmaPctOfR / 100;
  const hrs = d.safHrsPct / 100, lrsEdge = 1 - d.safLrsPct / 100;
  const n = geo.groups * geo.rowsPerGroup * geo.gout * geo.slices * 2;
  const g = new Float64Array(n), ideal = new Float64Array(n);
  const l = layer.index;
  for (let gamma = 0; gamma < geo.groups; gamma++) {
    for (let r = 0; r < geo.rowsPerGroup; r++) {
      for (let c = 0; c < geo.gout; c++) {
        const wq = layer.weights[(gamma * geo.gout + c) * geo.rowsPerGroup + r];
        for (let j = 0; j < geo.slices; j++) {
          for (let p = 0; p < (hw.polarity === 2 ? 2 : 1); p++) {
            const k = (((gamma * geo.rowsPerGroup + r) * geo.gout + c) * geo.slices + j) * 2 + p;
            let level: number, sgn: number;
            if (hw.polarity === 2) {
              level = digit(p === 0 ? Math.max(wq, 0) : Math.max(-wq, 0), j, b);
              sgn = 1;
            } else {
              level = digit(Math.abs(wq), j, b);
              sgn = wq < 0 ? -1 : 1;
            }
            ideal[k] = sgn * level;
            const u = uniformAt(seed, trial, 4 * l, k, 0);
            if (u < hrs) level = 0;
            else if (u >= lrsEdge) level = maxLevel;
            if (!real) { g[k] = sgn * level; continue; }
            const eta = sigma > 0 ? 1 / Math.max(1 + sigma * normalAt(seed, trial, 4 * l + 1, k, 0), 0.05) : 1;
            g[k] = hw.polarity === 2 ? (level + g0) * eta : sgn * level * eta + g0 * eta;
          }
        }
      }
    }
  }
  return { geo, g, ideal };
}

function emptyStats(layer: PimLayer, geo?: LayerGeometry): PimLayerStats {
  return {
    index: layer.index, name: layer.name, conversions: 0, saturated: 0, absErrorSum: 0,
    adcSaturationFrac: 0, psumMae: 0, rowTiles: geo?.rowTiles ?? 0, weightSlices: geo?.slices ?? 0,
    inputCycles: geo?.cycles ?? 0, psumRange: -1,
  };
}

/** §5: the ADC full scale of a chunk of `rows` rows. */
function fullScale(layer: PimMatrixLayer, hw: PimHardware, rows: number, opts: ReferenceOptions): number {
  if (hw.device.rangeMode === 'fixed') return (2 ** hw.dacBits - 1) * (2 ** hw.cellBits - 1) * rows;
  const r = opts.psumRanges?.[layer.index] ?? layer.psumRange;
  if (r === undefined || Number.isNaN(r)) throw new Error(`layer ${layer.index}: calibrated ADC range mode needs a psumRange`);
  return r;
}

/** §5 ADC: returns [p̂, saturated]. */
function convert(p: number, full: number, adcBits: number): [number, boolean] {
  const top = gridTop(adcBits);
  let e = 0;
  while (top * 2 ** e < full) e++;
  const lsb = 2 ** e;
  const q = rha(p / lsb);
  return [clamp(q, -top, top) * lsb, Math.abs(q) > top];
}

/** §4–§5: the accumulators of one matrix layer for one image; `x` is its input tensor (C,H,W). */
function matrixLayer(layer: PimMatrixLayer, chip: LayerChip, hw: PimHardware, x: Int32Array, img: number,
  opts: ReferenceOptions, stats: PimLayerStats, psumMax: Float64Array): Float64Array {
  const { geo } = chip;
  const { k, gin, gout, ch, slices, cycles } = geo;
  const [pt, pl] = layer.padding;
  const s = layer.stride;
  const inH = layer.inH, inW = layer.inW;
  const rpc = hw.rowsPerConversion;
  const kc = Math.ceil(hw.xbarRows / rpc);
  const d = hw.dacBits, b = hw.cellBits;
  const real = isRealPath(hw);
  const noise = hw.device.readNoiseSigma;
  const arrays = hw.polarity === 2 && hw.subPosition === 1 ? 2 : 1;
  const acc = new Float64Array(layer.outC * layer.outH * layer.outW);
  const cellIndex = (gamma: number, r: number, c: number, j: number, p: number) =>
    (((gamma * geo.rowsPerGroup + r) * gout + c) * slices + j) * 2 + p;
  /** The conductance a (column, slice) sees on row r: analog subtraction for P = 2, sub = 0. */
  const cellG = (arr: Float64Array, gamma: number, r: number, c: number, j: number, a: number): number => {
    if (hw.polarity === 1) return arr[cellIndex(gamma, r, c, j, 0)];
    if (arrays === 2) return arr[cellIndex(gamma, r, c, j, a)];
    return arr[cellIndex(gamma, r, c, j, 0)] - arr[cellIndex(gamma, r, c, j, 1)];
  };
  for (let oh = 0; oh < layer.outH; oh++) {
    for (let ow = 0; ow < layer.outW; ow++) {
      const pix = oh * layer.outW + ow;
      for (let gamma = 0; gamma < geo.groups; gamma++) {
        // the unrolled input vector of this group (§4: r = (ci*K + kh)*K + kw)
        const xr = new Float64Array(geo.rowsPerGroup);
        for (let ci = 0; ci < gin; ci++) for (let kh = 0; kh < k; kh++) for (let kw = 0; kw < k; kw++) {
          const ih = oh * s - pt + kh, iw = ow * s - pl + kw;
          const inside = ih >= 0 && ih < inH && iw >= 0 && iw < inW;
          xr[(ci * k + kh) * k + kw] = inside ? x[((gamma * gin + ci) * inH + ih) * inW + iw] : 0;
        }
        const rowOffset = geo.groupsPerXbar > 1 ? (gamma % geo.groupsPerXbar) * geo.rowsPerGroup : 0;
        for (let t = 0; t < geo.tilesPerGroup; t++) {
          const r0 = t * ch * k * k, r1 = Math.min((t + 1) * ch, gin) * k * k;
          // chunks: crossbar rows grouped by floor(xrow / rowsPerConversion)
          const firstChunk = Math.floor(rowOffset / rpc), lastChunk = Math.floor((rowOffset + (r1 - r0) - 1) / rpc);
          for (let kchunk = firstChunk; kchunk <= lastChunk; kchunk++) {
            const rows: number[] = [];
            for (let r = r0; r < r1; r++) if (Math.floor((rowOffset + r - r0) / rpc) === kchunk) rows.push(r);
            const full = fullScale(layer, hw, rows.length, opts);
            for (let c = 0; c < gout; c++) {
              const co = gamma * gout + c;
              for (let j = 0; j < slices; j++) {
                for (let i = 0; i < cycles; i++) {
                  let phat = 0;
                  for (let a = 0; a < arrays; a++) {
                    let p = 0, pIdeal = 0;
                    for (const r of rows) {
                      const xv = xr[r];
                      const drive = (xv < 0 ? -1 : xv > 0 ? 1 : 0) * digit(Math.abs(xv), i, d);
                      if (drive === 0) continue;
                      p += drive * cellG(chip.g, gamma, r, c, j, a);
                      pIdeal += drive * cellG(chip.ideal, gamma, r, c, j, a);
                    }
                    if (real && noise > 0) {
                      const v = ((((((((pix * geo.groups + gamma) * geo.tilesPerGroup + t) * kc + kchunk) * gout + c) * slices + j) * cycles + i) * 2 + a) % 4294967296);
                      p += noise * normalAt(opts.seed, opts.trial, 4 * layer.index + 2, (opts.imageOffset + img) >>> 0, v);
                    }
                    const [conv, sat] = convert(p, full, hw.adcBits);
                    stats.conversions++;
                    if (sat) stats.saturated++;
                    stats.absErrorSum += Math.abs(conv - pIdeal);
                    if (Math.abs(pIdeal) > psumMax[layer.index]) psumMax[layer.index] = Math.abs(pIdeal);
                    phat += a === 0 ? conv : -conv;
                  }
                  acc[co * layer.outH * layer.outW + pix] += 2 ** (b * j + d * i) * phat;
                }
              }
            }
          }
        }
      }
    }
  }
  return acc;
}

/** §3 requantization, or the §2 logits for the last layer. */
function finishMatrix(layer: PimMatrixLayer, acc: Float64Array): { tensor?: Int32Array; logits?: Float64Array } {
  const pixels = layer.outH * layer.outW;
  if (layer.isLast) {
    const logits = new Float64Array(acc.length);
    for (let i = 0; i < acc.length; i++) {
      const co = Math.floor(i / pixels);
      logits[i] = (acc[i] + layer.bias[co]) * layer.input.scale * layer.weightScale[co];
    }
    return { logits };
  }
  const out = new Int32Array(acc.length);
  const top = gridTop(layer.out.bits), lo = layer.relu ? 0 : -top;
  for (let i = 0; i < acc.length; i++) {
    const co = Math.floor(i / pixels);
    const m = (layer.input.scale * layer.weightScale[co]) / layer.out.scale;
    out[i] = clamp(rha((acc[i] + layer.bias[co]) * m), lo, top);
  }
  return { tensor: out };
}

function pool(layer: PimLayer & { type: 'pool' }, x: Int32Array): Int32Array {
  const out = new Int32Array(layer.outC * layer.outH * layer.outW);
  const k = layer.kernel, [pt, pl] = layer.padding;
  for (let c = 0; c < layer.outC; c++) for (let oh = 0; oh < layer.outH; oh++) for (let ow = 0; ow < layer.outW; ow++) {
    let best = -Infinity, sum = 0;
    for (let kh = 0; kh < k; kh++) for (let kw = 0; kw < k; kw++) {
      const ih = oh * layer.stride - pt + kh, iw = ow * layer.stride - pl + kw;
      if (ih < 0 || ih >= layer.inH || iw < 0 || iw >= layer.inW) continue;
      const v = x[(c * layer.inH + ih) * layer.inW + iw];
      if (v > best) best = v;
      sum += v;
    }
    out[(c * layer.outH + oh) * layer.outW + ow] = layer.mode === 'max' ? (best === -Infinity ? 0 : best) : rha(sum / (k * k));
  }
  return out;
}

function add(layer: PimLayer & { type: 'add' }, xs: Int32Array[]): Int32Array {
  const out = new Int32Array(xs[0].length);
  const m = layer.inputScales.map((s) => s / layer.out.scale);
  const top = gridTop(layer.out.bits), lo = layer.relu ? 0 : -top;
  for (let e = 0; e < out.length; e++) {
    let v = 0;
    for (let q = 0; q < xs.length; q++) v += xs[q][e] * m[q];
    out[e] = clamp(rha(v), lo, top);
  }
  return out;
}

/** Runs `n` images (quantized network input, n x C x H x W) through the model on the crossbars. */
export function referenceForward(model: PimModel, hw: PimHardware, inputs: Int32Array, n: number,
  opts: ReferenceOptions): PimBatchResult & { psumMax: Float64Array } {
  // §4: grouped convs that are cheaper dense are held dense (zeros off the group blocks).
  const placed = model.layers.map((l) => (l.type === 'conv' || l.type === 'fc' ? placeMatrixLayer(l, hw) : l));
  const chips = placed.map((l) => (l.type === 'conv' || l.type === 'fc' ? drawChip(l, hw, opts.seed, opts.trial) : undefined));
  const stats = model.layers.map((l, i) => emptyStats(l, chips[i]?.geo));
  const psumMax = new Float64Array(model.layers.length);
  const inSize = model.input.channels * model.input.height * model.input.width;
  const logits = new Float64Array(n * model.classes);
  const predictions = new Int32Array(n);
  for (let img = 0; img < n; img++) {
    const x0 = inputs.subarray(img * inSize, (img + 1) * inSize);
    const outs: Int32Array[] = [];
    const src = (q: number) => (q < 0 ? x0 : outs[q]);
    for (const layer of placed) {
      if (layer.type === 'pool') { outs.push(pool(layer, src(layer.inputs[0]))); continue; }
      if (layer.type === 'add') { outs.push(add(layer, layer.inputs.map(src))); continue; }
      const acc = matrixLayer(layer, chips[layer.index]!, hw, src(layer.inputs[0]), img, opts, stats[layer.index], psumMax);
      const done = finishMatrix(layer, acc);
      if (done.logits) {
        logits.set(done.logits, img * model.classes);
        let best = 0;
        for (let c = 1; c < model.classes; c++) if (done.logits[c] > done.logits[best]) best = c;
        predictions[img] = best;
        outs.push(new Int32Array(0));
      } else outs.push(done.tensor!);
    }
  }
  for (const s of stats) {
    s.adcSaturationFrac = s.conversions ? s.saturated / s.conversions : 0;
    s.psumMae = s.conversions ? s.absErrorSum / s.conversions : 0;
  }
  model.layers.forEach((l, i) => {
    if (l.type !== 'conv' && l.type !== 'fc') return;
    stats[i].psumRange = hw.device.rangeMode === 'fixed' ? -1 : (opts.psumRanges?.[i] ?? l.psumRange ?? -1);
  });
  return { logits, predictions, stats, psumMax };
}

/** Plain integer quantized inference (no crossbars): the lossless target of §5. */
export function integerForward(model: PimModel, inputs: Int32Array, n: number): Float64Array {
  const inSize = model.input.channels * model.input.height * model.input.width;
  const logits = new Float64Array(n * model.classes);
  for (let img = 0; img < n; img++) {
    const x0 = inputs.subarray(img * inSize, (img + 1) * inSize);
    const outs: Int32Array[] = [];
    const src = (q: number) => (q < 0 ? x0 : outs[q]);
    for (const layer of model.layers) {
      if (layer.type === 'pool') { outs.push(pool(layer, src(layer.inputs[0]))); continue; }
      if (layer.type === 'add') { outs.push(add(layer, layer.inputs.map(src))); continue; }
      const x = src(layer.inputs[0]);
      const k = layer.kernel, g = layer.convGroups, gin = layer.inC / g, gout = layer.outC / g;
      const acc = new Float64Array(layer.outC * layer.outH * layer.outW);
      for (let co = 0; co < layer.outC; co++) {
        const gamma = Math.floor(co / gout);
        for (let oh = 0; oh < layer.outH; oh++) for (let ow = 0; ow < layer.outW; ow++) {
          let sum = 0;
          for (let ci = 0; ci < gin; ci++) for (let kh = 0; kh < k; kh++) for (let kw = 0; kw < k; kw++) {
            const ih = oh * layer.stride - layer.padding[0] + kh, iw = ow * layer.stride - layer.padding[1] + kw;
            if (ih < 0 || ih >= layer.inH || iw < 0 || iw >= layer.inW) continue;
            sum += x[((gamma * gin + ci) * layer.inH + ih) * layer.inW + iw] * layer.weights[((co * gin + ci) * k + kh) * k + kw];
          }
          acc[(co * layer.outH + oh) * layer.outW + ow] = sum;
        }
      }
      const done = finishMatrix(layer, acc);
      if (done.logits) { logits.set(done.logits, img * model.classes); outs.push(new Int32Array(0)); } else outs.push(done.tensor!);
    }
  }
  return logits;
}
