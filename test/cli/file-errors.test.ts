// File-system faults through the real CLI are one line and exit 3 (E_FILE), with nothing left behind:
// --out at a file, under a file, empty, or at a directory of someone else's files; report --out at a
// directory. (A full disk and a read-only disk take the same path: Node's errno errors become one line in
// src/node/fs-errors.ts; as root, this test cannot make a directory unwritable.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileSystemError } from '../../src/node/fs-errors.ts';
import { writeAtomic } from '../../src/node/atomic-file.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/gibbon.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'gibbon-file-errors-'));

function gibbon(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, lines: r.stderr.trim().split('\n') };
}

test('search --out at a file, under a file, "" and at a directory of other files: one line each', () => {
  const file = join(tmp, 'a-file');
  writeFileSync(file, 'mine');
  let r = gibbon('search', '--out', file);
  assert.equal([r.status, r.lines], [3, [`gibbon: ${file}: --out: got a file; allowed: a directory for the run (a new one, or a run directory with --resume)`]]);
  r = gibbon('search', '--out', join(file, 'run'));
  assert.equal([r.status, r.lines], [3, [`gibbon: ${join(file, 'run')}: cannot inspect: a part of the path is a file, not a directory; allowed: a path whose parents are directories (ENOTDIR)`]]);
  r = gibbon('search', '--out', '');
  assert.equal([r.status, r.lines], [2, ['gibbon: --out: got ""; allowed: a directory for the run']]);
  const mine = join(tmp, 'my-files');
  mkdirSync(mine);
  writeFileSync(join(mine, 'thesis.tex'), '');
  writeFileSync(join(mine, 'notes.txt'), '');
  r = gibbon('search', '--out', mine);
  assert.equal([r.status, r.lines], [3, [`gibbon: ${mine}: --out: got a directory that holds other files ("notes.txt", "thesis.tex"); allowed: a new or empty directory, or a run directory`]]);
  assert.equal(readdirSync(mine).sort(), ['notes.txt', 'thesis.tex'], 'nothing written into it');
});

test('report --out at a directory: one line, exit 3, no temp file left', () => {
  const run = join(tmp, 'run');
  cpSync(join(ROOT, 'test/report/fixtures/run-small'), run, { recursive: true });
  const target = join(tmp, 'a-dir');
  mkdirSync(target);
  const r = gibbon('report', run, '--out', target);
  assert.is(r.status, 3, r.stderr);
  assert.is(r.lines.length, 1, r.stderr);
  assert.match(r.lines[0], `gibbon: ${target}: cannot replace: it is a directory; allowed: a file path (EISDIR)`);
  assert.equal(readdirSync(tmp).filter((f) => f.endsWith('.tmp')), []);
  assert.equal(readdirSync(target), []);
});

test('a real errno error maps to E_FILE naming the path; other errors pass through', () => {
  const dir = join(tmp, 'plain-dir');
  mkdirSync(dir);
  let caught: unknown;
  try { writeAtomic(dir, 'x'); } catch (e) { caught = e; }
  const g = fileSystemError(caught);
  assert.is(g?.code, 'E_FILE');
  assert.is(g?.message, `${dir}: cannot replace: it is a directory; allowed: a file path (EISDIR)`);
  assert.is(fileSystemError(new Error('plain')), undefined);
  assert.is(fileSystemError('text'), undefined);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
