// Counter-based random numbers for the kernels: the bit-identical twin of src/util/rng.ts (see there).
// A draw is a pure function of its key, so a chip instance is the same on any thread count or runtime.

@inline export function mix32(x: u32): u32 {
  x ^= x >>> 16;
  x *= 0x7feb352d;
  x ^= x >>> 15;
  x *= 0x846ca68b;
  x ^= x >>> 16;
  return x;
}

export function hash5(seed: u32, a: u32, b: u32, c: u32, d: u32): u32 {
  let h = mix32(seed ^ 0x9e3779b9);
  h = mix32((h ^ a) + 0x85ebca6b);
  h = mix32((h ^ b) + 0xc2b2ae35);
  h = mix32((h ^ c) + 0x27d4eb2f);
  h = mix32((h ^ d) + 0x165667b1);
  return h;
}

@inline export function uniformAt(seed: u32, a: u32, b: u32, c: u32, d: u32): f64 {
  return <f64>hash5(seed, a, b, c, d) / 4294967296.0;
}

/** Irwin–Hall normal (sum of 12 uniforms - 6) over counter words d*12 .. d*12+11. */
export function normalAt(seed: u32, a: u32, b: u32, c: u32, d: u32): f64 {
  let s: f64 = 0;
  const base = d * 12;
  for (let k: u32 = 0; k < 12; k++) s += uniformAt(seed, a, b, c, base + k);
  return s - 6;
}

// Exported for the cross-runtime twin test.
export function gibbon_rng_hash5(seed: u32, a: u32, b: u32, c: u32, d: u32): u32 { return hash5(seed, a, b, c, d); }
export function gibbon_rng_normal(seed: u32, a: u32, b: u32, c: u32, d: u32): f64 { return normalAt(seed, a, b, c, d); }
