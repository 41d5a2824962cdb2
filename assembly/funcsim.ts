// The bit-accurate functional (accuracy) simulator: runs a quantized network the way memristor crossbars
// would (docs/functional.md is the contract; docs/abi.md §9 the ABI). prepare() validates the
// records, maps every conv/fc onto row tiles with the hardware model's own packGroups(), cuts the tiles
// into conversion chunks, slices the weights into packed bit planes (stuck-at faults applied) and, for
// non-ideal devices, precomputes each cell's real conductance. run() pushes images through: conv/fc on
// the crossbars (popcounts of packed planes on the integer path, f64 sums in ascending row order on the
// real path), ADC, shift-and-add, then requantization, pooling and adds in digital.
import * as F from './funcsim-layout';
import { FUNC_DAC_BITS_MAX, FUNC_ADC_BITS_MIN, CONVERTER_BITS_MAX } from './converter-tables';
import { packGroups, packChannelsPerXbar, packGroupsPerXbar, packRowTiles, packDense } from './mapping';
import { normalAt } from './rng';
import { setChip, faultsOn, variationOn, faultyLevel, etaAt, cellIndex } from './faults';
import { andPop, planeDot, packInputPlanes, packInputPlanesSimd, setBit, wordsFor } from './bitplane';

// ===== Errors: first one wins, read back with gibbon_pim_error =====

let eStatus: i32 = 0;
let eLayer: f64 = 0;
let eField: f64 = -1;
let eValue: f64 = 0;
let eIndex: f64 = -1;

function clearError(): void { eStatus = 0; eLayer = 0; eField = -1; eValue = 0; eIndex = -1; }

/** Records the first error of a call; returns false so that checks read `if (!ok) return fail(...)`. */
function fail(status: i32, layer: f64, field: f64, value: f64, index: f64 = -1): bool {
  if (eStatus == 0) { eStatus = status; eLayer = layer; eField = field; eValue = value; eIndex = index; }
  return false;
}

export function writeError(out: usize): void {
  store<f64>(out + (<usize>F.FE_STATUS << 3), <f64>eStatus);
  store<f64>(out + (<usize>F.FE_LAYER << 3), eLayer);
  store<f64>(out + (<usize>F.FE_FIELD << 3), eField);
  store<f64>(out + (<usize>F.FE_VALUE << 3), eValue);
  store<f64>(out + (<usize>F.FE_INDEX << 3), eIndex);
}

// ===== Small helpers =====

@inline function rd(p: usize, field: i32): f64 { return load<f64>(p + (<usize>field << 3)); }
/** An integer in lo..hi (false for NaN and infinities). */
@inline function isIntIn(v: f64, lo: f64, hi: f64): bool { return v == Math.floor(v) && v >= lo && v <= hi; }
@inline function isFinite(v: f64): bool { return v - v == 0; }
/** T(n) = 2^(n-1) - 1. */
@inline function gridTop(bits: i32): i32 { return (1 << (bits - 1)) - 1; }
/** Round half away from zero (docs/functional.md, notation). */
@inline function rha(v: f64): f64 { return v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5); }
@inline function clampI(v: f64, lo: i32, hi: i32): i32 { return v < <f64>lo ? lo : v > <f64>hi ? hi : <i32>v; }
@inline function absI64(v: i64): i64 { return v < 0 ? -v : v; }

/** The smallest e >= 0 with top * 2^e >= full (§5 ADC). */
function lsbExponent(full: f64, top: f64): i32 {
  let e = 0;
  let s = top;
  while (s < full) { s *= 2; e++; }
  return e;
}

/** Bytes the SIMD packer may read past a chip-owned activation buffer (15 rows of i32, rounded up). */
const PACK_OVERREAD: f64 = 64;

/** Beyond this the prepared chip is refused (wasm32 memory is at most 4 GiB, and runs need scratch too). */
const MAX_CHIP_BYTES: f64 = 3 * 1024 * 1024 * 1024;

// ===== The prepared chip =====

// One segment = the rows of one (group, row tile, chunk): what one conversion sums (§4).
const SG_GROUP = 0;
const SG_TILE = 1;
const SG_CHUNK = 2; // absolute chunk index (crossbar row / rowsPerConversion)
const SG_R0 = 3; // first row, group-local unrolled index
const SG_N = 4; // rows
const SG_WORDS = 5; // u64 words per plane
const SG_WOFF = 6; // u64 offset of its weight planes
const SG_GOFF = 7; // f64 offset of its conductances (real path)
const SG_BOFF = 8; // f32 offset of its baseline levels
const SG_E_FIXED = 9; // LSB exponent in fixed mode
const SG_E = 10; // LSB exponent of the current run
const SG_IOFF = 11; // u64 offset of its column-interleaved planes (SIMD path)
const SG_LEN = 12;

@inline function sg(L: Layer, s: i32, field: i32): i32 { return load<i32>(L.segs + (<usize>(s * SG_LEN + field) << 2)); }
@inline function sgSet(L: Layer, s: i32, field: i32, v: i32): void { store<i32>(L.segs + (<usize>(s * SG_LEN + field) << 2), v); }

class Layer {
  index: i32 = 0;
  type: i32 = 0;
  nIn: i32 = 1;
  inputs: StaticArray<i32> = new StaticArray<i32>(F.FMAX_INPUTS);
  addMult: StaticArray<f64> = new StaticArray<f64>(F.FMAX_INPUTS);
  inC: i32 = 0; inH: i32 = 0; inW: i32 = 0;
  outC: i32 = 0; outH: i32 = 0; outW: i32 = 0;
  k: i32 = 1; stride: i32 = 1; padT: i32 = 0; padL: i32 = 0;
  poolAvg: bool = false;
  relu: bool = false;
  isLast: bool = false;
  /** Bits of the output grid (pool: its input's). */
  gridBits: i32 = 0;
  outLo: i32 = 0;
  outHi: i32 = 0;
  out: usize = 0; // i32 activations (c, h, w) of the current image
  // ---- conv / fc
  groups: i32 = 1; gin: i32 = 0; gout: i32 = 0; rowsG: i32 = 0;
  slices: i32 = 0; cycles: i32 = 0;
  /** Input magnitude planes: cycles * dacBits. */
  xPlanes: i32 = 0;
  tilesPerGroup: i32 = 0;
  inScale: f64 = 0;
  wscale: usize = 0; bias: usize = 0; mult: usize = 0; // f64 per output channel
  rowTiles: f64 = 0;
  nSeg: i32 = 0;
  segs: usize = 0;
  groupSeg: usize = 0; // i32, groups + 1: first segment of each group
  maxWords: i32 = 0;
  maxRows: i32 = 0;
  planes: usize = 0; // u64 levels the analog sum uses on the integer path
  ideal: usize = 0; // u64 ideal levels (== planes without faults)
  hasFaults: bool = false; // some stuck cell changed its level
  cond: usize = 0; // f64 conductances (real path), 0 on the integer path
  /** 1-bit cells and digits, one array per conversion, integer levels without faults: the SIMD path. */
  simd: bool = false;
  /** Input bits <= 8: magnitudes fit a signed byte (the SIMD packer). */
  smallInputs: bool = false;
  simdOk: bool = false; // simd, and no i32 lane can overflow in this run
  iplanes: usize = 0; // u32 [slice][array][word32][column padded to 8]
  colsPad: i32 = 0; // gout rounded up to 8
  base: usize = 0; // f32 levels for the baseline (lazy)
  baseIdeal: usize = 0;
  // ---- statistics of the current run
  conversions: i64 = 0;
  saturated: i64 = 0;
  absErr: i64 = 0;
  psumMax: i64 = 0;
  fullScale: f64 = -1;
}

class Chip {
  layers: Array<Layer> = new Array<Layer>();
  allocs: Array<usize> = new Array<usize>();
  nLayers: i32 = 0;
  inC: i32 = 0; inH: i32 = 0; inW: i32 = 0; inSize: i32 = 0;
  inLo: i32 = 0; inHi: i32 = 0; inBits: i32 = 0;
  classes: i32 = 0;
  rows: i32 = 0; cols: i32 = 0;
  b: i32 = 1; d: i32 = 1; q: i32 = 2;
  polarity: i32 = 2; sub: i32 = 0; rpc: i32 = 1;
  /** Conversions per (column, slice, cycle): 2 for polarity 2 with subtraction after the ADC. */
  arrays: i32 = 1;
  chunksPerXbar: i32 = 1;
  calibrated: bool = false;
  top: i64 = 0;
  g0: f64 = 0;
  readNoise: f64 = 0;
  /** Non-ideal conductances (variation or a finite HRS/LRS ratio): f64 sums. */
  real: bool = false;
  seed: u32 = 0; trial: u32 = 0;
  // scratch
  col: usize = 0; xpl: usize = 0; acc: usize = 0;
  nzIdx: usize = 0; nzVal: usize = 0; nzCnt: usize = 0;
  vbuf: usize = 0;
  tail: usize = 0; // 16 i32 rows for the SIMD packer's last partial group
  xsplat: usize = 0; // v128 per (cycle, word32, sign): the SIMD path's splatted input words

  alloc(bytes: f64): usize {
    const p = heap.alloc(<usize>Math.max(bytes, 8));
    memory.fill(p, 0, <usize>Math.max(bytes, 8));
    this.allocs.push(p);
    return p;
  }
  release(): void {
    for (let i = 0; i < this.allocs.length; i++) heap.free(unchecked(this.allocs[i]));
    this.allocs.length = 0;
  }
}

const chips = new Array<Chip | null>();

function chipOf(handle: i32): Chip | null {
  if (handle < 1 || handle > chips.length) return null;
  return unchecked(chips[handle - 1]);
}

// ===== prepare: validate =====

