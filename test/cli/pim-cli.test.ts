// `gibbon pim` as a user runs it: a model whose class count differs from the dataset's is refused with one
// line (E_MODEL, exit 5) before any image is run; the matching model runs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LENET_SPEC, randomPimModel } from '../../src/pim/random-model.ts';
import { serializePimModel } from '../../src/pim/model-file.ts';
import { Rng } from '../../src/util/rng.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'gibbon-pim-cli-'));

function gibbon(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function modelFile(classes: number): string {
  const spec = { ...LENET_SPEC, layers: LENET_SPEC.layers.map((l, i, all) => (i === all.length - 1 ? { type: 'fc' as const, outFeatures: classes } : l)) };
  const file = join(tmp, `lenet-${classes}.json`);
  writeFileSync(file, JSON.stringify(serializePimModel(randomPimModel(spec, new Rng(7)))));
  return file;
}

test('a 7-class model on 10-class MNIST is refused: one line, E_MODEL exit 5', () => {
  const r = gibbon('pim', '--model-file', modelFile(7), '--limit', '4');
  assert.is(r.stderr.trim(), 'gibbon: lenet-7.json: classes: got 7 (the last layer\'s outputs); allowed: 10, the class count of mnist');
  assert.is(r.status, 5);
  assert.is(r.stdout, '');
});

test('the 10-class twin runs', () => {
  const r = gibbon('pim', '--model-file', modelFile(10), '--limit', '4', '--json');
  assert.is(r.status, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).images, 4);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
