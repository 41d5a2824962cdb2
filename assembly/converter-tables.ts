// The DAC and ADC tables (MNSIM-2.0's component tables, mnsim-model.md §3.3, §3.4) and the allowed
// converter resolutions. Plain constants only, like layout.ts: compiled by asc into the kernel
// (converters.ts, funcsim.ts) and imported by the TypeScript host (src/hw/arch.ts, src/pim/kernel.ts):
// one source of truth for both sides. Arrays are indexed by choice - 1.

// ===== DAC (choices 1..7, ISAAC-derived; choice 7 repeats the 1-bit DAC) =====
export const DAC_TABLE_BITS: number[] = [1, 2, 3, 4, 6, 8, 1];
export const DAC_TABLE_AREA_UM2: number[] = [0.166, 0.332, 0.664, 1.328, 5.312, 21.248, 0.166];
// Choice 6 is 0.4992 W in MNSIM (a missing 1e-3, spec §7.4); the SW_DAC8_POWER_MW switch corrects it.
export const DAC_TABLE_POWER_W: number[] = [3.9e-6, 7.8e-6, 1.56e-5, 3.12e-5, 1.248e-4, 0.4992, 3.9e-6];
export const DAC8_POWER_W_CORRECTED = 0.4992e-3;
/** Every table DAC samples at 1 GS/s. */
export const DAC_TABLE_RATE_GSPS = 1.0;
export const DAC_CHOICES = 7;

// ===== ADC (choices 1..9; choice 8 is the 1-bit sense amplifier, choice 9 a 6 GS/s 8-bit ADC) =====
export const ADC_TABLE_BITS: number[] = [10, 8, 8, 6, 8, 6, 4, 1, 8];
export const ADC_TABLE_AREA_UM2: number[] = [1600, 1200, 1650, 580, 1650, 1650, 500, 1, 15899];
export const ADC_TABLE_POWER_W: number[] = [6.92e-3, 2e-3, 4e-3, 1.26e-3, 4e-3, 1.26e-3, 0.7e-3, 0.1086 * 15e-6, 8 * 0.0073e-3];
export const ADC_TABLE_RATE_GSPS: number[] = [1.5, 1.28, 1.1, 1.0, 1.1, 1.0, 1.0, 1.0, 6];
export const ADC_CHOICES = 9;
/** The sense amplifier (1 bit). */
export const ADC_SENSE_AMP_CHOICE = 8;
/** The ADC whose conversion takes 2^bits / rate (a counting ADC), not (bits + 2) / rate. */
export const ADC_COUNTING_CHOICE = 9;

// ===== Digital PIM (pe.pimType digital) =====
// A digital PIM drives 1 input bit per cycle and reads each column with the sense amplifier, unless
// the user defined the converter (choice -1): assembly/simulate.ts prices these, and the functional
// simulator's hardwareFor (src/pim/kernel.ts) simulates them.
export const DIGITAL_PIM_DAC_CHOICE = 1;
export const DIGITAL_PIM_ADC_CHOICE = 8;

// ===== Allowed resolutions (bits) =====
/**
 * A converter's resolution in an architecture (dac.customBits, adc.customBits; the kernel's A_DAC_BITS,
 * A_ADC_BITS). Up to 32 bits: the functional simulator's lossless reference ADC (src/nn/accuracy.ts) has 32.
 */
export const CONVERTER_BITS_MIN = 1;
export const CONVERTER_BITS_MAX = 32;
/** The functional simulator's DAC: 1..8 bits per input digit (docs/functional.md §5). */
export const FUNC_DAC_BITS_MAX = 8;
/** The functional simulator's ADC: a signed grid needs 2 bits (and at most CONVERTER_BITS_MAX). */
export const FUNC_ADC_BITS_MIN = 2;
