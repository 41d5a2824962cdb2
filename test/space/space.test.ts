import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SPACE_ERROR, convPadding, drawPadSide, networkDifference, resolveSpace, type Space } from '../../src/space/space.ts';
import { readFileSync } from 'node:fs';
import { SPACE_PRESETS, spacePreset } from '../../src/space/presets.ts';
import type { Candidate } from '../../src/space/types.ts';
import { SETTABLE_PATHS } from '../../src/hw/arch.ts';
import { Rng } from '../../src/util/rng.ts';
import { throwsGibbon } from '../helpers.ts';

const throwsSpace = (fn: () => unknown, message: string): void => throwsGibbon(fn, SPACE_ERROR, message);

/**
 * A space small enough to count by hand: stem 2 wide (kernel 1 or 3), one residual stage of 1 or 2
 * one-conv blocks, 2 or 4 wide, groups {1, 2, 4}; head activation bits {4, 8}; ADC {6, 8}.
 */
const tiny = (): any => ({
  name: 'tiny',
  input: { channels: 1, height: 4, width: 4, classes: 2 },
  stem: { channels: [2], kernel: [1, 3] },
  stages: [{ blocks: [1, 2], stride: 1, convsPerBlock: 1, residual: true, channels: [2, 4], convGroups: [1, 2, 4] }],
  head: { pool: 'none', activationBits: [4, 8] },
  decisions: { channels: [2], kernel: [3], convGroups: [1], weightBits: [8], activationBits: [8] },
  hardware: { 'adc.bits': [6, 8] },
  fixedArch: { base: 'gibbon-base' },
});

/** Every genome of a space with few, in index order. */
function* allGenomes(space: Space): Generator<number[]> {
  const counts = space.decisions.map((d) => d.values.length);
  const g = counts.map(() => 0);
  for (;;) {
    yield [...g];
    let i = g.length - 1;
    while (i >= 0 && ++g[i] === counts[i]) g[i--] = 0;
    if (i < 0) return;
  }
}

// ===== Presets =====

test('presets resolve; genes and sizes as docs/space.md states them', () => {
  const mnist = spacePreset('mnist');
  const cifar = spacePreset('gibbon-cifar');
  assert.is(mnist.decisions.length, 30);
  assert.is(cifar.decisions.length, 70);
  const m = mnist.size();
  assert.is(m.raw, 270826551115776n);
  assert.is(m.effective, 68966269157376n);
  assert.is(m.effectiveNn * m.hardware, m.effective);
  assert.is(m.hardware, 64n);
  const c = cifar.size();
  assert.is(c.raw, 275672827273671394087775616000000000000n);
  assert.is(c.effective, 34460048797920497874927575244672000000n);
  assert.ok(Math.abs(c.rawLog10 - 38.4404) < 1e-3, String(c.rawLog10));
  assert.ok(Math.abs(c.effectiveLog10 - 37.5373) < 1e-3, String(c.effectiveLog10));
  // The presets are frozen documents; resolving does not need to copy them first.
  assert.ok(Object.isFrozen(SPACE_PRESETS.mnist.decisions.channels));
  // space.spec (defaults filled in) is itself a document of the same space.
  for (const space of [mnist, cifar]) {
    const again = resolveSpace(space.spec, 'spec');
    assert.equal(again.decisions, space.decisions);
    assert.equal(again.spec, space.spec);
  }
});

