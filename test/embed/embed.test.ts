// The C host (examples/c) and the Python package (python/gibbon_sim) against Node's simulator, compared as
// doubles bit for bit: the same public JSON (JSON text of shortest round-trip numbers is equal exactly when
// the doubles are), for the whole zoo under both models and presets, the zoo as network files, a few
// hundred seeded random architectures, and bad input (the same messages). The C artefacts are built once,
// here, by `make -C examples/c` (npm test has already built build/gibbon-hw.wasm and the tables).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testNeeding } from '../system-tools.ts';
import { ARCH_PRESETS, resolveArch } from '../../src/hw/arch.ts';
import { resolveNetwork } from '../../src/hw/network.ts';
import { ZOO, zooNames } from '../../src/hw/zoo.ts';
import { loadSimulatorNode } from '../../src/node/simulator.ts';
import { toPublicJson } from '../../src/report/hw-json.ts';
import { GibbonError } from '../../src/util/errors.ts';
import { Rng } from '../../src/util/rng.ts';
import type { ArchConfig, ModelName } from '../../src/hw/types.ts';

const FILE = 'test/embed/embed.test.ts';
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const example = join(root, 'examples', 'c');
const simulateBin = join(example, 'simulate');
const library = join(example, 'libgibbon_host.so');
// Both system programs are needed: register through the rule of the first one missing (skips outside CI,
// fails under CI), or of wasm2c when both are there.
const NEEDED: [string, string][] = [['/usr/bin/wasm2c', 'wabt'], ['/usr/include/cjson/cJSON.h', 'libcjson-dev']];
const [neededPath, neededPackage] = NEEDED.find(([path]) => !existsSync(path)) ?? NEEDED[0];
const needs = testNeeding(neededPath, neededPackage, FILE);

