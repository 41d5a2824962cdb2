// `gibbon supernet train` and `gibbon accuracy` end to end on a tiny run (128 training images, 1 epoch,
// then resumed for a 2nd): the checkpoint files, the JSON outputs, and errors as one line + exit status.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spacePreset } from '../../src/space/presets.ts';
import { Rng } from '../../src/util/rng.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'gibbon-cli-sn-'));
const out = join(tmp, 'run');

function gibbon(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('gibbon supernet train: a checkpoint per epoch, progress on stderr, resume extends the run', () => {
  const r = gibbon('supernet', 'train', '--space', 'mnist', '--dataset', 'mnist', '--epochs', '1', '--seed', '2', '--out', out, '--limit', '128', '--json');
  assert.is(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal([j.space, j.epochs, j.resumedFrom, j.backend], ['mnist', 1, 0, 'wasm']);
  assert.ok(j.secondsPerEpoch > 0);
  assert.match(r.stderr, /backend wasm \(SIMD\), \d threads?\n/);
  assert.match(r.stderr, /epoch 1\/1 step 2\/2 loss \d+\.\d{4} acc \d+\.\d% .* eta 0:00/);
  assert.equal(readdirSync(out).sort(), ['supernet.ckpt', 'supernet.json']);
  const again = gibbon('supernet', 'train', '--epochs', '2', '--out', out, '--limit', '128');
  assert.is(again.status, 0, again.stderr);
  assert.match(again.stderr, /resuming after epoch 1/);
  assert.match(again.stdout, /2 epoch\(s\)/);
  // --restart trains from scratch over the checkpoint; --no-quant is passed on and recorded
  const fresh = gibbon('supernet', 'train', '--epochs', '1', '--out', out, '--limit', '128', '--restart', '--no-quant', '--json');
  assert.is(fresh.status, 0, fresh.stderr);
  assert.equal([JSON.parse(fresh.stdout).resumedFrom, JSON.parse(fresh.stdout).epochs], [0, 1]);
  assert.is(JSON.parse(readFileSync(join(out, 'supernet.json'), 'utf8')).options.quant, false);
});

test('gibbon supernet train --distill: recorded in supernet.json, and the step learns differently (same seed, same data)', () => {
  const runs = ['0', '1'].map((d) => {
    const dir = join(tmp, `kd${d}`);
    const r = gibbon('supernet', 'train', '--epochs', '1', '--seed', '2', '--out', dir, '--limit', '128', '--distill', d, '--json');
    assert.is(r.status, 0, r.stderr);
    return { options: JSON.parse(readFileSync(join(dir, 'supernet.json'), 'utf8')).options, loss: JSON.parse(r.stdout).history[0].loss };
  });
  assert.equal(runs.map((r) => r.options.distill), [0, 1]);
  // the largest learns from the labels either way; the other sub-networks' loss term differs, so the step does
  assert.is.not(runs[0].loss, runs[1].loss);
  const threads = gibbon('supernet', 'train', '--out', join(tmp, 'kdbad'), '--threads', '0');
  assert.is(threads.status, 2);
  assert.is(threads.stderr, 'gibbon: --threads: got "0"; allowed: an integer in 1..64\n');
  const bad = gibbon('supernet', 'train', '--out', join(tmp, 'kdbad'), '--distill', '1.5');
  assert.is(bad.status, 2);
  assert.is(bad.stderr, 'gibbon: --distill: got "1.5"; allowed: a number in 0..1\n');
});

test('Ctrl-C during training: exit 130, one line saying which epoch is kept and how to go on; the same command continues', async () => {
  const dir = join(tmp, 'interrupted');
  const args = ['--import', 'tsx', 'src/cli/main.ts', 'supernet', 'train', '--epochs', '500', '--seed', '3', '--out', dir, '--limit', '64'];
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  // Interrupt once two epochs are on disk (the progress line reports an epoch after its checkpoint).
  await new Promise<void>((resolve) => child.stderr.on('data', (d) => { stderr += String(d); if (/epoch [2-9]\/500 step 1\/1/.test(stderr)) resolve(); }));
  child.kill('SIGINT');
  const status = await closed;
  const last = stderr.split(/[\r\n]+/).filter((l) => l.trim() !== '').pop() ?? '';
  assert.is(status, 130, stderr);
  const kept = /^gibbon: supernet .*: training stopped after epoch (\d+) of 500, which is kept; the same command continues it$/.exec(last);
  assert.ok(kept, last);
  assert.not.ok(/internal error|\bat /.test(stderr), stderr);
  assert.not.ok(existsSync(join(dir, 'run.lock')), 'the lock is released');
  const again = gibbon('supernet', 'train', '--epochs', String(Number(kept![1]) + 1), '--seed', '3', '--out', dir, '--limit', '64');
  assert.is(again.status, 0, again.stderr);
  assert.match(again.stderr, `resuming after epoch ${kept![1]}`);
});

test('gibbon accuracy --json: float, quantized, pim, pimLoss = quantized - pim', () => {
  const cand = join(tmp, 'candidate.json');
  writeFileSync(cand, JSON.stringify({ ...spacePreset('mnist').sample(new Rng(4)), hardware: { 'xbar.size': 256, 'adc.bits': 6, 'dac.bits': 2, 'device.cellBits': 2 } }));
  const model = join(tmp, 'model.json');
  const r = gibbon('accuracy', '--supernet', out, '--candidate', cand, '--split', 'test', '--limit', '40', '--workers', '1', '--model-out', model, '--json');
  assert.is(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  for (const k of ['float', 'quantized', 'pim']) assert.ok(j[k] >= 0 && j[k] <= 1, `${k} ${j[k]}`);
  assert.is(j.pimLoss, j.quantized - j.pim);
  assert.equal([j.split, j.images], ['test', 40]);
  assert.ok(existsSync(model));
  assert.is(j.finetuneSteps, 0);
  const tuned = gibbon('accuracy', '--supernet', out, '--candidate', cand, '--split', 'test', '--limit', '40', '--workers', '1', '--finetune-steps', '2', '--json');
  assert.is(tuned.status, 0, tuned.stderr);
  assert.is(JSON.parse(tuned.stdout).finetuneSteps, 2);
  // --set changes the pim figure's architecture only: it equals `gibbon pim` on the exported model file, on
  // the candidate's hardware over gibbon-base (the mnist space's fixedArch) with the same sets, same images
  const le = gibbon('accuracy', '--supernet', out, '--candidate', cand, '--split', 'test', '--limit', '40', '--workers', '1', '--set', 'adc.bits=4', '--set', 'adc.rangeMode=least-error', '--json');
  assert.is(le.status, 0, le.stderr);
  const jl = JSON.parse(le.stdout);
  assert.equal([jl.float, jl.quantized, jl.sets], [j.float, j.quantized, ['adc.bits=4', 'adc.rangeMode=least-error']]);
  const pim = gibbon('pim', '--model-file', model, '--arch', 'gibbon-base', '--set', 'xbar.size=256', '--set', 'dac.bits=2', '--set', 'device.cellBits=2',
    '--set', 'adc.bits=4', '--set', 'adc.rangeMode=least-error', '--split', 'test', '--limit', '40', '--json');
  assert.is(pim.status, 0, pim.stderr);
  assert.is(JSON.parse(pim.stdout).accuracy, jl.pim);
  const badSet = gibbon('accuracy', '--supernet', out, '--candidate', cand, '--set', 'adc.rangeMode=auto');
  assert.equal([badSet.status, badSet.stderr], [4, 'gibbon: --set: adc.rangeMode: got "auto"; allowed: one of "fixed", "calibrated", "least-error"\n']);
  const bad = gibbon('accuracy', '--supernet', out, '--candidate', cand, '--finetune-steps', 'x');
  assert.equal([bad.status, bad.stderr], [2, 'gibbon: --finetune-steps: got "x"; allowed: an integer in 0..100000\n']);
});

test('errors: one line and an exit status', () => {
  const a = gibbon('supernet', 'train');
  assert.is(a.status, 2);
  assert.is(a.stderr, 'gibbon: --out: missing; allowed: a directory for the checkpoint\n');
  const b = gibbon('accuracy', '--supernet', join(tmp, 'nothing'), '--candidate', 'x.json');
  assert.is(b.status, 3);
  assert.match(b.stderr, /supernet\.ckpt: cannot read the supernet checkpoint/);
  const c = gibbon('accuracy', '--supernet', out, '--candidate', 'x.json', '--split', 'train');
  assert.is(c.status, 2);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