test('genome order: stem, then per stage blocks, width, block-major convs, then head, then hardware', () => {
  const ids = spacePreset('mnist').decisions.map((d) => d.id);
  assert.equal(ids.slice(0, 8), [
    'stem.outChannels', 'stem.kernel', 'stem.weightBits', 'stem.activationBits',
    'stage0.blocks', 'stage0.channels', 'stage0.block0.conv0.kernel', 'stage0.block0.conv0.convGroups',
  ]);
  assert.equal(ids.slice(-6), ['head.fc.weightBits', 'head.fc.activationBits', 'hw.xbar.size', 'hw.adc.bits', 'hw.dac.bits', 'hw.device.cellBits']);
  const cifar = spacePreset('gibbon-cifar').decisions;
  const inner = cifar.find((d) => d.id === 'stage1.block1.conv0.outChannels');
  assert.equal(inner, { id: 'stage1.block1.conv0.outChannels', kind: 'nn', field: 'outChannels', values: [16, 32, 48, 64, 80, 96], layer: 'stage1.block1.conv0', slot: 7, stage: 1, block: 1 });
  // The last conv of a residual block has no width gene: it writes the stage width.
  assert.not.ok(cifar.some((d) => d.id === 'stage1.block1.conv1.outChannels'));
  assert.equal(cifar.find((d) => d.id === 'hw.adc.bits'), { id: 'hw.adc.bits', kind: 'hw', field: 'hardware', values: [4, 6, 8, 10], path: 'adc.bits' });
  // The stem is dense: no groups gene.
  assert.not.ok(cifar.some((d) => d.id === 'stem.convGroups'));
});

// ===== Size =====

test('size: the tiny space counted by hand (112 effective, 288 raw)', () => {
  // stem kernel 2 x [W=2: 1 block 2 groups + 2 blocks 2*2 | W=4: 2 + 2*3] = 2 x 14 = 28; x head 2 x ADC 2 = 112.
  const space = resolveSpace(tiny(), 'space.json');
  const size = space.size();
  assert.is(size.genes, 7);
  assert.is(size.raw, 288n);
  assert.is(size.effective, 112n);
  assert.is(size.effectiveNn, 56n);
  assert.is(size.hardware, 2n);
  // The same by brute force: every genome decoded, distinct candidates counted.
  const seen = new Set<string>();
  for (const g of allGenomes(space)) seen.add(JSON.stringify(space.decode(g)));
  assert.is(seen.size, 112);
});

test('size: brute force agrees on a plain stage with two convs per block and widths that need repair', () => {
  const spec = tiny();
  spec.stem = { channels: [2, 3], kernel: [3] };
  spec.stages = [
    { blocks: [1, 2], stride: 2, convsPerBlock: 2, residual: false, channels: [2, 3, 6], convGroups: [1, 3] },
    { blocks: [1], stride: 1, residual: true, channels: [6, 4], convGroups: [1, 2] },
  ];
  spec.hardware = {};
  const space = resolveSpace(spec, 'space.json');
  const size = space.size();
  assert.is(size.raw, 41472n);
  const seen = new Set<string>();
  for (const g of allGenomes(space)) seen.add(JSON.stringify(space.decode(g)));
  assert.is(BigInt(seen.size), size.effective);
  assert.ok(size.effective < size.raw);
});

// ===== Genomes =====

for (const name of ['mnist', 'gibbon-cifar'] as const) {
  test(`${name}: encode/decode round trip on 1000 seeded random candidates`, () => {
    const space = spacePreset(name);
    const rng = new Rng(2024).fork('round-trip');
    for (let i = 0; i < 1000; i++) {
      const c = space.sample(rng);
      const g = space.encode(c);
      assert.is(g.length, space.decisions.length);
      assert.equal(space.decode(g), c);
      assert.equal(space.encode(space.decode(g)), g);
      // The readable JSON survives a text round trip and validates as is.
      assert.equal(space.validateCandidate(JSON.parse(JSON.stringify(c))), c);
    }
  });

  test(`${name}: a random genome decodes to a valid candidate whose genome decodes to it again`, () => {
    const space = spacePreset(name);
    const rng = new Rng(5);
    for (let i = 0; i < 200; i++) {
      const genome = space.decisions.map((d) => rng.int(d.values.length));
      const c = space.decode(Int32Array.from(genome));
      assert.equal(space.decode(space.encode(c)), c);
    }
  });
}

test('sample: same seed, same candidates; another seed, others', () => {
  const space = spacePreset('gibbon-cifar');
  const draw = (seed: number): Candidate[] => { const rng = new Rng(seed); return Array.from({ length: 20 }, () => space.sample(rng)); };
  assert.equal(draw(9), draw(9));
  assert.not.equal(draw(9), draw(10));
});

