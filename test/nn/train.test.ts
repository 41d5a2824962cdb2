// The trainer and the Net: determinism for a seed, learning, progress events, batch-norm recalibration,
// QAT ranges, spec errors. Tiny subsets of the embedded MNIST keep this file to a few seconds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadDataset } from '../../src/node/dataset-files.ts';
import { Net, type NetSpec, lenetSpec } from '../../src/nn/net.ts';
import { type TrainProgress, learningRateAt, trainNet } from '../../src/nn/train.ts';
import { evaluate, firstImages, netLogits, recalibrateBn } from '../../src/nn/data.ts';
import { GibbonError } from '../../src/util/errors.ts';
import { maxRelDiff } from './helpers.ts';

const ds = await loadDataset('mnist');
/** A smaller LeNet (3x3 kernels) for speed. */
const small = () => lenetSpec({ kernel: 3, channels: [4, 8] });
const weights = (net: Net) => net.variables().map((v) => Array.from(v.dataSync()));

test('the LeNet: shapes, parameters and MACs', () => {
  const net = new Net(lenetSpec(), 1);
  assert.equal(net.layers.map((l) => l.outShape), [[28, 28, 8], [14, 14, 8], [14, 14, 16], [7, 7, 16], [1, 1, 10]]);
  assert.is(net.paramCount(), 5 * 5 * 8 + 16 + 5 * 5 * 8 * 16 + 32 + 784 * 10 + 10);
  assert.is(net.macs(), 28 * 28 * 8 * 25 + 14 * 14 * 16 * 200 + 7840);
  assert.is(net.classes, 10);
  net.dispose();
});

test('training is deterministic for a seed (init, shuffling, augmentation) and differs across seeds', () => {
  const run = (initSeed: number, seed: number) => {
    const net = new Net(small(), initSeed);
    const r = trainNet(net, ds.train, { epochs: 1, limit: 192, seed, shift: 2 });
    const w = weights(net);
    net.dispose();
    return { w, loss: r.epochs[0].loss };
  };
  const a = run(1, 7), b = run(1, 7), c = run(1, 8), d = run(2, 7);
  assert.equal(a.w, b.w);
  assert.is(a.loss, b.loss);
  assert.not.equal(a.w, c.w);
  assert.not.equal(a.w, d.w);
});

test('the loss falls and accuracy rises; progress events carry epoch, loss, accuracy, ETA', () => {
  const net = new Net(small(), 1);
  const events: TrainProgress[] = [];
  const r = trainNet(net, ds.train, {
    epochs: 3, limit: 640, learningRate: 6e-3, validation: ds.validation, validationLimit: 300, progressEvery: 5, onProgress: (p) => events.push(p),
  });
  assert.is(r.epochs.length, 3);
  assert.ok(r.epochs[2].loss < r.epochs[0].loss, `loss ${r.epochs.map((e) => e.loss)}`);
  assert.ok(r.epochs[2].validationAccuracy! > 0.6, `validation ${r.epochs[2].validationAccuracy}`);
  assert.ok(r.secondsPerEpoch > 0 && r.steps === 30);
  const epochEvents = events.filter((e) => e.kind === 'epoch');
  assert.equal(epochEvents.map((e) => e.epoch), [1, 2, 3]);
  assert.is(epochEvents[2].etaSeconds, 0);
  assert.ok(epochEvents[0].etaSeconds > 0 && epochEvents[0].validationAccuracy !== undefined);
  const steps = events.filter((e) => e.kind === 'step');
  assert.is(steps.length, 3 * 1); // every 5 of 10 steps, not at the epoch's end
  assert.ok(steps.every((e) => e.step === 5 && e.steps === 10 && e.etaSeconds > 0));
  net.dispose();
});

test('cosine learning rate: lr at the start, lr/2 halfway, 0 at the end', () => {
  assert.is(learningRateAt(0.01, 0, 100, 'cosine'), 0.01);
  assert.ok(Math.abs(learningRateAt(0.01, 50, 100, 'cosine') - 0.005) < 1e-12);
  assert.ok(learningRateAt(0.01, 100, 100, 'cosine') < 1e-12);
  assert.is(learningRateAt(0.01, 70, 100, 'constant'), 0.01);
});

test('batch-norm recalibration: with one batch, eval (running statistics) = batch statistics on that batch', () => {
  const net = new Net(small(), 3);
  trainNet(net, ds.train, { epochs: 1, limit: 128 });
  recalibrateBn(net, ds.train, 1, 256);
  const idx = firstImages(ds.train, 256);
  const evalLogits = netLogits(net, ds.train, idx, 256, 'eval');
  const batchLogits = netLogits(net, ds.train, idx, 256, 'bn-stats');
  assert.ok(maxRelDiff(evalLogits, batchLogits) < 1e-4, `${maxRelDiff(evalLogits, batchLogits)}`);
  net.dispose();
});

test('QAT: ranges are set while training, eval runs fake-quantized; a float net has no ranges', () => {
  const net = new Net(small(), 1);
  trainNet(net, ds.train, { epochs: 1, limit: 128 });
  assert.not.ok(net.calibrated());
  trainNet(net, ds.train, { epochs: 1, limit: 128, quant: { weightBits: 5, actBits: 5 } });
  assert.ok(net.calibrated());
  assert.equal(net.quant, { weightBits: 5, actBits: 5 });
  const acc = evaluate(net, ds.test, 100).accuracy;
  assert.ok(acc >= 0 && acc <= 1);
  net.dispose();
});

test('spec and option errors name the field', () => {
  const bad: NetSpec = { name: 'x', input: { channels: 1, height: 8, width: 8 }, layers: [{ type: 'conv', outChannels: 6, kernel: 3, groups: 4 }] };
  assert.throws(() => new Net(bad), (e: unknown) => e instanceof GibbonError && e.code === 'E_NETWORK' && /layers\[0\]\.groups/.test(e.message));
  const lastPool: NetSpec = { name: 'x', input: { channels: 1, height: 8, width: 8 }, layers: [{ type: 'pool', mode: 'max', kernel: 2 }] };
  assert.throws(() => new Net(lastPool), /layers\[0\]\.type/);
  const net = new Net(small(), 1);
  assert.throws(() => trainNet(net, ds.train, { epochs: 0 }), (e: unknown) => e instanceof GibbonError && e.code === 'E_OPTION');
  assert.throws(() => net.setQuant({ weightBits: 1, actBits: 8 }), /quant/);
  net.dispose();
});

test.run();
