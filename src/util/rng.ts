// The one seeded random source of Gibbon-TS. Counter-based: every draw is a pure function of
// (seed, stream, counter words), so results never depend on call order, thread count or runtime.
// assembly/rng.ts is the bit-identical twin used by the kernels (test/util/rng.test.ts checks it).
//
// Mixing: the "lowbias32" integer finalizer (Wellons' hash-prospector constants), chained over the
// key words with distinct round constants. Only 32-bit integer ops, so JS and WASM agree exactly.

/** One 32-bit avalanche round. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A 32-bit hash of (seed, a, b, c, d); each word an unsigned 32-bit integer. */
export function hash5(seed: number, a: number, b: number, c: number, d: number): number {
  let h = mix32((seed ^ 0x9e3779b9) >>> 0);
  h = mix32(((h ^ a) + 0x85ebca6b) >>> 0);
  h = mix32(((h ^ b) + 0xc2b2ae35) >>> 0);
  h = mix32(((h ^ c) + 0x27d4eb2f) >>> 0);
  h = mix32(((h ^ d) + 0x165667b1) >>> 0);
  return h;
}

const TWO_POW_32 = 4294967296;

/** Uniform in [0, 1), a multiple of 2^-32 (exact in f64). */
export function uniformAt(seed: number, a: number, b: number, c: number, d: number): number {
  return hash5(seed, a, b, c, d) / TWO_POW_32;
}

/**
 * Approximately standard normal: the sum of 12 uniforms minus 6 (Irwin–Hall; variance 1, tails cut
 * at ±6). Chosen over Box–Muller because it needs no log/cos, whose last bit differs between runtimes.
 * Uses counter words d*12 .. d*12+11 of the key.
 */
export function normalAt(seed: number, a: number, b: number, c: number, d: number): number {
  let s = 0;
  const base = (d * 12) >>> 0;
  for (let k = 0; k < 12; k++) s += uniformAt(seed, a, b, c, (base + k) >>> 0);
  return s - 6;
}

/** A stable 32-bit id for a purpose label ("mutation", "split"), so streams are named, not numbered. */
export function labelId(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = mix32((h ^ label.charCodeAt(i)) >>> 0);
  return h;
}

/**
 * A sequential stream over the counter hash: draw k of stream (seed, id) is hash5(seed, id, idx, k_hi, k_lo).
 * fork() derives an independent stream by purpose and index: rng.fork('mutation', generation).
 */
export class Rng {
  readonly seed: number;
  readonly stream: number;
  readonly index: number;
  #counter = 0;

  constructor(seed: number, stream = 0, index = 0) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed must be an integer in 0..4294967295, got ${seed}`);
    }
    this.seed = seed >>> 0;
    this.stream = stream >>> 0;
    this.index = index >>> 0;
  }

  fork(label: string, index = 0): Rng {
    return new Rng(this.seed, hash5(this.seed, this.stream, this.index, labelId(label), 0x5eed), index);
  }

  /** The number of draws taken so far (saved in checkpoints to resume a stream exactly). */
  get counter(): number { return this.#counter; }
  set counter(n: number) { this.#counter = n; }

  nextU32(): number {
    const k = this.#counter++;
    return hash5(this.seed, this.stream, this.index, Math.floor(k / TWO_POW_32) >>> 0, k >>> 0);
  }
  /** Uniform in [0, 1). */
  next(): number { return this.nextU32() / TWO_POW_32; }
  /** Integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`n must be a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T { return items[this.int(items.length)]; }
  normal(): number { let s = 0; for (let k = 0; k < 12; k++) s += this.next(); return s - 6; }
  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) { const j = this.int(i + 1); [items[i], items[j]] = [items[j], items[i]]; }
    return items;
  }
}