test('decode: inactive blocks ignore their genes; encode writes 0 there', () => {
  const space = spacePreset('mnist');
  const ids = space.decisions.map((d) => d.id);
  const genome = space.decisions.map((d) => d.values.length - 1);
  genome[ids.indexOf('stage1.blocks')] = 0; // one block
  const c = space.decode(genome);
  assert.is(c.stages[1].blocks, 1);
  assert.is(c.stages[1].convs.length, 1);
  const back = space.encode(c);
  assert.is(back[ids.indexOf('stage1.block1.conv0.kernel')], 0);
  assert.is(back[ids.indexOf('stage1.block0.conv0.kernel')], genome[ids.indexOf('stage1.block0.conv0.kernel')]);
});

// ===== Groups and pad sides =====

test('groups: decode repairs to the largest set value not above the drawn one that divides both widths', () => {
  const space = resolveSpace(tiny(), 'space.json');
  const ids = space.decisions.map((d) => d.id);
  const genome = ids.map(() => 0);
  genome[ids.indexOf('stage0.channels')] = 0; // width 2: groups 4 does not divide
  genome[ids.indexOf('stage0.block0.conv0.convGroups')] = 2; // 4
  assert.is(space.decode(genome).stages[0].convs[0][0].convGroups, 2);
  genome[ids.indexOf('stage0.channels')] = 1; // width 4: stem 2 -> 4, groups 4 does not divide 2
  assert.is(space.decode(genome).stages[0].convs[0][0].convGroups, 2);
  // A set without a legal value at or below: the smallest legal one.
  const spec = tiny();
  spec.stages[0].convGroups = [4, 2];
  const other = resolveSpace(spec, 'space.json');
  const c = other.decode(other.decisions.map(() => 0)); // groups 4, width 2
  assert.is(c.stages[0].convs[0][0].convGroups, 2);
  // repair() applies the same rule to a hand-written candidate.
  const bad = structuredClone(space.decode(ids.map(() => 0)));
  bad.stages[0].convs[0][0].convGroups = 4;
  assert.is(space.repair(bad).stages[0].convs[0][0].convGroups, 2);
});

test('pad sides: drawn once per layer slot from the seed, kept only for even kernels', () => {
  const space = spacePreset('mnist');
  const ids = space.decisions.map((d) => d.id);
  const genome = ids.map(() => 0);
  for (const id of ids) if (id.endsWith('.kernel')) genome[ids.indexOf(id)] = 1; // every kernel 2
  for (const seed of [0, 1, 77, 4294967295]) {
    const c = space.decode(genome, seed);
    assert.is(c.seed, seed);
    assert.is(c.stem.padSide, drawPadSide(seed, 0));
    assert.is(c.stages[0].convs[0][0].padSide, drawPadSide(seed, 1));
    assert.is(c.stages[1].convs[0][0].padSide, drawPadSide(seed, 3)); // slots 1, 2 are stage 0's two blocks
  }
  // Both sides occur across layers and seeds (Bernoulli(1/2) per layer).
  const sides = new Set(Array.from({ length: 64 }, (_, s) => drawPadSide(s, 5)));
  assert.equal([...sides].sort(), [0, 1]);
  // Odd kernels carry no pad side.
  const odd = space.decode(ids.map(() => 0));
  assert.is(odd.stem.kernel, 1);
  assert.not.ok('padSide' in odd.stem);
  // A candidate's seed defaults to the space's padSeed.
  assert.is(space.decode(genome).seed, space.padSeed);
});

test('convPadding: K-1 padded rows, the extra one of an even kernel on the drawn side; output side ceil(H / s)', () => {
  assert.equal(convPadding(2, 0), [0, 0, 1, 1]);
  assert.equal(convPadding(2, 1), [1, 1, 0, 0]);
  assert.equal(convPadding(3, undefined), [1, 1, 1, 1]);
  assert.equal(convPadding(1, undefined), [0, 0, 0, 0]);
  for (const kernel of [1, 2, 3]) for (const side of [0, 1] as const) for (let h = 1; h <= 40; h++) for (const s of [1, 2, 3]) {
    const [top, , bottom] = convPadding(kernel, side);
    // docs/functional.md §2: out = floor((H + top + bottom - K) / stride) + 1.
    assert.is(Math.floor((h + top + bottom - kernel) / s) + 1, Math.ceil(h / s), `K${kernel} side ${side} H${h} s${s}`);
  }
});

