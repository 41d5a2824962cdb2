// The processing element and the tile built from it (mnsim-model.md §2.1, §3.9, §3.10): converter
// counts, sharing ratios, per-instance costs of every component. Resolved once per evaluation.
import * as L from './layout';
import { a } from './arch';
import { dac, adc } from './converters';
import { cellReadPowerW, cellEstimatePowerW, sneakPowerW } from './device';
import { xbarAreaUm2, xbarReadLatencyNs } from './crossbar';
import * as D from './digital';

export let switches: i32 = 0;
export let rows: f64 = 0;
export let cols: f64 = 0;
export let subarrayRows: f64 = 0;
export let subarrayNum: f64 = 0;
export let polarity: f64 = 0;
export let groups: f64 = 0; // crossbar groups per PE
export let peRows: f64 = 0;
export let peCols: f64 = 0;
export let pesPerTile: f64 = 0;
export let digitalPim: bool = false;
export let dacNum: f64 = 0; // DACs per sub-array per group, after the SW_CONVERTERS_FOLLOW_XBAR cap
export let adcNum: f64 = 0;
export let dacPerGroup: f64 = 0;
export let adcPerGroup: f64 = 0;
export let dacPerPe: f64 = 0;
export let adcPerPe: f64 = 0;
export let inputDemux: f64 = 0; // rows sharing one DAC
export let outputMux: f64 = 0; // columns sharing one ADC
export let peAdders: f64 = 0; // adders of the cross-group tree
export let jointModules: f64 = 0; // per tile
export let clkNs: f64 = 0;
export let demuxLevels: f64 = 0;
export let muxLevels: f64 = 0;

export let cellPowerW: f64 = 0;
export let cellEstPowerW: f64 = 0;
export let sneakW: f64 = 0;
export let xbarArea: f64 = 0;
export let xbarLatencyNs: f64 = 0;
export let adderArea8: f64 = 0;
export let adderPower8: f64 = 0;
export let shiftArea: f64 = 0;
export let shiftPower: f64 = 0;
export let regArea: f64 = 0;
export let regPower: f64 = 0;
export let jmArea: f64 = 0;
export let jmPower: f64 = 0;
export let demuxArea: f64 = 0;
export let demuxPower: f64 = 0;
export let muxArea: f64 = 0;
export let muxPower: f64 = 0;
export let poolArea: f64 = 0;
export let poolPower: f64 = 0;
export let bufferBitwidth: f64 = 0;
export let bufferTechNm: f64 = 0;

// MNSIM's pooling module: 91 917.1562 µm² and 3.082 mW for 64 units at 65 nm with a 3x3 window.
const POOL_AREA_UM2: f64 = 91917.1562;
const POOL_POWER_W: f64 = 3.082e-3;
const POOL_UNITS_REF: f64 = 64;

