// The architecture record, loaded once per evaluation into module globals and checked so that no
// later arithmetic can trap or produce NaN. Field meanings: assembly/layout.ts, docs/abi.md.
import * as L from './layout';
import { E_OK, E_ARCH_FIELD } from './errors';
import * as T from './converter-tables';

export let archPtr: usize = 0;
export let errCode: i32 = E_OK;
export let errLayer: i32 = -1;
export let errField: i32 = -1;
export let errValue: f64 = 0;
export let errMin: f64 = NaN;
export let errMax: f64 = NaN;
export let errInteger: bool = false;

/** Records an error (lo/hi: the allowed range, NaN when a rule other than a range was broken). */
export function setError(code: i32, layer: i32, field: i32, value: f64, lo: f64 = NaN, hi: f64 = NaN, integer: bool = false): bool {
  errCode = code; errLayer = layer; errField = field; errValue = value;
  errMin = lo; errMax = hi; errInteger = integer;
  return false;
}
export function clearError(): void { errCode = E_OK; errLayer = -1; errField = -1; errValue = 0; errMin = NaN; errMax = NaN; errInteger = false; }

@inline export function a(field: i32): f64 { return load<f64>(archPtr + (<usize>field << 3)); }

function isInt(v: f64): bool { return v == Math.floor(v); }

function check(field: i32, lo: f64, hi: f64, integer: bool): bool {
  const v = a(field);
  // NaN fails every comparison, so it is caught here too.
  if (!(v >= lo && v <= hi) || (integer && !isInt(v))) return setError(E_ARCH_FIELD, -1, field, v, lo, hi, integer);
  return true;
}
function checkChoice(field: i32, maxChoice: f64): bool {
  const v = a(field);
  if (v == -1 || (v >= 1 && v <= maxChoice && isInt(v))) return true;
  return setError(E_ARCH_FIELD, -1, field, v); // the rule: -1 or a table entry
}

const BIG: f64 = 1e12;

