// The memristor (or SRAM) cell at behavior level (mnsim-model.md §3.1).

/** Average read power of one cell, W. NVM: 67 % of cells read as HRS, 33 % LRS, input '1' 10 % of the time. */
// An SRAM device reads with both resistances forced to 1.6 MΩ (spec §1.1): the caller passes those.
export function cellReadPowerW(vFirst: f64, vLast: f64, rHrs: f64, rLrs: f64): f64 {
  const gEff = 0.67 / rHrs + 0.33 / rLrs;
  const v2 = 0.9 * vFirst * vFirst + 0.1 * vLast * vLast;
  return v2 * gEff;
}

/** Cell power at Simulation_Level 1: every cell at the geometric-mean conductance and mean V². */
export function cellEstimatePowerW(vFirst: f64, vLast: f64, rHrs: f64, rLrs: f64): f64 {
  return (vFirst * vFirst + vLast * vLast) / 2 / Math.sqrt(rHrs * rLrs);
}

/** V_eff² / R_first: the sneak-path term of a 0T1R array (per unselected cell, before the 1/4 weight). */
export function sneakPowerW(vFirst: f64, vLast: f64, rHrs: f64): f64 {
  const v2 = 0.9 * vFirst * vFirst + 0.1 * vLast * vLast;
  return v2 / rHrs;
}
