// Inference of the RNN predictor (docs/predictor.md §3, docs/abi.md §10) in f32: token and hardware
// embeddings, a GRU (reset after the matmul) or LSTM over the present layers, log-sum-exp (and optionally
// max) pooling of the per-layer costs, the MLP over [h_last, mean, max, lse, (cost max,) hw] and the linear heads. Every size comes from
// the shape record; the weights are the 17 (with a cost hidden layer 19) tensors of §3 back to back (f32, row-major, x · W with W
// [in, out]). Candidates are independent: each one runs its whole sequence through the scalar-in, SIMD-out
// mat-vec below (zero inputs skipped: one-hot features and relu outputs are often zero).
import * as S from './predictor-layout';

// ----- the last call's error record -----
let errStatus: i32 = 0;
let errField: i32 = -1;
let errValue: f64 = 0;
let errCandidate: i32 = -1;

function fail(status: i32, field: i32, value: f64, candidate: i32 = -1): i32 {
  errStatus = status; errField = field; errValue = value; errCandidate = candidate;
  return status;
}

/** Writes the error record of the last gibbon_rnn_forward (RE_LEN f64) at outPtr. */
export function gibbon_rnn_error(outPtr: usize): void {
  if (outPtr == 0 || <f64>outPtr + <f64>(S.RE_LEN * 8) > <f64>memory.size() * 65536) return;
  store<f64>(outPtr + (<usize>S.RE_STATUS << 3), <f64>errStatus);
  store<f64>(outPtr + (<usize>S.RE_FIELD << 3), <f64>errField);
  store<f64>(outPtr + (<usize>S.RE_VALUE << 3), errValue);
  store<f64>(outPtr + (<usize>S.RE_CANDIDATE << 3), <f64>errCandidate);
}

export function gibbon_rnn_abi_version(): i32 { return S.RNN_ABI_VERSION; }
export function gibbon_rnn_shape_len(): i32 { return S.RS_LEN; }
export function gibbon_rnn_error_len(): i32 { return S.RE_LEN; }

// ----- sizes of the current call (module globals: one call at a time per instance) -----
let cell: i32 = 0;
let nFeatures: i32 = 0; // F
let nHardware: i32 = 0; // H
let tokenSize: i32 = 0;
let hwSize: i32 = 0;
let hidden: i32 = 0;
let gates: i32 = 0;
let mlpSize: i32 = 0;
let costs: i32 = 0;
let heads: i32 = 0;
let costPools: i32 = 1; // 1: [lse]; 2: [lse, max] (RS_COST_MAX_POOL)
let costTokenIn: bool = false; // the cost channels also read the token embedding (RS_COST_TOKEN_INPUT)
let costHidden: i32 = 0; // width of the relu layer before the cost channels (RS_COST_HIDDEN_SIZE), 0: none
let poolWidth: i32 = 0; // 3 hidden + costPools * costs + hwSize

// weight addresses (bytes)
let wEmbTok: usize = 0; let bEmbTok: usize = 0; let wEmbHw: usize = 0; let bEmbHw: usize = 0;
let wToken: usize = 0; let wHw: usize = 0; let wU: usize = 0; let bRnn: usize = 0;
let wCost: usize = 0; let bCost: usize = 0; let wMlp1: usize = 0; let bMlp1: usize = 0;
let wMlp2: usize = 0; let bMlp2: usize = 0; let wHead: usize = 0; let wHeadCost: usize = 0; let bHead: usize = 0;
let wCostH: usize = 0; let bCostH: usize = 0;

/** Sets the weight addresses from the shape; returns the f32 values the 17 (19 with a cost hidden layer) tensors take. */
let cursor: f64 = 0;
let cursorBase: usize = 0;
function next(n: f64): usize { const p = cursorBase + (<usize>cursor << 2); cursor += n; return p; }
function layWeights(base: usize): f64 {
  cursor = 0; cursorBase = base;
  // f64 arithmetic: a hostile shape must not wrap around before it is compared with RS_WEIGHT_COUNT
  const F = <f64>nFeatures, H = <f64>nHardware, ts = <f64>tokenSize, hs = <f64>hwSize, hd = <f64>hidden;
  const G = <f64>gates, m = <f64>mlpSize, C = <f64>costs, K = <f64>heads;
  wEmbTok = next((F + H) * ts); bEmbTok = next(ts); wEmbHw = next(H * hs); bEmbHw = next(hs);
  wToken = next(ts * G); wHw = next(hs * G); wU = next(hd * G); bRnn = next(G);
  const costIn = hd + (costTokenIn ? ts : 0), CH = <f64>costHidden;
  wCost = next((costHidden > 0 ? CH : costIn) * C); bCost = next(C);
  wMlp1 = next(<f64>poolWidth * m); bMlp1 = next(m); wMlp2 = next(m * m); bMlp2 = next(m);
  wHead = next(m * K); wHeadCost = next(<f64>costPools * C * K); bHead = next(K);
  if (costHidden > 0) { wCostH = next(costIn * CH); bCostH = next(CH); }
  return cursor;
}

