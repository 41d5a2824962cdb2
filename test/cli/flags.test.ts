// The one numeric-flag parser: range, integer and blank values refused with the flag's line (Number(' ')
// is 0, which two of the parsers it replaced accepted); the fallback when the flag is absent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { atLeastFlag, joinNegativeValues, numberFlag, workersFlag } from '../../src/cli/flags.ts';
import { throwsGibbon } from '../helpers.ts';

test('numberFlag: value, fallback, and the refusals', () => {
  assert.is(numberFlag('12', 'budget', 60, 1, 100), 12);
  assert.is(numberFlag(undefined, 'budget', 60, 1, 100), 60);
  assert.is(numberFlag('0.25', 'x', 0, 0, 1, false), 0.25);
  for (const raw of [' ', '', '1.5', '0', '101', 'abc', 'Infinity']) {
    throwsGibbon(() => numberFlag(raw, 'budget', 60, 1, 100), 'E_OPTION', `--budget: got ${JSON.stringify(raw)}; allowed: an integer in 1..100`);
  }
  throwsGibbon(() => numberFlag(' ', 'x', 0, 0, 1, false), 'E_OPTION', '--x: got " "; allowed: a number in 0..1');
});

test('atLeastFlag: a lower bound only', () => {
  assert.is(atLeastFlag('3.5', 'max-edp', 0), 3.5);
  for (const raw of [' ', '-1', 'x']) throwsGibbon(() => atLeastFlag(raw, 'max-edp', 0), 'E_OPTION', `--max-edp: got ${JSON.stringify(raw)}; allowed: a number >= 0`);
});

test('joinNegativeValues: a negative number after a long flag is its value; nothing else moves', () => {
  assert.equal(joinNegativeValues(['search', '--seed', '-3', '--budget', '-0.5', '--x', '-.5', '--y', '-Infinity']),
    ['search', '--seed=-3', '--budget=-0.5', '--x=-.5', '--y=-Infinity']);
  assert.equal(joinNegativeValues(['--resume', '--out', 'r', '--seed=-3', '-h', '--', '--seed', '-3']), ['--resume', '--out', 'r', '--seed=-3', '-h', '--', '--seed', '-3']);
  assert.equal(joinNegativeValues(['--out', '-dir', '--a', '-', '--b', '-x1']), ['--out', '-dir', '--a', '-', '--b', '-x1']);
});

test('workersFlag: one per core by default, at most 4 per core and 64 in all', () => {
  assert.is(workersFlag(undefined, 2), 2);
  assert.is(workersFlag('8', 2), 8);
  throwsGibbon(() => workersFlag('9', 2), 'E_OPTION', '--workers: got "9"; allowed: an integer in 1..8 (at most 4 threads per core, 64 in all; this machine has 2 cores)');
  throwsGibbon(() => workersFlag('256', 1), 'E_OPTION', '--workers: got "256"; allowed: an integer in 1..4 (at most 4 threads per core, 64 in all; this machine has 1 core)');
  assert.is(workersFlag('64', 96), 64);
  assert.is(workersFlag(undefined, 96), 64);
  throwsGibbon(() => workersFlag('65', 96), 'E_OPTION', '--workers: got "65"; allowed: an integer in 1..64 (at most 4 threads per core, 64 in all; this machine has 96 cores)');
  throwsGibbon(() => workersFlag('0', 2), 'E_OPTION', '--workers: got "0"; allowed: an integer in 1..8 (at most 4 threads per core, 64 in all; this machine has 2 cores)');
});

// ===== Through the real CLI (bin/gibbon.mjs) =====
const BIN = join(fileURLToPath(new URL('../..', import.meta.url)), 'bin/gibbon.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'gibbon-flags-'));
function gibbon(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp, encoding: 'utf8' });
  return [r.status, r.stderr.trim().split('\n')];
}

test('negative numbers get our own line, not Node\'s "argument is ambiguous"', () => {
  assert.equal(gibbon('search', '--budget', '-3'), [2, ['gibbon: --budget: got "-3"; allowed: an integer in 1..10000000']]);
  assert.equal(gibbon('search', '--seed', '-1', '--out', 'x'), [2, ['gibbon: --seed: got "-1"; allowed: an integer in 0..4294967295']]);
  assert.equal(gibbon('search', '--max-edp', '-2'), [2, ['gibbon: --max-edp: got "-2"; allowed: a number >= 0']]);
});

test('--workers 256 on this machine is refused, naming its cores', () => {
  const cores = availableParallelism();
  const max = Math.min(64, 4 * cores);
  assert.equal(gibbon('search', '--workers', '256'), [2, [`gibbon: --workers: got "256"; allowed: an integer in 1..${max} (at most 4 threads per core, 64 in all; this machine has ${cores} core${cores === 1 ? '' : 's'})`]]);
});

test('--limit past the validation split: a 10-image split (100 training digits / 10) with the default 300 and with --limit 11', () => {
  // IDX files of 28 x 28 images: 100 training (10 per class), 20 test; the validation split is a tenth of the training file
  const be32 = (...v: number[]) => v.flatMap((x) => [(x >>> 24) & 255, (x >>> 16) & 255, (x >>> 8) & 255, x & 255]);
  const images = (n: number) => Uint8Array.from([...be32(0x803, n, 28, 28), ...Array.from({ length: n * 784 }, (_, k) => (k * 13) % 256)]);
  const labels = (n: number) => Uint8Array.from([...be32(0x801, n), ...Array.from({ length: n }, (_, i) => i % 10)]);
  const dir = join(tmp, 'tiny');
  mkdirSync(dir);
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), images(100));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), labels(100));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), images(20));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), labels(20));
  const out = join(tmp, 'run');
  assert.equal(gibbon('search', '--dataset', `idx:${dir}`, '--out', out),
    [2, [`gibbon: --limit: got 300; allowed: at most 10, the images of the validation split of idx:${dir} (the default is 300): pass --limit 10 or less`]]);
  assert.equal(gibbon('search', '--dataset', `idx:${dir}`, '--limit', '11', '--out', out),
    [2, [`gibbon: --limit: got 11; allowed: at most 10, the images of the validation split of idx:${dir} (the default is 300): pass --limit 10 or less`]]);
  assert.ok(!existsSync(out), 'nothing written');
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