function readHardware(c: Chip, hp: usize): bool {
  const A = <f64>F.FE_AT_HARDWARE;
  const rows = rd(hp, F.FH_XBAR_ROWS), cols = rd(hp, F.FH_XBAR_COLS);
  if (!isIntIn(rows, 1, 65536)) return fail(F.PS_HW_FIELD, A, F.FH_XBAR_ROWS, rows);
  if (!isIntIn(cols, 1, 65536)) return fail(F.PS_HW_FIELD, A, F.FH_XBAR_COLS, cols);
  const b = rd(hp, F.FH_CELL_BITS), d = rd(hp, F.FH_DAC_BITS), q = rd(hp, F.FH_ADC_BITS);
  if (!isIntIn(b, 1, 8)) return fail(F.PS_HW_FIELD, A, F.FH_CELL_BITS, b);
  if (!isIntIn(d, 1, FUNC_DAC_BITS_MAX)) return fail(F.PS_HW_FIELD, A, F.FH_DAC_BITS, d);
  if (!isIntIn(q, FUNC_ADC_BITS_MIN, CONVERTER_BITS_MAX)) return fail(F.PS_HW_FIELD, A, F.FH_ADC_BITS, q);
  const pol = rd(hp, F.FH_POLARITY), sub = rd(hp, F.FH_SUB_POSITION), rpc = rd(hp, F.FH_ROWS_PER_CONVERSION);
  if (pol != 1 && pol != 2) return fail(F.PS_HW_FIELD, A, F.FH_POLARITY, pol);
  if (sub != 0 && sub != 1) return fail(F.PS_HW_FIELD, A, F.FH_SUB_POSITION, sub);
  if (!isIntIn(rpc, 1, 1048576)) return fail(F.PS_HW_FIELD, A, F.FH_ROWS_PER_CONVERSION, rpc);
  const mode = rd(hp, F.FH_RANGE_MODE);
  if (mode != 0 && mode != 1) return fail(F.PS_HW_FIELD, A, F.FH_RANGE_MODE, mode);
  const hrs = rd(hp, F.FH_SAF_HRS_PCT), lrs = rd(hp, F.FH_SAF_LRS_PCT);
  if (!(hrs >= 0 && hrs <= 100)) return fail(F.PS_HW_FIELD, A, F.FH_SAF_HRS_PCT, hrs);
  if (!(lrs >= 0 && lrs <= 100 - hrs)) return fail(F.PS_HW_FIELD, A, F.FH_SAF_LRS_PCT, lrs);
  const sigma = rd(hp, F.FH_VARIATION_SIGMA_PCT), ratio = rd(hp, F.FH_HRS_LRS_RATIO), noise = rd(hp, F.FH_READ_NOISE_SIGMA);
  if (!(sigma >= 0 && isFinite(sigma))) return fail(F.PS_HW_FIELD, A, F.FH_VARIATION_SIGMA_PCT, sigma);
  if (!(ratio > 1)) return fail(F.PS_HW_FIELD, A, F.FH_HRS_LRS_RATIO, ratio);
  if (!(noise >= 0 && isFinite(noise))) return fail(F.PS_HW_FIELD, A, F.FH_READ_NOISE_SIGMA, noise);
  c.rows = <i32>rows; c.cols = <i32>cols;
  c.b = <i32>b; c.d = <i32>d; c.q = <i32>q;
  c.polarity = <i32>pol; c.sub = <i32>sub; c.rpc = <i32>rpc;
  c.arrays = c.polarity == 2 && c.sub == 1 ? 2 : 1;
  c.chunksPerXbar = (c.rows + c.rpc - 1) / c.rpc;
  c.calibrated = mode == 1;
  c.top = <i64>gridTop(c.q);
  const maxLevel = <f64>((1 << c.b) - 1);
  c.g0 = isFinite(ratio) ? maxLevel / (ratio - 1) : 0;
  c.readNoise = noise;
  c.real = sigma > 0 || isFinite(ratio);
  setChip(c.seed, c.trial, hrs, lrs, sigma);
  return true;
}

function readHeader(c: Chip, mp: usize): bool {
  const A = <f64>F.FE_AT_MODEL;
  const v = rd(mp, F.FM_VERSION);
  if (v != F.PIM_ABI_VERSION) return fail(F.PS_MODEL_FIELD, A, F.FM_VERSION, v);
  const n = rd(mp, F.FM_N_LAYERS);
  if (!isIntIn(n, 1, 65536)) return fail(F.PS_MODEL_FIELD, A, F.FM_N_LAYERS, n);
  const ic = rd(mp, F.FM_IN_C), ih = rd(mp, F.FM_IN_H), iw = rd(mp, F.FM_IN_W);
  if (!isIntIn(ic, 1, 16777216)) return fail(F.PS_MODEL_FIELD, A, F.FM_IN_C, ic);
  if (!isIntIn(ih, 1, 16384)) return fail(F.PS_MODEL_FIELD, A, F.FM_IN_H, ih);
  if (!isIntIn(iw, 1, 16384)) return fail(F.PS_MODEL_FIELD, A, F.FM_IN_W, iw);
  if (ic * ih * iw > <f64>(1 << 28)) return fail(F.PS_MODEL_FIELD, A, F.FM_IN_C, ic);
  const bits = rd(mp, F.FM_IN_BITS), signed = rd(mp, F.FM_IN_SIGNED);
  if (!isIntIn(bits, 2, 16)) return fail(F.PS_MODEL_FIELD, A, F.FM_IN_BITS, bits);
  if (signed != 0 && signed != 1) return fail(F.PS_MODEL_FIELD, A, F.FM_IN_SIGNED, signed);
  const classes = rd(mp, F.FM_CLASSES);
  if (!isIntIn(classes, 1, 16777216)) return fail(F.PS_MODEL_FIELD, A, F.FM_CLASSES, classes);
  const lp = rd(mp, F.FM_LAYERS_PTR);
  if (!(lp >= 8 && isIntIn(lp, 8, 4294967295))) return fail(F.PS_MODEL_FIELD, A, F.FM_LAYERS_PTR, lp);
  c.nLayers = <i32>n;
  c.inC = <i32>ic; c.inH = <i32>ih; c.inW = <i32>iw; c.inSize = c.inC * c.inH * c.inW;
  c.inBits = <i32>bits;
  c.inHi = gridTop(c.inBits);
  c.inLo = signed == 1 ? -c.inHi : 0;
  c.classes = <i32>classes;
  return true;
}

/** Output side of a window (§2): floor((in + padA + padB - k) / stride) + 1. */
@inline function outSide(inSide: i32, padA: i32, padB: i32, k: i32, stride: i32): i32 {
  const span = inSide + padA + padB - k;
  return span < 0 ? 0 : span / stride + 1;
}

/** Reads and checks layer l (record at lp). */
function readLayer(c: Chip, l: i32, lp: usize): Layer | null {
  const L = new Layer();
  L.index = l;
  const fl = <f64>l;
  const type = rd(lp, F.FL_TYPE);
  if (!isIntIn(type, 0, 3)) { fail(F.PS_LAYER_FIELD, fl, F.FL_TYPE, type); return null; }
  L.type = <i32>type;
  L.isLast = l == c.nLayers - 1;
  const matrix = L.type == F.FT_CONV || L.type == F.FT_FC;
  if (L.isLast && !matrix) { fail(F.PS_LAYER_FIELD, fl, F.FL_TYPE, type); return null; }
  const nIn = rd(lp, F.FL_N_INPUTS);
  if (L.type == F.FT_ADD ? !isIntIn(nIn, 2, F.FMAX_INPUTS) : nIn != 1) { fail(F.PS_LAYER_FIELD, fl, F.FL_N_INPUTS, nIn); return null; }
  L.nIn = <i32>nIn;
  for (let i = 0; i < L.nIn; i++) {
    const p = rd(lp, F.FL_INPUT0 + i);
    if (!isIntIn(p, -1, <f64>(l - 1))) { fail(F.PS_INPUT_INDEX, fl, F.FL_INPUT0 + i, p); return null; }
    unchecked(L.inputs[i] = <i32>p);
  }
  // The producer's tensor (the first input's, for add).
  const p0 = unchecked(L.inputs[0]);
  let pc = c.inC, ph = c.inH, pw = c.inW, pbits = c.inBits;
  if (p0 >= 0) {
    const P = c.layers[p0];
    pc = P.outC; ph = P.outH; pw = P.outW; pbits = P.gridBits;
  }
  const inC = rd(lp, F.FL_IN_C), inH = rd(lp, F.FL_IN_H), inW = rd(lp, F.FL_IN_W);
  const outC = rd(lp, F.FL_OUT_C), outH = rd(lp, F.FL_OUT_H), outW = rd(lp, F.FL_OUT_W);
  if (L.type == F.FT_FC) {
    if (inC != <f64>pc * <f64>ph * <f64>pw) { fail(F.PS_SHAPE, fl, F.FL_IN_C, inC); return null; }
    if (!isIntIn(outC, 1, 16777216)) { fail(F.PS_LAYER_FIELD, fl, F.FL_OUT_C, outC); return null; }
    if (outH != 1) { fail(F.PS_SHAPE, fl, F.FL_OUT_H, outH); return null; }
    if (outW != 1) { fail(F.PS_SHAPE, fl, F.FL_OUT_W, outW); return null; }
    L.inC = <i32>inC; L.inH = 1; L.inW = 1;
    L.outC = <i32>outC; L.outH = 1; L.outW = 1;
  } else {
    if (inC != <f64>pc) { fail(F.PS_SHAPE, fl, F.FL_IN_C, inC); return null; }
    if (inH != <f64>ph) { fail(F.PS_SHAPE, fl, F.FL_IN_H, inH); return null; }
    if (inW != <f64>pw) { fail(F.PS_SHAPE, fl, F.FL_IN_W, inW); return null; }
    L.inC = pc; L.inH = ph; L.inW = pw;
  }
  if (L.type == F.FT_ADD) {
    for (let i = 1; i < L.nIn; i++) {
      const q = unchecked(L.inputs[i]);
      let qc = c.inC, qh = c.inH, qw = c.inW;
      if (q >= 0) { const Q = c.layers[q]; qc = Q.outC; qh = Q.outH; qw = Q.outW; }
      if (qc != pc || qh != ph || qw != pw) { fail(F.PS_SHAPE, fl, F.FL_INPUT0 + i, <f64>q); return null; }
    }
    if (outC != inC) { fail(F.PS_SHAPE, fl, F.FL_OUT_C, outC); return null; }
    if (outH != inH) { fail(F.PS_SHAPE, fl, F.FL_OUT_H, outH); return null; }
    if (outW != inW) { fail(F.PS_SHAPE, fl, F.FL_OUT_W, outW); return null; }
    L.outC = pc; L.outH = ph; L.outW = pw;
    for (let i = 0; i < L.nIn; i++) {
      const s = rd(lp, F.FL_ADD_SCALE0 + i);
      if (!(s > 0 && isFinite(s))) { fail(F.PS_LAYER_FIELD, fl, F.FL_ADD_SCALE0 + i, s); return null; }
    }
  }
  if (L.type == F.FT_CONV || L.type == F.FT_POOL) {
    const conv = L.type == F.FT_CONV;
    const k = rd(lp, F.FL_KERNEL), stride = rd(lp, F.FL_STRIDE);
    if (!isIntIn(k, 1, conv ? 15 : 64)) { fail(F.PS_LAYER_FIELD, fl, F.FL_KERNEL, k); return null; }
    if (!isIntIn(stride, 1, 64)) { fail(F.PS_LAYER_FIELD, fl, F.FL_STRIDE, stride); return null; }
    for (let f = F.FL_PAD_TOP; f <= F.FL_PAD_RIGHT; f++) {
      const pad = rd(lp, f);
      if (!isIntIn(pad, 0, 64)) { fail(F.PS_LAYER_FIELD, fl, f, pad); return null; }
    }
    L.k = <i32>k; L.stride = <i32>stride;
    L.padT = <i32>rd(lp, F.FL_PAD_TOP); L.padL = <i32>rd(lp, F.FL_PAD_LEFT);
    const oh = outSide(L.inH, L.padT, <i32>rd(lp, F.FL_PAD_BOTTOM), L.k, L.stride);
    const ow = outSide(L.inW, L.padL, <i32>rd(lp, F.FL_PAD_RIGHT), L.k, L.stride);
    if (oh < 1 || outH != <f64>oh) { fail(F.PS_SHAPE, fl, F.FL_OUT_H, outH); return null; }
    if (ow < 1 || outW != <f64>ow) { fail(F.PS_SHAPE, fl, F.FL_OUT_W, outW); return null; }
    L.outH = oh; L.outW = ow;
    if (conv) {
      if (!isIntIn(outC, 1, 65536)) { fail(F.PS_LAYER_FIELD, fl, F.FL_OUT_C, outC); return null; }
      L.outC = <i32>outC;
      const g = rd(lp, F.FL_CONV_GROUPS);
      if (!isIntIn(g, 1, 65536) || L.inC % <i32>g != 0 || L.outC % <i32>g != 0) { fail(F.PS_LAYER_FIELD, fl, F.FL_CONV_GROUPS, g); return null; }
      L.groups = <i32>g;
      if (L.k * L.k > c.rows) { fail(F.PS_KERNEL_TOO_LARGE, fl, F.FL_KERNEL, k); return null; }
    } else {
      if (outC != inC) { fail(F.PS_SHAPE, fl, F.FL_OUT_C, outC); return null; }
      L.outC = L.inC;
      const mode = rd(lp, F.FL_POOL_MODE);
      if (mode != 0 && mode != 1) { fail(F.PS_LAYER_FIELD, fl, F.FL_POOL_MODE, mode); return null; }
      L.poolAvg = mode == 1;
    }
  }
  if (<f64>L.outC * <f64>L.outH * <f64>L.outW > <f64>(1 << 28)) { fail(F.PS_SHAPE, fl, F.FL_OUT_C, outC); return null; }
  // Output grid
  if (L.type == F.FT_POOL) {
    L.gridBits = pbits;
  } else if (!L.isLast) {
    const ob = rd(lp, F.FL_OUT_BITS), os = rd(lp, F.FL_OUT_SCALE), relu = rd(lp, F.FL_RELU);
    if (!isIntIn(ob, 2, 16)) { fail(F.PS_LAYER_FIELD, fl, F.FL_OUT_BITS, ob); return null; }
    if (!(os > 0 && isFinite(os))) { fail(F.PS_LAYER_FIELD, fl, F.FL_OUT_SCALE, os); return null; }
    if (relu != 0 && relu != 1) { fail(F.PS_LAYER_FIELD, fl, F.FL_RELU, relu); return null; }
    L.gridBits = <i32>ob;
    L.relu = relu == 1;
    L.outHi = gridTop(L.gridBits);
    L.outLo = L.relu ? 0 : -L.outHi;
    if (L.type == F.FT_ADD) {
      for (let i = 0; i < L.nIn; i++) unchecked(L.addMult[i] = rd(lp, F.FL_ADD_SCALE0 + i) / os);
    }
  }
  if (matrix && !readMatrix(c, L, l, lp, pbits)) return null;
  return L;
}

