// SRAM buffers from the CACTI-like tables (mnsim-model.md §3.6, Appendix B). The cycle is fixed at
// 20 ns (an MNSIM simplification kept in both models); powers in W.
import { BUFFER_AREA_MM2, BUFFER_READ_ENERGY_NJ, BUFFER_WRITE_ENERGY_NJ, BUFFER_LEAKAGE_MW } from './buffer-tables';

export const BUFFER_CYCLE_NS: f64 = 20;

export class Buffer {
  sizeKB: f64 = 0;
  areaUm2: f64 = 0;
  readPowerW: f64 = 0;
  writePowerW: f64 = 0;
}

function sizeBin(sizeKB: f64): i32 {
  if (sizeKB <= 2) return 0;
  if (sizeKB <= 4) return 1;
  if (sizeKB <= 8) return 2;
  if (sizeKB <= 16) return 3;
  if (sizeKB <= 32) return 4;
  if (sizeKB <= 64) return 5;
  if (sizeKB <= 128) return 6;
  if (sizeKB <= 256) return 7;
  return 8;
}
function busBin(bits: f64): i32 {
  if (bits <= 64) return 0;
  if (bits <= 128) return 1;
  if (bits <= 256) return 2;
  return 3;
}
function techBlock(techNm: f64): i32 {
  if (techNm >= 90) return 0;
  if (techNm >= 65) return 1;
  return 2;
}

/** Fills `b`; returns false when the tables have no such macro (2 KB with a > 256-bit bus). */
export function sizeBuffer(b: Buffer, sizeKB: f64, areaOverrideUm2: f64, techNm: f64, bitwidth: f64): bool {
  b.sizeKB = sizeKB;
  if (sizeKB == 0) { b.areaUm2 = areaOverrideUm2; b.readPowerW = 0; b.writePowerW = 0; return true; }
  const idx = techBlock(techNm) * 36 + sizeBin(sizeKB) * 4 + busBin(bitwidth);
  const area = unchecked(BUFFER_AREA_MM2[idx]);
  if (area < 0) return false;
  b.areaUm2 = areaOverrideUm2 != 0 ? areaOverrideUm2 : area * 1e6;
  const leakMw = unchecked(BUFFER_LEAKAGE_MW[idx]);
  b.readPowerW = (unchecked(BUFFER_READ_ENERGY_NJ[idx]) / BUFFER_CYCLE_NS * 1e3 + leakMw) * 1e-3;
  b.writePowerW = (unchecked(BUFFER_WRITE_ENERGY_NJ[idx]) / BUFFER_CYCLE_NS * 1e3 + leakMw) * 1e-3;
  return true;
}

/** Latency to move `bytes` through a buffer port of `bitwidth` bits, ns. */
@inline export function bufferAccessNs(bytes: f64, bitwidth: f64): f64 {
  return Math.ceil(8 * bytes / bitwidth) * BUFFER_CYCLE_NS;
}

/** MNSIM sizes buffers to the next power of two in bytes, reported in KB. */
@inline export function pow2KB(bytes: f64): f64 {
  return Math.pow(2, Math.ceil(Math.log2(bytes))) / 1024;
}
