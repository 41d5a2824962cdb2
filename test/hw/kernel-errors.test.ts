// Bad input that reaches the kernel: through sim.simulate (which skips resolveArch / resolveNetwork, so the
// kernel's own checks are all that stands between a bad record and a trap or a NaN) and through the CLI.
// Every case must end in a GibbonError with an exact message (src/hw/abi.ts statusError), never in a
// trap (E_KERNEL "gibbon.wasm aborted"), a NaN in the output or a stack trace on the command line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulator, zooLayers, arch } from '../helpers.ts';
import { resolveNetwork } from '../../src/hw/network.ts';
import { ARCH_FIELDS } from '../../src/hw/abi.ts';
import { GibbonError, type ErrorCode } from '../../src/util/errors.ts';
import type { ArchConfig, LayerSpec, ResolvedLayer, SimResult } from '../../src/hw/types.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

function net(layers: LayerSpec[]): ResolvedLayer[] {
  return resolveNetwork({ name: 'bad', layers }, 'network bad').layers;
}

function expectError(fn: () => unknown, code: ErrorCode, message: string): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, GibbonError, `not a GibbonError: ${String(e)}`);
    assert.is((e as GibbonError).message, message);
    assert.is((e as GibbonError).code, code);
    return;
  }
  assert.unreachable(`expected: ${message}`);
}

/** The message is `prefix` followed by an allowed range `an integer|a number in lo..hi`. */
function expectRangeError(fn: () => unknown, code: ErrorCode, prefix: string): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, GibbonError, `not a GibbonError: ${String(e)}`);
    const m = (e as GibbonError).message;
    assert.ok(m.startsWith(prefix), `${m} does not start with ${prefix}`);
    assert.match(m.slice(prefix.length), /^((an integer|a number) in [-0-9.e+]+\.\.[-0-9.e+]+|-1 \(user-defined\) or an integer in 1\.\.[79])$/);
    assert.is((e as GibbonError).code, code);
    return;
  }
  assert.unreachable(`expected: ${prefix}...`);
}

/** Every number in the result is finite and >= 0. */
function assertFinite(value: unknown, path: string): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value) && value >= 0, `${path} = ${value}`);
  else if (Array.isArray(value)) value.forEach((v, i) => assertFinite(v, `${path}[${i}]`));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) assertFinite(v, `${path}.${k}`);
}

const plain = (r: SimResult): unknown => JSON.parse(JSON.stringify(r));

// A conv, a pool and an fc: every layer type with a crossbar or a pooling tile.
const SMALL: LayerSpec[] = [
  { type: 'conv', inChannels: 8, inSize: [4, 4], outChannels: 16, kernel: 3, padding: 1 },
  { type: 'pool', inChannels: 16, inSize: [4, 4], kernel: 2 },
  { type: 'fc', inFeatures: 64, outFeatures: 10 },
];

// ===== Too many tiles =====

test('more tiles than the chip has: the message names the tile count and the grid', async () => {
  const sim = await simulator();
  for (const model of ['gibbon', 'mnsim-2.0'] as const) {
    expectError(() => sim.simulate(zooLayers('vgg8'), arch('mnsim-default', ['chip.tileRows=2', 'chip.tileCols=2']), { model }),
      'E_ARCH', 'arch: chip.tileRows x chip.tileCols: network needs 322 tiles but the chip has 4 (2 x 2); allowed: a tile grid '
      + 'of at least 322 tiles (raise chip.tileRows/chip.tileCols), or a mapping that needs fewer (larger crossbars, more PEs per tile)');
  }
  // The sources name the inputs.
  expectError(() => sim.simulate(zooLayers('vgg8'), arch('mnsim-default', ['chip.tileRows=17', 'chip.tileCols=17']), {},
    { network: 'network vgg8', arch: 'arch mnsim-default' }),
  'E_ARCH', 'arch mnsim-default: chip.tileRows x chip.tileCols: network vgg8 needs 322 tiles but the chip has 289 (17 x 17); '
    + 'allowed: a tile grid of at least 322 tiles (raise chip.tileRows/chip.tileCols), or a mapping that needs fewer (larger crossbars, more PEs per tile)');
});

