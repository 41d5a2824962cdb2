// One chip instance of the functional simulator: stuck-at faults and device variation per cell, drawn
// from the counter RNG keyed exactly as docs/functional.md §5 says (chip seed s, trial, layer ℓ, cell k).
// A draw is a pure function of its key, so every image, thread and runtime sees the same chip.
import { uniformAt, normalAt } from './rng';

/** A resistance factor 1 + σz below this is floored (docs/functional.md §5: η = 1/(1 + σz), at most 20). */
export const MIN_RESISTANCE_FACTOR: f64 = 0.05;

let chipSeed: u32 = 0;
let chipTrial: u32 = 0;
/** u < hrsBelow: stuck at HRS (safHrsPct / 100). */
let hrsBelow: f64 = 0;
/** u >= lrsFrom: stuck at LRS (1 - safLrsPct / 100). */
let lrsFrom: f64 = 1;
let sigma: f64 = 0;
let safOn = false;

/** Sets the chip whose cells the draws below describe. Percentages as in the hardware record. */
export function setChip(seed: u32, trial: u32, safHrsPct: f64, safLrsPct: f64, variationSigmaPct: f64): void {
  chipSeed = seed;
  chipTrial = trial;
  hrsBelow = safHrsPct / 100;
  lrsFrom = 1 - safLrsPct / 100;
  sigma = variationSigmaPct / 100;
  safOn = hrsBelow > 0 || lrsFrom < 1;
}

/** Whether any cell can be stuck (the same draw decides every rate, so rate 0 means no draw at all). */
export function faultsOn(): bool { return safOn; }
export function variationOn(): bool { return sigma > 0; }

/** The cell index k of docs/functional.md §5, modulo 2^32 like the TS twin's hash words. */
@inline export function cellIndex(group: u32, rowsPerGroup: u32, row: u32, gout: u32, col: u32, slices: u32, slice: u32, array: u32): u32 {
  return (((group * rowsPerGroup + row) * gout + col) * slices + slice) * 2 + array;
}

/** The level cell k of layer `layer` holds: `level`, or 0 stuck at HRS, or maxLevel stuck at LRS. */
export function faultyLevel(layer: u32, k: u32, level: i32, maxLevel: i32): i32 {
  if (!safOn) return level;
  const u = uniformAt(chipSeed, chipTrial, layer * 4, k, 0);
  if (u < hrsBelow) return 0;
  if (u >= lrsFrom) return maxLevel;
  return level;
}

/** The conductance multiplier η = 1 / max(1 + σz, 1/20) of cell k (1 without variation). */
export function etaAt(layer: u32, k: u32): f64 {
  if (!(sigma > 0)) return 1;
  return 1 / Math.max(1 + sigma * normalAt(chipSeed, chipTrial, layer * 4 + 1, k, 0), MIN_RESISTANCE_FACTOR);
}
