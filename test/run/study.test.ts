// The run directory end to end: a run killed with SIGKILL at random moments (mid-generation included) and
// resumed until done ends with front.json, front.csv and journal byte-identical to an uninterrupted run.
// Plus: the config is written resolved, and a second start without resume is refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../src/util/rng.ts';
import { runStudy } from '../../src/run/study.ts';
import { RUN_FILES } from '../../src/run/store.ts';
import { fileRunStore } from '../../src/node/run-store.ts';
import { syntheticEvaluator, syntheticProblem } from '../../src/search/synthetic.ts';

const root = mkdtempSync(join(tmpdir(), 'gibbon-study-'));
const child = fileURLToPath(new URL('./fixtures/search-child.ts', import.meta.url));

const journalLines = (dir: string): number => { try { return readFileSync(join(dir, RUN_FILES.journal), 'utf8').split('\n').length - 1; } catch { return 0; } };

/**
 * Runs the child; with killAtLines, kills it with SIGKILL as soon as the journal holds that many lines (so
 * the kill lands mid-run, wherever the child is: evaluating, appending, checkpointing). Resolves with its
 * exit code (null when killed).
 */
function runChild(dir: string, algorithm: string, budget: number, killAtLines?: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dir, algorithm, String(budget)], { stdio: ['ignore', 'ignore', 'inherit'] });
    const timer = killAtLines === undefined ? undefined : setInterval(() => { if (journalLines(dir) >= killAtLines) p.kill('SIGKILL'); }, 1);
    p.on('error', reject);
    p.on('exit', (code) => { if (timer) clearInterval(timer); resolve(code); });
  });
}

const read = (dir: string, f: string): string => readFileSync(join(dir, f), 'utf8');

for (const algorithm of ['esapp', 'nsga2']) {
  test(`${algorithm}: SIGKILL at random moments + resume == uninterrupted (byte-identical front, journal)`, async () => {
    const budget = 150;
    const straight = join(root, `${algorithm}-straight`);
    assert.is(await runChild(straight, algorithm, budget), 0);
    const killed = join(root, `${algorithm}-killed`);
    const rng = new Rng(2024).fork(algorithm);
    let kills = 0, code: number | null = null;
    // Kill points: after about 1..35, then +1..35 more journal lines, up to 3 kills, then run to the end.
    let target = 0;
    for (let attempt = 0; attempt < 10 && code !== 0; attempt++) {
      target += 1 + rng.int(35);
      code = await runChild(killed, algorithm, budget, attempt < 3 && target < budget - 10 ? target : undefined);
      if (code === null) kills++;
      else assert.is(code, 0);
    }
    assert.is(code, 0);
    assert.ok(kills >= 1, 'at least one kill landed before the run finished');
    for (const f of [RUN_FILES.frontJson, RUN_FILES.frontCsv, RUN_FILES.journal, RUN_FILES.summary, RUN_FILES.config]) {
      assert.is(read(killed, f), read(straight, f), f);
    }
  });
}

test('config.json is resolved; starting again without resume is refused', async () => {
  const dir = join(root, 'cfg');
  const cfg = { problem: syntheticProblem(), algorithm: 'random', seed: 1, budget: 30, hypervolume: { ref: [1.1, 1.1] } };
  const r = await runStudy(fileRunStore(dir), cfg, syntheticEvaluator());
  assert.is(r.evaluated.length, 30);
  const written = JSON.parse(read(dir, RUN_FILES.config));
  assert.equal(written.settings, { batchSize: 100 });
  assert.equal(written.hypervolume, { ref: [1.1, 1.1], ideal: [0, 0], nadir: [1, 1], log: [false, false] });
  let message = '';
  try { await runStudy(fileRunStore(dir), cfg, syntheticEvaluator()); } catch (e) { message = (e as Error).message; }
  assert.is(message, `search: ${dir}: got a directory that already holds a run; allowed: a new directory, or --resume (resume: true) to continue it`);
  try { await runStudy(fileRunStore(dir), { ...cfg, seed: 2 }, syntheticEvaluator(), { resume: true }); message = ''; } catch (e) { message = (e as Error).message; }
  assert.is(message, `search: ${join(dir, RUN_FILES.config)}: seed: got 2 where the run has 1; allowed: the run's own settings to resume (or a new directory)`);
  const summary = JSON.parse(read(dir, RUN_FILES.summary));
  assert.is(summary.evaluations, 30);
  assert.ok(read(dir, RUN_FILES.frontCsv).startsWith('id,generation,accuracy,area,energy,latency,layer0.choice'));
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
