// runPim(): quantization of inputs, ADC-range calibration, Monte-Carlo trials, and the same results in
// this thread, on Piscina workers and over the browser worker protocol.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simulator, arch } from '../helpers.ts';
import { runPim, quantizeInputs, calibratePsumRanges, LEAST_ERROR_MAX_SHIFT } from '../../src/pim/run.ts';
import { InThreadPimExecutor } from '../../src/pim/executor.ts';
import { pimExecutor, InThreadPool } from '../../src/pool/eval-pool.ts';
import { createNodePool } from '../../src/node/pool.ts';
import { createWebPool } from '../../src/web/pool.ts';
import { randomPimModel, LENET_SPEC } from '../../src/pim/random-model.ts';
import { hardwareFor } from '../../src/pim/kernel.ts';
import { pimDeviceOptions } from '../../src/hw/arch.ts';
import { Rng } from '../../src/util/rng.ts';
import { channelWorker } from '../helpers.ts';

const model = randomPimModel(LENET_SPEC, new Rng(3).fork('model'));
const N = 40;
const rng = new Rng(4);
const images = Uint8Array.from({ length: N * 784 }, () => (rng.next() < 0.8 ? 0 : rng.int(256)));
const labels = Uint8Array.from({ length: N }, () => rng.int(10));

test('quantizeInputs: bytes read as byte/255 onto the input grid, rounding half away from zero, clamped', () => {
  const spec = { channels: 1, height: 1, width: 4, bits: 4, scale: 0.1, signed: false }; // grid 0..7
  // 0 -> 0; 51/255 = 0.2 -> 2; 64/255 = 0.251 -> rha(2.51) = 3; 255/255 = 1 -> 10 clamped to 7
  assert.equal(Array.from(quantizeInputs(spec, Uint8Array.from([0, 51, 64, 255]))), [0, 2, 3, 7]);
  // floats, signed grid -7..7: -0.25 -> rha(-2.5) = -3; 0.05 -> rha(0.5) = 1; -2 -> -7
  assert.equal(Array.from(quantizeInputs({ ...spec, signed: true }, Float32Array.from([-0.25, 0.05, -2, 0.3]))), [-3, 1, -7, 3]);
});

test('calibrated mode: each layer range is the largest ideal partial sum of the calibration images', async () => {
  const sim = await simulator();
  const exec = new InThreadPimExecutor(sim);
  const a = arch('gibbon-base', ['adc.bits=6', 'adc.rangeMode=calibrated']);
  const hw = hardwareFor(a, pimDeviceOptions(a));
  const xq = quantizeInputs(model.input, images);
  const ranges = await calibratePsumRanges(exec, model, hw, xq.subarray(0, 16 * 784), 16);
  // Independent check: a lossless fixed-range run reports the same maxima.
  const lossless = await exec.run({ model, hw: { ...hw, adcBits: 32, device: { ...hw.device, rangeMode: 'fixed' } }, seed: 0, trial: 0, inputs: xq.slice(0, 16 * 784), n: 16, imageOffset: 0 });
  model.layers.forEach((l, i) => {
    if (l.type === 'conv' || l.type === 'fc') { assert.is(ranges[i], lossless.psumMax[i]); assert.ok(ranges[i] > 0); } else assert.ok(Number.isNaN(ranges[i]));
  });
  const r = await runPim(exec, model, a, images, { labels, calibrationImages: 16 });
  assert.equal(Array.from(r.psumRanges!), Array.from(ranges));
  exec.dispose();
});

test('least-error mode: each layer range is its largest sum / 2^k (k <= 4), and the run is the calibrated mode at those ranges', async () => {
  const sim = await simulator();
  const exec = new InThreadPimExecutor(sim);
  const a = arch('gibbon-base', ['adc.bits=4', 'adc.rangeMode=least-error']);
  const xq = quantizeInputs(model.input, images);
  const largest = await calibratePsumRanges(exec, model, hardwareFor(a, pimDeviceOptions(a)), xq.subarray(0, 16 * 784), 16);
  const r = await runPim(exec, model, a, images, { labels, calibrationImages: 16 });
  const shifts = model.layers.flatMap((l, i) => {
    if (l.type !== 'conv' && l.type !== 'fc') { assert.ok(Number.isNaN(r.psumRanges![i])); return []; }
    const k = Math.log2(largest[i] / r.psumRanges![i]);
    assert.ok(Number.isInteger(k) && k >= 0 && k <= LEAST_ERROR_MAX_SHIFT, `${l.name}: ${r.psumRanges![i]} of ${largest[i]}`);
    return [k];
  });
  assert.ok(shifts.some((k) => k > 0), `a 4-bit ADC takes a finer step somewhere (k per layer ${shifts.join(',')})`);
  // The same model file with those ranges written into it, in the calibrated mode: the same run.
  const fitted = { ...model, layers: model.layers.map((l, i) => (l.type === 'conv' || l.type === 'fc') ? { ...l, psumRange: r.psumRanges![i] } : l) };
  const c = await runPim(exec, fitted, arch('gibbon-base', ['adc.bits=4', 'adc.rangeMode=calibrated']), images, { labels });
  assert.equal(Array.from(c.logits), Array.from(r.logits));
  assert.is(r.hardware.device.rangeMode, 'least-error');
  exec.dispose();
});

