// Functional (accuracy) simulator throughput: images per second for a LeNet-shaped MNIST model
// (1x28x28; conv 1->6 k5 pad 2, relu, maxpool 2, conv 6->16 k5, relu, maxpool 2, fc 400->120, fc 120->84,
// fc 84->10) at 8-bit weights and activations, 1-bit cells, 1-bit DAC, 128-row crossbars
// (rowsPerConversion 128), a 6-bit ADC in fixed range mode, ideal devices. Random seeded integer weights
// and inputs (throughput does not depend on training).
//
// Side by side, in the same release WASM: the bit-plane kernel (gibbon_pim_run) and the straightforward
// way, one f32 multiply-accumulate per cell per cycle as MNSIM computes it (gibbon_pim_run_baseline), on
// the same pre-sliced levels. Their logits, predictions and statistics must be equal: the bench asserts it.
//
// Run: npx asc assembly/index.ts --target release && node --import tsx bench/func.bench.ts
// Prints one JSON line per case (name, n, medianUs, p95Us, imagesPerS), then a summary JSON line last.
import { createNodePool } from '../src/node/pool.ts';
import type { EvalPool } from '../src/pool/eval-pool.ts';
import { loadSimulatorNode } from '../src/node/simulator.ts';
import { PimKernel, hardwareFor, type PimRunResult, type PreparedPim } from '../src/pim/kernel.ts';
import { randomPimModel, LENET_SPEC, type RandomModelSpec } from '../src/pim/random-model.ts';
import { GIBBON_BASE_ARCH } from '../src/hw/arch.ts';
import type { ArchConfig } from '../src/hw/types.ts';
import type { PimDeviceOptions } from '../src/pim/types.ts';
import { Rng } from '../src/util/rng.ts';

const SEED = 20240611;
/** Images per timed kernel run, and per timed baseline run (the baseline is about 20x slower). */
const KERNEL_IMAGES = 256;
const BASELINE_IMAGES = 24;
const RUNS = 7;
const WARMUP_RUNS = 2;

/** The tests' LeNet (src/pim/random-model.ts) at 8-bit weights, activations and input. */
const LENET_8BIT: RandomModelSpec = { ...LENET_SPEC, name: 'lenet-mnist-8bit', input: { ...LENET_SPEC.input, bits: 8 }, weightBits: 8, activationBits: 8 };

const IDEAL_FIXED: PimDeviceOptions = {
  rangeMode: 'fixed', safHrsPct: 0, safLrsPct: 0, variationSigmaPctOfR: 0, hrsLrsRatio: Infinity, readNoiseSigma: 0,
};

/** gibbon-base (128x128 crossbars, 128 DACs per group, 1-bit cells and DAC) with a 6-bit ADC (choice 4). */
const arch: ArchConfig = structuredClone(GIBBON_BASE_ARCH) as ArchConfig;
arch.adc.choice = 4;
const hw = hardwareFor(arch, IDEAL_FIXED);
if (hw.rowsPerConversion !== 128 || hw.adcBits !== 6 || hw.dacBits !== 1 || hw.cellBits !== 1) {
  throw new Error(`func.bench: unexpected hardware ${JSON.stringify(hw)}`);
}

const rng = new Rng(SEED);
const model = randomPimModel(LENET_8BIT, rng.fork('model'));
const inSize = 28 * 28;
const top = 2 ** (LENET_8BIT.input.bits! - 1) - 1;
const dataRng = rng.fork('inputs');
const inputs = new Int32Array(KERNEL_IMAGES * inSize).map(() => dataRng.int(top + 1));

const kernel = new PimKernel(await loadSimulatorNode());
const prep = kernel.prepare(model, hw, SEED, 0);

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }
function p95(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]; }

function time(run: () => void): number[] {
  for (let i = 0; i < WARMUP_RUNS; i++) run();
  const us: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    run();
    us.push((performance.now() - t0) * 1000);
  }
  return us;
}

function report(name: string, n: number, us: number[]): number {
  const med = median(us);
  const imagesPerS = n / (med / 1e6);
  console.log(JSON.stringify({ name, n, runs: us.length, medianUs: Math.round(med), p95Us: Math.round(p95(us)), imagesPerS: Math.round(imagesPerS * 10) / 10 }));
  return imagesPerS;
}