// ----- scratch (f32 vectors of the current candidate), grown as needed, never shrunk -----
let scratch: usize = 0;
let scratchBytes: usize = 0;
let sHw: usize = 0; let sTokHw: usize = 0; let sGateHw: usize = 0; let sTok: usize = 0;
let sGate: usize = 0; let sRec: usize = 0; let sH: usize = 0; let sC: usize = 0;
let sSum: usize = 0; let sMax: usize = 0; let sHNew: usize = 0;
let sCosts: usize = 0; let sPool: usize = 0; let sZ1: usize = 0; let sZ2: usize = 0;
let sNzRow: usize = 0; let sNzVal: usize = 0; let sCostH: usize = 0;

function layScratch(steps: i32): void {
  const widest = max(max(max(nFeatures + nHardware, poolWidth), max(tokenSize, hwSize)), max(max(hidden, mlpSize), max(costs, costHidden)));
  const sizes: i32[] = [hwSize, tokenSize, gates, tokenSize, gates, gates, hidden, hidden, hidden, hidden, hidden,
    steps * costs, poolWidth, mlpSize, mlpSize, widest, widest, costHidden];
  let total: usize = 0;
  for (let i = 0; i < sizes.length; i++) total += (<usize>sizes[i] + 3) & ~<usize>3; // 16-byte aligned vectors
  const bytes = total << 2;
  if (bytes > scratchBytes) {
    if (scratch != 0) heap.free(scratch);
    scratch = heap.alloc(bytes);
    scratchBytes = bytes;
  }
  let at = scratch;
  const ptrs = new StaticArray<usize>(sizes.length);
  for (let i = 0; i < sizes.length; i++) { ptrs[i] = at; at += ((<usize>sizes[i] + 3) & ~<usize>3) << 2; }
  sHw = ptrs[0]; sTokHw = ptrs[1]; sGateHw = ptrs[2]; sTok = ptrs[3]; sGate = ptrs[4]; sRec = ptrs[5];
  sH = ptrs[6]; sC = ptrs[7]; sSum = ptrs[8]; sMax = ptrs[9]; sHNew = ptrs[10];
  sCosts = ptrs[11]; sPool = ptrs[12]; sZ1 = ptrs[13]; sZ2 = ptrs[14]; sNzRow = ptrs[15]; sNzVal = ptrs[16]; sCostH = ptrs[17];
}

// ----- vector kernels -----

@inline function f32At(p: usize, i: i32): f32 { return load<f32>(p + (<usize>i << 2)); }
@inline function setF32(p: usize, i: i32, v: f32): void { store<f32>(p + (<usize>i << 2), v); }

/**
 * y[0..nOut) += x[0..nIn) · W, W row-major [nIn, nOut] at w. The nonzero entries of x are gathered first;
 * then 16 (then 4, then 1) outputs at a time stay in registers while the rows stream by (32 spill: slower).
 */
