// Supernet training checks its memory before the first step (issue 16 item 2): a mnist-like space with
// two stages of 8 blocks (at stride 1, so its activations stay 28 x 28) aborts tfjs-wasm at batch 64
// (`Aborted()` once the 4 GiB heap is gone; measured while writing this test); here it is refused up
// front with the batch size that fits, trains at that batch, and the same refusal is one line with exit
// status 2 from `gibbon supernet train` and `gibbon search` (real processes). A wasm abort that still
// happens becomes one line too (outOfMemory).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupTfjs } from '../../src/node/tfjs-setup.ts';
import { loadDataset } from '../../src/node/dataset-files.ts';
import { outOfMemory } from '../../src/node/train-worker.ts';
import { spacePreset } from '../../src/space/presets.ts';
import { resolveSpace } from '../../src/space/space.ts';
import { Supernet, trainSupernet } from '../../src/nn/supernet.ts';
import { GibbonError } from '../../src/util/errors.ts';

const spec = JSON.parse(JSON.stringify(spacePreset('mnist').spec)) as { name: string; stages: { blocks: number[]; stride: number }[] };
spec.name = 'mnist-2x8';
for (const stage of spec.stages) { stage.blocks = [8]; stage.stride = 1; }
const space = resolveSpace(spec, 'test space');
const REFUSAL = /^space mnist-2x8: batch size: got 64, whose training step needs about (\d+\.\d\d) GiB of tfjs's wasm heap; allowed: at most 3\.00 GiB \(75 % of its 4 GiB limit\): use a batch size of at most (\d+) \(--batch-size (\d+)\)$/;

test.before(async () => { await setupTfjs('wasm'); });

let fitting = 0;
test('refused before the first step at batch 64, naming a batch that fits; trained at that batch', async () => {
  const data = await loadDataset('mnist');
  const sn = new Supernet(space, 1);
  try {
    let message = '';
    try { await trainSupernet(sn, data.train, { epochs: 1, limit: 64, batchSize: 64, checkMemory: true }); } catch (e) {
      assert.instance(e, GibbonError);
      assert.is((e as GibbonError).code, 'E_OPTION');
      message = (e as Error).message;
    }
    const m = REFUSAL.exec(message);
    assert.ok(m, `refusal: ${message}`);
    // need > the 4 GiB heap: batch 64 did abort (measured); the batch that fits is below 64, and at least 8 (which trained in the issue)
    assert.ok(Number(m![1]) > 4, `needs ${m![1]} GiB`);
    fitting = Number(m![2]);
    assert.is(Number(m![3]), fitting);
    assert.ok(fitting >= 8 && fitting < 64, `fits ${fitting}`);
    const state = await trainSupernet(sn, data.train, { epochs: 1, limit: fitting, batchSize: fitting, checkMemory: true });
    assert.is(state.epoch, 1);
    assert.ok(Number.isFinite(state.history[0].loss));
  } finally { sn.dispose(); }
});

test('a wasm abort that still happens is one line saying what to change; other errors pass through', () => {
  const e = outOfMemory(new WebAssembly.RuntimeError('Aborted(). Build with -sASSERTIONS for more info.'), { out: 'runs/sn', batchSize: 64 });
  assert.instance(e, GibbonError);
  assert.is(e!.message, "supernet runs/sn: batch size: got 64, and training ran out of tfjs's wasm memory (Aborted(). Build with -sASSERTIONS for more info.); allowed: a smaller batch (--batch-size 16) or a smaller space (stages[].blocks, decisions.channels)");
  assert.is(outOfMemory(new RangeError('memory access out of bounds'), { out: 'x' })!.message.startsWith('supernet x: batch size: got 64,'), true);
  assert.is(outOfMemory(new TypeError('x is undefined'), { out: 'x' }), undefined);
});

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/gibbon.mjs');

test('gibbon supernet train and gibbon search: the refusal is one error line, exit 2, before any training', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gibbon-memory-'));
  const file = join(tmp, 'space-2x8.json');
  writeFileSync(file, JSON.stringify(spec));
  const gibbon = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp, encoding: 'utf8' });
    return { status: r.status, lines: r.stderr.trim().split('\n') };
  };
  for (const r of [
    gibbon('supernet', 'train', '--space', file, '--out', join(tmp, 'sn'), '--epochs', '1', '--limit', '64'),
    gibbon('search', '--space', file, '--batch-size', '64', '--budget', '4', '--out', join(tmp, 'run')),
  ]) {
    // the error is the last line and the only one (before it, at most the command's start line:
    // 'supernet mnist-2x8: 396602 shared weights, ...' or '... training 8 epoch(s) into ...'); no stack, no Aborted()
    const last = r.lines[r.lines.length - 1];
    assert.is(r.status, 2, r.lines.join('\n'));
    assert.equal(r.lines.filter((l) => l.startsWith('gibbon:')), [last], r.lines.join('\n'));
    assert.ok(r.lines.length <= 2 && r.lines.every((l) => !/Aborted|Error|^\s+at /.test(l)), r.lines.join('\n'));
    assert.match(last.replace(/^gibbon: /, ''), REFUSAL);
    // the batch it names is measured in that fresh process: within 2 of this process's measurement (the
    // step's peak heap differs a little with what tfjs's heap already holds: seen 18 there against 17 here)
    const named = Number(/\(--batch-size (\d+)\)$/.exec(last)?.[1]);
    assert.ok(named >= 8 && named < 64 && Math.abs(named - fitting) <= 2, `${last} (this process: ${fitting})`);
  }
  rmSync(tmp, { recursive: true, force: true });
});

test.run();
