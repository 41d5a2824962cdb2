// `gibbon search` as a real process, SIGKILLed at 3 random moments and resumed each time: the final
// front.json and journal are byte-identical to those of an uninterrupted run (docs/search.md §6). The kill
// moments come from a seeded Rng: after a random number of further journal lines, then a random delay (tied to
// progress rather than wall time, so a loaded machine does not push every kill into start-up); the population
// (5) is not a multiple of the journal chunk (4), so kills can land inside a generation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../nn/helpers.ts';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveTinySupernet } from './tiny-supernet.ts';
import { Rng } from '../../src/util/rng.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gibbon.mjs');
const dir = mkdtempSync(join(tmpdir(), 'gibbon-search-kill-'));
const supernetDir = join(dir, 'supernet');
await saveTinySupernet(supernetDir);
const BUDGET = 12;
const argsFor = (out: string) => ['search', '--supernet', supernetDir, '--limit', '20', '--test-limit', '20', '--budget', String(BUDGET), '--population', '5', '--workers', '1', '--seed', '4', '--out', out];

interface Outcome { code: number | null; signal: NodeJS.Signals | null; ms: number; stderr: string }

/** Where a session is killed: once the journal holds `lines` lines, `delayMs` later (mid-evaluation, mid-write, anywhere). */
interface KillAt { lines: number; delayMs: number }

const journalLines = (out: string) => (existsSync(join(out, 'journal.jsonl')) ? readFileSync(join(out, 'journal.jsonl'), 'utf8').split('\n').filter((l) => l !== '').length : 0);

/**
 * Runs the CLI; with `kill`, SIGKILLs it at that moment (if still running). The moment is tied to the
 * journal's progress, not to wall time, so a loaded machine (slow start-up) still gets kills mid-run.
 */
function run(args: string[], out: string, kill?: KillAt): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += String(d); });
    let timer: NodeJS.Timeout | undefined;
    const poll = kill === undefined ? undefined : setInterval(() => {
      if (journalLines(out) < kill.lines) return;
      clearInterval(poll);
      timer = setTimeout(() => child.kill('SIGKILL'), kill.delayMs);
    }, 5);
    child.on('error', reject);
    child.on('close', (code, signal) => { clearInterval(poll); clearTimeout(timer); resolve({ code, signal, ms: performance.now() - t0, stderr }); });
  });
}

test('SIGKILL at 3 random moments + resume: front.json and journal byte-identical to the uninterrupted run', async () => {
  const straight = join(dir, 'straight');
  const whole = await run(argsFor(straight), straight);
  assert.is(whole.code, 0, whole.stderr);
  const expectedFront = readFileSync(join(straight, 'front.json'), 'utf8');
  const expectedJournal = readFileSync(join(straight, 'journal.jsonl'), 'utf8');
  assert.is(journalLines(straight), BUDGET);
  const perEvaluationMs = whole.ms / BUDGET;

  const killed = join(dir, 'killed');
  const rng = new Rng(20261127);
  const seen: number[] = [];
  let kills = 0;
  for (let session = 0; session < 12; session++) {
    const resume = existsSync(join(killed, 'config.json')) ? ['--resume'] : [];
    // a random moment of what is left: after k more journal lines (0 = during start-up or the first chunk), then up to half an evaluation's time
    const done = journalLines(killed);
    // (at least one line is left after the trigger, so the kill lands before the run ends)
    const kill = kills < 3 ? { lines: done + rng.int(Math.max(1, BUDGET - 1 - done)), delayMs: rng.next() * 0.5 * perEvaluationMs } : undefined;
    const r = await run([...argsFor(killed), ...resume], killed, kill);
    if (r.signal === 'SIGKILL') { kills++; seen.push(journalLines(killed)); continue; }
    assert.is(r.code, 0, r.stderr);
    if (kills >= 3) break;
  }
  assert.is(kills, 3, `journal lines after each kill: ${seen.join(', ')}`);
  console.log(`  (uninterrupted ${Math.round(whole.ms)} ms; journal lines after each kill: ${seen.join(', ')})`);
  assert.ok(seen.some((n) => n > 0 && n < BUDGET), `some kill landed mid-run (journal lines after kills: ${seen.join(', ')})`);
  assert.is(readFileSync(join(killed, 'journal.jsonl'), 'utf8'), expectedJournal);
  assert.is(readFileSync(join(killed, 'front.json'), 'utf8'), expectedFront);
});

test('a second process on a running search is refused with one line naming the first; the run is unharmed', async () => {
  const out = join(dir, 'twice');
  const first = spawn(process.execPath, [BIN, ...argsFor(out)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let firstErr = '';
  first.stderr.on('data', (d) => { firstErr += String(d); });
  const firstDone = new Promise<number | null>((resolve) => first.on('close', (code) => resolve(code)));
  // Once the first has journaled something it holds the run; the second tries to resume it.
  while (journalLines(out) < 1) {
    if (first.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const second = await run([...argsFor(out), '--resume'], out);
  assert.is(second.code, 3, second.stderr);
  const lines = second.stderr.trim().split('\n');
  assert.is(lines.length, 1, second.stderr);
  assert.match(lines[0], `gibbon: ${out}: run directory in use by gibbon search (pid ${first.pid} on `);
  assert.match(lines[0], `if it is no longer running, delete ${join(out, 'run.lock')}`);
  assert.is(await firstDone, 0, firstErr);
  assert.not.ok(existsSync(join(out, 'run.lock')), 'released at the end');
  assert.is(readFileSync(join(out, 'journal.jsonl'), 'utf8'), readFileSync(join(dir, 'straight', 'journal.jsonl'), 'utf8'));
});

test.after(() => { rmSync(dir, { recursive: true, force: true }); });
test.run();