function addMatVec(x: usize, nIn: i32, w: usize, nOut: i32, y: usize): void {
  const rowBytes = <usize>nOut << 2;
  let nz = 0;
  for (let i = 0; i < nIn; i++) {
    const v = f32At(x, i);
    if (v != 0) { store<usize>(sNzRow + <usize>nz * sizeof<usize>(), <usize>i * rowBytes); setF32(sNzVal, nz, v); nz++; }
  }
  let j = 0;
  for (; j + 16 <= nOut; j += 16) {
    const yj = y + (<usize>j << 2);
    let a0 = v128.load(yj), a1 = v128.load(yj, 16), a2 = v128.load(yj, 32), a3 = v128.load(yj, 48);
    const wj = w + (<usize>j << 2);
    for (let p = 0; p < nz; p++) {
      const s = f32x4.splat(f32At(sNzVal, p));
      const row = wj + load<usize>(sNzRow + <usize>p * sizeof<usize>());
      a0 = f32x4.add(a0, f32x4.mul(s, v128.load(row)));
      a1 = f32x4.add(a1, f32x4.mul(s, v128.load(row, 16)));
      a2 = f32x4.add(a2, f32x4.mul(s, v128.load(row, 32)));
      a3 = f32x4.add(a3, f32x4.mul(s, v128.load(row, 48)));
    }
    v128.store(yj, a0); v128.store(yj, a1, 16); v128.store(yj, a2, 32); v128.store(yj, a3, 48);
  }
  for (; j + 4 <= nOut; j += 4) {
    const yj = y + (<usize>j << 2);
    let a = v128.load(yj);
    const wj = w + (<usize>j << 2);
    for (let p = 0; p < nz; p++) {
      const row = wj + load<usize>(sNzRow + <usize>p * sizeof<usize>());
      a = f32x4.add(a, f32x4.mul(f32x4.splat(f32At(sNzVal, p)), v128.load(row)));
    }
    v128.store(yj, a);
  }
  for (; j < nOut; j++) {
    let a = f32At(y, j);
    const wj = w + (<usize>j << 2);
    for (let p = 0; p < nz; p++) a += f32At(sNzVal, p) * load<f32>(wj + load<usize>(sNzRow + <usize>p * sizeof<usize>()));
    setF32(y, j, a);
  }
}

function copyF32(dst: usize, src: usize, n: i32): void { memory.copy(dst, src, <usize>n << 2); }
function fillF32(dst: usize, n: i32, v: f32): void { for (let i = 0; i < n; i++) setF32(dst, i, v); }
function reluInPlace(p: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) { const a = p + (<usize>i << 2); v128.store(a, f32x4.max(v128.load(a), zero)); }
  for (; i < n; i++) setF32(p, i, max(f32At(p, i), <f32>0));
}

@inline function sigmoid(x: f32): f32 { return <f32>1 / (<f32>1 + Mathf.exp(-x)); }

/**
 * e^x on four lanes, within about 2 ulp: x = n ln2 + r (ln2 in two parts), a degree-7 polynomial of r
 * (|r| <= ln2 / 2; the classic single-precision minimax coefficients), times 2^n built in the exponent
 * bits. x is clamped to [-87, 88], where 2^n stays a normal number.
 */
@inline function expV(x0: v128): v128 {
  const x = f32x4.min(f32x4.max(x0, f32x4.splat(-87.0)), f32x4.splat(88.0));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1));
  const twoN = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, twoN);
}
/** 1 / (1 + e^-x) on four lanes. */
@inline function sigmoidV(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, expV(f32x4.neg(x))));
}
/** tanh x = 1 - 2 / (e^2x + 1) on four lanes (absolute error ~1e-7 near 0). */
@inline function tanhV(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(expV(f32x4.add(x, x)), one)));
}

// ----- the network -----

