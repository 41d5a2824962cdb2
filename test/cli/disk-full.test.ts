// A full disk in the middle of a run (issue 16 item 5, "disk full"): a real `gibbon search` whose writes
// to journal.jsonl (mid-line: half a record written) or to checkpoint.json fail with ENOSPC (injected by
// test/cli/enospc-preload.mjs) stops with exit 3 and one line naming the file, leaves no temp file, and
// once writes work again `--resume` ends with the journal, checkpoint, front and summary byte-identical
// to an uninterrupted run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../nn/helpers.ts';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveTinySupernet } from './tiny-supernet.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gibbon.mjs');
const PRELOAD = join(import.meta.dirname, 'enospc-preload.mjs');
const dir = mkdtempSync(join(tmpdir(), 'gibbon-disk-full-'));
const supernetDir = join(dir, 'supernet');
await saveTinySupernet(supernetDir);
const args = (out: string) => ['search', '--supernet', supernetDir, '--limit', '20', '--test-limit', '20', '--budget', '8', '--population', '4', '--workers', '1', '--seed', '6', '--no-predictor', '--out', out];
const FILES = ['journal.jsonl', 'checkpoint.json', 'front.json', 'front.csv', 'summary.json', 'config.json', 'search.json'];

function gibbon(argv: string[], enospc?: { dir: string; file: string; after: number }) {
  const r = spawnSync(process.execPath, [...(enospc ? ['--import', PRELOAD] : []), BIN, ...argv], {
    encoding: 'utf8', env: { ...process.env, ...(enospc ? { GIBBON_TEST_ENOSPC: JSON.stringify(enospc) } : {}) },
  });
  return { status: r.status, lines: r.stderr.trim().split('\n') };
}

const straight = join(dir, 'straight');
const whole = gibbon(args(straight));
const expected = Object.fromEntries(FILES.map((f) => [f, readFileSync(join(straight, f), 'utf8')]));

test('the uninterrupted run: 8 journal lines', () => {
  assert.is(whole.status, 0, whole.lines.join('\n'));
  assert.is(expected['journal.jsonl'].split('\n').filter((l) => l !== '').length, 8);
});

for (const [file, after, kept] of [['journal.jsonl', 6, 'five records and half of the sixth'], ['checkpoint.json', 2, 'the first generation\'s checkpoint']] as const) {
  test(`ENOSPC on ${file} (write ${after}): exit 3, one line naming it, ${kept} kept; --resume: byte-identical`, () => {
    const out = join(dir, `full-${file}`);
    const r = gibbon(args(out), { dir: out, file, after });
    assert.is(r.status, 3, r.lines.join('\n'));
    const errors = r.lines.filter((l) => l.startsWith('gibbon:'));
    assert.equal(errors, [`gibbon: ${join(out, file)}: cannot write: no space left on the device; free some space and run again (a search continues with --resume) (ENOSPC)`]);
    assert.is(r.lines[r.lines.length - 1], errors[0], 'the error is the last line');
    assert.ok(r.lines.every((l) => !/internal error|^\s+at /.test(l)), r.lines.join('\n'));
    assert.equal(readdirSync(out).filter((f) => f.endsWith('.tmp')), [], 'no temp file left');
    const journal = readFileSync(join(out, 'journal.jsonl'), 'utf8');
    if (file === 'journal.jsonl') {
      const lines = expected['journal.jsonl'].split('\n');
      assert.is(journal.slice(0, -1).split('\n').length, 6, 'five lines and a torn sixth');
      assert.ok(journal.startsWith(lines.slice(0, 5).join('\n')) && !journal.endsWith('\n'), 'a torn last line');
    } else {
      assert.is(journal, expected['journal.jsonl'], 'every record was journaled before the checkpoint failed');
      assert.is(JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8')).evaluations, 4, 'the first generation\'s checkpoint, whole');
    }
    const resumed = gibbon([...args(out), '--resume']);
    assert.is(resumed.status, 0, resumed.lines.join('\n'));
    for (const f of FILES) assert.is(readFileSync(join(out, f), 'utf8'), expected[f].replaceAll(straight, out), f);
  });
}

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
