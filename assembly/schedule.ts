// Per-output-pixel latency and the layer schedule (mnsim-model.md §3.11, §3.12): pixel classes by
// buffer traffic, the inter-layer pipeline (a pixel starts once the input pixels it needs are done)
// or layer-by-layer execution, and each layer's summed component latencies for the energy model.
import * as L from './layout';
import * as P from './plan';
import { bufferAccessNs } from './buffer';
import * as PE from './pe';

// Summed latencies of one layer over all its pixels (ns), filled by scheduleLayer().
export let sumBufReadNs: f64 = 0; // PE input-buffer reads (+ pooling reads)
export let sumBufWriteNs: f64 = 0;
export let nPixels: f64 = 0;
export let steadyPixelNs: f64 = 0;
export let beginNs: f64 = 0;
export let firstDoneNs: f64 = 0;
export let lastDoneNs: f64 = 0;

// Pixel classes: 0 first pixel, 1 row start, 2 first row, 3 any other. Per class: write/read bytes.
const classIn = new StaticArray<f64>(4);
const classRd = new StaticArray<f64>(4);
const classNs = new StaticArray<f64>(4);

@inline function lf(lp: usize, field: i32): f64 { return load<f64>(lp + (<usize>field << 3)); }

/** Max finish time over the producers of layer `lp` at their pixel `need` (0 for the network input). */
@inline function readyAt(lp: usize, nIn: i32, need: i32): f64 {
  let ready: f64 = 0;
  for (let k = 0; k < nIn; k++) {
    const q = <i32>lf(lp, L.L_INPUT0 + k);
    if (q < 0) continue;
    const off = <i32>P.pg(q, P.PL_FIN_OFF), n = <i32>P.pg(q, P.PL_N_PIX);
    const v = unchecked(P.finish[off + min(need, n - 1)]);
    if (v > ready) ready = v;
  }
  return ready;
}

@inline function lastOf(q: i32): f64 {
  return unchecked(P.finish[<i32>P.pg(q, P.PL_FIN_OFF) + <i32>P.pg(q, P.PL_N_PIX) - 1]);
}

/** An fc's input-buffer access per output (ns): its rows' input bits, read once and written once. */
function fcBufferNs(l: i32, lp: usize): f64 {
  return bufferAccessNs(P.pg(l, P.PL_ROWS) * lf(lp, L.L_INPUT_BITS) / 8, PE.bufferBitwidth);
}

/**
 * The buffer write (classIn) and read (classRd) bytes and the latency (classNs) of each pixel class of a
 * conv or pooling layer (spec §3.11 tables).
 */
function pixelClasses(l: i32, lp: usize, fixedNs: f64, pipeline: bool): void {
  const bw = PE.bufferBitwidth;
  const ib = lf(lp, L.L_INPUT_BITS);
  const inW = <i32>lf(lp, L.L_IN_W);
  const isPool = <i32>lf(lp, L.L_TYPE) == L.LT_POOL;
  const K = lf(lp, L.L_KERNEL), s = lf(lp, L.L_STRIDE);
  const pt = lf(lp, L.L_PAD_TOP), pl = lf(lp, L.L_PAD_LEFT);
  const ch = isPool ? lf(lp, L.L_IN_CHANNELS) : P.pg(l, P.PL_ROWS) / (K * K); // channels per PE
  const B = ch * ib / 8; // bytes per (channel x pixel)
  const kt = Math.max(K - pt, 0), kl = Math.max(K - pl, 0);
  const fullRd = isPool ? B * K * K : P.pg(l, P.PL_ROWS) * ib / 8;
  if (pipeline) {
    unchecked(classIn[0] = B * kt * kl); unchecked(classRd[0] = fullRd);
    unchecked(classIn[1] = B * s * kl); unchecked(classRd[1] = fullRd);
    unchecked(classIn[2] = B * s * K); unchecked(classRd[2] = B * s * K);
    unchecked(classIn[3] = B * s * s); unchecked(classRd[3] = B * s * K);
    if (isPool) { unchecked(classIn[2] = classIn[3]); } // pooling has no first-row case
  } else { // layer by layer: the line buffer fills row by row
    unchecked(classIn[0] = B * (<f64>inW * Math.max(K - pt - 1, 0) + kl)); unchecked(classRd[0] = fullRd);
    unchecked(classIn[1] = B * (<f64>inW * (s - 1) + kl)); unchecked(classRd[1] = fullRd);
    unchecked(classIn[2] = B * s); unchecked(classRd[2] = B * s * K);
    unchecked(classIn[3] = B * s); unchecked(classRd[3] = B * s * K);
  }
  for (let c = 0; c < 4; c++) {
    unchecked(classNs[c] = fixedNs + bufferAccessNs(unchecked(classIn[c]), bw) + bufferAccessNs(unchecked(classRd[c]), bw));
  }
}

/**
 * The latency of a steady-state output pixel of layer l (the result's O_PIXEL_NS) without scheduling it:
 * an fc's one output, an add's pixel, and for conv and pooling the class that is neither a row start nor
 * in the first row. Needs what scheduleLayer needs but the producers' finish times.
 */
export function steadyPixelLatencyNs(l: i32, lp: usize, fixedNs: f64, pipeline: bool): f64 {
  const type = <i32>lf(lp, L.L_TYPE);
  if (type == L.LT_FC) return fixedNs + 2 * fcBufferNs(l, lp);
  if (type == L.LT_ADD) return fixedNs;
  pixelClasses(l, lp, fixedNs, pipeline);
  return unchecked(classNs[3]);
}

/**
 * Schedules layer l. `fixedNs` is the pixel latency without the input-side buffer traffic; for conv and
 * pooling the classes add their buffer write/read time. Sets the sums above and the layer's finish times.
 */
