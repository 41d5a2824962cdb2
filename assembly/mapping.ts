// Layer -> PEs -> tiles (mnsim-model.md §2.2): how many crossbar row blocks (my) and PE column blocks
// (mx, incl. weight-slice groups) a layer needs, the rows/columns used per crossbar, and its tiles.
import * as L from './layout';
import { setError } from './arch';
import { E_KERNEL_TOO_LARGE } from './errors';
import * as P from './plan';
import * as PE from './pe';

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
      const chPerXbar = Math.floor(R / k2); // whole input channels per crossbar (kernel unrolled on rows)
      const gin = cin / g, gout = cout / g;
      if (g > 1 && (PE.switches & L.SW_GROUPED_CONV) != 0) {
        if (gin <= chPerXbar && gout <= C) {
          // b groups share one crossbar as diagonal blocks; the off-diagonal cells hold no weight.
          const b = Math.min(Math.min(Math.floor(chPerXbar / gin), Math.floor(C / gout)), g);
          my = Math.ceil(g / b);
          mx = sliceGroups;
          rowsUsed = b * gin * k2;
          colsUsed = b * gout;
        } else {
          // A group larger than a crossbar is mapped alone, like a dense conv of gin -> gout.
          my = g * Math.ceil(gin / chPerXbar);
          mx = sliceGroups * Math.ceil(gout / C);
          rowsUsed = Math.min(chPerXbar, gin) * k2;
          colsUsed = Math.min(gout, C);
        }
      } else { // dense (MNSIM maps a grouped conv as dense too)
        my = Math.ceil(cin / chPerXbar);
        mx = sliceGroups * Math.ceil(cout / C);
        rowsUsed = Math.min(chPerXbar, cin) * k2;
        colsUsed = Math.min(cout, C);
      }
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