/** The conv/fc part of a layer record: bits, scales, weights, bias; then its geometry. */
function readMatrix(c: Chip, L: Layer, l: i32, lp: usize, pbits: i32): bool {
  const fl = <f64>l;
  const wb = rd(lp, F.FL_WEIGHT_BITS), ib = rd(lp, F.FL_IN_BITS), is = rd(lp, F.FL_IN_SCALE);
  if (!isIntIn(wb, 2, 16)) return fail(F.PS_LAYER_FIELD, fl, F.FL_WEIGHT_BITS, wb);
  if (!isIntIn(ib, 2, 16)) return fail(F.PS_LAYER_FIELD, fl, F.FL_IN_BITS, ib);
  if (<i32>ib < pbits) return fail(F.PS_BIT_WIDTH, fl, F.FL_IN_BITS, ib);
  if (!(is > 0 && isFinite(is))) return fail(F.PS_LAYER_FIELD, fl, F.FL_IN_SCALE, is);
  L.inScale = is;
  const w = <i32>wb, a = <i32>ib;
  const wp = rd(lp, F.FL_WEIGHTS_PTR), sp = rd(lp, F.FL_WEIGHT_SCALE_PTR), bp = rd(lp, F.FL_BIAS_PTR);
  if (!isIntIn(wp, 4, 4294967295)) return fail(F.PS_LAYER_FIELD, fl, F.FL_WEIGHTS_PTR, wp);
  if (!isIntIn(sp, 8, 4294967295)) return fail(F.PS_LAYER_FIELD, fl, F.FL_WEIGHT_SCALE_PTR, sp);
  if (!isIntIn(bp, 8, 4294967295)) return fail(F.PS_LAYER_FIELD, fl, F.FL_BIAS_PTR, bp);
  if (L.type == F.FT_FC) { L.k = 1; L.stride = 1; L.padT = 0; L.padL = 0; L.groups = 1; }
  L.gin = L.inC / L.groups;
  L.gout = L.outC / L.groups;
  L.rowsG = L.gin * L.k * L.k;
  // Weights in range (§1), scales finite, biases integers.
  const top = gridTop(w);
  const nW = <f64>L.outC * <f64>L.rowsG;
  if (nW * 4 + wp > 4294967296) return fail(F.PS_LAYER_FIELD, fl, F.FL_WEIGHTS_PTR, wp);
  const wptr = <usize>wp;
  const count = <i32>nW;
  for (let i = 0; i < count; i++) {
    const v = load<i32>(wptr + (<usize>i << 2));
    if (v < -top || v > top) return fail(F.PS_WEIGHT_RANGE, fl, F.FL_WEIGHTS_PTR, <f64>v, <f64>i);
  }
  for (let o = 0; o < L.outC; o++) {
    const s = load<f64>(<usize>sp + (<usize>o << 3));
    if (!isFinite(s)) return fail(F.PS_LAYER_FIELD, fl, F.FL_WEIGHT_SCALE_PTR, s, <f64>o);
    const bv = load<f64>(<usize>bp + (<usize>o << 3));
    if (!isIntIn(bv, -9007199254740991, 9007199254740991)) return fail(F.PS_LAYER_FIELD, fl, F.FL_BIAS_PTR, bv, <f64>o);
  }
  L.slices = c.polarity == 2 ? (w - 1 + c.b - 1) / c.b : (w + c.b - 1) / c.b;
  L.cycles = (a - 1 + c.d - 1) / c.d;
  L.xPlanes = L.cycles * c.d;
  L.smallInputs = a <= 8;
  return true;
}

// ===== prepare: map and slice =====

/** Rows, tiles and chunks of a matrix layer (§4), then its weight planes and conductances. */
function buildMatrix(c: Chip, L: Layer, l: i32, lp: usize): bool {
  const k2 = L.k * L.k;
  packGroups(<f64>c.rows, <f64>c.cols, <f64>L.k, <f64>L.inC, <f64>L.outC, <f64>L.groups, L.groups > 1);
  let wptr = <usize>rd(lp, F.FL_WEIGHTS_PTR);
  let denseCopy: usize = 0;
  if (L.groups > 1 && packDense) {
    // §4 dense fallback: held as a g = 1 conv whose weights are 0 off the group blocks (real cells).
    denseCopy = heap.alloc(<usize>L.outC * <usize>L.inC * <usize>k2 * 4);
    const gin = L.gin, gout = L.gout;
    for (let co = 0; co < L.outC; co++) {
      const g = co / gout;
      for (let ci = 0; ci < L.inC; ci++) {
        const inGroup = ci / gin == g;
        for (let t = 0; t < k2; t++) {
          const v = inGroup ? load<i32>(wptr + (<usize>((co * gin + ci - g * gin) * k2 + t) << 2)) : 0;
          store<i32>(denseCopy + (<usize>((co * L.inC + ci) * k2 + t) << 2), v);
        }
      }
    }
    wptr = denseCopy;
    L.groups = 1;
    L.gin = L.inC;
    L.gout = L.outC;
    L.rowsG = L.inC * k2;
  }
  const ch = <i32>packChannelsPerXbar;
  const share = <i32>packGroupsPerXbar; // groups on one crossbar (1 = each group on its own tiles)
  L.rowTiles = packRowTiles;
  L.tilesPerGroup = (L.gin + ch - 1) / ch;
  // Pass 1: count segments.
  let nSeg = 0;
  for (let g = 0; g < L.groups; g++) {
    const off = (g % share) * L.rowsG;
    for (let t = 0; t < L.tilesPerGroup; t++) {
      const n = (min((t + 1) * ch, L.gin) - t * ch) * k2;
      nSeg += (off + n - 1) / c.rpc - off / c.rpc + 1;
    }
  }
  L.nSeg = nSeg;
  L.segs = c.alloc(<f64>nSeg * SG_LEN * 4);
  L.groupSeg = c.alloc(<f64>(L.groups + 1) * 4);
  // Pass 2: segments, plane and conductance offsets.
  const b = c.b;
  const realArrays = c.arrays; // conductance arrays per (column, slice): subtraction folded in for sub = 0
  let s = 0;
  let words: f64 = 0, conds: f64 = 0, baseCells: f64 = 0;
  const perColSlice = <f64>L.gout * <f64>L.slices;
  const maxLevel = (1 << b) - 1;
  for (let g = 0; g < L.groups; g++) {
    store<i32>(L.groupSeg + (<usize>g << 2), s);
    const off = (g % share) * L.rowsG;
    for (let t = 0; t < L.tilesPerGroup; t++) {
      const r0 = t * ch * k2;
      const n = (min((t + 1) * ch, L.gin) - t * ch) * k2;
      const q0 = off / c.rpc, q1 = (off + n - 1) / c.rpc;
      for (let q = q0; q <= q1; q++) {
        const lo = max(q * c.rpc, off), hi = min((q + 1) * c.rpc, off + n);
        const rows = hi - lo;
        const W = wordsFor(rows);
        sgSet(L, s, SG_GROUP, g);
        sgSet(L, s, SG_TILE, t);
        sgSet(L, s, SG_CHUNK, q);
        sgSet(L, s, SG_R0, r0 + lo - off);
        sgSet(L, s, SG_N, rows);
        sgSet(L, s, SG_WORDS, W);
        sgSet(L, s, SG_WOFF, <i32>words);
        sgSet(L, s, SG_GOFF, <i32>conds);
        sgSet(L, s, SG_BOFF, <i32>baseCells);
        // Fixed full scale (§5): F = (2^d - 1)(2^b - 1) n.
        const full = <f64>((1 << c.d) - 1) * <f64>maxLevel * <f64>rows;
        sgSet(L, s, SG_E_FIXED, lsbExponent(full, <f64>c.top));
        words += perColSlice * 2 * b * W;
        conds += perColSlice * realArrays * rows;
        baseCells += perColSlice * realArrays * rows;
        if (W > L.maxWords) L.maxWords = W;
        if (rows > L.maxRows) L.maxRows = rows;
        s++;
      }
    }
  }
  store<i32>(L.groupSeg + (<usize>L.groups << 2), s);
  const safe = faultsOn();
  // Planes (twice with faults), the SIMD copy (at most half again: 32-bit words), conductances.
  let bytes = words * 8 * (safe ? 2 : 1.5) + (c.real ? conds * 8 : 0);
  if (bytes + <f64>memory.size() * 65536 > MAX_CHIP_BYTES) {
    if (denseCopy != 0) heap.free(denseCopy);
    return fail(F.PS_TOO_LARGE, <f64>l, -1, bytes);
  }
  L.planes = c.alloc(words * 8);
  L.ideal = safe ? c.alloc(words * 8) : L.planes;
  if (c.real) L.cond = c.alloc(conds * 8);
  fillCells(c, L, l, wptr);
  if (denseCopy != 0) heap.free(denseCopy);
  L.simd = c.b == 1 && c.d == 1 && c.arrays == 1 && !c.real && c.readNoise == 0 && !L.hasFaults;
  if (L.simd) buildInterleaved(c, L);
  return true;
}

/**
 * The SIMD path's copy of the planes (b = 1): per segment [slice][array][word32][column padded to 8] u32,
 * bit r of word32 w = row 32w + r. Four columns' words fill one v128.
 */
