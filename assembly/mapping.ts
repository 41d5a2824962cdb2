// Layer -> PEs -> tiles (mnsim-model.md §2.2): how many crossbar row blocks (my) and PE column blocks
// (mx, incl. weight-slice groups) a layer needs, the rows/columns used per crossbar, and its tiles.
import * as L from './layout';
import { setError } from './arch';
import { E_KERNEL_TOO_LARGE } from './errors';
import * as P from './plan';
import * as PE from './pe';

// ===== Row tiles of a conv (shared with the functional simulator, assembly/funcsim*.ts) =====
/** Whole input channels per crossbar (the K x K kernel unrolled along the rows). */
export let packChannelsPerXbar: f64 = 0;
/** Conv groups sharing one crossbar as diagonal blocks (1 = each group on its own crossbars). */
export let packGroupsPerXbar: f64 = 1;
/** Crossbars along the rows (MNSIM's my) and along the columns for one weight slice. */
export let packRowTiles: f64 = 0;
export let packColTiles: f64 = 0;
export let packRowsUsed: f64 = 0;
export let packColsUsed: f64 = 0;

/** 1 when the last packGroups() call fell back to the dense placement of a grouped conv. */
export let packDense: bool = true;

/**
 * Places a conv (K x K, cin -> cout, g groups) on R x C crossbars. Dense (MNSIM's way for any g):
 * ceil(cin / ch) row tiles. Grouped (the gibbon model): if one group fits a crossbar, b groups share
 * it as diagonal blocks; otherwise each group is mapped alone like a dense gin -> gout conv. Dense is
 * a valid placement of a grouped conv too (zeros off the blocks), so the cheaper one is taken.
 */
export function packGroups(R: f64, C: f64, k: f64, cin: f64, cout: f64, g: f64, grouped: bool): void {
  const k2 = k * k;
  const ch = Math.floor(R / k2);
  packChannelsPerXbar = ch;
  const denseRows = Math.ceil(cin / ch), denseCols = Math.ceil(cout / C);
  if (grouped) {
    const gin = cin / g, gout = cout / g;
    let b: f64 = 1, rowTiles: f64, colTiles: f64, rowsUsed: f64, colsUsed: f64;
    if (gin <= ch && gout <= C) {
      b = Math.min(Math.min(Math.floor(ch / gin), Math.floor(C / gout)), g);
      rowTiles = Math.ceil(g / b);
      colTiles = 1;
      rowsUsed = b * gin * k2;
      colsUsed = b * gout;
    } else {
      rowTiles = g * Math.ceil(gin / ch);
      colTiles = Math.ceil(gout / C);
      rowsUsed = Math.min(ch, gin) * k2;
      colsUsed = Math.min(gout, C);
    }
    if (rowTiles * colTiles <= denseRows * denseCols) {
      packDense = false;
      packGroupsPerXbar = b;
      packRowTiles = rowTiles;
      packColTiles = colTiles;
      packRowsUsed = rowsUsed;
      packColsUsed = colsUsed;
      return;
    }
  }
  packDense = true;
  packGroupsPerXbar = 1;
  packRowTiles = denseRows;
  packColTiles = denseCols;
  packRowsUsed = Math.min(ch, cin) * k2;
  packColsUsed = Math.min(cout, C);
}

/** Maps layer `l` (record at `lp`) into the plan. Returns false on an error (already recorded). */
export function mapLayer(l: i32, lp: usize): bool {
  const type = <i32>load<f64>(lp + (<usize>L.L_TYPE << 3));
  const R = PE.rows, C = PE.cols, G = PE.groups;
  let mx: f64 = 0, my: f64 = 0, rowsUsed: f64 = 0, colsUsed: f64 = 0, slices: f64 = 0, usedCells: f64 = 0, ops: f64 = 0;
  if (type == L.LT_CONV || type == L.LT_FC) {
    const wBits = load<f64>(lp + (<usize>L.L_WEIGHT_BITS << 3));
    slices = PE.weightSlices(wBits);
    const sliceGroups = Math.ceil(slices / G);
    const cin = load<f64>(lp + (<usize>L.L_IN_CHANNELS << 3));
    const cout = load<f64>(lp + (<usize>L.L_OUT_CHANNELS << 3));
    if (type == L.LT_FC) {
      my = Math.ceil(cin / R);
      mx = sliceGroups * Math.ceil(cout / C);
      rowsUsed = Math.min(cin, R);
      colsUsed = Math.min(cout, C);
      usedCells = cin * cout * slices * PE.polarity;
      ops = 2 * cin * cout;
    } else {
      const k = load<f64>(lp + (<usize>L.L_KERNEL << 3));
      const k2 = k * k;
      if (k2 > R) return setError(E_KERNEL_TOO_LARGE, l, L.L_KERNEL, k);
      const g = load<f64>(lp + (<usize>L.L_CONV_GROUPS << 3));
      const gin = cin / g, gout = cout / g;
      packGroups(R, C, k, cin, cout, g, g > 1 && (PE.switches & L.SW_GROUPED_CONV) != 0);
      my = packRowTiles;
      mx = sliceGroups * packColTiles;
      rowsUsed = packRowsUsed;
      colsUsed = packColsUsed;
      const outPix = load<f64>(lp + (<usize>L.L_OUT_H << 3)) * load<f64>(lp + (<usize>L.L_OUT_W << 3));
      usedCells = k2 * gin * cout * slices * PE.polarity;
      ops = 2 * outPix * k2 * gin * cout;
    }
  } else if (type == L.LT_POOL) {
    mx = 1; my = 1; // a pooling layer takes one whole tile
  }
  const pes = mx * my;
  P.ps(l, P.PL_MX, mx);
  P.ps(l, P.PL_MY, my);
  P.ps(l, P.PL_PES, pes);
  P.ps(l, P.PL_TILES, Math.ceil(pes / PE.pesPerTile));
  P.ps(l, P.PL_MAX_PE, Math.min(pes, PE.pesPerTile));
  P.ps(l, P.PL_ROWS, rowsUsed);
  P.ps(l, P.PL_COLS, colsUsed);
  P.ps(l, P.PL_GROUP, Math.min(slices, G));
  P.ps(l, P.PL_SLICES, slices);
  P.ps(l, P.PL_USED_CELLS, usedCells);
  P.ps(l, P.PL_OPS, ops);
  const inBits = load<f64>(lp + (<usize>L.L_INPUT_BITS << 3));
  P.ps(l, P.PL_CYCLES, type == L.LT_CONV || type == L.LT_FC ? PE.inputCycles(inBits) : 0);
  return true;
}