// ===== Invalid spaces =====

test('invalid spaces: exact messages', () => {
  const bad = (edit: (spec: ReturnType<typeof tiny>) => void): unknown => { const spec = tiny(); edit(spec); return spec; };
  const kernelRule = '1, 2 or 3 (square kernels; 2 is the even PIM kernel)';
  throwsSpace(() => resolveSpace(bad((s) => { s.decisions.dilation = [1]; }), 'space.json'),
    'space.json: decisions.dilation: got an unknown decision; allowed: channels, kernel, convGroups, weightBits, activationBits');
  throwsSpace(() => resolveSpace(bad((s) => { s.decisions.kernel = []; }), 'space.json'),
    `space.json: decisions.kernel: got []; allowed: a non-empty list of distinct values, each ${kernelRule}`);
  throwsSpace(() => resolveSpace(bad((s) => { s.stages[0].kernel = [3, 4]; }), 'space.json'),
    `space.json: stages[0].kernel[1]: got 4; allowed: ${kernelRule}`);
  throwsSpace(() => resolveSpace(bad((s) => { s.stages[0].channels = [6]; s.stages[0].convGroups = [4]; }), 'space.json'),
    'space.json: stages[0].convGroups: got [4]; allowed: a set holding a divisor of both channel counts of every layer it applies to; ' +
    'stage0.block0.conv0 can read 2 and write 6 channels, and no value divides both (1 always does)');
  throwsSpace(() => resolveSpace(bad((s) => { s.hardware['adc.bitz'] = [4]; }), 'space.json'),
    `space.json: hardware["adc.bitz"]: got an unknown path; allowed: an architecture path --set takes: ${SETTABLE_PATHS.join(', ')}`);
  throwsSpace(() => resolveSpace(bad((s) => { s.hardware['adc.bits'] = [6, 5]; }), 'space.json'),
    'space.json: hardware["adc.bits"][1]: got 5; allowed: one of 4, 6, 8, 10 (for another converter set adc.choice)');
  throwsSpace(() => resolveSpace(bad((s) => { s.stem.convGroups = [2]; }), 'space.json'),
    "space.json: stem.convGroups: got [2]; allowed: nothing: the stem's convGroups is fixed at 1 (leave it out)");
  throwsSpace(() => resolveSpace(bad((s) => { s.stages[0].blocks = [1, 1]; }), 'space.json'),
    'space.json: stages[0].blocks[1]: got 1; allowed: a value not listed before in stages[0].blocks (the values of a decision are distinct)');
  throwsSpace(() => resolveSpace(bad((s) => { s.stages[0].depth = 2; }), 'space.json'),
    'space.json: stages[0].depth: got an unknown key; allowed: the keys of a stage: blocks, stride, convsPerBlock, residual, channels, kernel, convGroups, weightBits, activationBits');
  throwsSpace(() => resolveSpace(bad((s) => { s.fixedArch.base = 'isaac'; }), 'space.json'),
    'space.json: fixedArch.base: got "isaac"; allowed: one of "mnsim-default", "gibbon-base", "mnsim-2022"');
  throwsSpace(() => resolveSpace(bad((s) => { s.fixedArch.sets = ['adc.bits=8']; }), 'space.json'),
    'space.json: fixedArch.sets[0]: got "adc.bits=8"; allowed: a path that "hardware" does not search (adc.bits is a hardware decision)');
  throwsSpace(() => resolveSpace(bad((s) => { s.fixedArch.sets = ['chip.tileRows=32', 'xbar.sise=64']; }), 'space.json'),
    `space.json: fixedArch.sets[1]: got "xbar.sise=64"; allowed: ${SETTABLE_PATHS.join(', ')}`);
  // Fixed sets apply together, as one file: a square tile grid set in two steps is fine.
  resolveSpace(bad((s) => { s.fixedArch.sets = ['chip.tileRows=32', 'chip.tileCols=32']; }), 'space.json');
  throwsSpace(() => resolveSpace(bad((s) => { s.hardware = { 'xbar.size': [64, 128], 'xbar.subarrayRows': [64, 128] }; }), 'space.json'),
    'space.json: hardware: got {"xbar.size":64,"xbar.subarrayRows":128}; allowed: values that combine into a valid architecture ' +
    '(xbar.size: an integer in 8..4096 that is a multiple of xbar.subarrayRows (128))');
  throwsSpace(() => resolveSpace(bad((s) => { s.input.width = 6; s.head.pool = 'avg'; }), 'space.json'),
    'space.json: head.pool: got "avg"; allowed: "none" here: a global pool needs a square last feature map of side at most 64, and this one is 4x6');
  throwsSpace(() => resolveSpace(bad((s) => { s.decisions.weightBits = [1]; }), 'space.json'),
    'space.json: decisions.weightBits[0]: got 1; allowed: an integer in 2..16');
  throwsSpace(() => resolveSpace(bad((s) => { delete s.decisions.convGroups; }), 'space.json'),
    'space.json: decisions.convGroups: got nothing; allowed: a non-empty list of distinct values, each an integer in 1..65536');
  throwsSpace(() => resolveSpace(bad((s) => { s.stages = []; }), 'space.json'),
    'space.json: stages: got []; allowed: a list of 1 to 8 stages, each an object with keys blocks, stride, convsPerBlock, residual, channels, kernel, convGroups, weightBits, activationBits');
});