function buildInterleaved(c: Chip, L: Layer): void {
  const S = L.slices, gout = L.gout, cols4 = (gout + 7) & ~7;
  L.colsPad = cols4;
  let total: f64 = 0;
  for (let s = 0; s < L.nSeg; s++) {
    sgSet(L, s, SG_IOFF, <i32>total);
    total += <f64>S * 2 * <f64>words32(sg(L, s, SG_N)) * <f64>cols4;
  }
  L.iplanes = c.alloc(total * 4);
  for (let s = 0; s < L.nSeg; s++) {
    const W = sg(L, s, SG_WORDS), W32 = words32(sg(L, s, SG_N));
    const pb = <usize>W << 3;
    const woff = L.planes + (<usize>sg(L, s, SG_WOFF) << 3);
    const ioff = L.iplanes + (<usize>sg(L, s, SG_IOFF) << 2);
    for (let col = 0; col < gout; col++) for (let j = 0; j < S; j++) for (let arr = 0; arr < 2; arr++) for (let w = 0; w < W32; w++) {
      const v = load<u32>(woff + <usize>(((col * S + j) * 2 + arr)) * pb + (<usize>w << 2));
      store<u32>(ioff + (<usize>(((j * 2 + arr) * W32 + w) * cols4 + col) << 2), v);
    }
  }
}

@inline function words32(rows: i32): i32 { return (rows + 31) >> 5; }

/** Every cell of layer l: its levels into the bit planes (faults applied), its conductance (real path). */
function fillCells(c: Chip, L: Layer, l: i32, wptr: usize): void {
  const b = c.b, S = L.slices, gout = L.gout, rowsG = L.rowsG;
  const maxLevel = (1 << b) - 1;
  const P2 = c.polarity == 2;
  const nArr = P2 ? 2 : 1;
  const safe = faultsOn(), vary = variationOn(), real = c.real;
  const g0 = c.g0;
  const lu = <u32>l;
  let changed = false;
  for (let s = 0; s < L.nSeg; s++) {
    const g = sg(L, s, SG_GROUP), r0 = sg(L, s, SG_R0), n = sg(L, s, SG_N), W = sg(L, s, SG_WORDS);
    const pb = <usize>W << 3;
    const arrBytes = pb * <usize>b; // one array's b planes
    const woff = <usize>sg(L, s, SG_WOFF) << 3;
    const goff = <usize>sg(L, s, SG_GOFF) << 3;
    for (let rr = 0; rr < n; rr++) {
      const r = r0 + rr;
      const word = rr >> 6, bit = rr & 63;
      for (let col = 0; col < gout; col++) {
        const wq = load<i32>(wptr + (<usize>((g * gout + col) * rowsG + r) << 2));
        const aw = wq < 0 ? -wq : wq;
        for (let j = 0; j < S; j++) {
          const cs = <usize>(col * S + j);
          const planeAt = woff + cs * (arrBytes << 1); // [col][j][array][k][word]
          let gPos: f64 = 0, gNeg: f64 = 0;
          for (let p = 0; p < nArr; p++) {
            const k = cellIndex(<u32>g, <u32>rowsG, <u32>r, <u32>gout, <u32>col, <u32>S, <u32>j, <u32>p);
            let level: i32, arr: i32, sgn: f64;
            if (P2) {
              level = ((p == 0 ? max(wq, 0) : max(-wq, 0)) >> (b * j)) & maxLevel;
              arr = p; sgn = 1;
            } else {
              // One bipolar cell: sign(wq) with a zero weight counted positive (as the reference does).
              level = (aw >> (b * j)) & maxLevel;
              arr = wq < 0 ? 1 : 0; sgn = wq < 0 ? -1 : 1;
            }
            const idealLevel = level;
            if (safe) level = faultyLevel(lu, k, level, maxLevel);
            if (level != idealLevel) changed = true;
            // The integer path sums the faulty levels; the real path sums conductances and keeps the
            // planes ideal (they give p_ideal either way).
            const used = real ? idealLevel : level;
            const ap = L.planes + planeAt + <usize>arr * arrBytes;
            for (let kb = 0; kb < b; kb++) if (((used >> kb) & 1) != 0) setBit(ap, kb, pb, word, bit);
            if (safe) {
              const ip = L.ideal + planeAt + <usize>arr * arrBytes;
              for (let kb = 0; kb < b; kb++) if (((idealLevel >> kb) & 1) != 0) setBit(ip, kb, pb, word, bit);
            }
            if (real) {
              const eta = vary ? etaAt(lu, k) : 1;
              if (P2) {
                const gc = (<f64>level + g0) * eta;
                if (p == 0) gPos = gc; else gNeg = gc;
              } else {
                gPos = sgn * <f64>level * eta + g0 * eta;
              }
            }
          }
          if (real) {
            // [col][j][array][row]; analog subtraction (polarity 2, sub 0) folded in: G = G+ - G-.
            if (c.arrays == 2) {
              const at = L.cond + goff + ((cs * 2) * <usize>n + <usize>rr) * 8;
              store<f64>(at, gPos);
              store<f64>(at + <usize>n * 8, gNeg);
            } else {
              store<f64>(L.cond + goff + (cs * <usize>n + <usize>rr) * 8, P2 ? gPos - gNeg : gPos);
            }
          }
        }
      }
    }
  }
  // Without a changed level the faulty planes are the ideal ones (the integer path skips p_ideal).
  L.hasFaults = changed && !real;
  if (safe && !L.hasFaults && !real) L.ideal = L.planes;
}

function prepareChip(c: Chip, mp: usize, hp: usize): bool {
  if (!readHardware(c, hp)) return false;
  if (!readHeader(c, mp)) return false;
  const layersPtr = <usize>rd(mp, F.FM_LAYERS_PTR);
  for (let l = 0; l < c.nLayers; l++) {
    const lp = layersPtr + <usize>l * (<usize>F.FL_LEN << 3);
    const L = readLayer(c, l, lp);
    if (L === null) return false;
    c.layers.push(L);
  }
  const last = c.layers[c.nLayers - 1];
  if (<f64>last.outC * <f64>last.outH * <f64>last.outW != <f64>c.classes) {
    return fail(F.PS_MODEL_FIELD, <f64>F.FE_AT_MODEL, F.FM_CLASSES, <f64>c.classes);
  }
  // Map, slice, draw the chip; size the scratch.
  let maxRowsG = 0, maxOutC = 0, maxPlanes = 0, maxWords = 0, maxRows = 0, maxCycles = 0;
  for (let l = 0; l < c.nLayers; l++) {
    const L = c.layers[l];
    const lp = layersPtr + <usize>l * (<usize>F.FL_LEN << 3);
    if (!L.isLast) L.out = c.alloc(<f64>L.outC * <f64>L.outH * <f64>L.outW * 4 + PACK_OVERREAD);
    if (L.type != F.FT_CONV && L.type != F.FT_FC) continue;
    L.wscale = c.alloc(<f64>L.outC * 8);
    L.bias = c.alloc(<f64>L.outC * 8);
    L.mult = c.alloc(<f64>L.outC * 8);
    const sp = <usize>rd(lp, F.FL_WEIGHT_SCALE_PTR), bp = <usize>rd(lp, F.FL_BIAS_PTR);
    const outScale = rd(lp, F.FL_OUT_SCALE);
    for (let o = 0; o < L.outC; o++) {
      const ws = load<f64>(sp + (<usize>o << 3));
      store<f64>(L.wscale + (<usize>o << 3), ws);
      store<f64>(L.bias + (<usize>o << 3), load<f64>(bp + (<usize>o << 3)));
      // §3: M[c] = (s_x * weightScale[c]) / outputScale
      if (!L.isLast) store<f64>(L.mult + (<usize>o << 3), (L.inScale * ws) / outScale);
    }
    if (!buildMatrix(c, L, l, lp)) return false;
    maxRowsG = max(maxRowsG, L.rowsG);
    maxOutC = max(maxOutC, L.outC);
    maxPlanes = max(maxPlanes, L.xPlanes);
    maxWords = max(maxWords, L.maxWords);
    maxRows = max(maxRows, L.maxRows);
    maxCycles = max(maxCycles, L.cycles);
  }
  c.col = c.alloc(<f64>maxRowsG * 4 + PACK_OVERREAD);
  c.xpl = c.alloc(<f64>maxPlanes * 2 * <f64>maxWords * 8);
  c.acc = c.alloc(<f64>maxOutC * 8);
  c.nzIdx = c.alloc(<f64>maxCycles * <f64>maxRows * 4);
  c.nzVal = c.alloc(<f64>maxCycles * <f64>maxRows * 8);
  c.nzCnt = c.alloc(<f64>maxCycles * 4);
  c.vbuf = c.alloc(<f64>maxCycles * <f64>maxRows * 4);
  c.tail = c.alloc(64);
  c.xsplat = c.alloc(<f64>maxCycles * <f64>(maxWords * 2) * 2 * 16 + 16);
  return true;
}

/** Validates and prepares; returns a handle >= 1, or -status. */
export function prepare(mp: usize, hp: usize, seed: u32, trial: u32): i32 {
  clearError();
  if (mp == 0 || hp == 0) { fail(F.PS_BAD_CALL, F.FE_AT_RUN, -1, 0); return -F.PS_BAD_CALL; }
  const c = new Chip();
  c.seed = seed;
  c.trial = trial;
  if (!prepareChip(c, mp, hp)) { c.release(); return -eStatus; }
  for (let i = 0; i < chips.length; i++) {
    if (unchecked(chips[i]) === null) { unchecked(chips[i] = c); return i + 1; }
  }
  chips.push(c);
  return chips.length;
}

export function release(handle: i32): i32 {
  clearError();
  const c = chipOf(handle);
  if (c === null) { fail(F.PS_BAD_HANDLE, F.FE_AT_RUN, F.FR_HANDLE, <f64>handle); return F.PS_BAD_HANDLE; }
  c.release();
  unchecked(chips[handle - 1] = null);
  return F.PS_OK;
}

// ===== run =====

let curImage: u32 = 0; // absolute image index (imageOffset + i): the read-noise key
let curLogits: usize = 0; // this image's logits

/** The producer tensor of input slot i. */
@inline function producer(c: Chip, L: Layer, i: i32, input: usize): usize {
  const p = unchecked(L.inputs[i]);
  return p < 0 ? input : c.layers[p].out;
}

/** The unrolled input rows of group g at output pixel (oh, ow): r = (ci*K + kh)*K + kw (§4). */
function im2col(c: Chip, L: Layer, src: usize, g: i32, oh: i32, ow: i32): void {
  const k = L.k, H = L.inH, Wd = L.inW;
  const ih0 = oh * L.stride - L.padT, iw0 = ow * L.stride - L.padL;
  let dst = c.col;
  if (ih0 >= 0 && iw0 >= 0 && ih0 + k <= H && iw0 + k <= Wd) {
    // The whole window is inside: K runs of K contiguous values per channel.
    for (let ci = 0; ci < L.gin; ci++) {
      let rowp = src + (<usize>(((g * L.gin + ci) * H + ih0) * Wd + iw0) << 2);
      for (let kh = 0; kh < k; kh++) {
        for (let kw = 0; kw < k; kw++) store<i32>(dst + (<usize>kw << 2), load<i32>(rowp + (<usize>kw << 2)));
        dst += <usize>k << 2;
        rowp += <usize>Wd << 2;
      }
    }
    return;
  }
  for (let ci = 0; ci < L.gin; ci++) {
    const chan = src + (<usize>((g * L.gin + ci) * H * Wd) << 2);
    for (let kh = 0; kh < k; kh++) {
      const ih = ih0 + kh;
      if (ih < 0 || ih >= H) {
        for (let kw = 0; kw < k; kw++) store<i32>(dst + (<usize>kw << 2), 0);
        dst += <usize>k << 2;
        continue;
      }
      const rowp = chan + (<usize>(ih * Wd) << 2);
      for (let kw = 0; kw < k; kw++) {
        const iw = iw0 + kw;
        store<i32>(dst, iw >= 0 && iw < Wd ? load<i32>(rowp + (<usize>iw << 2)) : 0);
        dst += 4;
      }
    }
  }
}

