// Model files (gibbon-pim-model v1, docs/functional.md §2): resolution of every layer kind, the exact text
// of every error, and the serialize -> parse round trip.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePimModel, serializePimModel } from '../../src/pim/model-file.ts';
import { LENET_SPEC, randomPimModel, type RandomModelSpec } from '../../src/pim/random-model.ts';
import type { PimAddLayer, PimMatrixLayer, PimPoolLayer } from '../../src/pim/types.ts';
import { throwsGibbon } from '../helpers.ts';
import { Rng } from '../../src/util/rng.ts';

/** k-th value of a repeating ramp over [-top, top]. */
const ramp = (count: number, top: number): number[] => Array.from({ length: count }, (_, k) => (k % (2 * top + 1)) - top);

type Json = Record<string, any>;

/** conv (grouped, even kernel, asymmetric pad) -> pool -> conv -> add (skip) -> fc. */
function tiny(): Json {
  return {
    format: 'gibbon-pim-model', version: 1, name: 'tiny',
    input: { channels: 2, height: 6, width: 5, bits: 8, scale: 0.5, signed: false },
    layers: [
      { type: 'conv', inChannels: 2, outChannels: 4, kernel: 2, stride: 1, padding: [1, 0, 0, 1], convGroups: 2, weightBits: 4,
        weights: ramp(16, 7), weightScale: 0.1, bias: [1, -2, 3, 0], outputScale: 0.25, outputBits: 6, relu: true },
      { type: 'pool', mode: 'max', kernel: 2, stride: 2, padding: [0, 0, 0, 1] },
      { type: 'conv', name: 'mid', inChannels: 4, outChannels: 4, kernel: 3, stride: 1, padding: [1, 1, 1, 1], convGroups: 1, weightBits: 5,
        weights: ramp(144, 15), weightScale: [0.1, 0.2, 0.3, 0.4], bias: [5, 6, 7, -8], outputScale: 0.5, outputBits: 7, relu: false, psumRange: 40 },
      { type: 'add', inputs: [-1, -2], outputScale: 1, outputBits: 8, relu: true },
      { type: 'fc', inFeatures: 36, outFeatures: 3, weightBits: 8, weights: ramp(108, 127), weightScale: 0.01, bias: [0, 10, -10] },
    ],
  };
}

const throwsModel = (json: unknown, message: string, source = 'm.json'): void => throwsGibbon(() => parsePimModel(json, source), 'E_MODEL', message);

/** The tiny model with one change. */
function tinyWith(change: (m: Json) => void): Json {
  const m = tiny();
  change(m);
  return m;
}

/** Little-endian int16 base64 of a list, written independently of model-file.ts. */
function int16Base64(values: number[]): string {
  const buf = Buffer.alloc(2 * values.length);
  values.forEach((v, k) => buf.writeInt16LE(v, 2 * k));
  return buf.toString('base64');
}

// ===== Resolution =====

