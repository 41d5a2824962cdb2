// Packed bit planes and their popcount dot products: the fast path of the functional simulator.
// A chunk of n crossbar rows is ceil(n / 64) u64 words; bit r of a word is row (64 * word + r) of the
// chunk. A weight slice of b-bit levels is b planes (plane k = bit k of every cell's level); an input
// cycle of d-bit digits is d planes. Then sum_r digit_r * level_r = sum_{k,l} 2^(k+l) popcount(x_l & w_k).

/** Rows per packed word. */
export const ROWS_PER_WORD = 64;

@inline export function wordsFor(rows: i32): i32 { return (rows + ROWS_PER_WORD - 1) >> 6; }

/** popcount(x & w) summed over `words` u64 words. */
@inline export function andPop(x: usize, w: usize, words: i32): i64 {
  if (words == 1) return <i64>popcnt<u64>(load<u64>(x) & load<u64>(w));
  let s: i64 = 0;
  let k = 0;
  // Two words per v128: AND, byte popcounts, then a widening horizontal sum. Pays from 4 words on.
  if (words >= 4) {
    let bytes = i8x16.splat(0);
    let n = 0;
    for (; k + 2 <= words; k += 2) {
      const o = <usize>k << 3;
      bytes = i8x16.add(bytes, i8x16.popcnt(v128.and(v128.load(x + o), v128.load(w + o))));
      // A byte lane holds at most 8 per step: flush before 31 steps could overflow 255.
      if (++n == 31) { s += sumBytes(bytes); bytes = i8x16.splat(0); n = 0; }
    }
    s += sumBytes(bytes);
  }
  for (; k < words; k++) {
    const o = <usize>k << 3;
    s += <i64>popcnt<u64>(load<u64>(x + o) & load<u64>(w + o));
  }
  return s;
}

@inline function sumBytes(v: v128): i64 {
  const w = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(v));
  return <i64>(i32x4.extract_lane(w, 0) + i32x4.extract_lane(w, 1) + i32x4.extract_lane(w, 2) + i32x4.extract_lane(w, 3));
}

/**
 * sum_{k<b} sum_{l<d} 2^(k+l) popcount(x_l & w_k): the dot product of d-bit digits (planes at x, one
 * every planeBytes) with b-bit levels (planes at w, one every planeBytes).
 */
export function planeDot(x: usize, w: usize, words: i32, planeBytes: usize, d: i32, b: i32): i64 {
  let s: i64 = 0;
  for (let k = 0; k < b; k++) {
    const wk = w + <usize>k * planeBytes;
    for (let l = 0; l < d; l++) s += andPop(x + <usize>l * planeBytes, wk, words) << <i64>(k + l);
  }
  return s;
}

/** Sets bit `bit` of word `word` of plane `plane` (planes `planeBytes` apart from `base`). */
@inline export function setBit(base: usize, plane: i32, planeBytes: usize, word: i32, bit: i32): void {
  const p = base + <usize>plane * planeBytes + (<usize>word << 3);
  store<u64>(p, load<u64>(p) | (<u64>1 << <u64>bit));
}

/**
 * Packs the magnitudes of rows [r0, r0 + n) of `col` (i32) into bit planes: plane m at xPos (positive
 * values) or xNeg (negative values) + m * planeBytes, bit (r - r0). Zeroes the 2 * planes planes first.
 * Returns whether any value is negative.
 */
export function packInputPlanes(col: usize, r0: i32, n: i32, planes: i32, planeBytes: usize, xPos: usize): bool {
  const xNeg = xPos + <usize>planes * planeBytes;
  memory.fill(xPos, 0, planeBytes * <usize>(planes * 2));
  let anyNeg = false;
  const src = col + (<usize>r0 << 2);
  for (let r = 0; r < n; r++) {
    let v = load<i32>(src + (<usize>r << 2));
    if (v == 0) continue;
    let base = xPos;
    if (v < 0) { v = -v; base = xNeg; anyNeg = true; }
    const wo = base + (<usize>(r >> 6) << 3);
    const bit = <u64>1 << <u64>(r & 63);
    let m: usize = 0;
    while (v != 0) {
      if ((v & 1) != 0) { const p = wo + m * planeBytes; store<u64>(p, load<u64>(p) | bit); }
      v >>>= 1;
      m++;
    }
  }
  return anyNeg;
}

/**
 * packInputPlanes for magnitudes below 128 (inputs of at most 8 bits), 16 rows at a time: the rows narrow
 * to signed bytes, i8x16.bitmask gives their signs, and bitmask(|x| << (7 - m)) gives bit m of all 16
 * magnitudes. `tail` is 64 bytes of scratch for the last partial group of rows (no load past row n), or
 * 0 when `col` may be read up to 15 rows past row r0 + n (the rows there are masked off).
 */
export function packInputPlanesSimd(col: usize, r0: i32, n: i32, planes: i32, planeBytes: usize, xPos: usize, tail: usize): bool {
  const xNeg = xPos + <usize>planes * planeBytes;
  const groups = <i32>(planeBytes >> 1); // u16 slots per plane
  const bitPlanes = min(planes, 8);
  let negAll: u32 = 0;
  const src = col + (<usize>r0 << 2);
  for (let q = 0; q < groups; q++) {
    const r = q << 4;
    const slot = <usize>q << 1;
    if (r >= n) {
      for (let m = 0; m < planes; m++) {
        store<u16>(xPos + <usize>m * planeBytes + slot, 0);
        store<u16>(xNeg + <usize>m * planeBytes + slot, 0);
      }
      continue;
    }
    let at = src + (<usize>r << 2);
    let valid: u32 = 0xffff;
    if (n - r < 16) {
      valid = (<u32>1 << <u32>(n - r)) - 1;
      if (tail != 0) {
        for (let k = 0; k < 16; k++) store<i32>(tail + (<usize>k << 2), k < n - r ? load<i32>(at + (<usize>k << 2)) : 0);
        at = tail;
      }
    }
    const b = i8x16.narrow_i16x8_s(
      i16x8.narrow_i32x4_s(v128.load(at), v128.load(at, 16)),
      i16x8.narrow_i32x4_s(v128.load(at, 32), v128.load(at, 48)));
    const neg = <u32>i8x16.bitmask(b) & valid;
    const pos = ~neg & valid;
    negAll |= neg;
    const mag = i8x16.abs(b);
    for (let m = 0; m < bitPlanes; m++) {
      const bits = <u32>i8x16.bitmask(i8x16.shl(mag, 7 - m));
      store<u16>(xPos + <usize>m * planeBytes + slot, <u16>(bits & pos));
      store<u16>(xNeg + <usize>m * planeBytes + slot, <u16>(bits & neg));
    }
    for (let m = bitPlanes; m < planes; m++) {
      store<u16>(xPos + <usize>m * planeBytes + slot, 0);
      store<u16>(xNeg + <usize>m * planeBytes + slot, 0);
    }
  }
  return negAll != 0;
}
