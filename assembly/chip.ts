// The chip: tile placement orders and inter-tile hop counts (mnsim-model.md §2.5). Tiles are numbered
// in layer order; a placement order puts order number o at a grid cell. Manhattan distances to a set
// of tiles are taken through the extremes of u = x + y and v = x - y:
//   max_t |x - xt| + |y - yt| = max(maxU - u, u - minU, maxV - v, v - minV),
// which is exact and makes every layer's placement search linear in its tile count.
import * as L from './layout';
import { a } from './arch';
import * as P from './plan';

let cachedX: i32 = -1, cachedY: i32 = -1, cachedOrder: i32 = -1;
let posX = new StaticArray<i32>(0);
let posY = new StaticArray<i32>(0);
// Per layer, the row-major grid index (x * Y + y) of its tile that comes first in a row-major scan: an
// add's hops to a successor are measured from that tile, not from the successor's first tile in placement
// order (MNSIM takes np.argwhere(mapping_result == succ)[0]; mnsim-model.md §2.5).
let firstScanIdx = new StaticArray<i32>(0);

function place(o: i32, i: i32, j: i32): void { unchecked(posX[o] = i); unchecked(posY[o] = j); }

/** Fills posX/posY (grid cell of each order number) for an X x Y grid. */
function buildOrder(X: i32, Y: i32, order: i32): void {
  if (X == cachedX && Y == cachedY && order == cachedOrder) return;
  posX = new StaticArray<i32>(X * Y);
  posY = new StaticArray<i32>(X * Y);
  let o = 0;
  if (order == 0) { // row-major
    for (let i = 0; i < X; i++) for (let j = 0; j < Y; j++) place(o++, i, j);
  } else if (order == 1) { // snake: odd rows reversed
    for (let i = 0; i < X; i++) for (let k = 0; k < Y; k++) place(o++, i, (i & 1) != 0 ? Y - 1 - k : k);
  } else if (order == 2) { // growing square from (0,0); shell s holds the cells with max(i, j) = s
    for (let s = 0; s < X; s++) {
      if ((s & 1) != 0) { // down column s from (0,s) to (s,s), then left along row s to (s,0)
        for (let i = 0; i <= s; i++) place(o++, i, s);
        for (let j = s - 1; j >= 0; j--) place(o++, s, j);
      } else { // right along row s from (s,0) to (s,s), then up column s to (0,s)
        for (let j = 0; j <= s; j++) place(o++, s, j);
        for (let i = s - 1; i >= 0; i--) place(o++, i, s);
      }
    }
  } else { // JPEG zig-zag over anti-diagonals d = i + j: odd d runs down-left, even d up-right
    for (let d = 0; d <= X + Y - 2; d++) {
      const iLo = max(0, d - (Y - 1)), iHi = min(d, X - 1);
      if ((d & 1) != 0) { for (let i = iLo; i <= iHi; i++) place(o++, i, d - i); }
      else { for (let i = iHi; i >= iLo; i--) place(o++, i, d - i); }
    }
  }
  cachedX = X; cachedY = Y; cachedOrder = order;
}

/**
 * Repeats the grid's last cell for order numbers `X * Y .. n - 1`: the layer plan (layer-plan.ts) of a
 * network with more tiles than the chip places the extra tiles there (a simulation refuses it first).
 */
function coverTiles(n: i32): void {
  const cells = posX.length;
  if (n <= cells) return;
  const x = new StaticArray<i32>(n), y = new StaticArray<i32>(n);
  for (let o = 0; o < n; o++) {
    const c = min(o, cells - 1);
    unchecked(x[o] = posX[c]); unchecked(y[o] = posY[c]);
  }
  posX = x; posY = y;
}

@inline function maxDist(u: f64, v: f64, minU: f64, maxU: f64, minV: f64, maxV: f64): f64 {
  return Math.max(Math.max(maxU - u, u - minU), Math.max(maxV - v, v - minV));
}