const MODELS: readonly ModelName[] = ['gibbon', 'mnsim-2.0'];
const PRESETS = Object.keys(ARCH_PRESETS);
let built = false;
function build(): void {
  if (built) return;
  execFileSync('make', ['-s', '-C', example], { stdio: ['ignore', 'ignore', 'inherit'] });
  built = true;
}
const tmp = mkdtempSync(join(tmpdir(), 'gibbon-embed-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

/** Node's answer, as `gibbon simulate --json` computes it: the public JSON text, or the error message. */
async function nodeAnswer(net: unknown, netName: string, netSource: string, arch: ArchConfig, archName: string, archSource: string, model: ModelName, pipeline = true, indent = 2): Promise<string> {
  const sim = await loadSimulatorNode();
  try {
    const n = resolveNetwork(net, netSource);
    const r = sim.simulate(n.layers, arch, { model, pipeline }, { network: netSource, arch: archSource });
    return JSON.stringify(toPublicJson(r, netName === '' ? n.name : netName, archName), null, indent);
  } catch (e) {
    if (e instanceof GibbonError) return `error: ${e.message}`;
    throw e;
  }
}

function cAnswer(args: string[]): string {
  const r = spawnSync(simulateBin, args, { encoding: 'utf8' });
  if (r.status === 0) return r.stdout.replace(/\n$/, '');
  return `error: ${r.stderr.replace(/^gibbon: /, '').replace(/\n$/, '')}`;
}

interface PyJob { net: unknown; arch: unknown; model: string; pipeline: boolean }
interface PyAnswer { ok?: unknown; error?: string }
function python(jobs: PyJob[]): { single: PyAnswer[]; totals: PyAnswer[]; batch: PyAnswer[]; groups: string[] } {
  const file = join(tmp, `jobs-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(jobs));
  const out = execFileSync('python3', [join(root, 'test', 'embed', 'driver.py'), file], {
    encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, PYTHONPATH: join(root, 'python'), GIBBON_SIM_LIBRARY: library },
  });
  return JSON.parse(out);
}
/** A Python answer in Node's terms: JSON text of the parsed doubles (exact), or the message. */
const pyText = (a: PyAnswer): string => (a.error !== undefined ? `error: ${a.error}` : JSON.stringify(a.ok, null, 2));

needs('C: the whole zoo, both models, both presets, as `gibbon simulate --json` (same bytes)', async () => {
  build();
  for (const net of zooNames()) {
    for (const model of MODELS) {
      for (const preset of PRESETS) {
        const expected = await nodeAnswer(ZOO[net], net, `network ${net}`, structuredClone(ARCH_PRESETS[preset as 'mnsim-default']), preset, `arch ${preset}`, model);
        assert.is(cAnswer(['--net', net, '--arch', preset, '--model', model]), expected, `${net} ${preset} ${model}`);
      }
    }
  }
  const expected = await nodeAnswer(ZOO.resnet18, 'resnet18', 'network resnet18', structuredClone(ARCH_PRESETS['mnsim-default']), 'mnsim-default', 'arch mnsim-default', 'gibbon', false);
  assert.is(cAnswer(['--net', 'resnet18', '--no-pipeline']), expected, 'resnet18 --no-pipeline');
});

needs('C: the zoo as network files (the packing port) gives the same bytes', async () => {
  build();
  for (const net of zooNames()) {
    const file = join(tmp, `${net}-file.json`);
    writeFileSync(file, JSON.stringify(ZOO[net]));
    for (const model of MODELS) {
      const expected = await nodeAnswer(ZOO[net], '', `${net}-file.json`, structuredClone(ARCH_PRESETS['mnsim-default']), 'mnsim-default', 'arch mnsim-default', model);
      assert.is(cAnswer(['--net', file, '--model', model]), expected, `${net} ${model}`);
    }
  }
});

/** A random architecture file over a preset: the fields a co-exploration varies, seeded. */
function randomArch(rng: Rng): Record<string, unknown> {
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)];
  const size = pick([32, 64, 128, 256, 512]);
  const tiles = pick([16, 32, 64, 128]);
  return {
    base: pick(PRESETS),
    device: { cellBits: pick([1, 2, 4]) },
    xbar: { size, polarity: pick([1, 2]) },
    dac: { bits: pick([1, 2, 4]) },
    adc: { bits: pick([4, 6, 8, 10]) },
    pe: { groups: pick([1, 2, 4]), dacNum: pick([16, 64, 128, 256]), adcNum: pick([8, 32, 128]), subPosition: pick([0, 1]) },
    tile: { peRows: pick([1, 2, 4]), peCols: pick([1, 2, 4]) },
    chip: { tileRows: tiles, tileCols: tiles, tileConnection: pick([0, 1, 2, 3]) },
    sim: { level: pick([0, 1]) },
  };
}

needs('Python and C: 300 seeded random architectures on the zoo, one call each (full and totals) and batched, equal to Node', async () => {
  build();
  const rng = new Rng(19);
  const nets = zooNames();
  const jobs: PyJob[] = [];
  const expected: string[] = [];
  for (let k = 0; k < 300; k++) {
    const arch = randomArch(rng);
    const net = nets[k % nets.length];
    const model = MODELS[rng.int(2)];
    jobs.push({ net, arch, model, pipeline: true });
    expected.push(await nodeAnswer(ZOO[net], net, `network ${net}`, resolveArch(arch, 'arch'), 'arch', 'arch', model));
  }
  const failed = expected.filter((e) => e.startsWith('error:')).length;
  assert.ok(failed > 0 && failed < 150, `some jobs fail (too many tiles), most succeed: ${failed} failed`);
  const py = python(jobs);
  py.single.forEach((a, k) => assert.is(pyText(a), expected[k], `python job ${k}`));
  // detail="totals": the same header and totals, nothing else.
  py.totals.forEach((a, k) => {
    const want = expected[k].startsWith('error:') ? expected[k] : JSON.stringify((({ network, arch, model, pipeline, totals }) => ({ network, arch, model, pipeline, totals }))(JSON.parse(expected[k])), null, 2);
    assert.is(pyText(a), want, `python totals job ${k}`);
  });
  // Batches: one per (network, model), in job order; a failed job fails its batch with its message.
  py.groups.forEach((key, g) => {
    const [net, model] = JSON.parse(key) as [string, string];
    const members = jobs.map((j, k) => [j, k] as const).filter(([j]) => j.net === net && j.model === model).map(([, k]) => k);
    const firstError = members.map((k) => expected[k]).find((e) => e.startsWith('error:'));
    const answer = py.batch[g];
    if (firstError !== undefined) assert.is(`error: ${answer.error}`, firstError, `batch ${key}`);
    else (answer.ok as unknown[]).forEach((r, i) => assert.is(JSON.stringify(r, null, 2), expected[members[i]], `batch ${key} item ${i}`));
  });
  // C: the first 60 as architecture files (one process each).
  for (let k = 0; k < 60; k++) {
    const file = join(tmp, `arch-${k}.json`);
    writeFileSync(file, JSON.stringify(jobs[k].arch));
    const want = expected[k].replaceAll('"arch": "arch"', `"arch": "arch-${k}.json"`).replace(/^error: arch:/, `error: arch-${k}.json:`);
    assert.is(cAnswer(['--net', jobs[k].net as string, '--arch', file, '--model', jobs[k].model]), want, `C job ${k}`);
  }
});

needs('bad input: C and Python give the message Node gives', async () => {
  build();
  const mnsim = (): ArchConfig => structuredClone(ARCH_PRESETS['mnsim-default']) as ArchConfig;
  // Kernel statuses, on records only the kernel checks (Node's own resolution would stop some earlier).
  const cellBits20 = mnsim(); cellBits20.device.cellBits = 20;
  const tinyChip = mnsim(); tinyChip.chip.tileRows = 2; tinyChip.chip.tileCols = 2;
  const tinyXbar = mnsim(); tinyXbar.xbar.rows = 2; tinyXbar.xbar.cols = 2; tinyXbar.xbar.subarrayRows = 2;
  const cases: [string, Record<string, unknown>, ArchConfig][] = [
    ['cell bits out of the kernel range', { device: { cellBits: 20 } }, cellBits20],
    ['too many tiles', { chip: { tileRows: 2, tileCols: 2 } }, tinyChip],
    ['kernel larger than the crossbar', { xbar: { size: 2 } }, tinyXbar],
  ];
  const jobs: PyJob[] = [];
  for (const [k, [what, json, arch]] of cases.entries()) {
    const expected = await nodeAnswer(ZOO.vgg8, 'vgg8', 'network vgg8', arch, 'x', 'bad.json', 'gibbon');
    assert.ok(expected.startsWith('error: bad.json: ') || expected.startsWith('error: network vgg8'), `${what}: ${expected}`);
    mkdirSync(join(tmp, `bad${k}`));
    const file = join(tmp, `bad${k}`, 'bad.json'); // one name for all: the messages name the file
    writeFileSync(file, JSON.stringify(json));
    assert.is(cAnswer(['--net', 'vgg8', '--arch', file]), expected, `C: ${what}`);
    jobs.push({ net: 'vgg8', arch: file, model: 'gibbon', pipeline: true });
  }
  const py = python(jobs);
  for (const [k, [what, , arch]] of cases.entries()) {
    assert.is(pyText(py.single[k]), await nodeAnswer(ZOO.vgg8, 'vgg8', 'network vgg8', arch, 'x', 'bad.json', 'gibbon'), `Python: ${what}`);
  }
  // The host's own checks, in the CLI's words (C) and with the argument's name (Python).
  const cli = (args: string[]): string => `error: ${spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'simulate', ...args], { encoding: 'utf8' }).stderr.split('\n')[0].replace(/^gibbon: /, '')}`;
  for (const args of [['--net', 'vgg9'], ['--net', 'vgg8', '--arch', 'nope'], ['--net', 'vgg8', '--model', 'mnsim-3']]) {
    assert.is(cAnswer(args), cli(args), args.join(' '));
  }
  const enumFile = join(tmp, 'enum.json');
  writeFileSync(enumFile, JSON.stringify({ device: { type: 'PCM' } }));
  let resolveMessage = '';
  try { resolveArch({ device: { type: 'PCM' } }, 'enum.json'); } catch (e) { resolveMessage = (e as Error).message; }
  assert.is(cAnswer(['--net', 'vgg8', '--arch', enumFile]), `error: ${resolveMessage}`);
  const bad = python([
    { net: 'vgg9', arch: 'mnsim-default', model: 'gibbon', pipeline: true },
    { net: 'vgg8', arch: 'nope', model: 'gibbon', pipeline: true },
    { net: 'vgg8', arch: 'mnsim-default', model: 'mnsim-3', pipeline: true },
  ]).single.map(pyText);
  assert.equal(bad, [
    `error: network: got "vgg9"; allowed: ${zooNames().join(', ')} or a network .json file`,
    `error: arch: got "nope"; allowed: ${PRESETS.join(', ')} or a .json file`,
    'error: model: got "mnsim-3"; allowed: gibbon, mnsim-2.0',
  ]);
});

test.run();