test('tiny model: shapes, producers, grids, broadcast scales, classes', () => {
  const m = parsePimModel(tiny(), 'tiny.json');
  assert.is(m.name, 'tiny');
  assert.equal(m.input, { channels: 2, height: 6, width: 5, bits: 8, scale: 0.5, signed: false });
  assert.is(m.classes, 3);
  const [c0, p1, c2, a3, f4] = m.layers as [PimMatrixLayer, PimPoolLayer, PimMatrixLayer, PimAddLayer, PimMatrixLayer];
  assert.equal([c0.name, p1.name, c2.name, a3.name, f4.name], ['conv0', 'pool1', 'mid', 'add3', 'fc4']);
  assert.equal(m.layers.map((l) => l.index), [0, 1, 2, 3, 4]);
  assert.equal(m.layers.map((l) => l.inputs), [[-1], [0], [1], [2, 1], [3]]);
  // conv0: H = floor((6 + 1 + 0 - 2) / 1) + 1 = 6, W = floor((5 + 0 + 1 - 2) / 1) + 1 = 5.
  assert.equal([c0.inC, c0.inH, c0.inW, c0.outC, c0.outH, c0.outW], [2, 6, 5, 4, 6, 5]);
  assert.equal(c0.input, { bits: 8, scale: 0.5, signed: false });
  assert.equal(c0.out, { bits: 6, scale: 0.25, signed: false });
  assert.equal(c0.weights, Int32Array.from(ramp(16, 7)));
  assert.equal(c0.weightScale, new Float64Array([0.1, 0.1, 0.1, 0.1]));
  assert.equal(c0.bias, Float64Array.from([1, -2, 3, 0]));
  assert.equal([c0.kernel, c0.stride, c0.padding, c0.convGroups, c0.weightBits, c0.relu, c0.isLast], [2, 1, [1, 0, 0, 1], 2, 4, true, false]);
  assert.not.ok('psumRange' in c0);
  // The pool keeps its input's grid: W = floor((5 + 1 - 2) / 2) + 1 = 3.
  assert.equal([p1.inC, p1.inH, p1.inW, p1.outC, p1.outH, p1.outW], [4, 6, 5, 4, 3, 3]);
  assert.equal(p1.out, c0.out);
  assert.equal([p1.mode, p1.kernel, p1.stride, p1.padding], ['max', 2, 2, [0, 0, 0, 1]]);
  assert.equal(c2.input, c0.out);
  assert.equal(c2.out, { bits: 7, scale: 0.5, signed: true }); // no relu: signed
  assert.equal(c2.weightScale, Float64Array.from([0.1, 0.2, 0.3, 0.4]));
  assert.is(c2.psumRange, 40);
  assert.equal([a3.inC, a3.inH, a3.inW, a3.outC, a3.outH, a3.outW], [4, 3, 3, 4, 3, 3]);
  assert.equal(a3.inputScales, [0.5, 0.25]);
  assert.equal(a3.out, { bits: 8, scale: 1, signed: false });
  // fc: kernel 1, in features as channels, 1x1.
  assert.equal([f4.inC, f4.inH, f4.inW, f4.outC, f4.outH, f4.outW, f4.kernel, f4.convGroups], [36, 1, 1, 3, 1, 1, 1, 1]);
  assert.equal(f4.input, a3.out);
  assert.equal([f4.isLast, f4.relu, f4.out.bits], [true, false, 0]);
});

test('weightsBase64 (little-endian int16) gives the same model as the integer list', () => {
  const list = parsePimModel(tiny(), 'tiny.json');
  const b64 = parsePimModel(tinyWith((m) => {
    for (const layer of m.layers) {
      if (layer.weights === undefined) continue;
      layer.weightsBase64 = int16Base64(layer.weights);
      delete layer.weights;
    }
  }), 'tiny.json');
  assert.equal(b64, list);
});

test('the last layer: its output fields are optional and ignored; a conv gives C*H*W classes', () => {
  const withOut = parsePimModel(tinyWith((m) => Object.assign(m.layers[4], { outputScale: 3, outputBits: 4, relu: true })), 'tiny.json');
  assert.equal(withOut, parsePimModel(tiny(), 'tiny.json'));
  const convLast = parsePimModel(tinyWith((m) => {
    m.layers[4] = { type: 'conv', inChannels: 4, outChannels: 2, kernel: 2, stride: 1, padding: [0, 0, 0, 0], convGroups: 1, weightBits: 4,
      weights: ramp(32, 7), weightScale: 1, bias: [0, 0] };
  }), 'tiny.json');
  assert.is(convLast.classes, 2 * 2 * 2);
  assert.ok((convLast.layers[4] as PimMatrixLayer).isLast);
  // A single fc on the input; the name defaults to the file name.
  const fcOnly = parsePimModel({ format: 'gibbon-pim-model', version: 1, input: { channels: 1, height: 2, width: 2, bits: 2, scale: 1, signed: true },
    layers: [{ type: 'fc', inFeatures: 4, outFeatures: 2, weightBits: 2, weights: [1, -1, 0, 1, 0, 0, 1, -1], weightScale: [1, 2], bias: [0, 0] }] }, 'dir/one.json');
  assert.is(fcOnly.name, 'one');
  assert.equal(fcOnly.layers[0].inputs, [-1]);
  assert.is(fcOnly.classes, 2);
});

// ===== Round trip =====