export function scheduleLayer(l: i32, lp: usize, fixedNs: f64, pipeline: bool): void {
  const type = <i32>lf(lp, L.L_TYPE);
  const nIn = <i32>lf(lp, L.L_N_INPUTS);
  const off = <i32>P.pg(l, P.PL_FIN_OFF);
  const bw = PE.bufferBitwidth;
  if (type == L.LT_FC) {
    const tb = fcBufferNs(l, lp);
    let ready: f64 = 0;
    for (let k = 0; k < nIn; k++) { const q = <i32>lf(lp, L.L_INPUT0 + k); if (q >= 0) ready = Math.max(ready, lastOf(q)); }
    const d = fixedNs + 2 * tb;
    beginNs = ready; firstDoneNs = lastDoneNs = ready + d; steadyPixelNs = d; nPixels = 1;
    sumBufReadNs = tb; sumBufWriteNs = tb;
    unchecked(P.finish[off] = lastDoneNs);
    return;
  }
  const outH = <i32>lf(lp, L.L_OUT_H), outW = <i32>lf(lp, L.L_OUT_W);
  const inH = <i32>lf(lp, L.L_IN_H), inW = <i32>lf(lp, L.L_IN_W);
  nPixels = <f64>outH * <f64>outW;
  if (type == L.LT_ADD) {
    let prev: f64 = 0;
    for (let i = 0; i < outH; i++) for (let j = 0; j < outW; j++) {
      const idx = i * outW + j;
      let b = readyAt(lp, nIn, idx);
      if (idx > 0 && prev > b) b = prev;
      if (idx == 0) beginNs = b;
      prev = b + fixedNs;
      unchecked(P.finish[off + idx] = prev);
    }
    firstDoneNs = unchecked(P.finish[off]); lastDoneNs = prev; steadyPixelNs = fixedNs;
    sumBufReadNs = 0; sumBufWriteNs = 0; // the add's global-buffer traffic is inside fixedNs
    return;
  }
  // conv or pooling: buffer traffic per pixel class (spec §3.11 tables)
  const isPool = type == L.LT_POOL;
  pixelClasses(l, lp, fixedNs, pipeline);
  const K = lf(lp, L.L_KERNEL), s = lf(lp, L.L_STRIDE);
  const pt = lf(lp, L.L_PAD_TOP), pl = lf(lp, L.L_PAD_LEFT);
  // class counts
  const nRowStart = <f64>(outH - 1), nFirstRow = <f64>(outW - 1), nOther = <f64>(outH - 1) * <f64>(outW - 1);
  sumBufWriteNs = bufferAccessNs(classIn[0], bw) + nRowStart * bufferAccessNs(classIn[1], bw)
    + nFirstRow * bufferAccessNs(classIn[2], bw) + nOther * bufferAccessNs(classIn[3], bw);
  sumBufReadNs = bufferAccessNs(classRd[0], bw) + nRowStart * bufferAccessNs(classRd[1], bw)
    + nFirstRow * bufferAccessNs(classRd[2], bw) + nOther * bufferAccessNs(classRd[3], bw);
  steadyPixelNs = unchecked(classNs[3]);

  const d0 = unchecked(classNs[0]), d1 = unchecked(classNs[1]), d2 = unchecked(classNs[2]), d3 = unchecked(classNs[3]);
  if (!pipeline) {
    // Starts when its first producer has fully finished; then pixels run back to back.
    const q0 = <i32>lf(lp, L.L_INPUT0);
    let t: f64 = q0 >= 0 ? lastOf(q0) : 0;
    beginNs = t;
    for (let i = 0; i < outH; i++) for (let j = 0; j < outW; j++) {
      t += i == 0 ? (j == 0 ? d0 : d2) : (j == 0 ? d1 : d3);
      unchecked(P.finish[off + i * outW + j] = t);
    }
    firstDoneNs = unchecked(P.finish[off]); lastDoneNs = t;
    return;
  }
  // Pipelined: pixel (i,j) needs input pixel `need` of every producer.
  const si = <i32>s, ki = <i32>K;
  const rowBase = <i32>Math.max(K - pt, 1), colBase = <i32>Math.max(K - pl, 1);
  const unitKernel = ki == 1 && !isPool;
  // conv and pooling read one producer (checked at entry); -1 is the network input, ready at 0.
  const q = <i32>lf(lp, L.L_INPUT0);
  const qOff = q >= 0 ? <i32>P.pg(q, P.PL_FIN_OFF) : 0, qLast = q >= 0 ? <i32>P.pg(q, P.PL_N_PIX) - 1 : 0;
  const fin = changetype<usize>(P.finish);
  let prev: f64 = 0;
  for (let i = 0; i < outH; i++) {
    const needRow = unitKernel ? i * si * inW : (min(rowBase + si * i, inH) - 1) * inW;
    const dStart = i == 0 ? d0 : d1, dRest = i == 0 ? d2 : d3;
    const rowOut = fin + (<usize>(off + i * outW) << 3);
    for (let j = 0; j < outW; j++) {
      const need = unitKernel ? needRow + j * si : needRow + min(colBase + si * j, inW) - 1;
      let b: f64 = q >= 0 ? load<f64>(fin + (<usize>(qOff + min(need, qLast)) << 3)) : 0;
      if ((i | j) != 0) { if (prev > b) b = prev; } else beginNs = b;
      prev = b + (j == 0 ? dStart : dRest);
      store<f64>(rowOut + (<usize>j << 3), prev);
    }
  }
  firstDoneNs = unchecked(P.finish[off]); lastDoneNs = prev;
}
