// Journal: fsync'd JSON lines, a torn last line skipped (and cut on reopen), a bad line before good ones
// raises with file and line. Checkpoint: atomic replace leaves no temp file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, readJournal } from '../../src/node/journal-file.ts';
import { readJsonFile, writeJsonAtomic } from '../../src/node/atomic-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'gibbon-journal-'));

test('append and read back', () => {
  const path = join(dir, 'a.jsonl');
  const j = new Journal(path);
  j.append({ id: 0, x: [1, 2] });
  j.append({ id: 1, x: [3] });
  j.close();
  assert.equal(readJournal(path), { records: [{ id: 0, x: [1, 2] }, { id: 1, x: [3] }], validBytes: readFileSync(path).length, torn: false });
});

test('a torn last line is skipped, and cut off when the journal is reopened', () => {
  const path = join(dir, 'b.jsonl');
  writeFileSync(path, '{"id":0}\n{"id":1}\n{"id":2,"met');
  const r = readJournal(path);
  assert.equal(r.records, [{ id: 0 }, { id: 1 }]);
  assert.ok(r.torn);
  const j = new Journal(path);
  j.append({ id: 2 });
  j.close();
  assert.is(readFileSync(path, 'utf8'), '{"id":0}\n{"id":1}\n{"id":2}\n');
  // A complete object whose newline never made it is also treated as torn (the candidate is re-evaluated).
  writeFileSync(path, '{"id":0}\n{"id":1}');
  assert.equal(readJournal(path).records, [{ id: 0 }]);
  // A garbage last line (even with its newline) is torn, too.
  writeFileSync(path, '{"id":0}\n{"id\n');
  assert.equal(readJournal(path).records, [{ id: 0 }]);
});

test('a bad line followed by good ones raises, naming the file and line', () => {
  const path = join(dir, 'c.jsonl');
  writeFileSync(path, '{"id":0}\n{"id":1,\n{"id":2}\n');
  assert.throws(() => readJournal(path), (e: Error) => e.message === `${path}: line 2: got "{\\"id\\":1,"; allowed: a JSON object per line (only the last line may be torn by a crash; this one is followed by more lines, so the journal is corrupt)`);
});

test('a missing journal reads as empty', () => {
  assert.equal(readJournal(join(dir, 'none.jsonl')).records, []);
});

test('checkpoint: atomic replace, read back, no temp file left', () => {
  const path = join(dir, 'checkpoint.json');
  writeJsonAtomic(path, { generation: 1 });
  writeJsonAtomic(path, { generation: 2 });
  assert.equal(readJsonFile(path), { generation: 2 });
  assert.not.ok(existsSync(`${path}.tmp`));
  assert.is(readJsonFile(join(dir, 'nope.json')), undefined);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