/** One recurrent step of the present token at `token` with presence m (!= 0); updates h (and c). */
function step(token: usize, m: f32): void {
  // token embedding: the hardware half (sTokHw, bias included) was done once per candidate
  copyF32(sTok, sTokHw, tokenSize);
  addMatVec(token, nFeatures, wEmbTok, tokenSize, sTok);
  reluInPlace(sTok, tokenSize);
  copyF32(sGate, sGateHw, gates);
  addMatVec(sTok, tokenSize, wToken, gates, sGate);
  fillF32(sRec, gates, 0);
  addMatVec(sH, hidden, wU, gates, sRec);
  const hd = hidden;
  const lanes = hd & ~3; // four hidden units at a time, then the rest one by one
  const g = sGate, u = sRec;
  const z0 = <usize>0, r0 = <usize>hd << 2, n0 = <usize>(2 * hd) << 2, o0 = <usize>(3 * hd) << 2;
  if (cell == S.RNN_GRU) {
    for (let k = 0; k < lanes; k += 4) {
      const at = <usize>k << 2;
      const z = sigmoidV(f32x4.add(v128.load(g + z0 + at), v128.load(u + z0 + at)));
      const r = sigmoidV(f32x4.add(v128.load(g + r0 + at), v128.load(u + r0 + at)));
      const n = tanhV(f32x4.add(v128.load(g + n0 + at), f32x4.mul(r, v128.load(u + n0 + at))));
      v128.store(sHNew + at, f32x4.add(n, f32x4.mul(z, f32x4.sub(v128.load(sH + at), n))));
    }
    for (let k = lanes; k < hd; k++) {
      const z = sigmoid(f32At(g, k) + f32At(u, k));
      const r = sigmoid(f32At(g, hd + k) + f32At(u, hd + k));
      const n = Mathf.tanh(f32At(g, 2 * hd + k) + r * f32At(u, 2 * hd + k));
      setF32(sHNew, k, n + z * (f32At(sH, k) - n));
    }
  } else {
    const mv = f32x4.splat(m);
    // [i, f, g, o] = [z0, r0, n0, o0] offsets
    for (let k = 0; k < lanes; k += 4) {
      const at = <usize>k << 2;
      const i = sigmoidV(f32x4.add(v128.load(g + z0 + at), v128.load(u + z0 + at)));
      const f = sigmoidV(f32x4.add(v128.load(g + r0 + at), v128.load(u + r0 + at)));
      const gg = tanhV(f32x4.add(v128.load(g + n0 + at), v128.load(u + n0 + at)));
      const o = sigmoidV(f32x4.add(v128.load(g + o0 + at), v128.load(u + o0 + at)));
      const c = v128.load(sC + at);
      const cNew = f32x4.add(f32x4.mul(f, c), f32x4.mul(i, gg));
      v128.store(sHNew + at, f32x4.mul(o, tanhV(cNew)));
      v128.store(sC + at, f32x4.add(c, f32x4.mul(mv, f32x4.sub(cNew, c))));
    }
    for (let k = lanes; k < hd; k++) {
      const i = sigmoid(f32At(g, k) + f32At(u, k));
      const f = sigmoid(f32At(g, hd + k) + f32At(u, hd + k));
      const gg = Mathf.tanh(f32At(g, 2 * hd + k) + f32At(u, 2 * hd + k));
      const o = sigmoid(f32At(g, 3 * hd + k) + f32At(u, 3 * hd + k));
      const c = f32At(sC, k);
      const cNew = f * c + i * gg;
      setF32(sHNew, k, o * Mathf.tanh(cNew));
      setF32(sC, k, c + m * (cNew - c));
    }
  }
  const absent = <f32>1 - m;
  for (let k = 0; k < hd; k++) {
    const h = f32At(sH, k), hNew = f32At(sHNew, k);
    setF32(sH, k, h + m * (hNew - h));
    const seen = m * hNew;
    setF32(sSum, k, f32At(sSum, k) + seen);
    setF32(sMax, k, max(f32At(sMax, k), seen - absent));
  }
}