/** Computes PL_HOPS_IN / PL_HOPS_OUT for every layer. Needs PL_TILES, PL_START, successors' data. */
export function computeHops(layersPtr: usize, nLayers: i32): void {
  const X = <i32>a(L.A_TILE_ROWS), Y = <i32>a(L.A_TILE_COLS);
  buildOrder(X, Y, <i32>a(L.A_TILE_CONNECTION));
  coverTiles(<i32>(P.pg(nLayers - 1, P.PL_START) + P.pg(nLayers - 1, P.PL_TILES)));
  const halfX: f64 = <f64>X / 2; // the global accumulator sits at (X/2, 0)
  if (firstScanIdx.length < nLayers) firstScanIdx = new StaticArray<i32>(nLayers * 2);
  // Tile extremes per layer.
  for (let l = 0; l < nLayers; l++) {
    const tiles = <i32>P.pg(l, P.PL_TILES), start = <i32>P.pg(l, P.PL_START);
    let minU = Infinity, maxU = -Infinity, minV = Infinity, maxV = -Infinity;
    let scanIdx = i32.MAX_VALUE;
    for (let o = start; o < start + tiles; o++) {
      const x = <f64>unchecked(posX[o]), y = <f64>unchecked(posY[o]);
      minU = Math.min(minU, x + y); maxU = Math.max(maxU, x + y);
      minV = Math.min(minV, x - y); maxV = Math.max(maxV, x - y);
      scanIdx = min(scanIdx, unchecked(posX[o]) * Y + unchecked(posY[o]));
    }
    unchecked(firstScanIdx[l] = scanIdx);
    P.ps(l, P.PL_MIN_U, minU); P.ps(l, P.PL_MAX_U, maxU); P.ps(l, P.PL_MIN_V, minV); P.ps(l, P.PL_MAX_V, maxV);
    P.ps(l, P.PL_SMIN_U, Infinity); P.ps(l, P.PL_SMAX_U, -Infinity);
    P.ps(l, P.PL_SMIN_V, Infinity); P.ps(l, P.PL_SMAX_V, -Infinity);
    P.ps(l, P.PL_N_SUCC, 0); P.ps(l, P.PL_ALL_SUCC_ADD, 1); P.ps(l, P.PL_GLOBAL_HOPS, 0);
  }
  // Successor relations (from each consumer's input list).
  for (let j = 0; j < nLayers; j++) {
    const base = layersPtr + (<usize>(j * L.LAYER_LEN) << 3);
    const nIn = <i32>load<f64>(base + (<usize>L.L_N_INPUTS << 3));
    const isAdd = load<f64>(base + (<usize>L.L_TYPE << 3)) == L.LT_ADD;
    const jTiles = <i32>P.pg(j, P.PL_TILES);
    for (let k = 0; k < nIn; k++) {
      const q = <i32>load<f64>(base + (<usize>(L.L_INPUT0 + k) << 3));
      if (q < 0) continue;
      P.ps(q, P.PL_N_SUCC, P.pg(q, P.PL_N_SUCC) + 1);
      if (!isAdd) P.ps(q, P.PL_ALL_SUCC_ADD, 0);
      if (jTiles > 0) {
        P.ps(q, P.PL_SMIN_U, Math.min(P.pg(q, P.PL_SMIN_U), P.pg(j, P.PL_MIN_U)));
        P.ps(q, P.PL_SMAX_U, Math.max(P.pg(q, P.PL_SMAX_U), P.pg(j, P.PL_MAX_U)));
        P.ps(q, P.PL_SMIN_V, Math.min(P.pg(q, P.PL_SMIN_V), P.pg(j, P.PL_MIN_V)));
        P.ps(q, P.PL_SMAX_V, Math.max(P.pg(q, P.PL_SMAX_V), P.pg(j, P.PL_MAX_V)));
        const idx = unchecked(firstScanIdx[j]);
        const h = Math.abs(<f64>(idx / Y) - halfX) + <f64>(idx % Y);
        P.ps(q, P.PL_GLOBAL_HOPS, Math.max(P.pg(q, P.PL_GLOBAL_HOPS), h));
      }
    }
  }
  for (let l = 0; l < nLayers; l++) {
    const tiles = <i32>P.pg(l, P.PL_TILES);
    if (tiles == 0) { // element-wise add on the global accumulator
      P.ps(l, P.PL_HOPS_IN, 0);
      P.ps(l, P.PL_HOPS_OUT, P.pg(l, P.PL_GLOBAL_HOPS));
      continue;
    }
    const start = <i32>P.pg(l, P.PL_START);
    const last = P.pg(l, P.PL_N_SUCC) == 0;
    const branchOut = !last && P.pg(l, P.PL_ALL_SUCC_ADD) == 1;
    const succHasTiles = P.pg(l, P.PL_SMAX_U) >= P.pg(l, P.PL_SMIN_U);
    const minU = P.pg(l, P.PL_MIN_U), maxU = P.pg(l, P.PL_MAX_U), minV = P.pg(l, P.PL_MIN_V), maxV = P.pg(l, P.PL_MAX_V);
    const sminU = P.pg(l, P.PL_SMIN_U), smaxU = P.pg(l, P.PL_SMAX_U), sminV = P.pg(l, P.PL_SMIN_V), smaxV = P.pg(l, P.PL_SMAX_V);
    // MNSIM scans candidates in row-major grid order from a running minimum of 1000 (strict <):
    // the winner is the lowest cost, ties to the lowest row-major index.
    let best: f64 = 1000, bestIdx: i32 = i32.MAX_VALUE, bestIn: f64 = 0, bestOut: f64 = 0;
    for (let o = start; o < start + tiles; o++) {
      const x = <f64>unchecked(posX[o]), y = <f64>unchecked(posY[o]);
      const u = x + y, v = x - y;
      const din = tiles == 1 ? 0 : maxDist(u, v, minU, maxU, minV, maxV);
      let dout: f64 = 0;
      if (branchOut) dout = Math.abs(x - halfX) + y;
      else if (!last && succHasTiles) dout = maxDist(u, v, sminU, smaxU, sminV, smaxV);
      const cost = din + dout;
      const idx = unchecked(posX[o]) * Y + unchecked(posY[o]);
      if (cost < best || (cost == best && idx < bestIdx && bestIdx != i32.MAX_VALUE)) {
        best = cost; bestIdx = idx; bestIn = din; bestOut = dout;
      }
    }
    P.ps(l, P.PL_HOPS_IN, bestIn);
    P.ps(l, P.PL_HOPS_OUT, last ? 0 : bestOut);
  }
}
