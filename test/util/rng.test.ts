// The counter RNG: deterministic, independent streams, sane statistics, and the WASM twin bit-identical.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { Rng, hash5, normalAt, uniformAt, mix32 } from '../../src/util/rng.ts';

test('mix32 is a bijection on a sample and avalanches (flipping one input bit flips ~16 output bits)', () => {
  const seen = new Set<number>();
  let flips = 0, n = 0;
  for (let x = 0; x < 20000; x++) {
    const h = mix32(x);
    seen.add(h);
    for (let b = 0; b < 32; b += 7) {
      const d = (h ^ mix32((x ^ (1 << b)) >>> 0)) >>> 0;
      flips += d.toString(2).split('').filter((c) => c === '1').length; n++;
    }
  }
  assert.is(seen.size, 20000);
  const mean = flips / n;
  assert.ok(mean > 15.5 && mean < 16.5, `mean flipped bits ${mean}`);
});

test('same seed -> same stream; other seed or fork -> different stream; counter restores position', () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(43);
  const xa = Array.from({ length: 100 }, () => a.nextU32());
  const xb = Array.from({ length: 100 }, () => b.nextU32());
  const xc = Array.from({ length: 100 }, () => c.nextU32());
  assert.equal(xa, xb);
  assert.ok(xa.filter((v, i) => v === xc[i]).length < 3);
  const f1 = new Rng(42).fork('mutation', 3), f2 = new Rng(42).fork('mutation', 3), f3 = new Rng(42).fork('mutation', 4);
  assert.is(f1.nextU32(), f2.nextU32());
  assert.is.not(new Rng(42).fork('mutation', 3).nextU32(), f3.nextU32());
  const r = new Rng(7); for (let i = 0; i < 10; i++) r.next();
  const saved = r.counter, v = r.next();
  const r2 = new Rng(7); r2.counter = saved;
  assert.is(r2.next(), v);
});

test('uniforms: mean 1/2, variance 1/12, chi-square over 16 bins within the 99.9% bound', () => {
  const n = 160000, bins = new Array(16).fill(0);
  let s = 0, s2 = 0;
  for (let i = 0; i < n; i++) { const u = uniformAt(1, 2, 3, 4, i); s += u; s2 += u * u; bins[Math.floor(u * 16)]++; }
  const mean = s / n, v = s2 / n - mean * mean;
  assert.ok(Math.abs(mean - 0.5) < 0.004, `mean ${mean}`);
  assert.ok(Math.abs(v - 1 / 12) < 0.002, `variance ${v}`);
  const e = n / 16, chi = bins.reduce((t, o) => t + (o - e) ** 2 / e, 0);
  assert.ok(chi < 37.7, `chi-square ${chi}`); // 15 degrees of freedom, p = 0.001
});

test('normals: mean 0, variance 1, 3-sigma share close to 0.27%', () => {
  const n = 100000;
  let s = 0, s2 = 0, tail = 0;
  for (let i = 0; i < n; i++) { const z = normalAt(9, 0, 0, 0, i); s += z; s2 += z * z; if (Math.abs(z) > 3) tail++; }
  const mean = s / n, v = s2 / n - mean * mean;
  assert.ok(Math.abs(mean) < 0.02, `mean ${mean}`);
  assert.ok(Math.abs(v - 1) < 0.02, `variance ${v}`);
  assert.ok(tail / n > 0.0015 && tail / n < 0.0040, `3-sigma share ${tail / n}`);
});

test('the WASM twin (assembly/rng.ts) is bit-identical', async () => {
  const bytes = readFileSync(new URL('../../build/gibbon.wasm', import.meta.url));
  const { instance } = await WebAssembly.instantiate(bytes, { env: { abort: () => { throw new Error('abort'); } } });
  const ex = instance.exports as unknown as { gibbon_rng_hash5: (...a: number[]) => number; gibbon_rng_normal: (...a: number[]) => number };
  const r = new Rng(123);
  for (let i = 0; i < 2000; i++) {
    const k = [r.nextU32(), r.nextU32(), r.nextU32(), r.nextU32(), r.nextU32()] as const;
    assert.is(ex.gibbon_rng_hash5(...k) >>> 0, hash5(...k));
    assert.is(ex.gibbon_rng_normal(k[0], k[1], k[2], k[3], i), normalAt(k[0], k[1], k[2], k[3], i));
  }
});

test('bad seeds are a clear RangeError', () => {
  assert.throws(() => new Rng(-1), /seed must be an integer in 0\.\.4294967295, got -1/);
  assert.throws(() => new Rng(1.5), /got 1\.5/);
});

test.run();
