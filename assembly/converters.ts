// DAC and ADC models: MNSIM-2.0's component tables (converter-tables.ts, mnsim-model.md §3.3, §3.4) or
// user-defined values.
import { SW_DAC8_POWER_MW } from './layout';
import * as T from './converter-tables';

export class Converter {
  /** The table entry used (1-based), or -1 for the user's values. */
  choice: f64 = 0;
  bits: f64 = 0;
  areaUm2: f64 = 0;
  powerW: f64 = 0;
  latencyNs: f64 = 0;
}

export const dac = new Converter();
export const adc = new Converter();

/** choice 1..7, or -1 with the user's values. */
export function resolveDac(choice: i32, areaUm2: f64, bits: f64, powerW: f64, rateGsps: f64, switches: i32): void {
  dac.choice = choice;
  if (choice == -1) {
    dac.bits = bits; dac.areaUm2 = areaUm2; dac.powerW = powerW;
    dac.latencyNs = (bits + 2) / rateGsps;
    return;
  }
  const k = choice - 1;
  dac.bits = unchecked(T.DAC_TABLE_BITS[k]);
  dac.areaUm2 = unchecked(T.DAC_TABLE_AREA_UM2[k]);
  dac.powerW = unchecked(T.DAC_TABLE_POWER_W[k]);
  if (choice == 6 && (switches & SW_DAC8_POWER_MW) != 0) dac.powerW = T.DAC8_POWER_W_CORRECTED;
  dac.latencyNs = (dac.bits + 2) / T.DAC_TABLE_RATE_GSPS;
}

// Gate area a Logic_Op adds to each ADC (digital PIM), µm².
function logicGateAreaUm2(logicOp: i32): f64 {
  if (logicOp == 0 || logicOp == 1) return 17.28 * 0.18;
  if (logicOp == 2) return 19.2 * 0.18;
  return 0;
}

export function resolveAdc(choice: i32, areaUm2: f64, bits: f64, powerW: f64, rateGsps: f64, logicOp: i32): void {
  let rate: f64;
  adc.choice = choice;
  if (choice == -1) {
    adc.bits = bits; adc.areaUm2 = areaUm2; adc.powerW = powerW; rate = rateGsps;
  } else {
    const k = choice - 1;
    adc.bits = unchecked(T.ADC_TABLE_BITS[k]);
    adc.areaUm2 = unchecked(T.ADC_TABLE_AREA_UM2[k]);
    adc.powerW = unchecked(T.ADC_TABLE_POWER_W[k]);
    rate = unchecked(T.ADC_TABLE_RATE_GSPS[k]);
  }
  if (adc.bits == 1) adc.latencyNs = 1 / rate;
  else if (choice == T.ADC_COUNTING_CHOICE) adc.latencyNs = Math.pow(2, adc.bits) / rate;
  else adc.latencyNs = (adc.bits + 2) / rate;
  adc.areaUm2 += logicGateAreaUm2(logicOp);
}
