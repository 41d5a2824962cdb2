// Export to gibbon-pim-model v1 (batch norm folded, integer bias in accumulator units, per-channel weight
// scales): the plain integer inference of src/pim/reference.ts on the exported model agrees with the
// net's fake-quantized tfjs forward.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadDataset } from '../../src/node/dataset-files.ts';
import { Net, type NetSpec, lenetSpec } from '../../src/nn/net.ts';
import { trainNet } from '../../src/nn/train.ts';
import { argmaxRows, evaluate, firstImages, netLogits } from '../../src/nn/data.ts';
import { exportPimModel, quantizeInputs } from '../../src/nn/export.ts';
import { integerForward } from '../../src/pim/reference.ts';
import { parsePimModel, serializePimModel } from '../../src/pim/model-file.ts';
import type { PimMatrixLayer, PimModel } from '../../src/pim/types.ts';
import { GibbonError } from '../../src/util/errors.ts';
import { maxRelDiff } from './helpers.ts';

const ds = await loadDataset('mnist');

function integerPredictions(model: PimModel, n: number): { logits: Float64Array; predictions: Int32Array } {
  const logits = integerForward(model, quantizeInputs(ds.test, n, model.input), n);
  return { logits, predictions: argmaxRows(logits, model.classes) };
}

function accuracy(pred: Int32Array): number {
  let ok = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === ds.test.labels[i]) ok++;
  return ok / pred.length;
}

test('LeNet, QAT 9/9: integerForward agrees with the fake-quantized forward on >= 99 % of 500 test images', () => {
  const net = new Net(lenetSpec(), 1);
  trainNet(net, ds.train, { epochs: 2, limit: 2048, learningRate: 6e-3, quant: { weightBits: 9, actBits: 9 } });
  const model = exportPimModel(net, ds.train);
  // the file round trip
  const reread = parsePimModel(JSON.parse(JSON.stringify(serializePimModel(model))), 'lenet.json');
  assert.equal(reread.layers.map((l) => l.type), ['conv', 'pool', 'conv', 'pool', 'fc']);
  assert.equal(reread.input, { channels: 1, height: 28, width: 28, bits: 9, scale: 1 / 255, signed: false });
  const conv1 = reread.layers[0] as PimMatrixLayer;
  assert.equal(Array.from(conv1.weights), Array.from((model.layers[0] as PimMatrixLayer).weights));
  assert.ok(conv1.weights.every((w) => Math.abs(w) <= 255) && conv1.weights.some((w) => Math.abs(w) === 255));
  assert.equal([conv1.relu, conv1.out.bits, conv1.out.signed, conv1.padding], [true, 9, false, [2, 2, 2, 2]]);
  // the comparison
  const n = 500;
  const fq = evaluate(net, ds.test, n);
  const int = integerPredictions(reread, n);
  let agree = 0;
  for (let i = 0; i < n; i++) if (int.predictions[i] === fq.predictions[i]) agree++;
  assert.ok(agree >= 0.99 * n, `agreement ${agree} / ${n}`);
  const intAcc = accuracy(int.predictions);
  assert.ok(Math.abs(intAcc - fq.accuracy) <= 0.005, `integer ${intAcc} vs fake-quantized ${fq.accuracy}`);
  assert.ok(fq.accuracy > 0.8, `accuracy ${fq.accuracy}`);
  net.dispose();
});

/** Every layer kind: even kernel with asymmetric padding, grouped conv, residual add, padded avg pool, conv with bias, signed output, padded max pool, global average pool. */
const ALL_LAYERS: NetSpec = {
  name: 'all-layers', input: { channels: 1, height: 28, width: 28 }, layers: [
    { type: 'conv', outChannels: 8, kernel: 4, stride: 2, padding: [1, 1, 2, 2] },
    { type: 'conv', outChannels: 8, kernel: 3, groups: 4 },
    { type: 'add', inputs: [-1, -2], relu: true },
    { type: 'pool', mode: 'avg', kernel: 3, stride: 2, padding: [1, 1, 1, 1] },
    { type: 'conv', outChannels: 16, kernel: 3, bn: false },
    { type: 'conv', outChannels: 16, kernel: 1, relu: false },
    { type: 'pool', mode: 'max', kernel: 2, stride: 1, padding: [0, 0, 1, 1] },
    { type: 'gap' },
    { type: 'fc', outFeatures: 10 },
  ],
};

for (const mode of ['QAT 5/5', 'PTQ 8/8'] as const) {
  test(`every layer kind, ${mode}: integer logits = fake-quantized logits up to float32 rounding`, () => {
    const net = new Net(ALL_LAYERS, 3);
    const bits = mode === 'QAT 5/5' ? 5 : 8;
    trainNet(net, ds.train, { epochs: 1, limit: 512, learningRate: 6e-3, ...(mode === 'QAT 5/5' ? { quant: { weightBits: 5, actBits: 5 } } : {}) });
    const model = exportPimModel(net, ds.train, { weightBits: bits, actBits: bits, calibrationBatches: 4 });
    assert.equal(model.layers.map((l) => l.type), ['conv', 'conv', 'add', 'pool', 'conv', 'conv', 'pool', 'pool', 'fc']);
    assert.equal([model.layers[5].out.signed, model.layers[7].out.signed, (model.layers[7] as { kernel: number }).kernel], [true, true, 7]);
    const n = 200;
    const fqLogits = netLogits(net, ds.test, firstImages(ds.test, n));
    const int = integerPredictions(model, n);
    assert.ok(maxRelDiff(int.logits, fqLogits) < 1e-5, `logits differ by ${maxRelDiff(int.logits, fqLogits)}`);
    assert.equal(Array.from(int.predictions), Array.from(argmaxRows(fqLogits, 10)));
    net.dispose();
  });
}

test('a float net needs bits to export; PTQ calibrates its ranges', () => {
  const net = new Net(lenetSpec({ kernel: 3, channels: [4, 8] }), 1);
  assert.throws(() => exportPimModel(net, ds.train), (e: unknown) => e instanceof GibbonError && e.code === 'E_MODEL');
  assert.not.ok(net.calibrated());
  const model = exportPimModel(net, ds.train, { weightBits: 6, actBits: 7, calibrationBatches: 1, meta: { note: 'untrained' } });
  assert.ok(net.calibrated());
  assert.equal([model.input.bits, model.input.scale, (model.layers[0] as PimMatrixLayer).weightBits], [7, 1 / 63, 6]);
  assert.equal(model.meta, { generator: 'gibbon-ts src/nn', net: 'lenet-4-8-k3', weightBits: 6, actBits: 7, note: 'untrained' });
  net.dispose();
});

test.run();