/**
 * The fast path: 1-bit cells, 1-bit DAC digits, one conversion per (column, slice, cycle), integer
 * conductances and nothing to tell p from p_ideal. p = popcount(x & w+) - popcount(x & w-) (+ the
 * negative-input terms). Adds to acc (i64 per column of group g).
 */
function segmentFast(c: Chip, L: Layer, s: i32, accG: usize, anyNeg: bool): void {
  const W = sg(L, s, SG_WORDS);
  const e = <i64>sg(L, s, SG_E);
  const half: i64 = e > 0 ? <i64>1 << (e - 1) : 0;
  const top = c.top;
  const S = L.slices, I = L.cycles;
  const pb = <usize>W << 3;
  const xp = c.xpl, xn = c.xpl + <usize>L.xPlanes * pb;
  let wcol = L.planes + (<usize>sg(L, s, SG_WOFF) << 3);
  const colBytes = <usize>(S * 2) * pb;
  let sat: i64 = 0, err: i64 = 0, pmax: i64 = L.psumMax;
  for (let col = 0; col < L.gout; col++) {
    let accC: i64 = 0;
    let wj = wcol;
    for (let j = 0; j < S; j++) {
      const wpos = wj, wneg = wj + pb;
      let xi = xp, xni = xn;
      for (let i = 0; i < I; i++) {
        let p = andPop(xi, wpos, W) - andPop(xi, wneg, W);
        if (anyNeg) p += andPop(xni, wneg, W) - andPop(xni, wpos, W);
        const ap = p < 0 ? -p : p;
        let code = (ap + half) >> e;
        if (code > top) { sat++; code = top; }
        let ph = code << e;
        if (p < 0) ph = -ph;
        err += absI64(ph - p);
        if (ap > pmax) pmax = ap;
        accC += ph << <i64>(j + i);
        xi += pb;
        xni += pb;
      }
      wj += pb << 1;
    }
    const ap = accG + (<usize>col << 3);
    store<i64>(ap, load<i64>(ap) + accC);
    wcol += colBytes;
  }
  L.conversions += <i64>L.gout * <i64>S * <i64>I;
  L.saturated += sat;
  L.absErr += err;
  L.psumMax = pmax;
}

/**
 * The SIMD path (docs/functional.md §5 for 1-bit cells and 1-bit digits): eight columns per step (two
 * v128 of four i32 lanes), 32 rows per lane word. Per word, the byte popcounts of x & w+ minus those of
 * x & w- (plus the negative-input terms) are signed bytes, summed over up to 7 words and widened by two
 * pairwise adds to one i32 partial sum per column; the ADC, the statistics and the shift-and-add
 * (Horner: acc = 2 acc + p̂, cycles and slices from the top) run on i32x4. All-zero input planes give
 * p = 0 and are skipped. Requires (2^S - 1)(2^I - 1) top 2^e < 2^31 (L.simdOk): no lane can overflow.
 */
function segmentSimd(c: Chip, L: Layer, s: i32, accG: usize, anyNeg: bool): void {
  // LSB 1 in fixed mode: |p| <= F <= top, so p̂ = p (no rounding, no clipping).
  const e = sg(L, s, SG_E);
  const exact = e == 0 && !c.calibrated;
  // i16 lanes for the ADC and the per-slice sums when every i16 quantity stays below 2^15 (b = d = 1, so
  // |p| <= rows): the slice sum (2^I - 1) top 2^e, the error sum I max(LSB/2, rows) (an error is at most
  // LSB/2, or at most |p| when it clips), and |p| + LSB/2 before the shift.
  const rows = <f64>sg(L, s, SG_N), lsb = Math.pow(2, e), halfLsb = e > 0 ? lsb / 2 : 0;
  const narrow = (Math.pow(2, L.cycles) - 1) * <f64>c.top * lsb < 32768
    && <f64>L.cycles * Math.max(halfLsb, rows) < 32768 && rows + halfLsb < 32768;
  // Copies specialized at compile time: fewer live vectors in each.
  if (narrow) {
    if (exact) {
      if (anyNeg) simdExactSigned16(c, L, s, accG); else simdExactUnsigned16(c, L, s, accG);
    } else {
      if (anyNeg) simdAdcSigned16(c, L, s, accG); else simdAdcUnsigned16(c, L, s, accG);
    }
  } else if (exact) {
    if (anyNeg) simdExactSigned(c, L, s, accG); else simdExactUnsigned(c, L, s, accG);
  } else {
    if (anyNeg) simdAdcSigned(c, L, s, accG); else simdAdcUnsigned(c, L, s, accG);
  }
}
function simdExactSigned(c: Chip, L: Layer, s: i32, accG: usize): void { simdCore(c, L, s, accG, true, true); }
function simdExactUnsigned(c: Chip, L: Layer, s: i32, accG: usize): void { simdCore(c, L, s, accG, false, true); }
function simdAdcSigned(c: Chip, L: Layer, s: i32, accG: usize): void { simdCore(c, L, s, accG, true, false); }
function simdAdcUnsigned(c: Chip, L: Layer, s: i32, accG: usize): void { simdCore(c, L, s, accG, false, false); }
function simdExactSigned16(c: Chip, L: Layer, s: i32, accG: usize): void { simdCore16(c, L, s, accG, true, true); }
function simdExactUnsigned16(c: Chip, L: Layer, s: i32, accG: usize): void { simdCore16(c, L, s, accG, false, true); }
function simdAdcSigned16(c: Chip, L: Layer, s: i32, accG: usize): void { simdCore16(c, L, s, accG, true, false); }
function simdAdcUnsigned16(c: Chip, L: Layer, s: i32, accG: usize): void { simdCore16(c, L, s, accG, false, false); }

/** Splats every input word of segment s once into c.xsplat [(i * W32 + w) * 2 + sign] (v128); returns the live cycles. */
@inline function splatInputs(c: Chip, L: Layer, W32: i32, pb: usize, anyNeg: bool): u32 {
  const xs = c.xsplat;
  let live: u32 = 0;
  for (let i = 0; i < L.cycles; i++) {
    for (let w = 0; w < W32; w++) {
      const vp = load<i32>(c.xpl + <usize>i * pb + (<usize>w << 2));
      const vn = anyNeg ? load<i32>(c.xpl + <usize>(L.xPlanes + i) * pb + (<usize>w << 2)) : 0;
      const at = xs + (<usize>((i * W32 + w) * 2) << 4);
      v128.store(at, i32x4.splat(vp));
      v128.store(at, i32x4.splat(vn), 16);
      if ((vp | vn) != 0) live |= 1 << <u32>i;
    }
  }
  return live;
}

/**
 * simdCore with i16 lanes after the popcounts: the two i32x4 partial sums of eight columns narrow to one
 * i16x8, and the ADC, the statistics and the per-slice Horner sum run on eight lanes; the slice sums
 * widen to i32 once per slice. segmentSimd checks that no i16 lane can overflow.
 */
@inline function simdCore16(c: Chip, L: Layer, s: i32, accG: usize, anyNeg: bool, exact: bool): void {
  const n = sg(L, s, SG_N);
  const W32 = words32(n);
  const e = sg(L, s, SG_E);
  const half: i32 = e > 0 ? 1 << (e - 1) : 0;
  const halfV = i16x8.splat(<i16>half);
  const topV = i16x8.splat(<i16>(<i32>c.top));
  const S = L.slices, I = L.cycles, gout = L.gout;
  const pb = <usize>sg(L, s, SG_WORDS) << 3;
  const wordStride = <usize>L.colsPad << 2;
  const arrStride = <usize>W32 * wordStride;
  const base = L.iplanes + (<usize>sg(L, s, SG_IOFF) << 2);
  const xs = c.xsplat;
  const live = splatInputs(c, L, W32, pb, anyNeg);
  let satV = i32x4.splat(0), errV = i32x4.splat(0), maxV = i16x8.splat(0);
  if (live != 0) {
    for (let cb = 0; cb < gout; cb += 8) {
      let accA = i32x4.splat(0), accB = i32x4.splat(0);
      for (let j = S - 1; j >= 0; j--) {
        const wj = base + <usize>(j * 2) * arrStride + (<usize>cb << 2);
        let accJ = i16x8.splat(0), errJ = i16x8.splat(0), satJ = i16x8.splat(0);
        const PA = v128.load(wj), PB = v128.load(wj, 16);
        const NA = v128.load(wj + arrStride), NB = v128.load(wj + arrStride, 16);
        for (let i = I - 1; i >= 0; i--) {
          accJ = i16x8.add(accJ, accJ);
          if ((live & (1 << <u32>i)) == 0) continue;
          const xi = xs + (<usize>(i * W32 * 2) << 4);
          let x = v128.load(xi);
          let dA = i8x16.sub(i8x16.popcnt(v128.and(x, PA)), i8x16.popcnt(v128.and(x, NA)));
          let dB = i8x16.sub(i8x16.popcnt(v128.and(x, PB)), i8x16.popcnt(v128.and(x, NB)));
          if (anyNeg) {
            x = v128.load(xi, 16);
            dA = i8x16.add(dA, i8x16.sub(i8x16.popcnt(v128.and(x, NA)), i8x16.popcnt(v128.and(x, PA))));
            dB = i8x16.add(dB, i8x16.sub(i8x16.popcnt(v128.and(x, NB)), i8x16.popcnt(v128.and(x, PB))));
          }
          let sA = i16x8.extadd_pairwise_i8x16_s(dA), sB = i16x8.extadd_pairwise_i8x16_s(dB);
          for (let w = 1; w < W32; w++) {
            const wo = wj + <usize>w * wordStride;
            const pA = v128.load(wo), pB = v128.load(wo, 16);
            const nA = v128.load(wo + arrStride), nB = v128.load(wo + arrStride, 16);
            const xw = xi + (<usize>(w * 2) << 4);
            x = v128.load(xw);
            dA = i8x16.sub(i8x16.popcnt(v128.and(x, pA)), i8x16.popcnt(v128.and(x, nA)));
            dB = i8x16.sub(i8x16.popcnt(v128.and(x, pB)), i8x16.popcnt(v128.and(x, nB)));
            if (anyNeg) {
              x = v128.load(xw, 16);
              dA = i8x16.add(dA, i8x16.sub(i8x16.popcnt(v128.and(x, nA)), i8x16.popcnt(v128.and(x, pA))));
              dB = i8x16.add(dB, i8x16.sub(i8x16.popcnt(v128.and(x, nB)), i8x16.popcnt(v128.and(x, pB))));
            }
            sA = i16x8.add(sA, i16x8.extadd_pairwise_i8x16_s(dA));
            sB = i16x8.add(sB, i16x8.extadd_pairwise_i8x16_s(dB));
          }
          // Eight columns' partial sums in i16 lanes (|p| <= rows < 2^15).
          const p = i16x8.narrow_i32x4_s(i32x4.extadd_pairwise_i16x8_s(sA), i32x4.extadd_pairwise_i16x8_s(sB));
          const ap = i16x8.abs(p);
          maxV = i16x8.max_s(maxV, ap);
          if (exact) { accJ = i16x8.add(accJ, p); continue; }
          let code = i16x8.shr_u(i16x8.add(ap, halfV), e);
          satJ = i16x8.sub(satJ, i16x8.gt_s(code, topV));
          code = i16x8.min_s(code, topV);
          const m = i16x8.shr_s(p, 15);
          const ph = i16x8.sub(v128.xor(i16x8.shl(code, e), m), m);
          errJ = i16x8.add(errJ, i16x8.abs(i16x8.sub(ph, p)));
          accJ = i16x8.add(accJ, ph);
        }
        accA = i32x4.add(i32x4.add(accA, accA), i32x4.extend_low_i16x8_s(accJ));
        accB = i32x4.add(i32x4.add(accB, accB), i32x4.extend_high_i16x8_s(accJ));
        if (!exact) {
          errV = i32x4.add(errV, i32x4.extadd_pairwise_i16x8_s(errJ));
          satV = i32x4.add(satV, i32x4.extadd_pairwise_i16x8_s(satJ));
        }
      }
      const cnt = min(8, gout - cb);
      const ap = accG + (<usize>cb << 3);
      addLanes(ap, accA, cnt);
      if (cnt > 4) addLanes(ap + 32, accB, cnt - 4);
    }
  }
  L.conversions += <i64>gout * <i64>S * <i64>I;
  L.saturated += <i64>(i32x4.extract_lane(satV, 0) + i32x4.extract_lane(satV, 1) + i32x4.extract_lane(satV, 2) + i32x4.extract_lane(satV, 3));
  L.absErr += <i64>i32x4.extract_lane(errV, 0) + <i64>i32x4.extract_lane(errV, 1) + <i64>i32x4.extract_lane(errV, 2) + <i64>i32x4.extract_lane(errV, 3);
  const m4 = i32x4.max_s(i32x4.extend_low_i16x8_s(maxV), i32x4.extend_high_i16x8_s(maxV));
  const mx = <i64>max(max(i32x4.extract_lane(m4, 0), i32x4.extract_lane(m4, 1)), max(i32x4.extract_lane(m4, 2), i32x4.extract_lane(m4, 3)));
  if (mx > L.psumMax) L.psumMax = mx;
}