function assertEqual(a: PimRunResult, b: PimRunResult, what: string): void {
  const fail = (m: string): never => { throw new Error(`func.bench: ${what}: ${m}`); };
  if (a.logits.length !== b.logits.length) fail('logit counts differ');
  a.logits.forEach((v, i) => { if (!Object.is(v, b.logits[i])) fail(`logit ${i}: ${v} vs ${b.logits[i]}`); });
  a.predictions.forEach((v, i) => { if (v !== b.predictions[i]) fail(`prediction ${i}: ${v} vs ${b.predictions[i]}`); });
  if (JSON.stringify(a.stats) !== JSON.stringify(b.stats)) fail(`stats differ:\n${JSON.stringify(a.stats)}\n${JSON.stringify(b.stats)}`);
  a.psumMax.forEach((v, i) => { if (v !== b.psumMax[i]) fail(`psumMax ${i}: ${v} vs ${b.psumMax[i]}`); });
}

/** Images through a pool: tasks of POOL_TASK_IMAGES in flight at once (a worker prepares the chip once). */
const POOL_IMAGES = 1024;
const POOL_TASK_IMAGES = 128;
const poolInputs = new Int32Array(POOL_IMAGES * inSize).map(() => dataRng.int(top + 1));

async function timePool(pool: EvalPool): Promise<number[]> {
  const key = 'bench-chip';
  const run = () => Promise.all(Array.from({ length: POOL_IMAGES / POOL_TASK_IMAGES }, (_, t) => pool.runPim({
    model, hw, seed: SEED, trial: 0, key, n: POOL_TASK_IMAGES, imageOffset: t * POOL_TASK_IMAGES,
    inputs: poolInputs.subarray(t * POOL_TASK_IMAGES * inSize, (t + 1) * POOL_TASK_IMAGES * inSize),
  })));
  for (let i = 0; i < WARMUP_RUNS; i++) await run();
  const us: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await run();
    us.push((performance.now() - t0) * 1000);
  }
  return us;
}

async function bench(p: PreparedPim): Promise<void> {
  // Equal outputs first (same images through both paths).
  const fast = kernel.run(p, inputs, BASELINE_IMAGES, 0);
  const slow = kernel.runBaseline(p, inputs, BASELINE_IMAGES, 0);
  assertEqual(fast, slow, 'kernel vs f32 baseline');
  const psumMae = Object.fromEntries(fast.stats.filter((s) => s.conversions > 0).map((s) => [s.name, Math.round(s.psumMae * 1000) / 1000]));
  console.log(JSON.stringify({ name: 'check-kernel-equals-baseline', n: BASELINE_IMAGES, equal: true, psumMae }));

  const inThreadRate = report('pim-kernel-in-thread', KERNEL_IMAGES, time(() => kernel.run(p, inputs, KERNEL_IMAGES, 0)));
  const baselineRate = report('pim-baseline-f32', BASELINE_IMAGES, time(() => kernel.runBaseline(p, inputs, BASELINE_IMAGES, 0)));
  const rates: number[] = [];
  for (const workers of [1, 2]) {
    const pool = await createNodePool({ workers });
    try {
      rates.push(report(`pim-pool-${workers}w`, POOL_IMAGES, await timePool(pool)));
    } finally {
      await pool.destroy();
    }
  }
  console.log(`\nLeNet (8-bit weights and activations), 1-bit cells, 1-bit DAC, 128-row crossbars, 6-bit ADC, no variation:`);
  console.log(`  in-thread ${inThreadRate.toFixed(0)} images/s; pool 1 worker ${rates[0].toFixed(0)}, 2 workers ${rates[1].toFixed(0)} ` +
    `(${(rates[1] / rates[0]).toFixed(2)}x); f32 MAC baseline ${baselineRate.toFixed(1)} images/s -> ${(inThreadRate / baselineRate).toFixed(1)}x\n`);
  const summary = {
    images_per_s_in_thread: Math.round(inThreadRate * 10) / 10,
    images_per_s_1w: Math.round(rates[0] * 10) / 10,
    images_per_s_2w: Math.round(rates[1] * 10) / 10,
    scaling_2w: Math.round((rates[1] / rates[0]) * 100) / 100,
    baseline_images_per_s: Math.round(baselineRate * 10) / 10,
    speedup_vs_baseline: Math.round((inThreadRate / baselineRate) * 100) / 100,
  };
  console.log(JSON.stringify(summary));
}

try {
  await bench(prep);
} finally {
  kernel.free(prep);
}
