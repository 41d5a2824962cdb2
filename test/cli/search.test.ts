// `gibbon search` end to end on a tiny supernet (trained here as test/nn/accuracy.test.ts trains one, saved
// to a temp dir and passed as --supernet): front.json holds readable candidates with finite metrics under
// the unit-suffixed names, the journal has one line per evaluation, --resume of a finished run evaluates
// nothing new, an existing run is refused without --resume; bad options give exact messages.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../nn/helpers.ts';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { saveTinySupernet } from './tiny-supernet.ts';
import { parseDuration, runSearchCommand } from '../../src/cli/search.ts';
import { rejectsGibbon } from '../helpers.ts';
import { spacePreset } from '../../src/space/presets.ts';

const dir = mkdtempSync(join(tmpdir(), 'gibbon-search-cli-'));
const supernetDir = join(dir, 'supernet');
const out = join(dir, 'run');
await saveTinySupernet(supernetDir);

const progress: string[] = [];
const sink = new Writable({ write(chunk, _enc, cb) { progress.push(String(chunk)); cb(); } });
const ARGS = ['--supernet', supernetDir, '--limit', '20', '--test-limit', '20', '--budget', '6', '--population', '3', '--workers', '2', '--seed', '3', '--out', out];
const REQUIRED = ['accuracy', 'energy_uJ', 'latency_ms', 'area_mm2', 'edp_mJms', 'power_W'];

const rejects = (argv: string[], message: string) => rejectsGibbon(() => runSearchCommand(argv, () => {}, { stream: sink }), 'E_OPTION', message);

test('a 6-evaluation run: front.json designs (candidate + metrics), journal of 6, results printed', async () => {
  const printed: string[] = [];
  const r = await runSearchCommand(ARGS, (s) => printed.push(s), { stream: sink });
  assert.ok(r);
  assert.is(r!.evaluations, 6);
  assert.is(r!.newEvaluations, 6);
  const journal = readFileSync(join(out, 'journal.jsonl'), 'utf8').trim().split('\n');
  assert.is(journal.length, 6);
  for (const f of ['config.json', 'checkpoint.json', 'front.json', 'front.csv', 'summary.json']) assert.ok(existsSync(join(out, f)), f);
  const front = JSON.parse(readFileSync(join(out, 'front.json'), 'utf8')) as Array<{ candidate: { space: string; hardware: Record<string, unknown> }; metrics: Record<string, number> }>;
  assert.ok(Array.isArray(front) && front.length >= 1);
  for (const d of front) {
    assert.is(d.candidate.space, 'mnist');
    assert.type(d.candidate.hardware, 'object');
    for (const k of REQUIRED) assert.ok(Number.isFinite(d.metrics[k]), `${k}: ${d.metrics[k]}`);
    assert.ok(d.metrics.accuracy >= 0 && d.metrics.accuracy <= 1);
  }
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { evaluations: number; hypervolume: number | null; bestTestAccuracy: number | null; testImages: number | null };
  assert.is(summary.evaluations, 6);
  // test accuracy on every front design by default (--no-test-accuracy turns it off): a count of right
  // answers out of the 20 test images (--test-limit), and the summary's best is the front's best
  const tests = front.map((d) => d.metrics.test_accuracy);
  for (const t of tests) assert.ok(Number.isInteger(Math.round(t * 20)) && Math.abs(t * 20 - Math.round(t * 20)) < 1e-9 && t >= 0 && t <= 1, `test_accuracy ${t}`);
  assert.is(summary.bestTestAccuracy, Math.max(...tests));
  assert.is(summary.testImages, 20);
  assert.ok(Object.keys(front[0].metrics).indexOf('test_accuracy') === 1, 'test_accuracy right after accuracy');
  // ESAPP screens its children with the RNN predictor by default: the settings are in config.json, the
  // predictor's state (weights, training set) in the checkpoint
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { settings: { screen?: { kind: string; oversample: number } } };
  assert.is(config.settings.screen?.kind, 'rnn-predictor');
  assert.is(config.settings.screen?.oversample, 32);
  const checkpoint = JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8')) as { state: { screen?: { samples: unknown[] } } };
  assert.is(checkpoint.state.screen?.samples.length, 6);
  assert.ok(summary.hypervolume !== null && Number.isFinite(summary.hypervolume));
  assert.match(printed.join('\n'), join(out, 'front.json'));
  assert.match(printed.join('\n'), `front: best test accuracy ${(100 * Math.max(...tests)).toFixed(2)}% (20 test images) | validation accuracy `);
  assert.match(progress.join(''), /evals 6\/6 best accuracy .* hv \d\.\d{4} /);
});

