// `gibbon report` as a user runs it (node bin/gibbon.mjs, the built bundle) on a copy of a small run
// directory (test/report/fixtures/run-small: 6 journal lines of a real mnist search plus a torn 7th,
// its 3-design front): the page is written (default path and --out) with the expected plots and rows;
// a bad run directory exits with status 3 and one line naming the file and the field.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatNumber } from '../../src/report/svg-plot.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = join(ROOT, 'test/report/fixtures/run-small');
const tmp = mkdtempSync(join(tmpdir(), 'gibbon-report-cli-'));

function gibbon(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/gibbon.mjs'), 'report', ...args], { cwd: tmp, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function copyRun(name: string): string {
  const dir = join(tmp, name);
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

test('writes <run dir>/report.html and prints its path; the torn journal line is skipped', () => {
  const dir = copyRun('run');
  const r = gibbon(dir);
  assert.is(r.stderr, '');
  assert.is(r.code, 0);
  assert.is(r.stdout.trim(), join(dir, 'report.html'));
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.is(count(html, 'data-plot="'), 4);
  const svg = html.slice(html.indexOf('data-plot="hypervolume"'), html.indexOf('</svg>', html.indexOf('data-plot="hypervolume"')));
  assert.is(count(svg, '<circle'), 6, 'one hypervolume point per complete journal line');
  assert.is(count(html, '<tr data-design='), 3, 'front rows');
  assert.match(html, '<td class="n">81.0</td>', 'test accuracy from metrics.test_accuracy');
  // the breakdown's chip totals are the search's figures of that design (the same simulation)
  const best = (JSON.parse(readFileSync(join(dir, 'front.json'), 'utf8')) as Array<{ id: number; metrics: Record<string, number> }>)
    .sort((a, b) => b.metrics.accuracy - a.metrics.accuracy)[0];
  assert.match(html, `Per-layer hardware breakdown of design #${best.id}`);
  assert.match(html, `Chip: area ${formatNumber(best.metrics.area_mm2, 4)} mm², energy ${formatNumber(best.metrics.energy_uJ, 4)} µJ, latency ${formatNumber(best.metrics.latency_ms, 4)} ms`);
  assert.not.ok(existsSync(join(dir, 'report.html.tmp')), 'written atomically, no temp file left');
});

test('--out and --design pick the file and the breakdown design', () => {
  const dir = copyRun('run-out');
  const out = join(tmp, 'page.html');
  const r = gibbon(dir, '--out', out, '--design', '3');
  assert.is(r.code, 0, r.stderr);
  assert.match(readFileSync(out, 'utf8'), 'Per-layer hardware breakdown of design #3');
  const other = gibbon(dir, '--out', out, '--design', '1');
  assert.is(other.code, 0, other.stderr);
  assert.match(readFileSync(out, 'utf8'), 'Per-layer hardware breakdown of design #1', 'any evaluated candidate, by journal id');
  const bad = gibbon(dir, '--design', '9');
  assert.is(bad.code, 2);
  assert.is(bad.stderr, 'gibbon: --design: got 9; allowed: the id of a front design (2, 3, 4) or of an evaluated candidate (journal ids 0..5)\n');
});

test('a bad run directory: exit status 3 and one line naming the file and the field', () => {
  const missing = join(tmp, 'nope');
  let r = gibbon(missing);
  assert.is(r.code, 3);
  assert.is(r.stderr, `gibbon: ${missing}: (directory): got nothing; allowed: a run directory of gibbon search (config.json, journal.jsonl, front.json)\n`);

  const empty = join(tmp, 'empty');
  cpSync(FIXTURE, empty, { recursive: true });
  rmSync(join(empty, 'config.json'));
  r = gibbon(empty);
  assert.is(r.code, 3);
  assert.is(r.stderr, `gibbon: ${join(empty, 'config.json')}: (file): got nothing; allowed: the resolved config of a run (written by gibbon search)\n`);

  const badField = copyRun('bad-field');
  const cfg = JSON.parse(readFileSync(join(badField, 'config.json'), 'utf8'));
  cfg.problem.objectives = ['accuracy', 'speed'];
  writeFileSync(join(badField, 'config.json'), JSON.stringify(cfg));
  r = gibbon(badField);
  assert.is(r.code, 3);
  assert.is(r.stderr, `gibbon: ${join(badField, 'config.json')}: problem.objectives: got ["accuracy","speed"]; allowed: a non-empty list of accuracy, energy, latency, area, edp, power\n`);

  const badFront = copyRun('bad-front');
  const front = JSON.parse(readFileSync(join(badFront, 'front.json'), 'utf8'));
  front[1].metrics.accuracy = 'high';
  writeFileSync(join(badFront, 'front.json'), JSON.stringify(front));
  r = gibbon(badFront);
  assert.is(r.code, 3);
  assert.is(r.stderr, `gibbon: ${join(badFront, 'front.json')}: [1].metrics.accuracy: got "high"; allowed: a fraction in [0, 1]\n`);
  assert.is(r.stderr.split('\n').length, 2, 'one line');
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
