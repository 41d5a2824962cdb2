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
  /** One stderr line (exact, or matching) and the exit status of a refused call. */
  const refused = (args: string[], stderr: string | RegExp, status = 2): void => {
    const r = gibbon(...args);
    if (typeof stderr === 'string') assert.is(r.stderr, `gibbon: ${stderr}\n`);
    else assert.match(r.stderr, stderr);
    assert.is(r.status, status);
  };
  const train = (...args: string[]) => ['predictor', 'train', '--out', join(tmp, 'x'), ...args];
  refused(['predictor', 'train', '--space', 'mnist'], '--out: got nothing; allowed: a directory for predictor.json');
  refused(train('--samples', '1'), '--samples: got "1"; allowed: an integer in 2..1000000');
  refused(train('--layer-weight', 'heavy'), '--layer-weight: got "heavy"; allowed: a number >= 0');
  refused(train('--lr-decay', '1.5'), '--lr-decay: got "1.5"; allowed: a number in (0, 1]');
  refused(train('--options', '{"latencyFeatures":2}'), '--options: predictor: options.latencyFeatures: got 2; allowed: 0 or 1');
  refused(train('--options', '{"seed":4}'), '--options: got seed; allowed: --seed for it');
  refused(train('--options', '{"hiddenSise":4}'), /^gibbon: --options: got an unknown option "hiddenSise"; allowed: cell, tokenSize, hardwareSize, hiddenSize, /);
  refused(train('--options', 'latencyFeatures=0'), `--options: got "latencyFeatures=0"; allowed: a JSON object of predictor options, e.g. '{"latencyFeatures":0}'`);
  refused(['predictor', 'fit'], 'gibbon predictor: got "fit"; allowed: train, eval');
  refused(['predictor', 'eval', '--predictor', join(tmp, 'none')], `--predictor: (directory): got ${JSON.stringify(join(tmp, 'none'))}; allowed: a directory holding predictor.json (written by gibbon predictor train)`, 3);
  writeFileSync(join(tmp, 'predictor.json'), JSON.stringify({ format: 'gibbon-supernet' }));
  refused(['predictor', 'eval', '--predictor', tmp], `${join(tmp, 'predictor.json')}: format: got "gibbon-supernet"; allowed: "gibbon-predictor" (version 1)`, 3);
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
