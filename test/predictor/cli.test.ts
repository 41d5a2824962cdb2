// `gibbon predictor` errors: one stderr line naming the option or file, the value and what is allowed;
// and a tiny hardware-only train + eval end to end (gibbon-cifar has no dataset here: it says so).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'gibbon-cli-predictor-'));

function gibbon(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('errors: missing --out, bad --samples, bad --options, unknown sub-command, no predictor.json, a foreign file', () => {
  let r = gibbon('predictor', 'train', '--space', 'mnist');
  assert.is(r.stderr, 'gibbon: --out: got nothing; allowed: a directory for predictor.json\n');
  assert.is(r.status, 2);
  r = gibbon('predictor', 'train', '--out', join(tmp, 'x'), '--samples', '1');
  assert.is(r.stderr, 'gibbon: --samples: got "1"; allowed: an integer in 2..1000000\n');
  assert.is(r.status, 2);
  r = gibbon('predictor', 'train', '--out', join(tmp, 'x'), '--layer-weight', 'heavy');
  assert.is(r.stderr, 'gibbon: --layer-weight: got "heavy"; allowed: a number >= 0\n');
  assert.is(r.status, 2);
  r = gibbon('predictor', 'train', '--out', join(tmp, 'x'), '--lr-decay', '1.5');
  assert.is(r.stderr, 'gibbon: --lr-decay: got "1.5"; allowed: a number in (0, 1]\n');
  assert.is(r.status, 2);
  r = gibbon('predictor', 'train', '--out', join(tmp, 'x'), '--options', '{"latencyFeatures":2}');
  assert.is(r.stderr, 'gibbon: --options: predictor: latencyFeatures: got 2; allowed: 0 or 1\n');
  assert.is(r.status, 2);
  r = gibbon('predictor', 'train', '--out', join(tmp, 'x'), '--options', '{"seed":4}');
  assert.is(r.stderr, 'gibbon: --options: got seed; allowed: --seed for it\n');
  assert.is(r.status, 2);
  r = gibbon('predictor', 'train', '--out', join(tmp, 'x'), '--options', '{"hiddenSise":4}');
  assert.match(r.stderr, /^gibbon: --options: got an unknown option "hiddenSise"; allowed: cell, tokenSize, hardwareSize, hiddenSize, /);
  assert.is(r.status, 2);
  r = gibbon('predictor', 'train', '--out', join(tmp, 'x'), '--options', 'latencyFeatures=0');
  assert.is(r.stderr, `gibbon: --options: got "latencyFeatures=0"; allowed: a JSON object of predictor options, e.g. '{"latencyFeatures":0}'\n`);
  assert.is(r.status, 2);
  r = gibbon('predictor', 'fit');
  assert.is(r.stderr, 'gibbon: gibbon predictor: got "fit"; allowed: train, eval\n');
  assert.is(r.status, 2);
  r = gibbon('predictor', 'eval', '--predictor', join(tmp, 'none'));
  assert.is(r.stderr, `gibbon: --predictor: (directory): got ${JSON.stringify(join(tmp, 'none'))}; allowed: a directory holding predictor.json (written by gibbon predictor train)\n`);
  assert.is(r.status, 3);
  writeFileSync(join(tmp, 'predictor.json'), JSON.stringify({ format: 'gibbon-supernet' }));
  r = gibbon('predictor', 'eval', '--predictor', tmp);
  assert.is(r.stderr, `gibbon: ${join(tmp, 'predictor.json')}: format: got "gibbon-supernet"; allowed: "gibbon-predictor" (version 1)\n`);
  assert.is(r.status, 3);
});

test('hardware-only train and eval on gibbon-cifar (no dataset): says so, writes predictor.json, --json keys', () => {
  const out = join(tmp, 'cifar');
  let r = gibbon('predictor', 'train', '--space', 'gibbon-cifar', '--samples', '40', '--epochs', '2', '--seed', '3', '--out', out, '--workers', '1',
    '--options', '{"latencyFeatures":0,"hiddenSize":24}');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, 'predictor gibbon-cifar: hardware heads only (no --dataset for space gibbon-cifar)');
  assert.ok(existsSync(join(out, 'predictor.json')));
  const file = JSON.parse(readFileSync(join(out, 'predictor.json'), 'utf8'));
  assert.is(file.train.accuracySamples, 0);
  assert.is(file.state.format, 'gibbon-predictor-state');
  assert.is(file.state.options.layerWeight, 1); // per-layer labels on by default
  assert.is(file.state.options.learningRateDecay, 0.95); // the train command's decay (the library's default is 1)
  assert.is(file.state.options.latencyFeatures, 0); // --options reach the predictor
  assert.is(file.state.options.hiddenSize, 24);
  assert.is(file.state.options.tileFeatures, 1);
  r = gibbon('predictor', 'eval', '--predictor', out, '--samples', '20', '--neighbours', '0', '--workers', '1', '--json');
  assert.is(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(Object.keys(j.kendall).sort(), ['area', 'energy', 'latency', 'pimLoss', 'power', 'quantized']);
  assert.is(j.kendall.pimLoss, null);
  assert.is(j.hardwareOnly, true);
  assert.ok(j.predictions_per_s > 0);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
