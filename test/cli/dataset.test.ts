// `gibbon dataset` end to end: the JSON summary, the table, and errors as one stderr line + exit status.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'gibbon-cli-data-'));

function gibbon(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A CIFAR-10 directory of 10 training records per batch (labels 0..9) and 5 test records. */
function cifarDir(): string {
  const record = (label: number) => Uint8Array.from({ length: 3073 }, (_, k) => (k === 0 ? label : k % 256));
  const batch = (labels: number[]) => Buffer.concat(labels.map(record));
  for (let b = 1; b <= 5; b++) writeFileSync(join(tmp, `data_batch_${b}.bin`), batch([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
  writeFileSync(join(tmp, 'test_batch.bin'), batch([9, 9, 1, 0, 0]));
  return tmp;
}

test('gibbon dataset --json: counts per split and class, shape, classes', () => {
  const r = gibbon('dataset', '--dataset', `cifar10:${cifarDir()}`, '--json');
  assert.is(r.stderr, '');
  assert.is(r.status, 0);
  assert.equal(JSON.parse(r.stdout), {
    train: { count: 45, classCounts: [4, 4, 4, 4, 4, 5, 5, 5, 5, 5] },
    validation: { count: 5, classCounts: [1, 1, 1, 1, 1, 0, 0, 0, 0, 0] }, // 5 of ten classes of 5: ties to the lower classes
    test: { count: 5, classCounts: [2, 1, 0, 0, 0, 0, 0, 0, 0, 2] },
    shape: [3, 32, 32],
    classes: 10,
  });
});

test('gibbon dataset (default mnist): a table of the fixed split', () => {
  const r = gibbon('dataset');
  assert.is(r.status, 0);
  assert.is(r.stdout, [
    'dataset mnist: 10 classes, images 1x28x28 (pixel = byte / 255)',
    'split        count  per class',
    'train         7000  701 789 693 722 686 605 710 750 660 684',
    'validation    1500  150 169 149 155 147 129 152 160 142 147',
    'test          1500  150 169 149 155 147 129 152 160 142 147',
    '',
  ].join('\n'));
});

test('errors: one line on stderr, exit 2 (option), 3 (file), 5 (dataset content)', () => {
  const spec = gibbon('dataset', '--dataset', 'fashion');
  assert.is(spec.status, 2);
  assert.is(spec.stderr, 'gibbon: --dataset: got "fashion"; allowed: mnist, idx:<dir>, cifar10:<dir> or cifar100:<dir>\n');
  const missing = gibbon('dataset', '--dataset', `idx:${tmp}`);
  assert.is(missing.status, 3);
  assert.is(missing.stderr, `gibbon: ${tmp}: train-images-idx3-ubyte: got no such file; allowed: train-images-idx3-ubyte or train-images-idx3-ubyte.gz in ${tmp} (docs/datasets.md)\n`);
  writeFileSync(join(tmp, 'test_batch.bin'), Buffer.alloc(3074));
  const truncated = gibbon('dataset', '--dataset', `cifar10:${tmp}`);
  assert.is(truncated.status, 5);
  assert.is(truncated.stderr, `gibbon: ${join(tmp, 'test_batch.bin')}: size in bytes: got 3074; allowed: a positive multiple of 3073 (1 label byte + 3072 pixel bytes per record)\n`);
  assert.is(truncated.stdout, '');
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));

test.run();