/** The normalized outputs of one candidate into out (heads f32). Returns false if it has no present layer. */
function candidate(tokens: usize, hwFeatures: usize, steps: i32, out: usize): bool {
  // hardware embedding and the parts of the token embedding and the gates that do not change over steps
  copyF32(sHw, bEmbHw, hwSize);
  addMatVec(hwFeatures, nHardware, wEmbHw, hwSize, sHw);
  reluInPlace(sHw, hwSize);
  copyF32(sTokHw, bEmbTok, tokenSize);
  addMatVec(hwFeatures, nHardware, wEmbTok + (<usize>nFeatures * <usize>tokenSize << 2), tokenSize, sTokHw);
  copyF32(sGateHw, bRnn, gates);
  addMatVec(sHw, hwSize, wHw, gates, sGateHw);
  fillF32(sH, hidden, 0); fillF32(sC, hidden, 0); fillF32(sSum, hidden, 0);
  fillF32(sMax, hidden, -1); // states lie in (-1, 1)
  let count: f32 = 0;
  let present = 0;
  const tokenBytes = <usize>nFeatures << 2;
  for (let t = 0; t < steps; t++) {
    const token = tokens + <usize>t * tokenBytes;
    const m = f32At(token, nFeatures - 1);
    if (m == 0) continue; // a padded step leaves every state exactly as it is
    step(token, m);
    count += m;
    // per-layer log-costs; a partly present step is pushed down as in the tfjs forward
    const cost = sCosts + (<usize>present * <usize>costs << 2);
    copyF32(cost, bCost, costs);
    if (costHidden > 0) {
      copyF32(sCostH, bCostH, costHidden);
      addMatVec(sHNew, hidden, wCostH, costHidden, sCostH);
      if (costTokenIn) addMatVec(sTok, tokenSize, wCostH + (<usize>hidden * <usize>costHidden << 2), costHidden, sCostH); // sTok: this step's token embedding
      reluInPlace(sCostH, costHidden);
      addMatVec(sCostH, costHidden, wCost, costs, cost);
    } else {
      addMatVec(sHNew, hidden, wCost, costs, cost);
      if (costTokenIn) addMatVec(sTok, tokenSize, wCost + (<usize>hidden * <usize>costs << 2), costs, cost);
    }
    const push = (<f32>1 - m) * <f32>1e4;
    for (let k = 0; k < costs; k++) setF32(cost, k, f32At(cost, k) - push);
    present++;
  }
  if (present == 0) return false;
  // pooled z0 = [h_last, mean, max, lse, (cost max,) hw]
  const hd = hidden;
  const mean = sPool + (<usize>hd << 2), mx = sPool + (<usize>(2 * hd) << 2), lse = sPool + (<usize>(3 * hd) << 2);
  copyF32(sPool, sH, hd);
  const denom = max(count, <f32>1);
  for (let k = 0; k < hd; k++) setF32(mean, k, f32At(sSum, k) / denom);
  copyF32(mx, sMax, hd);
  for (let k = 0; k < costs; k++) {
    let top: f32 = <f32>-Infinity;
    for (let t = 0; t < present; t++) top = max(top, f32At(sCosts, t * costs + k));
    let sum: f32 = 0;
    for (let t = 0; t < present; t++) sum += Mathf.exp(f32At(sCosts, t * costs + k) - top);
    setF32(lse, k, Mathf.log(sum) + top);
    if (costPools == 2) setF32(lse, costs + k, top);
  }
  copyF32(lse + (<usize>(costPools * costs) << 2), sHw, hwSize);
  // MLP and heads
  copyF32(sZ1, bMlp1, mlpSize);
  addMatVec(sPool, poolWidth, wMlp1, mlpSize, sZ1);
  reluInPlace(sZ1, mlpSize);
  copyF32(sZ2, bMlp2, mlpSize);
  addMatVec(sZ1, mlpSize, wMlp2, mlpSize, sZ2);
  reluInPlace(sZ2, mlpSize);
  copyF32(out, bHead, heads);
  addMatVec(sZ2, mlpSize, wHead, heads, out);
  addMatVec(lse, costPools * costs, wHeadCost, heads, out);
  return true;
}

function widthOk(v: f64, lo: f64): bool { return v == Math.floor(v) && v >= lo && v <= <f64>S.RNN_MAX_WIDTH; }

/** Reads and checks the shape record; sets the sizes and the weight addresses. Returns a status. */
@inline function shapeAt(shapePtr: usize, slot: i32): f64 { return load<f64>(shapePtr + (<usize>slot << 3)); }
function readShape(shapePtr: usize, weightsPtr: usize): i32 {
  const c = shapeAt(shapePtr, S.RS_CELL);
  if (c != S.RNN_GRU && c != S.RNN_LSTM) return fail(S.RN_SHAPE_FIELD, S.RS_CELL, c);
  const mins: i32[] = [1, 0, 1, 1, 1, 1, 1, 1]; // RS_LAYER_FEATURES .. RS_HEADS
  for (let s = S.RS_LAYER_FEATURES; s <= S.RS_HEADS; s++) {
    if (!widthOk(shapeAt(shapePtr, s), <f64>mins[s - S.RS_LAYER_FEATURES])) return fail(S.RN_SHAPE_FIELD, s, shapeAt(shapePtr, s));
  }
  const maxPool = shapeAt(shapePtr, S.RS_COST_MAX_POOL), tokenIn = shapeAt(shapePtr, S.RS_COST_TOKEN_INPUT);
  if (maxPool != 0 && maxPool != 1) return fail(S.RN_SHAPE_FIELD, S.RS_COST_MAX_POOL, maxPool);
  if (tokenIn != 0 && tokenIn != 1) return fail(S.RN_SHAPE_FIELD, S.RS_COST_TOKEN_INPUT, tokenIn);
  const costHiddenSize = shapeAt(shapePtr, S.RS_COST_HIDDEN_SIZE);
  if (costHiddenSize != 0 && !widthOk(costHiddenSize, 1)) return fail(S.RN_SHAPE_FIELD, S.RS_COST_HIDDEN_SIZE, costHiddenSize);
  cell = <i32>c;
  costPools = maxPool == 1 ? 2 : 1;
  costTokenIn = tokenIn == 1;
  costHidden = <i32>costHiddenSize;
  nFeatures = <i32>shapeAt(shapePtr, S.RS_LAYER_FEATURES); nHardware = <i32>shapeAt(shapePtr, S.RS_HARDWARE_FEATURES);
  tokenSize = <i32>shapeAt(shapePtr, S.RS_TOKEN_SIZE); hwSize = <i32>shapeAt(shapePtr, S.RS_HARDWARE_SIZE); hidden = <i32>shapeAt(shapePtr, S.RS_HIDDEN_SIZE);
  mlpSize = <i32>shapeAt(shapePtr, S.RS_MLP_SIZE); costs = <i32>shapeAt(shapePtr, S.RS_COST_CHANNELS); heads = <i32>shapeAt(shapePtr, S.RS_HEADS);
  gates = (cell == S.RNN_GRU ? 3 : 4) * hidden;
  poolWidth = 3 * hidden + costPools * costs + hwSize;
  const count = layWeights(weightsPtr);
  if (shapeAt(shapePtr, S.RS_WEIGHT_COUNT) != count) return fail(S.RN_SHAPE_FIELD, S.RS_WEIGHT_COUNT, shapeAt(shapePtr, S.RS_WEIGHT_COUNT));
  if (<f64>weightsPtr + count * 4 > <f64>memory.size() * 65536) return fail(S.RN_BAD_CALL, S.RA_WEIGHTS_PTR, <f64>weightsPtr);
  return S.RN_OK;
}