test('serializePimModel -> JSON text -> parsePimModel gives the same model', () => {
  const m = parsePimModel(tiny(), 'tiny.json');
  const json = serializePimModel(m);
  const layers = json.layers as Json[];
  assert.equal(Object.keys(json), ['format', 'version', 'name', 'input', 'layers']);
  assert.is(layers[0].weightsBase64, int16Base64(ramp(16, 7)));
  assert.not.ok('weights' in layers[0]);
  assert.is(layers[0].weightScale, 0.1); // one shared scale stays one number
  assert.equal(layers[2].weightScale, [0.1, 0.2, 0.3, 0.4]);
  assert.equal(layers[3].inputs, [-1, -2]);
  assert.not.ok('inputs' in layers[2]);
  assert.not.ok('outputScale' in layers[4]);
  assert.equal(parsePimModel(JSON.parse(JSON.stringify(json)), 'again.json'), m);
});

test('randomPimModel: LeNet is valid, deterministic per seed, round-trips, different seeds differ', () => {
  const a = randomPimModel(LENET_SPEC, new Rng(7).fork('model'));
  const b = randomPimModel(LENET_SPEC, new Rng(7).fork('model'));
  const c = randomPimModel(LENET_SPEC, new Rng(8).fork('model'));
  assert.equal(a, b);
  assert.not.equal((a.layers[0] as PimMatrixLayer).weights, (c.layers[0] as PimMatrixLayer).weights);
  assert.equal(a.layers.map((l) => [l.type, l.outC, l.outH, l.outW]), [
    ['conv', 6, 28, 28], ['pool', 6, 14, 14], ['conv', 16, 10, 10], ['pool', 16, 5, 5], ['fc', 120, 1, 1], ['fc', 84, 1, 1], ['fc', 10, 1, 1],
  ]);
  assert.is(a.classes, 10);
  const w = (a.layers[4] as PimMatrixLayer).weights;
  assert.is(w.length, 120 * 400);
  assert.ok(Math.max(...w) === 255 && Math.min(...w) === -255, 'weights span the 9-bit grid');
  assert.equal(parsePimModel(JSON.parse(JSON.stringify(serializePimModel(a))), 'x.json'), a);
});

test('randomPimModel: grouped convs, avg pools and a residual add', () => {
  const spec: RandomModelSpec = {
    input: { channels: 3, height: 8, width: 8, signed: true },
    layers: [
      { type: 'conv', outChannels: 8, kernel: 3, padding: 1 },
      { type: 'conv', outChannels: 8, kernel: 3, padding: 1, convGroups: 4, relu: false },
      { type: 'add', inputs: [-1, -2] },
      { type: 'pool', mode: 'avg', kernel: 2 },
      { type: 'conv', outChannels: 4, kernel: 4 },
    ],
  };
  const m = randomPimModel(spec, new Rng(1));
  assert.equal(m.layers.map((l) => l.inputs), [[-1], [0], [1, 0], [2], [3]]);
  assert.is(m.classes, 4);
  assert.equal(parsePimModel(serializePimModel(m), 'x.json'), m);
});

// ===== Errors =====

