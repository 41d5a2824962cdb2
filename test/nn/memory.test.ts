// Training-step memory: the affine model (fixed + per image x batch) from two probes, checked against a
// step of known size, against a measured supernet step at a larger batch, and the refusal's exact text.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { setupTfjs } from '../../src/node/tfjs-setup.ts';
import { checkTrainingMemory, largestFittingBatch, measureStepMemory, stepPeakBytes } from '../../src/nn/memory.ts';
import { spacePreset } from '../../src/space/presets.ts';
import { Supernet, largestCandidate } from '../../src/nn/supernet.ts';
import { crossEntropy } from '../../src/nn/ops.ts';
import { GibbonError } from '../../src/util/errors.ts';

test.before(async () => { await setupTfjs('wasm'); });

test('the probe reads a step of known size: 2,000 fixed bytes and 4,000 per image, over what is already allocated', async () => {
  const resident = tf.memory().numBytes;
  const m = await measureStepMemory((batch) => {
    const fixed = tf.zeros([500]);
    const perImage = tf.zeros([batch, 1000]);
    tf.add(tf.sum(fixed), tf.sum(perImage)).dataSync();
  });
  // Besides the two inputs, the sums and the add hold 3 scalars (12 bytes) at the peak; a sum of the
  // batch tensor holds no batch-sized intermediate.
  assert.is(m.perImageBytes, 4000);
  assert.ok(m.fixedBytes - resident >= 2000 && m.fixedBytes - resident <= 2016, `fixed ${m.fixedBytes} over ${resident} resident`);
});

test('largest fitting batch and the refusal, worked by hand', () => {
  const m = { fixedBytes: 100, perImageBytes: 10 };
  assert.is(stepPeakBytes(m, 64), 740);
  assert.is(largestFittingBatch(m, 1000), 90);
  assert.is(largestFittingBatch(m, 105), 0);
  checkTrainingMemory(m, 90, 'space s', 1000);
  try { checkTrainingMemory({ fixedBytes: 2 ** 30, perImageBytes: 2 ** 26 }, 64, 'space deep', 2 ** 31); assert.unreachable(); } catch (e) {
    assert.instance(e, GibbonError);
    assert.is((e as GibbonError).code, 'E_OPTION');
    // need 1 GiB + 64 x 64 MiB = 5 GiB; fits (2 GiB - 1 GiB) / 64 MiB = 16
    assert.is((e as Error).message, "space deep: batch size: got 64, whose training step needs about 5.00 GiB of tfjs's wasm heap; allowed: at most 2.00 GiB (75 % of its 4 GiB limit): use a batch size of at most 16 (--batch-size 16)");
  }
  try { checkTrainingMemory({ fixedBytes: 3 * 2 ** 30, perImageBytes: 1 }, 1, 'space huge', 2 ** 31); assert.unreachable(); } catch (e) {
    assert.match((e as Error).message, 'use a smaller space: fewer blocks or narrower channels (stages[].blocks, decisions.channels)');
  }
});

test('on the mnist supernet, batches 1 and 2 predict the peak of a batch-12 step within 2 %', async () => {
  const space = spacePreset('mnist');
  const sn = new Supernet(space, 1);
  const { height, width, channels } = space.spec.input;
  const largest = largestCandidate(space);
  // A training step's shape: forward passes (here 3 of the largest) summed, gradients of every weight.
  const step = (batch: number): void => {
    const g = tf.variableGrads(() => {
      const x = tf.zeros([batch, height, width, channels]) as tf.Tensor4D;
      const labels = new Int32Array(batch);
      let sum: tf.Scalar | undefined;
      for (let k = 0; k < 3; k++) { const l = crossEntropy(sn.forward(largest, x, { quant: true }, new Set()), labels); sum = sum ? tf.add(sum, l) : l; }
      return sum!;
    }, sn.variables());
    g.value.dataSync();
  };
  const m = await measureStepMemory(step);
  const measured = (await tf.profile(() => { tf.tidy(() => step(12)); })).peakBytes;
  const predicted = stepPeakBytes(m, 12);
  assert.ok(Math.abs(predicted - measured) <= 0.02 * measured, `predicted ${predicted}, measured ${measured}`);
  assert.ok(m.perImageBytes > 1e6, `an MNIST image's activations and gradients take megabytes (${m.perImageBytes})`);
  sn.dispose?.();
});

test.run();