test('trials: same seed -> same chips; variation spreads accuracy; mean and std over trials', async () => {
  const sim = await simulator();
  const exec = new InThreadPimExecutor(sim);
  const noisy = arch('gibbon-base', ['adc.bits=8', 'nonideal.variationSigmaPctOfR=20', 'nonideal.safHrsPct=2']);
  const a = await runPim(exec, model, noisy, images, { labels, trials: 3, seed: 9 });
  const b = await runPim(exec, model, noisy, images, { labels, trials: 3, seed: 9, batchSize: 7 });
  assert.equal(a.trials.map((t) => Array.from(t.predictions)), b.trials.map((t) => Array.from(t.predictions)), 'batching does not change a chip');
  assert.equal(Array.from(a.logits), Array.from(b.logits));
  const accs = a.trials.map((t) => t.accuracy!);
  const mean = accs.reduce((s, x) => s + x, 0) / 3;
  assert.is(a.accuracyMean, mean);
  assert.is(a.accuracyStd, Math.sqrt(accs.reduce((s, x) => s + (x - mean) ** 2, 0) / 3));
  assert.ok(a.trials.some((t, i) => i > 0 && Array.from(t.predictions).join() !== Array.from(a.trials[0].predictions).join()), 'different trials are different chips');
  const other = await runPim(exec, model, noisy, images, { labels, trials: 1, seed: 10 });
  assert.ok(Array.from(other.logits).join() !== Array.from(a.logits).join(), 'another seed, another chip');
  exec.dispose();
});

/** Typed arrays as plain arrays: uvu compares typed arrays with !==, which fails on NaN (no range). */
function plain(x: unknown): unknown {
  if (ArrayBuffer.isView(x)) return Array.from(x as unknown as ArrayLike<number>);
  if (Array.isArray(x)) return x.map(plain);
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]));
  return x;
}


test('the same results in this thread, on 1 and 2 Piscina workers, and over the browser protocol (calibrated and least-error ranges)', async () => {
  const sim = await simulator();
  for (const mode of ['calibrated', 'least-error']) {
    const a = arch('gibbon-base', ['adc.bits=6', 'nonideal.safLrsPct=1', 'nonideal.variationSigmaPctOfR=5', `adc.rangeMode=${mode}`]);
    const opts = { labels, trials: 2, seed: 5, batchSize: 9 };
    const exec = new InThreadPimExecutor(sim);
    const expected = plain(await runPim(exec, model, a, images, opts));
    exec.dispose();
    const inThread = new InThreadPool(sim);
    assert.equal(plain(await runPim(pimExecutor(inThread), model, a, images, opts)), expected);
    await inThread.destroy();
    for (const workers of [1, 2]) {
      const pool = await createNodePool({ workers });
      try {
        assert.equal(plain(await runPim(pimExecutor(pool), model, a, images, opts)), expected, `${mode}: ${workers} worker(s)`);
      } finally {
        await pool.destroy();
      }
    }
    const { wasmModule } = await import('../../src/node/simulator.ts');
    const web = await createWebPool({ workers: 2, module: await wasmModule(), createWorker: channelWorker });
    try {
      assert.equal(plain(await runPim(pimExecutor(web), model, a, images, opts)), expected, `${mode}: web workers`);
    } finally {
      await web.destroy();
    }
  }
});

test('bad inputs: a clear error, never a trap', async () => {
  const sim = await simulator();
  const exec = new InThreadPimExecutor(sim);
  try {
    await runPim(exec, model, arch(), images.subarray(0, 783));
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).message, "runPim: inputs hold 783 values, not a positive multiple of the model's input size 1x28x28");
  }
  try {
    await runPim(exec, model, arch(), images, { labels: labels.subarray(0, 3) });
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).message, 'runPim: 3 labels for 40 images');
  }
  try {
    await runPim(exec, model, arch(), images, { trials: 0 });
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).message, 'runPim: options.trials: got 0; allowed: an integer in 1..10000');
  }
  try {
    await runPim(exec, model, arch('mnsim-default', ['adc.choice=8']), images);
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).message, 'arch: adc.choice: got 8; allowed: an ADC of at least 2 bits for the functional simulator of analog PIM (choice 8 is a 1-bit sense amplifier: pe.pimType "digital" reads with it exactly)');
  }
  exec.dispose();
});

test.run();