test('errors: the file, its top-level fields and the input spec', () => {
  throwsModel([], 'm.json: (root): got []; allowed: a gibbon-pim-model object with keys format, version, name, input, layers, meta');
  throwsModel(tinyWith((m) => { m.extra = 1; }), 'm.json: extra: got an unknown key; allowed: the top-level keys: format, version, name, input, layers, meta');
  throwsModel(tinyWith((m) => { m.meta = 1; }), 'm.json: meta: got 1; allowed: an object (free-form metadata: provenance, accuracies)');
  throwsModel(tinyWith((m) => { m.format = 'gibbon-network'; }), 'm.json: format: got "gibbon-network"; allowed: "gibbon-pim-model"');
  throwsModel(tinyWith((m) => { delete m.format; }), 'm.json: format: got nothing; allowed: "gibbon-pim-model"');
  throwsModel(tinyWith((m) => { m.version = 2; }), 'm.json: version: got 2; allowed: 1');
  throwsModel(tinyWith((m) => { m.name = ''; }), 'm.json: name: got ""; allowed: a non-empty string');
  throwsModel(tinyWith((m) => { delete m.input; }), 'm.json: input: got nothing; allowed: an object with keys channels, height, width, bits, scale, signed');
  throwsModel(tinyWith((m) => { m.input.depth = 1; }), 'm.json: input.depth: got an unknown key; allowed: the keys of input: channels, height, width, bits, scale, signed');
  throwsModel(tinyWith((m) => { m.input.bits = 17; }), 'm.json: input.bits: got 17; allowed: an integer in 2..16');
  throwsModel(tinyWith((m) => { m.input.bits = 1; }), 'm.json: input.bits: got 1; allowed: an integer in 2..16');
  throwsModel(tinyWith((m) => { m.input.scale = 0; }), 'm.json: input.scale: got 0; allowed: a finite number > 0');
  throwsModel(tinyWith((m) => { m.input.scale = Infinity; }), 'm.json: input.scale: got Infinity; allowed: a finite number > 0');
  throwsModel(tinyWith((m) => { delete m.input.signed; }), 'm.json: input.signed: got nothing; allowed: true or false');
  throwsModel(tinyWith((m) => { m.input.height = 0; }), 'm.json: input.height: got 0; allowed: an integer in 1..16384');
  throwsModel(tinyWith((m) => { m.layers = []; }), 'm.json: layers: got []; allowed: a list of 1 or more layers, the last a conv or fc');
  throwsModel(tinyWith((m) => { m.layers[1] = 'pool'; }), 'm.json: layers[1]: got "pool"; allowed: an object with a "type" (conv, fc, pool, add)');
});

test('errors: layer types, keys, missing and out-of-range fields', () => {
  throwsModel(tinyWith((m) => { m.layers[1].type = 'relu'; }), 'm.json: layers[1].type: got "relu"; allowed: one of "conv", "fc", "pool", "add"');
  throwsModel(tinyWith((m) => { m.layers.push({ type: 'pool', mode: 'max', kernel: 1, stride: 1, padding: [0, 0, 0, 0] }); }),
    'm.json: layers[5].type: got "pool"; allowed: one of "conv", "fc" (the last layer yields the logits)');
  throwsModel(tinyWith((m) => { m.layers[0].activation = 'relu'; }),
    'm.json: layers[0].activation: got an unknown key; allowed: the keys of a conv layer: type, name, inputs, inChannels, outChannels, kernel, stride, padding, convGroups, weightBits, weights, weightsBase64, weightScale, bias, outputScale, outputBits, relu, psumRange');
  throwsModel(tinyWith((m) => { m.layers[1].poolMode = 'max'; }),
    'm.json: layers[1].poolMode: got an unknown key; allowed: the keys of a pool layer: type, name, inputs, inChannels, mode, kernel, stride, padding');
  throwsModel(tinyWith((m) => { m.layers[3].bias = []; }),
    'm.json: layers[3].bias: got an unknown key; allowed: the keys of an add layer: type, name, inputs, outputScale, outputBits, relu');
  throwsModel(tinyWith((m) => { delete m.layers[0].stride; }), 'm.json: layers[0].stride: got nothing; allowed: an integer in 1..64');
  throwsModel(tinyWith((m) => { m.layers[0].kernel = 16; }), 'm.json: layers[0].kernel: got 16; allowed: an integer in 1..15');
  throwsModel(tinyWith((m) => { m.layers[0].weightBits = 1; }), 'm.json: layers[0].weightBits: got 1; allowed: an integer in 2..16');
  throwsModel(tinyWith((m) => { m.layers[2].outputBits = 17; }), 'm.json: layers[2].outputBits: got 17; allowed: an integer in 2..16');
  throwsModel(tinyWith((m) => { delete m.layers[0].outputScale; }), 'm.json: layers[0].outputScale: got nothing; allowed: a finite number > 0');
  throwsModel(tinyWith((m) => { m.layers[3].outputScale = -1; }), 'm.json: layers[3].outputScale: got -1; allowed: a finite number > 0');
  throwsModel(tinyWith((m) => { m.layers[2].relu = 1; }), 'm.json: layers[2].relu: got 1; allowed: true or false');
  throwsModel(tinyWith((m) => { m.layers[4].relu = 'no'; }), 'm.json: layers[4].relu: got "no"; allowed: true or false'); // checked though ignored
  throwsModel(tinyWith((m) => { m.layers[2].psumRange = 0; }), 'm.json: layers[2].psumRange: got 0; allowed: a finite number > 0');
  throwsModel(tinyWith((m) => { m.layers[0].padding = 1; }), 'm.json: layers[0].padding: got 1; allowed: [top, left, bottom, right], each an integer in 0..15');
  throwsModel(tinyWith((m) => { m.layers[1].padding = [0, 0, 2, 0]; }),
    'm.json: layers[1].padding: got [0,0,2,0]; allowed: [top, left, bottom, right], each an integer in 0..1 (below the kernel 2, so that every window holds an input)');
  throwsModel(tinyWith((m) => { m.layers[1].mode = 'min'; }), 'm.json: layers[1].mode: got "min"; allowed: one of "max", "avg"');
  throwsModel(tinyWith((m) => { m.layers[1].name = 7; }), 'm.json: layers[1].name: got 7; allowed: a non-empty string');
});