export function resolvePe(): void {
  switches = <i32>a(L.A_MODEL_SWITCHES);
  rows = a(L.A_XBAR_ROWS);
  cols = a(L.A_XBAR_COLS);
  subarrayRows = a(L.A_SUBARRAY_ROWS);
  subarrayNum = rows / subarrayRows;
  polarity = a(L.A_POLARITY);
  groups = a(L.A_PE_GROUPS);
  peRows = a(L.A_PE_ROWS);
  peCols = a(L.A_PE_COLS);
  pesPerTile = peRows * peCols;
  digitalPim = a(L.A_PIM_TYPE) == 1;
  dacNum = a(L.A_DAC_NUM);
  adcNum = a(L.A_ADC_NUM);
  if ((switches & L.SW_CONVERTERS_FOLLOW_XBAR) != 0) {
    dacNum = Math.min(dacNum, subarrayRows);
    // With digital subtraction the positive and negative columns are converted apart.
    adcNum = Math.min(adcNum, cols * (a(L.A_SUB_POSITION) + 1));
  }
  dacPerGroup = dacNum * subarrayNum;
  adcPerGroup = adcNum * subarrayNum;
  dacPerPe = groups * dacPerGroup;
  adcPerPe = groups * adcPerGroup;
  const subPosition = a(L.A_SUB_POSITION);
  inputDemux = Math.ceil(subarrayRows / dacNum);
  outputMux = Math.ceil(cols / adcNum * (subPosition + 1));
  // Cross-group adder tree: pairwise reduction of `groups` partial sums per sub-array.
  let t = groups, n: f64 = 0;
  while (t >= 2) { n += Math.floor(t / 2) * subarrayNum; t = Math.floor(t / 2) + t % 2; }
  peAdders = n;
  // H-tree of joint modules over the tile's PEs, one per ADC output.
  let k = pesPerTile, s: f64 = 0;
  while (k >= 2) { s += Math.floor(k / 2) + k % 2; k = Math.floor(k / 2); }
  jointModules = s * adcPerPe;
  clkNs = 1000 / a(L.A_DIGITAL_FREQ_MHZ);
  demuxLevels = D.muxLevels(Math.ceil(subarrayRows / dacNum));
  muxLevels = D.muxLevels(Math.ceil(cols / adcNum));

  const isSram = a(L.A_DEVICE_TYPE) == 1;
  const vFirst = a(L.A_READ_V_FIRST), vLast = a(L.A_READ_V_LAST);
  // An SRAM cell reads with both resistances forced to 1.6 MΩ (spec §1.1).
  const rHrs = isSram ? 1.6e6 : a(L.A_R_HRS_OHM);
  const rLrs = isSram ? 1.6e6 : a(L.A_R_LRS_OHM);
  cellPowerW = cellReadPowerW(vFirst, vLast, rHrs, rLrs);
  cellEstPowerW = cellEstimatePowerW(vFirst, vLast, rHrs, rLrs);
  sneakW = a(L.A_CELL_TYPE) == 1 ? sneakPowerW(vFirst, vLast, rHrs) : 0;
  xbarArea = xbarAreaUm2(rows, cols, a(L.A_DEVICE_AREA_UM2), digitalPim, a(L.A_TRANSISTOR_TECH_NM),
    a(L.A_AREA_CALCULATION) == 1, isSram, a(L.A_CELL_TYPE) == 1, a(L.A_DEVICE_TECH_NM));
  xbarLatencyNs = xbarReadLatencyNs(rows, cols, a(L.A_READ_LATENCY_NS));

  adderArea8 = D.adderAreaUm2(a(L.A_ADDER_TECH_NM), 8, a(L.A_ADDER_AREA_UM2));
  adderPower8 = D.adderPowerW(a(L.A_ADDER_TECH_NM), 8, a(L.A_ADDER_POWER_W));
  shiftArea = D.shiftRegAreaUm2(a(L.A_SHIFTREG_TECH_NM), a(L.A_SHIFTREG_AREA_UM2));
  shiftPower = D.shiftRegPowerW(a(L.A_SHIFTREG_TECH_NM), a(L.A_SHIFTREG_POWER_W));
  regArea = D.regAreaUm2(a(L.A_REG_TECH_NM), a(L.A_REG_AREA_UM2));
  regPower = D.regPowerW(a(L.A_REG_TECH_NM), a(L.A_REG_POWER_W));
  jmArea = D.jointModuleAreaUm2(a(L.A_JM_TECH_NM), D.JOINT_MODULE_BITS, a(L.A_JM_AREA_UM2));
  jmPower = D.jointModulePowerW(a(L.A_JM_TECH_NM), D.JOINT_MODULE_BITS, a(L.A_JM_POWER_W));
  const tt = a(L.A_TRANSISTOR_TECH_NM);
  demuxArea = D.muxAreaUm2(inputDemux, tt);
  demuxPower = D.muxPowerW(inputDemux);
  muxArea = D.muxAreaUm2(outputMux, tt);
  muxPower = D.muxPowerW(outputMux);

  // Pooling module (spec §3.7): MNSIM's table has only the 3x3 window at 65 nm (0 otherwise there).
  const poolTech = a(L.A_POOL_TECH_NM);
  const window = a(L.A_POOL_WINDOW_X) * a(L.A_POOL_WINDOW_Y);
  const units = a(L.A_POOL_UNITS);
  if (poolTech == 65) {
    poolArea = window == 9 ? POOL_AREA_UM2 * units / POOL_UNITS_REF : 0;
    poolPower = window == 9 ? POOL_POWER_W : 0;
  } else {
    const sc = (poolTech / 65) * (poolTech / 65);
    poolArea = POOL_AREA_UM2 * sc * units / POOL_UNITS_REF;
    poolPower = POOL_POWER_W * sc;
  }
  bufferBitwidth = a(L.A_BUFFER_BITWIDTH) == 0 ? 256 : a(L.A_BUFFER_BITWIDTH);
  bufferTechNm = a(L.A_BUFFER_TECH_NM) == 0 ? 65 : a(L.A_BUFFER_TECH_NM);
}

/** Weight slices (crossbar groups) per weight. MNSIM: one 1-bit group per magnitude bit. */
export function weightSlices(weightBits: f64): f64 {
  const magnitudeBits = polarity == 2 ? weightBits - 1 : weightBits;
  if ((switches & L.SW_CELL_BITS) != 0) return Math.ceil(magnitudeBits / a(L.A_CELL_BITS));
  return magnitudeBits;
}

/** Input cycles per activation. MNSIM counts the sign bit as a cycle (spec §7.3). */
export function inputCycles(inputBits: f64): f64 {
  if ((switches & L.SW_SIGNED_INPUT_CYCLES) != 0) return Math.ceil((inputBits - 1) / dac.bits);
  return Math.ceil(inputBits / dac.bits);
}

/**
 * ADC-side instances (ADC, output mux, output register, shift register) powered in one PE while a layer
 * converts its `c` used columns in `colSteps` = ceil(c / adcNum) steps (mnsim-model.md §3.10, §3.11).
 * MNSIM powers ceil(c / outputMux) ADCs per group, so a layer that uses fewer columns than the crossbar
 * has converts ceil(c / mux) x ceil(c / adcNum) columns, fewer than c when mux > 1 (e.g. 32 of 64
 * columns on a 256-column crossbar with 128 ADCs). SW_ADC_EVERY_COLUMN converts every used column once:
 * on average c / colSteps ADCs per step, never more than adcNum.
 */
export function activeAdcs(g: f64, c: f64, colSteps: f64): f64 {
  if ((switches & L.SW_ADC_EVERY_COLUMN) != 0) return g * c / colSteps;
  return g * Math.ceil(c / outputMux);
}

// ===== Per-instance areas of one PE (µm²), without its input buffer =====
export function peXbarArea(): f64 { return groups * polarity * xbarArea; }
export function peDacArea(): f64 { return dacPerPe * dac.areaUm2; }
export function peAdcArea(): f64 { return adcPerPe * adc.areaUm2; }
export function peAdderArea(): f64 { return adcPerGroup * peAdders * adderArea8; }
export function peShiftArea(): f64 { return adcPerPe * shiftArea; }
export function peRegArea(): f64 { return (dacPerPe + adcPerPe) * regArea; }
export function peMuxArea(): f64 { return dacPerPe * demuxArea + adcPerPe * muxArea; }
