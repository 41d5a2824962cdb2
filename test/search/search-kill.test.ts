// `gibbon search` as a real process, SIGKILLed at 3 random moments and resumed each time: the final
// front.json and journal are byte-identical to those of an uninterrupted run (docs/search.md §6). The kill
// moments come from a seeded Rng spread over the uninterrupted run's wall time; the population (5) is not a
// multiple of the journal chunk (4), so kills can land inside a generation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../nn/helpers.ts';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '../../src/node/dataset-files.ts';
import { saveSupernet } from '../../src/node/supernet-files.ts';
import { spacePreset } from '../../src/space/presets.ts';
import { Supernet, trainSupernet } from '../../src/nn/supernet.ts';
import { Rng } from '../../src/util/rng.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gibbon.mjs');
const dir = mkdtempSync(join(tmpdir(), 'gibbon-search-kill-'));
const supernetDir = join(dir, 'supernet');
{
  const space = spacePreset('mnist');
  const ds = await loadDataset('mnist');
  const sn = new Supernet(space, 1);
  saveSupernet(supernetDir, await trainSupernet(sn, ds.train, { epochs: 1, limit: 320, seed: 1 }));
  sn.dispose();
}
const BUDGET = 12;
const argsFor = (out: string) => ['search', '--supernet', supernetDir, '--limit', '20', '--budget', String(BUDGET), '--population', '5', '--workers', '1', '--seed', '4', '--out', out];

interface Outcome { code: number | null; signal: NodeJS.Signals | null; ms: number; stderr: string }

/** Runs the CLI; with killAfterMs, SIGKILLs it then (if still running). */
function run(args: string[], killAfterMs?: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += String(d); });
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, ms: performance.now() - t0, stderr }); });
  });
}

const journalLines = (out: string) => (existsSync(join(out, 'journal.jsonl')) ? readFileSync(join(out, 'journal.jsonl'), 'utf8').split('\n').filter((l) => l !== '').length : 0);

test('SIGKILL at 3 random moments + resume: front.json and journal byte-identical to the uninterrupted run', async () => {
  const straight = join(dir, 'straight');
  const whole = await run(argsFor(straight));
  assert.is(whole.code, 0, whole.stderr);
  const expectedFront = readFileSync(join(straight, 'front.json'), 'utf8');
  const expectedJournal = readFileSync(join(straight, 'journal.jsonl'), 'utf8');
  assert.is(journalLines(straight), BUDGET);
  const startupMs = (await run([...argsFor(straight), '--resume'])).ms;

  const killed = join(dir, 'killed');
  const rng = new Rng(20261127);
  const seen: number[] = [];
  let kills = 0;
  for (let session = 0; session < 12; session++) {
    const resume = existsSync(join(killed, 'config.json')) ? ['--resume'] : [];
    // A moment within what is left of the work: the fixed start-up cost, then the remaining evaluations.
    const left = (whole.ms - startupMs) * (BUDGET - journalLines(killed)) / BUDGET;
    const killAt = kills < 3 ? 0.8 * startupMs + rng.next() * left : undefined;
    const r = await run([...argsFor(killed), ...resume], killAt);
    if (r.signal === 'SIGKILL') { kills++; seen.push(journalLines(killed)); continue; }
    assert.is(r.code, 0, r.stderr);
    if (kills >= 3) break;
  }
  assert.is(kills, 3, `journal lines after each kill: ${seen.join(', ')}`);
  console.log(`  (uninterrupted ${Math.round(whole.ms)} ms, start-up ${Math.round(startupMs)} ms; journal lines after each kill: ${seen.join(', ')})`);
  assert.ok(seen.some((n) => n > 0 && n < BUDGET), `some kill landed mid-run (journal lines after kills: ${seen.join(', ')})`);
  assert.is(readFileSync(join(killed, 'journal.jsonl'), 'utf8'), expectedJournal);
  assert.is(readFileSync(join(killed, 'front.json'), 'utf8'), expectedFront);
});

test.after(() => { rmSync(dir, { recursive: true, force: true }); });
test.run();