test('errors: weights, weightsBase64, weightScale and bias name the first bad entry', () => {
  throwsModel(tinyWith((m) => { m.layers[0].weights.pop(); }),
    'm.json: layers[0].weights: got 15 values; allowed: 16 = outChannels 4 x inChannels/convGroups 1 x kernel 2 x kernel 2 values');
  throwsModel(tinyWith((m) => { m.layers[4].weights.push(0); }),
    'm.json: layers[4].weights: got 109 values; allowed: 108 = outFeatures 3 x inFeatures 36 values');
  throwsModel(tinyWith((m) => { m.layers[0].weights[5] = 8; m.layers[0].weights[9] = -9; }),
    'm.json: layers[0].weights[5]: got 8; allowed: an integer in -7..7 (weightBits 4)');
  throwsModel(tinyWith((m) => { m.layers[0].weights[3] = 0.5; }), 'm.json: layers[0].weights[3]: got 0.5; allowed: an integer in -7..7 (weightBits 4)');
  throwsModel(tinyWith((m) => { m.layers[0].weights[3] = '1'; }), 'm.json: layers[0].weights[3]: got "1"; allowed: an integer in -7..7 (weightBits 4)');
  throwsModel(tinyWith((m) => { delete m.layers[0].weights; }),
    'm.json: layers[0].weights: got nothing; allowed: a list of 16 = outChannels 4 x inChannels/convGroups 1 x kernel 2 x kernel 2 integers (or weightsBase64: little-endian int16)');
  throwsModel(tinyWith((m) => { m.layers[0].weightsBase64 = 'AAA='; }), 'm.json: layers[0].weightsBase64: got "AAA="; allowed: either weights or weightsBase64, not both');
  const b64 = (values: number[]) => tinyWith((m) => { delete m.layers[0].weights; m.layers[0].weightsBase64 = int16Base64(values); });
  throwsModel(b64(ramp(15, 7)), 'm.json: layers[0].weightsBase64: got 30 bytes; allowed: 32 bytes: 16 = outChannels 4 x inChannels/convGroups 1 x kernel 2 x kernel 2 little-endian int16 values');
  throwsModel(b64([...ramp(10, 7), -300, 0, 0, 0, 0, 9]), 'm.json: layers[0].weightsBase64[10]: got -300; allowed: an integer in -7..7 (weightBits 4)');
  throwsModel(tinyWith((m) => { delete m.layers[0].weights; m.layers[0].weightsBase64 = 'not*base64'; }),
    'm.json: layers[0].weightsBase64: got "not*base64"; allowed: a base64 string of 16 = outChannels 4 x inChannels/convGroups 1 x kernel 2 x kernel 2 little-endian int16 values');
  throwsModel(tinyWith((m) => { m.layers[0].weightScale = 0; }),
    'm.json: layers[0].weightScale: got 0; allowed: a finite number > 0, or a list of 4 such numbers (one per output)');
  throwsModel(tinyWith((m) => { m.layers[2].weightScale = [1, 2, 3]; }), 'm.json: layers[2].weightScale: got 3 values; allowed: 4 values (one per output), or one number');
  throwsModel(tinyWith((m) => { m.layers[2].weightScale[2] = -Infinity; }), 'm.json: layers[2].weightScale[2]: got -Infinity; allowed: a finite number > 0');
  throwsModel(tinyWith((m) => { m.layers[2].bias = [1, 2, 3, 4, 5]; }), 'm.json: layers[2].bias: got 5 values; allowed: 4 values (one per output)');
  throwsModel(tinyWith((m) => { m.layers[2].bias[1] = 0.5; }), 'm.json: layers[2].bias[1]: got 0.5; allowed: an integer in accumulator units (|bias| <= 2^53 - 1)');
  throwsModel(tinyWith((m) => { delete m.layers[4].bias; }), 'm.json: layers[4].bias: got nothing; allowed: a list of 3 integers in accumulator units (one per output)');
});

