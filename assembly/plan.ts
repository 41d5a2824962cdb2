// Per-layer working state of one evaluation ("the plan"): mapping, placement and schedule results,
// PLAN_LEN f64 per layer in one growable scratch array, plus the per-pixel finish times.

export const PL_TILES = 0;
export const PL_PES = 1;
export const PL_MAX_PE = 2;
export const PL_ROWS = 3; // max_row: rows used per crossbar
export const PL_COLS = 4; // max_column
export const PL_GROUP = 5; // max_group: crossbar groups used per PE
export const PL_MX = 6;
export const PL_MY = 7;
export const PL_SLICES = 8;
export const PL_CYCLES = 9;
export const PL_START = 10; // first tile's order number
export const PL_HOPS_IN = 11;
export const PL_HOPS_OUT = 12;
export const PL_USED_CELLS = 13;
export const PL_OPS = 14;
export const PL_N_SUCC = 15;
export const PL_ALL_SUCC_ADD = 16;
export const PL_MIN_U = 17; // extremes of u = x + y and v = x - y over this layer's tiles
export const PL_MAX_U = 18;
export const PL_MIN_V = 19;
export const PL_MAX_V = 20;
export const PL_SMIN_U = 21; // the same over all tiles of all successors
export const PL_SMAX_U = 22;
export const PL_SMIN_V = 23;
export const PL_SMAX_V = 24;
export const PL_FIN_OFF = 25; // offset of this layer's finish times in `finish`
export const PL_N_PIX = 26;
export const PL_GLOBAL_HOPS = 27; // add layers: max hops from successors' first tiles to the accumulator
export const PLAN_LEN = 28;

export let plan = new StaticArray<f64>(0);
export let finish = new StaticArray<f64>(0);

export function reservePlan(nLayers: i32): void {
  if (plan.length < nLayers * PLAN_LEN) plan = new StaticArray<f64>(nLayers * PLAN_LEN * 2);
  memory.fill(changetype<usize>(plan), 0, <usize>(nLayers * PLAN_LEN) << 3);
}
export function reserveFinish(n: i32): void {
  if (finish.length < n) finish = new StaticArray<f64>(n * 2);
}

@inline export function pg(layer: i32, field: i32): f64 { return unchecked(plan[layer * PLAN_LEN + field]); }
@inline export function ps(layer: i32, field: i32, v: f64): void { unchecked(plan[layer * PLAN_LEN + field] = v); }