test('an existing run is refused without --resume; --resume of a finished run evaluates nothing new', async () => {
  await rejects(ARGS, `search: ${out}: got a directory that already holds a run; allowed: a new directory, or --resume (resume: true) to continue it`);
  const before = readFileSync(join(out, 'front.json'), 'utf8');
  const r = await runSearchCommand([...ARGS, '--resume'], () => {}, { stream: sink });
  assert.is(r!.newEvaluations, 0);
  assert.is(r!.evaluations, 6);
  assert.is(readFileSync(join(out, 'journal.jsonl'), 'utf8').trim().split('\n').length, 6);
  assert.is(readFileSync(join(out, 'front.json'), 'utf8'), before);
  // the test measurement is not part of the search: a resume may drop it (and rewrites the results)
  await runSearchCommand([...ARGS, '--resume', '--no-test-accuracy'], () => {}, { stream: sink });
  const front = JSON.parse(readFileSync(join(out, 'front.json'), 'utf8')) as Array<{ metrics: Record<string, number | null> }>;
  assert.ok(front.every((d) => d.metrics.test_accuracy === null));
  assert.is((JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { bestTestAccuracy: unknown }).bestTestAccuracy, null);
});

test('--no-predictor: no screen in the config or the checkpoint; --algorithm-options reach the algorithm', async () => {
  const plain = join(dir, 'plain');
  await runSearchCommand(['--supernet', supernetDir, '--limit', '20', '--budget', '4', '--population', '2', '--workers', '2', '--seed', '3', '--out', plain, '--no-predictor',
    '--algorithm-options', '{"temperature":0.5,"subspaceFrac":0.8}'], () => {}, { stream: sink });
  const config = JSON.parse(readFileSync(join(plain, 'config.json'), 'utf8')) as { settings: Record<string, unknown> };
  assert.is(config.settings.screen, undefined);
  assert.is(config.settings.temperature, 0.5);
  assert.is(config.settings.subspaceFrac, 0.8);
  assert.is(config.settings.populationSize, 2);
  assert.is(config.settings.floor, 0.1); // the rest at their defaults
  const checkpoint = JSON.parse(readFileSync(join(plain, 'checkpoint.json'), 'utf8')) as { state: Record<string, unknown> };
  assert.is(checkpoint.state.screen, undefined);
});

test('--time: a run out of time stops with what it has; --resume without --time finishes the budget', async () => {
  const timed = join(dir, 'timed');
  const args = ['--supernet', supernetDir, '--limit', '20', '--budget', '6', '--population', '3', '--workers', '2', '--seed', '3', '--out', timed];
  const printed: string[] = [];
  const r = await runSearchCommand([...args, '--time', '0.001s'], (s) => printed.push(s), { stream: sink });
  assert.is(r!.evaluations, 0);
  const summary = JSON.parse(readFileSync(join(timed, 'summary.json'), 'utf8')) as { stoppedBy: string; frontSize: number };
  assert.is(summary.stoppedBy, 'time');
  assert.is(summary.frontSize, 0);
  assert.match(printed.join('\n'), 'stopped by --time 0.001 s (--resume continues)');
  const done = await runSearchCommand([...args, '--resume'], () => {}, { stream: sink });
  assert.is(done!.evaluations, 6);
  // the same 6 candidates as the uninterrupted run of the first test (same seed and settings)
  assert.is(readFileSync(join(timed, 'journal.jsonl'), 'utf8'), readFileSync(join(out, 'journal.jsonl'), 'utf8'));
});

test('parseDuration: seconds from 90s, 10m, 1h30m, 1.5h, 45', () => {
  assert.is(parseDuration('90s'), 90);
  assert.is(parseDuration('10m'), 600);
  assert.is(parseDuration('1h30m'), 5400);
  assert.is(parseDuration('1.5h'), 5400);
  assert.is(parseDuration('45'), 45);
  assert.is(parseDuration('2m30s'), 150);
});