/**
 * Normalized predictions of `batch` candidates: tokens f32 [batch, steps, F] (presence flag last; padded
 * steps all zero), hardware f32 [batch, H], out f32 [batch, heads]. Returns a status (0 = ok); the error
 * record (gibbon_rnn_error) names the field or argument.
 */
export function gibbon_rnn_forward(shapePtr: usize, weightsPtr: usize, tokensPtr: usize, hardwarePtr: usize,
  batch: i32, steps: i32, outPtr: usize): i32 {
  errStatus = 0; errField = -1; errValue = 0; errCandidate = -1;
  if (shapePtr == 0 || <f64>shapePtr + <f64>(S.RS_LEN * 8) > <f64>memory.size() * 65536) return fail(S.RN_BAD_CALL, S.RA_SHAPE_PTR, <f64>shapePtr);
  if (weightsPtr == 0) return fail(S.RN_BAD_CALL, S.RA_WEIGHTS_PTR, 0);
  const status = readShape(shapePtr, weightsPtr);
  if (status != S.RN_OK) return status;
  if (batch < 0) return fail(S.RN_BAD_CALL, S.RA_BATCH, <f64>batch);
  if (steps < 1) return fail(S.RN_BAD_CALL, S.RA_STEPS, <f64>steps);
  if (<f64>batch * <f64>steps * <f64>nFeatures > <f64>S.RNN_MAX_TOKEN_VALUES) return fail(S.RN_BAD_CALL, S.RA_BATCH, <f64>batch);
  if (<f64>steps * <f64>costs > <f64>S.RNN_MAX_COST_VALUES) return fail(S.RN_BAD_CALL, S.RA_STEPS, <f64>steps);
  if (batch == 0) return S.RN_OK;
  const memBytes = <f64>memory.size() * 65536;
  if (tokensPtr == 0 || <f64>tokensPtr + <f64>batch * <f64>steps * <f64>nFeatures * 4 > memBytes) return fail(S.RN_BAD_CALL, S.RA_TOKENS_PTR, <f64>tokensPtr);
  if ((hardwarePtr == 0 && nHardware > 0) || <f64>hardwarePtr + <f64>batch * <f64>nHardware * 4 > memBytes) return fail(S.RN_BAD_CALL, S.RA_HARDWARE_PTR, <f64>hardwarePtr);
  if (outPtr == 0 || <f64>outPtr + <f64>batch * <f64>heads * 4 > memBytes) return fail(S.RN_BAD_CALL, S.RA_OUT_PTR, <f64>outPtr);
  layScratch(steps);
  const tokenBytes = <usize>steps * <usize>nFeatures << 2;
  for (let b = 0; b < batch; b++) {
    const ok = candidate(tokensPtr + <usize>b * tokenBytes, hardwarePtr + (<usize>b * <usize>nHardware << 2), steps,
      outPtr + (<usize>b * <usize>heads << 2));
    if (!ok) return fail(S.RN_EMPTY_SEQUENCE, -1, 0, b);
  }
  return S.RN_OK;
}