@inline function simdCore(c: Chip, L: Layer, s: i32, accG: usize, anyNeg: bool, exact: bool): void {
  const n = sg(L, s, SG_N);
  const W32 = words32(n);
  const e = sg(L, s, SG_E);
  const halfV = i32x4.splat(e > 0 ? 1 << (e - 1) : 0);
  const topV = i32x4.splat(<i32>c.top);
  const S = L.slices, I = L.cycles, gout = L.gout;
  const pb = <usize>sg(L, s, SG_WORDS) << 3;
  const wordStride = <usize>L.colsPad << 2;
  const arrStride = <usize>W32 * wordStride;
  const base = L.iplanes + (<usize>sg(L, s, SG_IOFF) << 2);
  const xs = c.xsplat;
  const live = splatInputs(c, L, W32, pb, anyNeg);
  let satV = i32x4.splat(0), errV = i32x4.splat(0), maxV = i32x4.splat(0);
  if (live != 0) {
    for (let cb = 0; cb < gout; cb += 8) {
      let accA = i32x4.splat(0), accB = i32x4.splat(0);
      for (let j = S - 1; j >= 0; j--) {
        const wj = base + <usize>(j * 2) * arrStride + (<usize>cb << 2);
        let accJA = i32x4.splat(0), accJB = i32x4.splat(0);
        const PA = v128.load(wj), PB = v128.load(wj, 16);
        const NA = v128.load(wj + arrStride), NB = v128.load(wj + arrStride, 16);
        for (let i = I - 1; i >= 0; i--) {
          accJA = i32x4.add(accJA, accJA);
          accJB = i32x4.add(accJB, accJB);
          if ((live & (1 << <u32>i)) == 0) continue;
          const xi = xs + (<usize>(i * W32 * 2) << 4);
          let x = v128.load(xi);
          let dA = i8x16.sub(i8x16.popcnt(v128.and(x, PA)), i8x16.popcnt(v128.and(x, NA)));
          let dB = i8x16.sub(i8x16.popcnt(v128.and(x, PB)), i8x16.popcnt(v128.and(x, NB)));
          if (anyNeg) {
            x = v128.load(xi, 16);
            dA = i8x16.add(dA, i8x16.sub(i8x16.popcnt(v128.and(x, NA)), i8x16.popcnt(v128.and(x, PA))));
            dB = i8x16.add(dB, i8x16.sub(i8x16.popcnt(v128.and(x, NB)), i8x16.popcnt(v128.and(x, PB))));
          }
          let sA = i16x8.splat(0), sB = i16x8.splat(0);
          // Further words. A byte gains at most 16 per word: widen to i16 every 7 words (before 127).
          let k = 1;
          for (let w = 1; w < W32; w++) {
            if (k == 7) {
              sA = i16x8.add(sA, i16x8.extadd_pairwise_i8x16_s(dA));
              sB = i16x8.add(sB, i16x8.extadd_pairwise_i8x16_s(dB));
              dA = i8x16.splat(0); dB = i8x16.splat(0); k = 0;
            }
            k++;
            const wo = wj + <usize>w * wordStride;
            const pA = v128.load(wo), pB = v128.load(wo, 16);
            const nA = v128.load(wo + arrStride), nB = v128.load(wo + arrStride, 16);
            const xw = xi + (<usize>(w * 2) << 4);
            x = v128.load(xw);
            dA = i8x16.add(dA, i8x16.sub(i8x16.popcnt(v128.and(x, pA)), i8x16.popcnt(v128.and(x, nA))));
            dB = i8x16.add(dB, i8x16.sub(i8x16.popcnt(v128.and(x, pB)), i8x16.popcnt(v128.and(x, nB))));
            if (anyNeg) {
              x = v128.load(xw, 16);
              dA = i8x16.add(dA, i8x16.sub(i8x16.popcnt(v128.and(x, nA)), i8x16.popcnt(v128.and(x, pA))));
              dB = i8x16.add(dB, i8x16.sub(i8x16.popcnt(v128.and(x, nB)), i8x16.popcnt(v128.and(x, pB))));
            }
          }
          let pA: v128, pB: v128;
          if (W32 == 1) {
            pA = i32x4.extadd_pairwise_i16x8_s(i16x8.extadd_pairwise_i8x16_s(dA));
            pB = i32x4.extadd_pairwise_i16x8_s(i16x8.extadd_pairwise_i8x16_s(dB));
          } else {
            pA = i32x4.extadd_pairwise_i16x8_s(i16x8.add(sA, i16x8.extadd_pairwise_i8x16_s(dA)));
            pB = i32x4.extadd_pairwise_i16x8_s(i16x8.add(sB, i16x8.extadd_pairwise_i8x16_s(dB)));
          }
          const aA = i32x4.abs(pA), aB = i32x4.abs(pB);
          maxV = i32x4.max_s(maxV, i32x4.max_s(aA, aB));
          if (exact) {
            accJA = i32x4.add(accJA, pA);
            accJB = i32x4.add(accJB, pB);
            continue;
          }
          // ADC: code = min((|p| + half) >> e, top), p̂ = sign(p) code 2^e
          let cA = i32x4.shr_u(i32x4.add(aA, halfV), e), cB = i32x4.shr_u(i32x4.add(aB, halfV), e);
          satV = i32x4.sub(i32x4.sub(satV, i32x4.gt_s(cA, topV)), i32x4.gt_s(cB, topV));
          cA = i32x4.min_s(cA, topV);
          cB = i32x4.min_s(cB, topV);
          const mA = i32x4.shr_s(pA, 31), mB = i32x4.shr_s(pB, 31);
          const hA = i32x4.sub(v128.xor(i32x4.shl(cA, e), mA), mA);
          const hB = i32x4.sub(v128.xor(i32x4.shl(cB, e), mB), mB);
          errV = i32x4.add(errV, i32x4.add(i32x4.abs(i32x4.sub(hA, pA)), i32x4.abs(i32x4.sub(hB, pB))));
          accJA = i32x4.add(accJA, hA);
          accJB = i32x4.add(accJB, hB);
        }
        accA = i32x4.add(i32x4.add(accA, accA), accJA);
        accB = i32x4.add(i32x4.add(accB, accB), accJB);
      }
      const cnt = min(8, gout - cb);
      const ap = accG + (<usize>cb << 3);
      addLanes(ap, accA, cnt);
      if (cnt > 4) addLanes(ap + 32, accB, cnt - 4);
    }
  }
  L.conversions += <i64>gout * <i64>S * <i64>I;
  L.saturated += <i64>(i32x4.extract_lane(satV, 0) + i32x4.extract_lane(satV, 1) + i32x4.extract_lane(satV, 2) + i32x4.extract_lane(satV, 3));
  L.absErr += <i64>i32x4.extract_lane(errV, 0) + <i64>i32x4.extract_lane(errV, 1) + <i64>i32x4.extract_lane(errV, 2) + <i64>i32x4.extract_lane(errV, 3);
  const mx = <i64>max(max(i32x4.extract_lane(maxV, 0), i32x4.extract_lane(maxV, 1)), max(i32x4.extract_lane(maxV, 2), i32x4.extract_lane(maxV, 3)));
  if (mx > L.psumMax) L.psumMax = mx;
}

/** acc[0..cnt) (i64) += the first cnt lanes of v (cnt >= 1). */
@inline function addLanes(ap: usize, v: v128, cnt: i32): void {
  store<i64>(ap, load<i64>(ap) + <i64>i32x4.extract_lane(v, 0));
  if (cnt > 1) store<i64>(ap + 8, load<i64>(ap + 8) + <i64>i32x4.extract_lane(v, 1));
  if (cnt > 2) store<i64>(ap + 16, load<i64>(ap + 16) + <i64>i32x4.extract_lane(v, 2));
  if (cnt > 3) store<i64>(ap + 24, load<i64>(ap + 24) + <i64>i32x4.extract_lane(v, 3));
}

/** §5 ADC of an integer partial sum; updates the layer's statistics; returns p̂. */
@inline function convertInt(L: Layer, p: i64, pIdeal: i64, e: i64, top: i64): i64 {
  const half: i64 = e > 0 ? <i64>1 << (e - 1) : 0;
  const ap = absI64(p);
  let code = (ap + half) >> e;
  if (code > top) { L.saturated++; code = top; }
  let ph = code << e;
  if (p < 0) ph = -ph;
  L.conversions++;
  L.absErr += absI64(ph - pIdeal);
  const ai = absI64(pIdeal);
  if (ai > L.psumMax) L.psumMax = ai;
  return ph;
}

/** §5 ADC of a real partial sum (f64 rha); updates the layer's statistics; returns p̂ (an integer). */
function convertReal(L: Layer, p: f64, pIdeal: i64, e: i32, top: i64): i64 {
  const lsb = <f64>(<i64>1 << <i64>e);
  const q = rha(p / lsb);
  const ft = <f64>top;
  if (Math.abs(q) > ft) L.saturated++;
  const code = q > ft ? ft : q < -ft ? -ft : q;
  const ph = <i64>(code * lsb);
  L.conversions++;
  L.absErr += absI64(ph - pIdeal);
  const ai = absI64(pIdeal);
  if (ai > L.psumMax) L.psumMax = ai;
  return ph;
}