test('the tile check is exact: 322 tiles fit a 1 x 322 row-major chip, not a 1 x 321 one', async () => {
  const sim = await simulator();
  const fits = sim.simulate(zooLayers('vgg8'), arch('mnsim-default', ['chip.tileConnection=0', 'chip.tileRows=1', 'chip.tileCols=322']), { model: 'mnsim-2.0' });
  assert.is(fits.totals.tiles, 322);
  assertFinite(plain(fits), 'result');
  expectError(() => sim.simulate(zooLayers('vgg8'), arch('mnsim-default', ['chip.tileConnection=0', 'chip.tileRows=1', 'chip.tileCols=321'])),
    'E_ARCH', 'arch: chip.tileRows x chip.tileCols: network needs 322 tiles but the chip has 321 (1 x 321); allowed: a tile grid '
    + 'of at least 322 tiles (raise chip.tileRows/chip.tileCols), or a mapping that needs fewer (larger crossbars, more PEs per tile)');
});

// ===== Kernel larger than the crossbar =====

test('a conv kernel whose K*K rows exceed the crossbar rows (MNSIM divides by zero here)', async () => {
  const sim = await simulator();
  const a = arch('mnsim-default', ['xbar.size=128']);
  const conv = (kernel: number): LayerSpec => ({ type: 'conv', inChannels: 4, inSize: [12, 12], outChannels: 4, kernel });
  for (const model of ['gibbon', 'mnsim-2.0'] as const) {
    expectError(() => sim.simulate(net([conv(12)]), a, { model }), 'E_NETWORK',
      'network: layers[0].kernel: got 12; allowed: a kernel whose K*K rows fit in one crossbar (kernel larger than the crossbar)');
  }
  // 11x11 = 121 rows fit in 128; 12x12 = 144 do not. The error names the failing layer.
  assert.is(sim.simulate(net([conv(11)]), a).layers[0].rowsUsed, 121);
  expectError(() => sim.simulate(net([{ ...conv(3), outChannels: 8, padding: 1 }, { type: 'conv', inChannels: 8, inSize: [12, 12], outChannels: 4, kernel: 12 }]), a),
    'E_NETWORK', 'network: layers[1].kernel: got 12; allowed: a kernel whose K*K rows fit in one crossbar (kernel larger than the crossbar)');
  // A grouped conv under the gibbon mapping has the same limit: one input channel of a group is K*K rows.
  expectError(() => sim.simulate(net([{ ...conv(12), convGroups: 4 }]), a), 'E_NETWORK',
    'network: layers[0].kernel: got 12; allowed: a kernel whose K*K rows fit in one crossbar (kernel larger than the crossbar)');
  // A pooling window uses no crossbar: 12x12 pooling is fine.
  const pool = sim.simulate(net([{ type: 'pool', inChannels: 4, inSize: [12, 12], kernel: 12 }]), a);
  assert.is(pool.layers[0].tiles, 1);
});

// ===== NaN and out-of-range values in the architecture record =====

/** Sets `path` (a dotted ArchConfig path; for a list, element `index`) and returns the arch. */
function withValue(a: ArchConfig, path: string, value: number, index: 'first' | 'last'): ArchConfig {
  const parts = path.split('.');
  let node = a as unknown as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  const key = parts[parts.length - 1];
  const current = node[key];
  if (Array.isArray(current)) current[index === 'first' ? 0 : current.length - 1] = value;
  else node[key] = value;
  return a;
}

/** Fields the kernel does not read with a table converter (choice != -1). */
const UNUSED_WITH_TABLE_CONVERTERS = new Set(['dac.customAreaUm2', 'dac.customBits', 'dac.customPowerW', 'dac.customSampleRateGsps',
  'adc.customAreaUm2', 'adc.customBits', 'adc.customPowerW', 'adc.customSampleRateGsps']);

