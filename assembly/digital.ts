// Digital components per instance (mnsim-model.md §3.5): adder, shift register, register, joint module
// (H-tree node), mux/demux. Area µm², power W. A non-zero user area/power overrides the table value.

@inline function techScale(techNm: f64): f64 { const r = techNm / 65; return r * r; }

export function adderAreaUm2(techNm: f64, bitwidth: f64, overrideUm2: f64): f64 {
  if (overrideUm2 != 0) return overrideUm2;
  let perBit: f64;
  if (techNm <= 28) perBit = 0.10976;
  else if (techNm <= 45) perBit = 0.2835;
  else if (techNm <= 55) perBit = 0.4235;
  else if (techNm <= 65) perBit = 1.42;
  else perBit = 2.366;
  return perBit * bitwidth;
}

export function adderPowerW(techNm: f64, bitwidth: f64, overrideW: f64): f64 {
  if (overrideW != 0) return overrideW;
  const perBit: f64 = techNm > 55 && techNm <= 65 ? 3e-7 : 2.5e-9;
  return perBit * bitwidth;
}

export function shiftRegAreaUm2(techNm: f64, overrideUm2: f64): f64 {
  return overrideUm2 != 0 ? overrideUm2 : 1.42 * techScale(techNm);
}
export function shiftRegPowerW(techNm: f64, overrideW: f64): f64 {
  return overrideW != 0 ? overrideW : 8.1e-7 * techScale(techNm);
}
export function regAreaUm2(techNm: f64, overrideUm2: f64): f64 {
  return overrideUm2 != 0 ? overrideUm2 : 1.4256 * techScale(techNm);
}
export function regPowerW(techNm: f64, overrideW: f64): f64 {
  return overrideW != 0 ? overrideW : 18.8e-9 * techScale(techNm);
}

// Joint module bit width: MNSIM's default, 8.
export const JOINT_MODULE_BITS: f64 = 8;

export function jointModuleAreaUm2(techNm: f64, bits: f64, overrideUm2: f64): f64 {
  if (overrideUm2 != 0) return overrideUm2;
  const a: f64 = bits <= 4 ? 182.88 : bits <= 8 ? 353.76 : bits <= 12 ? 385.44 : 512.16;
  return a * techScale(techNm);
}
export function jointModulePowerW(techNm: f64, bits: f64, overrideW: f64): f64 {
  if (overrideW != 0) return overrideW;
  const p: f64 = bits <= 4 ? 1.39e-4 : bits <= 8 ? 2.64e-4 : bits <= 12 ? 3.67e-4 : 4.97e-4;
  return p * techScale(techNm);
}

// n:1 mux/demux: the smallest n >= ratio from 2, 4, 8, 16, 32 (64 beyond); transistors per size.
function muxTransistors(ratio: f64): f64 {
  if (ratio <= 2) return 8;
  if (ratio <= 4) return 24;
  if (ratio <= 8) return 72;
  if (ratio <= 16) return 216;
  if (ratio <= 32) return 648;
  return 1944;
}
export function muxAreaUm2(ratio: f64, transistorTechNm: f64): f64 {
  return muxTransistors(ratio) * 10 * transistorTechNm * transistorTechNm / 1e6;
}
export function muxPowerW(ratio: f64): f64 {
  return muxTransistors(ratio) * 1.2e-8;
}

/** 1 + the number of base-8 digits of x (the decoder/mux depth in MNSIM's latency model). */
export function muxLevels(x: f64): f64 {
  let m: f64 = 1;
  let v = <i64>x;
  while (v > 0) { v = v / 8; m += 1; }
  return m;
}
export const DEMUX_NS_PER_LEVEL: f64 = 0.27933;
export const MUX_NS_PER_LEVEL: f64 = 0.032744;