/** The §5 read-noise key v of a conversion (wrapping u32 arithmetic = the reference's value mod 2^32). */
@inline function noiseIndex(c: Chip, L: Layer, pix: i32, s: i32, col: i32, j: i32, i: i32, a: i32): u32 {
  let v = <u32>pix * <u32>L.groups + <u32>sg(L, s, SG_GROUP);
  v = v * <u32>L.tilesPerGroup + <u32>sg(L, s, SG_TILE);
  v = v * <u32>c.chunksPerXbar + <u32>sg(L, s, SG_CHUNK);
  v = ((v * <u32>L.gout + <u32>col) * <u32>L.slices + <u32>j) * <u32>L.cycles + <u32>i;
  return v * 2 + <u32>a;
}

/** The drives of one segment per cycle: nonzero rows ascending, value sign(x) * digit_i(|x|) (real path). */
function buildDrives(c: Chip, L: Layer, colp: usize, r0: i32, n: i32): void {
  const d = c.d, mask = (1 << d) - 1, rowsMax = L.maxRows;
  for (let i = 0; i < L.cycles; i++) store<i32>(c.nzCnt + (<usize>i << 2), 0);
  for (let rr = 0; rr < n; rr++) {
    const x = load<i32>(colp + (<usize>(r0 + rr) << 2));
    if (x == 0) continue;
    const m = x < 0 ? -x : x;
    const sgn: f64 = x < 0 ? -1 : 1;
    for (let i = 0; i < L.cycles; i++) {
      const dig = (m >> (d * i)) & mask;
      if (dig == 0) continue;
      const cp = c.nzCnt + (<usize>i << 2);
      const cnt = load<i32>(cp);
      const at = <usize>(i * rowsMax + cnt);
      store<i32>(c.nzIdx + (at << 2), rr);
      store<f64>(c.nzVal + (at << 3), sgn * <f64>dig);
      store<i32>(cp, cnt + 1);
    }
  }
}

/** sum over the drives of cycle i, ascending, of v_r * G[row] (G at gp, f64 per row). */
@inline function realSum(c: Chip, L: Layer, i: i32, gp: usize): f64 {
  const cnt = load<i32>(c.nzCnt + (<usize>i << 2));
  const base = <usize>(i * L.maxRows);
  let p: f64 = 0;
  for (let m = 0; m < cnt; m++) {
    const at = base + <usize>m;
    p += load<f64>(c.nzVal + (at << 3)) * load<f64>(gp + (<usize>load<i32>(c.nzIdx + (at << 2)) << 3));
  }
  return p;
}

/** Signed plane dot of one array: x+ . w - x- . w. */
@inline function dotArray(c: Chip, x: usize, xNegOff: usize, anyNeg: bool, w: usize, W: i32, pb: usize): i64 {
  let s = planeDot(x, w, W, pb, c.d, c.b);
  if (anyNeg) s -= planeDot(x + xNegOff, w, W, pb, c.d, c.b);
  return s;
}

/** Every other case: multi-bit cells or digits, two arrays, faults, read noise, real conductances. */
function segmentGeneral(c: Chip, L: Layer, s: i32, pix: i32, accG: usize, colp: usize, anyNeg: bool): void {
  const W = sg(L, s, SG_WORDS), n = sg(L, s, SG_N);
  const e = sg(L, s, SG_E);
  const e64 = <i64>e;
  const top = c.top;
  const S = L.slices, I = L.cycles, b = c.b, d = c.d;
  const pb = <usize>W << 3;
  const arrBytes = pb * <usize>b;
  const xNegOff = <usize>L.xPlanes * pb;
  const wseg = L.planes + (<usize>sg(L, s, SG_WOFF) << 3);
  const iseg = L.ideal + (<usize>sg(L, s, SG_WOFF) << 3);
  const gseg = L.cond + (<usize>sg(L, s, SG_GOFF) << 3);
  const real = c.real, faults = L.hasFaults;
  const noise = c.readNoise;
  const noisy = noise > 0;
  const two = c.arrays == 2;
  const noiseStream = <u32>L.index * 4 + 2;
  for (let col = 0; col < L.gout; col++) {
    let accC: i64 = 0;
    for (let j = 0; j < S; j++) {
      const cs = <usize>(col * S + j);
      const wcj = wseg + cs * (arrBytes << 1);
      const icj = iseg + cs * (arrBytes << 1);
      for (let i = 0; i < I; i++) {
        const x = c.xpl + <usize>(d * i) * pb;
        let ph: i64;
        if (!two) {
          const pI = dotArray(c, x, xNegOff, anyNeg, icj, W, pb) - dotArray(c, x, xNegOff, anyNeg, icj + arrBytes, W, pb);
          if (real || noisy) {
            let p: f64;
            if (real) p = realSum(c, L, i, gseg + ((cs * <usize>n) << 3));
            else p = <f64>(faults ? dotArray(c, x, xNegOff, anyNeg, wcj, W, pb) - dotArray(c, x, xNegOff, anyNeg, wcj + arrBytes, W, pb) : pI);
            if (noisy) p += noise * normalAt(c.seed, c.trial, noiseStream, curImage, noiseIndex(c, L, pix, s, col, j, i, 0));
            ph = convertReal(L, p, pI, e, top);
          } else {
            const p = faults ? dotArray(c, x, xNegOff, anyNeg, wcj, W, pb) - dotArray(c, x, xNegOff, anyNeg, wcj + arrBytes, W, pb) : pI;
            ph = convertInt(L, p, pI, e64, top);
          }
        } else {
          ph = 0;
          for (let a = 0; a < 2; a++) {
            const pI = dotArray(c, x, xNegOff, anyNeg, icj + <usize>a * arrBytes, W, pb);
            let pa: i64;
            if (real || noisy) {
              let p: f64;
              if (real) p = realSum(c, L, i, gseg + (((cs * 2 + <usize>a) * <usize>n) << 3));
              else p = <f64>(faults ? dotArray(c, x, xNegOff, anyNeg, wcj + <usize>a * arrBytes, W, pb) : pI);
              if (noisy) p += noise * normalAt(c.seed, c.trial, noiseStream, curImage, noiseIndex(c, L, pix, s, col, j, i, a));
              pa = convertReal(L, p, pI, e, top);
            } else {
              const p = faults ? dotArray(c, x, xNegOff, anyNeg, wcj + <usize>a * arrBytes, W, pb) : pI;
              pa = convertInt(L, p, pI, e64, top);
            }
            ph = a == 0 ? pa : ph - pa;
          }
        }
        accC += ph << <i64>(b * j + d * i);
      }
    }
    const ap = accG + (<usize>col << 3);
    store<i64>(ap, load<i64>(ap) + accC);
  }
}

/** The f32 baseline: one multiply-accumulate per cell per cycle (MNSIM's way) on the same sliced levels. */
function segmentBaseline(c: Chip, L: Layer, s: i32, pix: i32, accG: usize, colp: usize): void {
  const n = sg(L, s, SG_N), r0 = sg(L, s, SG_R0);
  const e = <i64>sg(L, s, SG_E);
  const top = c.top;
  const S = L.slices, I = L.cycles, b = c.b, d = c.d;
  const A = c.arrays;
  const mask = (1 << d) - 1;
  // The drives of every cycle, every row (zeros included).
  for (let rr = 0; rr < n; rr++) {
    const x = load<i32>(colp + (<usize>(r0 + rr) << 2));
    const m = x < 0 ? -x : x;
    const sgn: f32 = x < 0 ? -1 : 1;
    for (let i = 0; i < I; i++) store<f32>(c.vbuf + (<usize>(i * n + rr) << 2), sgn * <f32>((m >> (d * i)) & mask));
  }
  const bseg = L.base + (<usize>sg(L, s, SG_BOFF) << 2);
  const iseg = L.baseIdeal + (<usize>sg(L, s, SG_BOFF) << 2);
  const noise = c.readNoise;
  const noiseStream = <u32>L.index * 4 + 2;
  for (let col = 0; col < L.gout; col++) {
    let accC: i64 = 0;
    for (let j = 0; j < S; j++) {
      for (let i = 0; i < I; i++) {
        const v = c.vbuf + (<usize>(i * n) << 2);
        let ph: i64 = 0;
        for (let a = 0; a < A; a++) {
          const wrow = bseg + (<usize>(((col * S + j) * A + a) * n) << 2);
          let acc: f32 = 0;
          for (let r = 0; r < n; r++) acc += load<f32>(v + (<usize>r << 2)) * load<f32>(wrow + (<usize>r << 2));
          let pI = <i64>acc;
          if (L.hasFaults) {
            const irow = iseg + (<usize>(((col * S + j) * A + a) * n) << 2);
            let acc2: f32 = 0;
            for (let r = 0; r < n; r++) acc2 += load<f32>(v + (<usize>r << 2)) * load<f32>(irow + (<usize>r << 2));
            pI = <i64>acc2;
          }
          let pa: i64;
          if (noise > 0) {
            const p = <f64>(<i64>acc) + noise * normalAt(c.seed, c.trial, noiseStream, curImage, noiseIndex(c, L, pix, s, col, j, i, a));
            pa = convertReal(L, p, pI, <i32>e, top);
          } else {
            pa = convertInt(L, <i64>acc, pI, e, top);
          }
          ph = a == 0 ? pa : ph - pa;
        }
        accC += ph << <i64>(b * j + d * i);
      }
    }
    const ap = accG + (<usize>col << 3);
    store<i64>(ap, load<i64>(ap) + accC);
  }
}

/** The baseline's f32 levels, built once from the planes: [col][slice][array][row]. False if too large. */
function buildBaseline(c: Chip, L: Layer, l: i32): bool {
  if (L.base != 0) return true;
  let cells: f64 = 0;
  for (let s = 0; s < L.nSeg; s++) cells += <f64>L.gout * <f64>L.slices * <f64>c.arrays * <f64>sg(L, s, SG_N);
  const bytes = cells * 4 * (L.hasFaults ? 2 : 1);
  if (bytes + <f64>memory.size() * 65536 > MAX_CHIP_BYTES) return fail(F.PS_TOO_LARGE, <f64>l, -1, bytes);
  L.base = c.alloc(cells * 4);
  L.baseIdeal = L.hasFaults ? c.alloc(cells * 4) : L.base;
  const b = c.b, S = L.slices, A = c.arrays;
  for (let s = 0; s < L.nSeg; s++) {
    const n = sg(L, s, SG_N), W = sg(L, s, SG_WORDS);
    const pb = <usize>W << 3, arrBytes = pb * <usize>b;
    const woff = <usize>sg(L, s, SG_WOFF) << 3;
    const boff = <usize>sg(L, s, SG_BOFF) << 2;
    const passes = L.hasFaults ? 2 : 1;
    for (let pass = 0; pass < passes; pass++) {
      const planes = pass == 0 ? L.planes : L.ideal;
      const out = pass == 0 ? L.base : L.baseIdeal;
      for (let col = 0; col < L.gout; col++) for (let j = 0; j < S; j++) {
        const cs = <usize>(col * S + j);
        const at = planes + woff + cs * (arrBytes << 1);
        for (let rr = 0; rr < n; rr++) {
          const wo = <usize>(rr >> 6) << 3;
          const bit = <u64>(rr & 63);
          let lv0 = 0, lv1 = 0;
          for (let kb = 0; kb < b; kb++) {
            lv0 |= <i32>((load<u64>(at + <usize>kb * pb + wo) >> bit) & 1) << kb;
            lv1 |= <i32>((load<u64>(at + arrBytes + <usize>kb * pb + wo) >> bit) & 1) << kb;
          }
          if (A == 2) {
            store<f32>(out + boff + ((cs * 2 * <usize>n + <usize>rr) << 2), <f32>lv0);
            store<f32>(out + boff + (((cs * 2 + 1) * <usize>n + <usize>rr) << 2), <f32>lv1);
          } else {
            store<f32>(out + boff + ((cs * <usize>n + <usize>rr) << 2), <f32>(lv0 - lv1));
          }
        }
      }
    }
  }
  return true;
}