test('NaN or Infinity in any numeric arch field passed straight to simulate: a GibbonError naming the field', async () => {
  const sim = await simulator();
  const layers = net(SMALL);
  const baseline = plain(sim.simulate(layers, arch()));
  let checked = 0;
  for (const [, path] of ARCH_FIELDS) {
    for (const index of ['first', 'last'] as const) {
      for (const value of [NaN, Infinity, -Infinity]) {
        const a = arch();
        const before = path.split('.').reduce<unknown>((n, k) => (n as Record<string, unknown>)[k], a);
        if (typeof before === 'string') continue; // enum fields (device.type, ...) are packed from their names
        withValue(a, path, value, index);
        const shown = Number.isNaN(value) ? 'NaN' : String(value);
        if (UNUSED_WITH_TABLE_CONVERTERS.has(path)) {
          // Ignored unless the converter is user-defined: the result is the baseline's.
          assert.equal(plain(sim.simulate(layers, a)), baseline, `${path} = ${shown} is not read`);
          continue;
        }
        expectRangeError(() => sim.simulate(layers, a), 'E_ARCH', `arch: ${path}: got ${shown}; allowed: `);
        checked++;
      }
    }
  }
  assert.ok(checked >= 50 * 3, `${checked} cases`);
});

test('NaN in a user-defined converter field is rejected and named', async () => {
  const sim = await simulator();
  const layers = net(SMALL);
  const custom = { choice: -1, customAreaUm2: 900, customBits: 7, customPowerW: 2e-3, customSampleRateGsps: 1.2 };
  for (const side of ['dac', 'adc'] as const) {
    for (const key of ['customAreaUm2', 'customBits', 'customPowerW', 'customSampleRateGsps'] as const) {
      const a = arch();
      Object.assign(a[side], custom, { [key]: NaN });
      expectRangeError(() => sim.simulate(layers, a), 'E_ARCH', `arch: ${side}.${key}: got NaN; allowed: `);
    }
    const ok = arch();
    Object.assign(ok[side], custom);
    assertFinite(plain(sim.simulate(layers, ok)), `${side} user-defined`);
  }
  // choice -1 with the custom fields left at 0: the first one the kernel needs is named.
  const zero = arch();
  zero.adc.choice = -1;
  expectError(() => sim.simulate(layers, zero), 'E_ARCH', 'arch: adc.customBits: got 0; allowed: an integer in 1..32');
});

test('finite but impossible arch values the facade lets through are rejected by the kernel', async () => {
  const sim = await simulator();
  const layers = net(SMALL);
  const cases: Array<[string, (a: ArchConfig) => void, string, string]> = [
    ['xbar.subarrayRows', (a) => { a.xbar.subarrayRows = 100; }, '100', 'a divisor of xbar.rows'], // does not divide 256
    ['xbar.subarrayRows', (a) => { a.xbar.subarrayRows = 512; }, '512', 'an integer in 1..256'], // more than the rows
    ['pe.groups', (a) => { a.pe.groups = 0; }, '0', 'an integer in 1..65536'],
    ['pe.dacNum', (a) => { a.pe.dacNum = 0; }, '0', 'an integer in 1..1048576'], // MNSIM crashes on DAC_Num = 0
    ['xbar.polarity', (a) => { (a.xbar as { polarity: number }).polarity = 3; }, '3', 'an integer in 1..2'],
    ['device.cellBits', (a) => { a.device.cellBits = 1.5; }, '1.5', 'an integer in 1..16'],
    ['dac.choice', (a) => { a.dac.choice = 8; }, '8', '-1 (user-defined) or an integer in 1..7'],
    ['adc.choice', (a) => { a.adc.choice = 10; }, '10', '-1 (user-defined) or an integer in 1..9'],
    ['tile.peRows', (a) => { a.tile.peRows = 0; }, '0', 'an integer in 1..4096'],
    ['digital.frequencyMHz', (a) => { a.digital.frequencyMHz = 0; }, '0', 'a number in 0.000001..1000000'],
    // growing-square placement needs a square grid
    ['chip.tileCols', (a) => { a.chip.tileCols = 32; }, '32', 'chip.tileCols equal to chip.tileRows (tileConnection 2 needs a square grid)'],
    ['chip.tileRows', (a) => { a.chip.tileRows = 0; a.chip.tileCols = 0; }, '0', 'an integer in 1..4096'],
  ];
  for (const [path, set, shown, allowed] of cases) {
    const a = arch();
    set(a);
    expectError(() => sim.simulate(layers, a), 'E_ARCH', `arch: ${path}: got ${shown}; allowed: ${allowed}`);
  }
});

