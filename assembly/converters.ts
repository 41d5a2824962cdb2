// DAC and ADC models: MNSIM-2.0's component tables (mnsim-model.md §3.3, §3.4) or user-defined values.
import { SW_DAC8_POWER_MW } from './layout';

// ===== DAC (choices 1..7, ISAAC-derived; sample rate fixed at 1 GS/s) =====
const DAC_BITS: StaticArray<f64> = [1, 2, 3, 4, 6, 8, 1];
const DAC_AREA_UM2: StaticArray<f64> = [0.166, 0.332, 0.664, 1.328, 5.312, 21.248, 0.166];
// Choice 6 is 0.4992 W in MNSIM (a missing 1e-3, spec §7.4); SW_DAC8_POWER_MW corrects it.
const DAC_POWER_W: StaticArray<f64> = [3.9e-6, 7.8e-6, 1.56e-5, 3.12e-5, 1.248e-4, 0.4992, 3.9e-6];
export const DAC_CHOICES = 7;

// ===== ADC (choices 1..9) =====
const ADC_BITS: StaticArray<f64> = [10, 8, 8, 6, 8, 6, 4, 1, 8];
const ADC_AREA_UM2: StaticArray<f64> = [1600, 1200, 1650, 580, 1650, 1650, 500, 1, 15899];
const ADC_POWER_W: StaticArray<f64> = [6.92e-3, 2e-3, 4e-3, 1.26e-3, 4e-3, 1.26e-3, 0.7e-3, 0.1086 * 15e-6, 8 * 0.0073e-3];
const ADC_RATE_GSPS: StaticArray<f64> = [1.5, 1.28, 1.1, 1.0, 1.1, 1.0, 1.0, 1.0, 6];
export const ADC_CHOICES = 9;

export class Converter {
  bits: f64 = 0;
  areaUm2: f64 = 0;
  powerW: f64 = 0;
  latencyNs: f64 = 0;
}

export const dac = new Converter();
export const adc = new Converter();

/** choice 1..7, or -1 with the user's values. */
export function resolveDac(choice: i32, areaUm2: f64, bits: f64, powerW: f64, rateGsps: f64, switches: i32): void {
  if (choice == -1) {
    dac.bits = bits; dac.areaUm2 = areaUm2; dac.powerW = powerW;
    dac.latencyNs = (bits + 2) / rateGsps;
    return;
  }
  const k = choice - 1;
  dac.bits = unchecked(DAC_BITS[k]);
  dac.areaUm2 = unchecked(DAC_AREA_UM2[k]);
  dac.powerW = unchecked(DAC_POWER_W[k]);
  if (choice == 6 && (switches & SW_DAC8_POWER_MW) != 0) dac.powerW = 0.4992e-3;
  dac.latencyNs = (dac.bits + 2) / 1.0;
}

// Gate area a Logic_Op adds to each ADC (digital PIM), µm².
function logicGateAreaUm2(logicOp: i32): f64 {
  if (logicOp == 0 || logicOp == 1) return 17.28 * 0.18;
  if (logicOp == 2) return 19.2 * 0.18;
  return 0;
}

export function resolveAdc(choice: i32, areaUm2: f64, bits: f64, powerW: f64, rateGsps: f64, logicOp: i32): void {
  let rate: f64;
  if (choice == -1) {
    adc.bits = bits; adc.areaUm2 = areaUm2; adc.powerW = powerW; rate = rateGsps;
  } else {
    const k = choice - 1;
    adc.bits = unchecked(ADC_BITS[k]);
    adc.areaUm2 = unchecked(ADC_AREA_UM2[k]);
    adc.powerW = unchecked(ADC_POWER_W[k]);
    rate = unchecked(ADC_RATE_GSPS[k]);
  }
  if (adc.bits == 1) adc.latencyNs = 1 / rate;
  else if (choice == 9) adc.latencyNs = Math.pow(2, adc.bits) / rate;
  else adc.latencyNs = (adc.bits + 2) / rate;
  adc.areaUm2 += logicGateAreaUm2(logicOp);
}