// ===== Invalid candidates =====

test('invalid candidates: exact messages', () => {
  const space = spacePreset('mnist');
  const base = space.decode(space.decisions.map(() => 0)); // every kernel 1: no pad sides
  const bad = (edit: (c: Candidate) => void): Candidate => { const c = structuredClone(base); edit(c); return c; };
  throwsSpace(() => space.validateCandidate(bad((c) => { c.stages[0].convs[0][0].kernel = 5; })),
    'candidate: stages[0].convs[0][0].kernel: got 5; allowed: one of 1, 2, 3');
  throwsSpace(() => space.validateCandidate(bad((c) => { c.hardware['adc.bits'] = 7; })),
    'candidate: hardware["adc.bits"]: got 7; allowed: one of 4, 6, 8, 10');
  throwsSpace(() => space.validateCandidate(bad((c) => { c.stem.convGroups = 2; })),
    'candidate: stem.convGroups: got 2; allowed: 1 (fixed by the space)');
  throwsSpace(() => space.validateCandidate(bad((c) => { c.stages[1].blocks = 3; })),
    'candidate: stages[1].blocks: got 3; allowed: one of 1, 2');
  throwsSpace(() => space.validateCandidate(bad((c) => { c.stages[1].blocks = 2; })),
    'candidate: stages[1].convs: got 1 block; allowed: 2, as stages[1].blocks says (a list per block, each of 1 conv)');
  throwsSpace(() => space.validateCandidate(bad((c) => { c.stages.pop(); })),
    'candidate: stages: got 1 stages; allowed: a list of 2, the stages of space "mnist"');
  throwsSpace(() => space.encode(bad((c) => { c.space = 'gibbon-cifar'; })),
    'candidate: space: got "gibbon-cifar"; allowed: "mnist", the space this candidate is checked against');
  throwsSpace(() => space.decode(space.decisions.slice(1).map(() => 0)),
    'genome: length: got 29; allowed: 30, one gene per decision of space "mnist"');
  throwsSpace(() => space.decode(space.decisions.map((_, i) => (i === 0 ? 2 : 0))),
    'genome: [0] (stem.outChannels): got 2; allowed: an integer in 0..1, a value index');
  throwsSpace(() => space.validateCandidate(bad((c) => { (c.stem as unknown as Record<string, unknown>).dilation = 1; })),
    'candidate: stem.dilation: got an unknown key; allowed: the keys of a conv: outChannels, kernel, convGroups, weightBits, activationBits, padSide');
  throwsSpace(() => space.validateCandidate(bad((c) => { delete (c.hardware as Record<string, unknown>)['dac.bits']; })),
    'candidate: hardware["dac.bits"]: got nothing; allowed: one of 1, 2');
  // A residual stage ties its blocks' output widths.
  const two = space.decode(space.decisions.map((d) => (d.field === 'blocks' ? 1 : 0)));
  const untied = structuredClone(two);
  untied.stages[0].convs[1][0].outChannels = 16;
  throwsSpace(() => space.validateCandidate(untied),
    "candidate: stages[0].convs[1][0].outChannels: got 16; allowed: 8, the stage width (a residual stage ties every block's output width to its first block's)");
  // Pad sides: only even kernels, and only the drawn side.
  throwsSpace(() => space.validateCandidate(bad((c) => { c.stem.padSide = 0; })),
    'candidate: stem.padSide: got 0; allowed: nothing: only even kernels have a pad side (kernel 1)');
  const even = bad((c) => { c.stem.kernel = 2; });
  const drawn = drawPadSide(even.seed, 0);
  throwsSpace(() => space.validateCandidate(even),
    `candidate: stem.padSide: got nothing; allowed: ${drawn}, the side drawn from seed 1 for stem (0 = bottom/right, 1 = top/left; space.repair() redraws it)`);
  assert.is(space.repair(even).stem.padSide, drawn);
  even.stem.padSide = (1 - drawn) as 0 | 1;
  throwsSpace(() => space.validateCandidate(even, 'cand.json'),
    `cand.json: stem.padSide: got ${1 - drawn}; allowed: ${drawn}, the side drawn from seed 1 for stem (0 = bottom/right, 1 = top/left; space.repair() redraws it)`);
  // Groups that do not divide a layer's channels: rejected, and repair() names its pick.
  const tinySpace = resolveSpace(tiny(), 'space.json');
  const t = tinySpace.decode(tinySpace.decisions.map(() => 0));
  t.stages[0].convs[0][0].convGroups = 4;
  throwsSpace(() => tinySpace.validateCandidate(t),
    'candidate: stages[0].convs[0][0].convGroups: got 4; allowed: a divisor of both inChannels (2) and outChannels (2) among 1, 2, 4: 1, 2 (space.repair() picks the largest not above 4)');
});