test('a switch mask outside 0..255 is rejected', async () => {
  const sim = await simulator();
  for (const [switches, shown] of [[256, '256'], [-1, '-1'], [1.5, '1.5'], [NaN, 'NaN']] as const) {
    expectError(() => sim.simulate(net(SMALL), arch(), { switches }), 'E_ARCH',
      `simulate: options.switches: got ${shown}; allowed: an integer in 0..255`);
  }
});

test('no SRAM buffer macro: a 512-bit bus for buffers of 2 KB or less', async () => {
  const sim = await simulator();
  // PE buffer: conv 4·3·8·9/8 = 108 B over 8 PEs -> 16 B = 0.015625 KB.
  expectError(() => sim.simulate(net(SMALL), arch('mnsim-default', ['chip.bufferBitwidth=512'])), 'E_ARCH',
    'arch: chip.bufferBitwidth: no SRAM buffer of 0.015625 KB with that bus width in the tables; allowed: a bus of at most 256 bits for buffers of 2 KB or less');
});

// ===== Bad layer records =====

test('NaN in any numeric layer field passed straight to simulate: a GibbonError naming the field', async () => {
  const sim = await simulator();
  const names: Array<[keyof ResolvedLayer | 'padding0' | 'padding3', string]> = [
    ['inChannels', 'inChannels'], ['inH', 'inSize[0]'], ['inW', 'inSize[1]'], ['outChannels', 'outChannels'],
    ['outH', 'output height'], ['outW', 'output width'], ['kernel', 'kernel'], ['stride', 'stride'],
    ['padding0', 'padding[0]'], ['padding3', 'padding[3]'], ['convGroups', 'convGroups'], ['weightBits', 'weightBits'],
    ['inputBits', 'activationBits'], ['outputBits', 'outputBits'],
  ];
  for (const [field, name] of names) {
    for (const value of [NaN, Infinity, 0, -1, 2.5]) {
      const layers = net(SMALL);
      const conv = layers[0] as unknown as Record<string, unknown>;
      if (field === 'padding0') layers[0].padding[0] = value;
      else if (field === 'padding3') layers[0].padding[3] = value;
      else conv[field] = value;
      if (value === 0 && (field === 'padding0' || field === 'padding3')) continue; // zero padding is valid
      const shown = Number.isNaN(value) ? 'NaN' : String(value);
      const fails = () => sim.simulate(layers, arch());
      const rule = name === 'output height' || name === 'output width' ? 'floor((in + padding - kernel) / stride) + 1 (at least 1)'
        : name === 'convGroups' && Number.isInteger(value) && value > 0 ? 'a divisor of both inChannels and outChannels' : undefined;
      if (rule) expectError(fails, 'E_NETWORK', `network: layers[0].${name}: got ${shown}; allowed: ${rule}`);
      else expectRangeError(fails, 'E_NETWORK', `network: layers[0].${name}: got ${shown}; allowed: `);
    }
  }
});

test('producer indices, shapes, types and counts of layer records', async () => {
  const sim = await simulator();
  const later = net(SMALL);
  later[2].inputs = [2];
  expectError(() => sim.simulate(later, arch()), 'E_NETWORK', 'network: layers[2].inputs[0]: got 2; allowed: an earlier layer (or the network input)');
  const nan = net(SMALL);
  nan[1].inputs = [NaN];
  expectError(() => sim.simulate(nan, arch()), 'E_NETWORK', 'network: layers[1].inputs[0]: got NaN; allowed: an earlier layer (or the network input)');
  const shape = net(SMALL);
  shape[2].inChannels = 65;
  expectError(() => sim.simulate(shape, arch()), 'E_NETWORK',
    'network: layers[2]: its input shape differs from the output of its producer (shape mismatch between layers)');
  const type = net(SMALL);
  (type[1] as { type: string }).type = 'relu';
  expectError(() => sim.simulate(type, arch()), 'E_NETWORK', 'network: layers[1].type: got -1; allowed: 0 (conv), 1 (fc), 2 (pool), 3 (add)');
  // Polarity 2 keeps the sign in the crossbar pair: a weight needs at least 2 bits.
  const oneBit = net(SMALL);
  oneBit[0].weightBits = 1;
  expectError(() => sim.simulate(oneBit, arch()), 'E_NETWORK', 'network: layers[0].weightBits: got 1; allowed: an integer in 2..32');
  const polarity1 = arch();
  polarity1.xbar.polarity = 1;
  assert.is(sim.simulate(oneBit, polarity1).layers[0].weightSlices, 1);
  expectError(() => sim.simulate([], arch()), 'E_NETWORK', 'network: layers: got 0 layers; allowed: at least one layer');
});