/** Whether the SIMD path's i32 lanes hold every sum with LSB 2^e: (2^S - 1)(2^I - 1) top 2^e < 2^31. */
function simdFits(c: Chip, L: Layer, e: i32): bool {
  const bound = (Math.pow(2, L.slices) - 1) * (Math.pow(2, L.cycles) - 1) * <f64>c.top * Math.pow(2, e);
  return bound < 2147483648;
}

function runMatrix(c: Chip, L: Layer, input: usize, baseline: bool): void {
  const src = producer(c, L, 0, input);
  const fast = !c.real && c.readNoise == 0 && c.b == 1 && c.d == 1 && c.arrays == 1 && !L.hasFaults;
  const pixels = L.outH * L.outW;
  for (let oh = 0; oh < L.outH; oh++) {
    for (let ow = 0; ow < L.outW; ow++) {
      const pix = oh * L.outW + ow;
      for (let o = 0; o < L.outC; o++) store<i64>(c.acc + (<usize>o << 3), 0);
      for (let g = 0; g < L.groups; g++) {
        let colp = src;
        if (L.type == F.FT_CONV) { im2col(c, L, src, g, oh, ow); colp = c.col; }
        const accG = c.acc + (<usize>(g * L.gout) << 3);
        const s0 = load<i32>(L.groupSeg + (<usize>g << 2)), s1 = load<i32>(L.groupSeg + (<usize>(g + 1) << 2));
        for (let s = s0; s < s1; s++) {
          if (baseline) { segmentBaseline(c, L, s, pix, accG, colp); continue; }
          const r0 = sg(L, s, SG_R0), n = sg(L, s, SG_N);
          const pb = <usize>sg(L, s, SG_WORDS) << 3;
          const anyNeg = L.smallInputs
            ? packInputPlanesSimd(colp, r0, n, L.xPlanes, pb, c.xpl, colp == input ? c.tail : 0)
            : packInputPlanes(colp, r0, n, L.xPlanes, pb, c.xpl);
          if (L.simdOk) { segmentSimd(c, L, s, accG, anyNeg); continue; }
          if (fast) { segmentFast(c, L, s, accG, anyNeg); continue; }
          if (c.real) buildDrives(c, L, colp, r0, n);
          segmentGeneral(c, L, s, pix, accG, colp, anyNeg);
        }
      }
      // §3 requantization, or the §2 logits.
      for (let o = 0; o < L.outC; o++) {
        const y = <f64>load<i64>(c.acc + (<usize>o << 3)) + load<f64>(L.bias + (<usize>o << 3));
        const at = o * pixels + pix;
        if (L.isLast) {
          store<f64>(curLogits + (<usize>at << 3), y * L.inScale * load<f64>(L.wscale + (<usize>o << 3)));
        } else {
          store<i32>(L.out + (<usize>at << 2), clampI(rha(y * load<f64>(L.mult + (<usize>o << 3))), L.outLo, L.outHi));
        }
      }
    }
  }
}

function runPool(c: Chip, L: Layer, input: usize): void {
  const src = producer(c, L, 0, input);
  const k = L.k, H = L.inH, Wd = L.inW;
  const area = <f64>(k * k);
  for (let ch = 0; ch < L.outC; ch++) {
    const chan = src + (<usize>(ch * H * Wd) << 2);
    for (let oh = 0; oh < L.outH; oh++) for (let ow = 0; ow < L.outW; ow++) {
      let best = i32.MIN_VALUE, any = false, sum: i64 = 0;
      for (let kh = 0; kh < k; kh++) {
        const ih = oh * L.stride - L.padT + kh;
        if (ih < 0 || ih >= H) continue;
        for (let kw = 0; kw < k; kw++) {
          const iw = ow * L.stride - L.padL + kw;
          if (iw < 0 || iw >= Wd) continue;
          const v = load<i32>(chan + (<usize>(ih * Wd + iw) << 2));
          if (v > best) best = v;
          any = true;
          sum += v;
        }
      }
      const out = L.poolAvg ? <i32>rha(<f64>sum / area) : (any ? best : 0);
      store<i32>(L.out + (<usize>((ch * L.outH + oh) * L.outW + ow) << 2), out);
    }
  }
}

function runAdd(c: Chip, L: Layer, input: usize): void {
  const size = L.outC * L.outH * L.outW;
  for (let e = 0; e < size; e++) {
    let v: f64 = 0;
    for (let i = 0; i < L.nIn; i++) {
      v += <f64>load<i32>(producer(c, L, i, input) + (<usize>e << 2)) * unchecked(L.addMult[i]);
    }
    store<i32>(L.out + (<usize>e << 2), clampI(rha(v), L.outLo, L.outHi));
  }
}

/** Runs n images; see docs/abi.md §9. */
export function runImages(handle: i32, inputs: usize, n: i32, imageOffset: u32, ranges: usize, logits: usize, stats: usize, baseline: bool): i32 {
  clearError();
  const c = chipOf(handle);
  if (c === null) { fail(F.PS_BAD_HANDLE, F.FE_AT_RUN, F.FR_HANDLE, <f64>handle); return F.PS_BAD_HANDLE; }
  if (n < 0) { fail(F.PS_BAD_CALL, F.FE_AT_RUN, F.FR_N, <f64>n); return F.PS_BAD_CALL; }
  if (stats == 0 || (n > 0 && (inputs == 0 || logits == 0))) { fail(F.PS_BAD_CALL, F.FE_AT_RUN, F.FR_INPUTS, 0); return F.PS_BAD_CALL; }
  // ADC exponents of this run: per chunk (fixed) or per layer (calibrated).
  for (let l = 0; l < c.nLayers; l++) {
    const L = c.layers[l];
    L.conversions = 0; L.saturated = 0; L.absErr = 0; L.psumMax = 0; L.fullScale = -1;
    if (L.type != F.FT_CONV && L.type != F.FT_FC) continue;
    if (baseline && c.real) { fail(F.PS_UNSUPPORTED, <f64>l, F.FH_VARIATION_SIGMA_PCT, 0); return F.PS_UNSUPPORTED; }
    let eCal = 0;
    if (c.calibrated) {
      const full = ranges == 0 ? NaN : load<f64>(ranges + (<usize>l << 3));
      if (!isFinite(full)) { fail(F.PS_PSUM_RANGE, <f64>l, F.FR_PSUM_RANGES, full); return F.PS_PSUM_RANGE; }
      L.fullScale = full;
      eCal = lsbExponent(full, <f64>c.top);
    }
    let eMax = 0;
    for (let s = 0; s < L.nSeg; s++) {
      const e = c.calibrated ? eCal : sg(L, s, SG_E_FIXED);
      sgSet(L, s, SG_E, e);
      eMax = max(eMax, e);
    }
    L.simdOk = L.simd && simdFits(c, L, eMax);
    if (baseline && !buildBaseline(c, L, l)) return eStatus;
  }
  for (let img = 0; img < n; img++) {
    const input = inputs + <usize>img * (<usize>c.inSize << 2);
    for (let e = 0; e < c.inSize; e++) {
      const v = load<i32>(input + (<usize>e << 2));
      if (v < c.inLo || v > c.inHi) {
        fail(F.PS_INPUT_RANGE, F.FE_AT_RUN, F.FR_INPUTS, <f64>v, <f64>img * <f64>c.inSize + <f64>e);
        return F.PS_INPUT_RANGE;
      }
    }
    curImage = imageOffset + <u32>img;
    curLogits = logits + <usize>img * (<usize>c.classes << 3);
    for (let l = 0; l < c.nLayers; l++) {
      const L = c.layers[l];
      if (L.type == F.FT_POOL) runPool(c, L, input);
      else if (L.type == F.FT_ADD) runAdd(c, L, input);
      else runMatrix(c, L, input, baseline);
    }
  }
  for (let l = 0; l < c.nLayers; l++) {
    const L = c.layers[l];
    const sp = stats + <usize>l * (<usize>F.FS_LEN << 3);
    const matrix = L.type == F.FT_CONV || L.type == F.FT_FC;
    store<f64>(sp + (<usize>F.FS_CONVERSIONS << 3), <f64>L.conversions);
    store<f64>(sp + (<usize>F.FS_SATURATED << 3), <f64>L.saturated);
    store<f64>(sp + (<usize>F.FS_ABS_ERROR_SUM << 3), <f64>L.absErr);
    store<f64>(sp + (<usize>F.FS_PSUM_MAX << 3), <f64>L.psumMax);
    store<f64>(sp + (<usize>F.FS_PSUM_RANGE << 3), L.fullScale);
    store<f64>(sp + (<usize>F.FS_ROW_TILES << 3), matrix ? L.rowTiles : 0);
    store<f64>(sp + (<usize>F.FS_WEIGHT_SLICES << 3), matrix ? <f64>L.slices : 0);
    store<f64>(sp + (<usize>F.FS_INPUT_CYCLES << 3), matrix ? <f64>L.cycles : 0);
    store<f64>(sp + (<usize>F.FS_IS_MATRIX << 3), matrix ? 1 : 0);
    store<f64>(sp + (<usize>F.FS_SEGMENTS << 3), matrix ? <f64>L.nSeg : 0);
  }
  return F.PS_OK;
}

// ===== The exported entry points (re-exported by assembly/index.ts) =====

export function gibbon_pim_abi_version(): i32 { return F.PIM_ABI_VERSION; }
export function gibbon_pim_model_len(): i32 { return F.FM_LEN; }
export function gibbon_pim_layer_len(): i32 { return F.FL_LEN; }
export function gibbon_pim_hw_len(): i32 { return F.FH_LEN; }
export function gibbon_pim_stats_len(): i32 { return F.FS_LEN; }
export function gibbon_pim_error_len(): i32 { return F.FE_LEN; }

/** Validates the model and hardware records and prepares one chip instance: a handle >= 1, or -status. */
export function gibbon_pim_prepare(modelPtr: usize, hwPtr: usize, seed: u32, trial: u32): i32 {
  return prepare(modelPtr, hwPtr, seed, trial);
}

/**
 * Runs n images (i32, n x C x H x W) through the prepared chip: logits (f64, n x classes) and per-layer
 * statistics (FS_LEN f64 per layer). rangesPtr: f64 per layer, the calibrated full scales (0 in fixed mode).
 */
export function gibbon_pim_run(handle: i32, inputsPtr: usize, n: i32, imageOffset: u32, rangesPtr: usize, logitsPtr: usize, statsPtr: usize): i32 {
  return runImages(handle, inputsPtr, n, imageOffset, rangesPtr, logitsPtr, statsPtr, false);
}

/** gibbon_pim_run computed the plain way: one f32 multiply-accumulate per cell per cycle (integer layers only). */
export function gibbon_pim_run_baseline(handle: i32, inputsPtr: usize, n: i32, imageOffset: u32, rangesPtr: usize, logitsPtr: usize, statsPtr: usize): i32 {
  return runImages(handle, inputsPtr, n, imageOffset, rangesPtr, logitsPtr, statsPtr, true);
}

/** Frees a prepared chip. */
export function gibbon_pim_free(handle: i32): i32 { return release(handle); }

/** Writes the last call's error record (FE_LEN f64). */
export function gibbon_pim_error(outPtr: usize): void { if (outPtr != 0) writeError(outPtr); }