test('networkDifference: hardware and fixedArch may differ, key order does not count, any network part does', () => {
  const mnist = spacePreset('mnist');
  const spec = mnist.spec;
  // the same document with its keys in reverse order, other hardware and another fixedArch
  const reordered = Object.fromEntries(Object.entries({ ...spec, hardware: { 'adc.bits': [4, 8] }, fixedArch: { base: 'mnsim-default', sets: ['adc.rangeMode=fixed'] } }).reverse());
  assert.is(networkDifference(resolveSpace(reordered, 'r.json'), mnist), undefined);
  // a default written out is the default
  assert.is(networkDifference(resolveSpace({ ...spec, padSeed: 1 }, 'p.json'), mnist), undefined);
  assert.is(networkDifference(resolveSpace({ ...spec, padSeed: 2 }, 'p.json'), mnist), 'padSeed');
  assert.is(networkDifference(resolveSpace({ ...spec, head: { ...spec.head, weightBits: [5] } }, 'h.json'), mnist), 'head');
  assert.is(networkDifference(spacePreset('gibbon-cifar'), mnist), 'name');
});

test('examples/spaces/mnist-least-error.json is the mnist preset with the least-error ADC range', () => {
  const file = JSON.parse(readFileSync(new URL('../../examples/spaces/mnist-least-error.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const space = resolveSpace(file, 'mnist-least-error.json');
  const mnist = spacePreset('mnist');
  assert.is(networkDifference(space, mnist), undefined);
  assert.equal(space.spec.hardware, mnist.spec.hardware);
  assert.equal(space.spec.fixedArch, { base: mnist.spec.fixedArch.base, sets: [...mnist.spec.fixedArch.sets, 'adc.rangeMode=least-error'] });
});

test.run();