test('after any error the kernel still gives the same results (no state leaks from a failed call)', async () => {
  const sim = await simulator();
  const before = plain(sim.simulate(zooLayers('resnet18'), arch()));
  const bad = arch();
  bad.xbar.rows = NaN;
  assert.throws(() => sim.simulate(zooLayers('resnet18'), bad));
  assert.throws(() => sim.simulate(zooLayers('vgg8'), arch('mnsim-default', ['chip.tileRows=2', 'chip.tileCols=2'])));
  const k = net([{ type: 'conv', inChannels: 4, inSize: [12, 12], outChannels: 4, kernel: 12 }]);
  assert.throws(() => sim.simulate(k, arch('mnsim-default', ['xbar.size=128'])));
  assert.equal(plain(sim.simulate(zooLayers('resnet18'), arch())), before);
});

// ===== The command line =====

const CLI = join(root, 'dist', 'cli.js');

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  assert.ok(existsSync(CLI), 'dist/cli.js is missing: run node scripts/build.mjs first');
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectCliError(args: string[], status: number, message: string): void {
  const r = cli(args);
  assert.is(r.stderr, `gibbon: ${message}\n`);
  assert.is(r.status, status);
  assert.is(r.stdout, '');
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
}

test('CLI: more tiles than the chip has, exit status 4, one line, no stack trace', () => {
  for (const model of ['gibbon', 'mnsim-2.0']) {
    expectCliError(['simulate', '--net', 'vgg8', '--model', model, '--set', 'chip.tileRows=2', '--set', 'chip.tileCols=2'], 4,
      'arch mnsim-default: chip.tileRows x chip.tileCols: network vgg8 needs 322 tiles but the chip has 4 (2 x 2); allowed: a tile grid '
      + 'of at least 322 tiles (raise chip.tileRows/chip.tileCols), or a mapping that needs fewer (larger crossbars, more PEs per tile)');
  }
});

test('CLI: kernel larger than the crossbar, NaN and conflicting converters from --set', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gibbon-kernel-errors-'));
  try {
    const file = join(dir, 'bigk.json');
    writeFileSync(file, JSON.stringify({ name: 'bigk', layers: [{ type: 'conv', inChannels: 4, inSize: [12, 12], outChannels: 4, kernel: 12 }] }));
    expectCliError(['simulate', '--net', file, '--set', 'xbar.size=128'], 4,
      'bigk.json: layers[0].kernel: got 12; allowed: at most 11; kernel larger than the crossbar (12x12 = 144 rows > xbar.rows 128)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  expectCliError(['simulate', '--net', 'vgg8', '--set', 'xbar.rows=NaN'], 4, '--set: xbar.rows: got NaN; allowed: an integer in 8..4096');
  expectCliError(['simulate', '--net', 'vgg8', '--set', 'adc.bits=8', '--set', 'adc.choice=6'], 4,
    '--set: adc.bits: got 8; allowed: either adc.bits or adc.choice, or both naming one converter (adc.bits 8 is adc.choice 2, not 6)');
  // The same network fits once the crossbar is large enough.
  const ok = cli(['simulate', '--net', 'vgg8', '--set', 'chip.tileRows=18', '--set', 'chip.tileCols=18', '--json']);
  assert.is(ok.status, 0, ok.stderr);
  assert.is(ok.stderr, '');
});

test.run();