test('--space with --supernet: other hardware and fixedArch are used on the same weights; other networks are refused', async () => {
  const mnist = spacePreset('mnist').spec;
  const hwFile = join(dir, 'adc4.json');
  writeFileSync(hwFile, JSON.stringify({ ...mnist, hardware: { ...mnist.hardware, 'adc.bits': [4] }, fixedArch: { base: 'gibbon-base', sets: ['adc.rangeMode=least-error'] } }));
  const run = join(dir, 'adc4');
  const r = await runSearchCommand(['--supernet', supernetDir, '--space', hwFile, '--limit', '20', '--no-test-accuracy', '--budget', '3', '--population', '3', '--workers', '2', '--seed', '3', '--out', run], () => {}, { stream: sink });
  assert.is(r!.evaluations, 3);
  const front = JSON.parse(readFileSync(join(run, 'front.json'), 'utf8')) as Array<{ candidate: { hardware: Record<string, unknown> } }>;
  for (const d of front) assert.is(d.candidate.hardware['adc.bits'], 4);
  const stemFile = join(dir, 'stem.json');
  writeFileSync(stemFile, JSON.stringify({ ...mnist, stem: { ...mnist.stem, kernel: [3] } }));
  await rejects(['--supernet', supernetDir, '--space', stemFile, '--out', join(dir, 'stem')],
    `--space: got ${JSON.stringify(stemFile)}, whose stem differs from the space of --supernet ${supernetDir} (mnist); allowed: a space with the supernet's networks (only hardware and fixedArch may differ), or no --space`);
  await rejects(['--supernet', supernetDir, '--space', 'gibbon-cifar', '--out', join(dir, 'cifar')],
    `--space: got "gibbon-cifar", whose name differs from the space of --supernet ${supernetDir} (mnist); allowed: a space with the supernet's networks (only hardware and fixedArch may differ), or no --space`);
});

test('bad options: exact messages', async () => {
  await rejects(['--objective', 'edp,area'], '--objective: got "edp,area"; allowed: one of accuracy, energy, latency, area, edp, power (several: --objectives)');
  await rejects(['--objective', 'edp', '--objectives', 'accuracy,edp'], '--objective: got both --objective and --objectives; allowed: one of them');
  await rejects(['--saf-hrs-pct', '200'], '--saf-hrs-pct: got "200"; allowed: a number in 0..100');
  await rejects(['--trials', '0'], '--trials: got "0"; allowed: an integer in 1..1000');
  await rejects(['--time', '10 minutes'], '--time: got "10 minutes"; allowed: a duration > 0 such as 90s, 10m, 1h30m (a number alone: seconds)');
  await rejects(['--time', '0'], '--time: got "0"; allowed: a duration > 0 such as 90s, 10m, 1h30m (a number alone: seconds)');
  await rejects(['--algorithm', 'foo'], '--algorithm: got "foo"; allowed: esapp, nsga2, evolution, random');
  await rejects(['--objectives', 'accuracy,speed'], '--objectives: got "speed"; allowed: accuracy, energy, latency, area, edp, power (comma-separated)');
  await rejects(['--budget', '0'], '--budget: got "0"; allowed: an integer in 1..10000000');
  await rejects(['--max-edp', 'x'], '--max-edp: got "x"; allowed: a number >= 0');
  await rejects(['--algorithm-options', '{"temperature":0}'], '--algorithm-options: esapp: options.temperature: got 0; allowed: a number in 0.000001..1000000');
  await rejects(['--algorithm-options', '{"temprature":1}'], '--algorithm-options: esapp: options.temprature: got an unknown option; allowed: populationSize, tournamentSize, crossoverProb, mutateNum, wIntensity, wEntropy, temperature, floor, subspaceFrac, priorPairs, screenPairs');
  await rejects(['--algorithm-options', 'temperature=1'], `--algorithm-options: got "temperature=1"; allowed: a JSON object of numbers, e.g. '{"temperature":1}'`);
  await rejects(['--algorithm-options', '{"populationSize":4}'], '--algorithm-options: got populationSize; allowed: the other settings (the population is --population)');
  await rejects(['--algorithm', 'random', '--algorithm-options', '{"temperature":1}'], '--algorithm-options: random: options.temperature: got an unknown option; allowed: batchSize');
  await rejects(['--supernet-limit', '0'], '--supernet-limit: got "0"; allowed: an integer in 1..1073741824');
  await rejects(['--supernet-limit', '64', '--supernet', supernetDir], '--supernet-limit: got it with --supernet; allowed: without --supernet (a given supernet is used as trained)');
  await rejects(['--supernet-distill', '1.5'], '--supernet-distill: got "1.5"; allowed: a number in 0..1');
  await rejects(['--supernet-distill', '1', '--supernet', supernetDir], '--supernet-distill: got it with --supernet; allowed: without --supernet (a given supernet is used as trained)');
  await rejects(['--finetune-steps', '1.5'], '--finetune-steps: got "1.5"; allowed: an integer in 0..100000');
});

test.after(() => { rmSync(dir, { recursive: true, force: true }); });
test.run();