test('errors: shapes between layers, inputs, groups, output size', () => {
  throwsModel(tinyWith((m) => { m.layers[0].inChannels = 1; m.layers[0].convGroups = 1; }),
    'm.json: layers[0].inChannels: got 1; allowed: 2, the channels of the network input: 2x6x5');
  throwsModel(tinyWith((m) => { m.layers[2].inChannels = 8; }), 'm.json: layers[2].inChannels: got 8; allowed: 4, the channels of the output of layers[1] (pool1): 4x3x3');
  throwsModel(tinyWith((m) => { m.layers[1].inChannels = 3; }), 'm.json: layers[1].inChannels: got 3; allowed: 4, the channels of the output of layers[0] (conv0): 4x6x5');
  throwsModel(tinyWith((m) => { m.layers[4].inFeatures = 40; }),
    'm.json: layers[4].inFeatures: got 40; allowed: 36, the size of the output of layers[3] (add3): 4x3x3 (flattened in c, h, w order)');
  throwsModel(tinyWith((m) => { m.layers[3].inputs = [-1, -3]; }),
    'm.json: layers[3].inputs: got [-1,-3]; allowed: producers of one shape, but the output of layers[2] (mid): 4x3x3 and the output of layers[0] (conv0): 4x6x5');
  throwsModel(tinyWith((m) => { m.layers[3].inputs = [-1]; }), 'm.json: layers[3].inputs: got [-1]; allowed: 2 to 64 relative indices for an add layer (-1 = the previous layer)');
  throwsModel(tinyWith((m) => { m.layers[2].inputs = [-1, -2]; }),
    'm.json: layers[2].inputs: got [-1,-2]; allowed: a list of exactly one relative index for a conv layer (-1 = the previous layer)');
  throwsModel(tinyWith((m) => { m.layers[3].inputs = [-1, -5]; }),
    'm.json: layers[3].inputs[1]: got -5; allowed: an integer in -4..-1 (-1 = the previous layer, -4 = the network input)');
  throwsModel(tinyWith((m) => { m.layers[3].inputs = [-1, 0]; }),
    'm.json: layers[3].inputs[1]: got 0; allowed: an integer in -4..-1 (-1 = the previous layer, -4 = the network input)');
  throwsModel(tinyWith((m) => { m.layers[0].inputs = [-2]; }), 'm.json: layers[0].inputs[0]: got -2; allowed: -1 (the network input)');
  throwsModel(tinyWith((m) => { m.layers[0].convGroups = 3; }), 'm.json: layers[0].convGroups: got 3; allowed: a divisor of both inChannels (2) and outChannels (4)');
  throwsModel(tinyWith((m) => { m.layers[2].convGroups = 8; m.layers[2].outChannels = 8; }),
    'm.json: layers[2].convGroups: got 8; allowed: a divisor of both inChannels (4) and outChannels (8)');
  throwsModel(tinyWith((m) => { m.layers[2].padding = [0, 0, 0, 0]; m.layers[2].kernel = 4; }),
    'm.json: layers[2].kernel: got 4; allowed: at most 3, the padded input height (3 + 0 + 0); a larger kernel leaves no output');
  throwsModel(tinyWith((m) => { m.layers[1].kernel = 7; }),
    'm.json: layers[1].kernel: got 7; allowed: at most 6, the padded input height (6 + 0 + 0); a larger kernel leaves no output');
  throwsModel(tinyWith((m) => { m.layers[1].kernel = 7; m.layers[1].padding = [1, 0, 0, 0]; }),
    'm.json: layers[1].kernel: got 7; allowed: at most 5, the padded input width (5 + 0 + 0); a larger kernel leaves no output');
});

test.run();