export function checkArch(): bool {
  if (!check(L.A_DEVICE_TYPE, 0, 1, true)) return false;
  if (!check(L.A_DEVICE_TECH_NM, 1, 1e4, false)) return false;
  if (!check(L.A_DEVICE_AREA_UM2, 1e-9, BIG, false)) return false;
  if (!check(L.A_READ_V_FIRST, 0, 100, false)) return false;
  if (!check(L.A_READ_V_LAST, 0, 100, false)) return false;
  if (!check(L.A_READ_LATENCY_NS, 1e-9, BIG, false)) return false;
  if (!check(L.A_R_HRS_OHM, 1e-9, 1e30, false)) return false;
  if (!check(L.A_R_LRS_OHM, 1e-9, 1e30, false)) return false;
  if (!check(L.A_CELL_BITS, 1, 16, true)) return false;
  if (!check(L.A_SRAM_READ_ENERGY_J, 0, 1, false)) return false;
  if (!check(L.A_XBAR_ROWS, 1, <f64>(1 << 20), true)) return false;
  if (!check(L.A_XBAR_COLS, 1, <f64>(1 << 20), true)) return false;
  if (!check(L.A_SUBARRAY_ROWS, 1, a(L.A_XBAR_ROWS), true)) return false;
  if (a(L.A_XBAR_ROWS) % a(L.A_SUBARRAY_ROWS) != 0) return setError(E_ARCH_FIELD, -1, L.A_SUBARRAY_ROWS, a(L.A_SUBARRAY_ROWS));
  if (!check(L.A_CELL_TYPE, 0, 1, true)) return false;
  if (!check(L.A_TRANSISTOR_TECH_NM, 1, 1e4, false)) return false;
  if (!check(L.A_AREA_CALCULATION, 0, 1, true)) return false;
  if (!checkChoice(L.A_DAC_CHOICE, T.DAC_CHOICES)) return false;
  if (a(L.A_DAC_CHOICE) == -1) {
    if (!check(L.A_DAC_AREA_UM2, 0, BIG, false)) return false;
    if (!check(L.A_DAC_BITS, T.CONVERTER_BITS_MIN, T.CONVERTER_BITS_MAX, true)) return false;
    if (!check(L.A_DAC_POWER_W, 0, BIG, false)) return false;
    if (!check(L.A_DAC_RATE_GSPS, 1e-9, BIG, false)) return false;
  }
  if (!checkChoice(L.A_ADC_CHOICE, T.ADC_CHOICES)) return false;
  if (a(L.A_ADC_CHOICE) == -1) {
    if (!check(L.A_ADC_AREA_UM2, 0, BIG, false)) return false;
    if (!check(L.A_ADC_BITS, T.CONVERTER_BITS_MIN, T.CONVERTER_BITS_MAX, true)) return false;
    if (!check(L.A_ADC_POWER_W, 0, BIG, false)) return false;
    if (!check(L.A_ADC_RATE_GSPS, 1e-9, BIG, false)) return false;
  }
  if (!check(L.A_LOGIC_OP, -1, 2, true)) return false;
  if (!check(L.A_PIM_TYPE, 0, 1, true)) return false;
  if (!check(L.A_POLARITY, 1, 2, true)) return false;
  if (!check(L.A_SUB_POSITION, 0, 1, true)) return false;
  if (!check(L.A_PE_GROUPS, 1, <f64>(1 << 16), true)) return false;
  if (!check(L.A_DAC_NUM, 1, <f64>(1 << 20), true)) return false;
  if (!check(L.A_ADC_NUM, 1, <f64>(1 << 20), true)) return false;
  if (!check(L.A_PE_INBUF_KB, 0, <f64>(1 << 24), false)) return false;
  if (!check(L.A_PE_INBUF_AREA_UM2, 0, BIG, false)) return false;
  if (!check(L.A_TILE_OUTBUF_KB, 0, <f64>(1 << 24), false)) return false;
  if (!check(L.A_TILE_OUTBUF_AREA_UM2, 0, BIG, false)) return false;
  if (!check(L.A_DIGITAL_FREQ_MHZ, 1e-6, 1e6, false)) return false;
  for (let f = L.A_ADDER_TECH_NM; f <= L.A_JM_POWER_W; f += 3) {
    if (!check(f, 1, 1e4, false)) return false;
    if (!check(f + 1, 0, BIG, false)) return false;
    if (!check(f + 2, 0, BIG, false)) return false;
  }
  if (!check(L.A_PE_ROWS, 1, <f64>(1 << 12), true)) return false;
  if (!check(L.A_PE_COLS, 1, <f64>(1 << 12), true)) return false;
  if (!check(L.A_POOL_WINDOW_X, 1, <f64>(1 << 12), true)) return false;
  if (!check(L.A_POOL_WINDOW_Y, 1, <f64>(1 << 12), true)) return false;
  if (!check(L.A_POOL_UNITS, 1, <f64>(1 << 20), true)) return false;
  if (!check(L.A_POOL_TECH_NM, 1, 1e4, false)) return false;
  if (!check(L.A_INTER_TILE_BW_GBPS, 1e-9, BIG, false)) return false;
  if (!check(L.A_INTRA_TILE_BW_GBPS, 1e-9, BIG, false)) return false;
  if (!check(L.A_BUFFER_TECH_NM, 0, 1e4, false)) return false;
  if (!check(L.A_BUFFER_BITWIDTH, 0, <f64>(1 << 20), true)) return false;
  if (!check(L.A_TILE_CONNECTION, 0, 3, true)) return false;
  if (!check(L.A_TILE_ROWS, 1, 4096, true)) return false;
  if (!check(L.A_TILE_COLS, 1, 4096, true)) return false;
  if (a(L.A_TILE_CONNECTION) == 2 && a(L.A_TILE_ROWS) != a(L.A_TILE_COLS)) return setError(E_ARCH_FIELD, -1, L.A_TILE_COLS, a(L.A_TILE_COLS));
  if (!check(L.A_SIM_LEVEL, 0, 1, true)) return false;
  if (!check(L.A_PIPELINE, 0, 1, true)) return false;
  if (!check(L.A_MODEL_SWITCHES, 0, L.SW_ALL, true)) return false;
  return true;
}
