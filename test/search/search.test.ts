// The search core on the synthetic discrete ZDT1: resume equals an uninterrupted run for every algorithm
// (cut anywhere, mid-generation included; even with no checkpoint at all), determinism per seed, worker-count
// independence, distinct candidates, budgets, and a hypervolume target for ESAPP and NSGA-II.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../src/util/rng.ts';
import { createAlgorithm, ALGORITHM_NAMES } from '../../src/search/registry.ts';
import { memoryStore, runSearch, type SearchResult } from '../../src/search/run-search.ts';
import { hypervolume } from '../../src/search/hypervolume.ts';
import { syntheticEvaluator, syntheticProblem, SYNTHETIC_SIZES } from '../../src/search/synthetic.ts';
import { Esapp } from '../../src/search/algorithms/esapp.ts';
import { checkProblem } from '../../src/search/problem.ts';

const problem = syntheticProblem();
const SMALL = { populationSize: 20 };
const optsFor = (name: string): Record<string, number> => (name === 'random' ? { batchSize: 20 } : name === 'evolution' ? { populationSize: 20, sampleSize: 5, batchSize: 7 } : SMALL);
const frontJson = (r: SearchResult): string => JSON.stringify(r.front.map((e) => ({ id: e.id, genome: e.genome, metrics: e.metrics })));
const HV = { ref: [1.1, 1.1], ideal: [0, 0], nadir: [1, 1] };
const hvOf = (r: SearchResult): number => hypervolume(r.front.map((e) => e.F), HV);

for (const name of ALGORITHM_NAMES) {
  test(`${name}: killed at random cuts and resumed == uninterrupted (front and journal)`, async () => {
    const budget = 157;
    const straightStore = memoryStore();
    const straight = await runSearch(createAlgorithm(name, problem, 5, optsFor(name)), problem, syntheticEvaluator(), { budget, store: straightStore, chunkSize: 6 });
    assert.is(straight.evaluated.length, budget);
    assert.ok(straight.complete);
    const rng = new Rng(99).fork(name);
    for (let trial = 0; trial < 3; trial++) {
      let store = memoryStore();
      let result: SearchResult | undefined;
      for (let session = 0; session < 10 && !result?.complete; session++) {
        // A fresh process: new algorithm object, state only from the (JSON round-tripped) store.
        const saved = JSON.parse(JSON.stringify(store.data));
        store = memoryStore(saved.records, trial === 2 ? undefined : saved.checkpoint);
        result = await runSearch(createAlgorithm(name, problem, 5, optsFor(name)), problem, syntheticEvaluator(), { budget, store, chunkSize: 6, stopAfter: 1 + rng.int(60) });
      }
      assert.ok(result?.complete);
      assert.is(frontJson(result!), frontJson(straight));
      assert.equal(store.data.records, straightStore.data.records);
    }
  });
}

test('deterministic for a seed, different for another, independent of worker count and chunking', async () => {
  for (const name of ALGORITHM_NAMES) {
    const run = (seed: number, workers: number, chunkSize?: number) => runSearch(createAlgorithm(name, problem, seed, optsFor(name)), problem, syntheticEvaluator(undefined, { workers }), { budget: 120, chunkSize });
    const a = await run(1, 1), b = await run(1, 4, 5), c = await run(2, 1);
    assert.is(frontJson(a), frontJson(b), name);
    assert.is.not(frontJson(a), frontJson(c), name);
  }
});

test('every evaluation is a distinct candidate; the budget is exact; progress reaches 1', async () => {
  for (const name of ALGORITHM_NAMES) {
    const fractions: number[] = [];
    const ev = syntheticEvaluator();
    const r = await runSearch(createAlgorithm(name, problem, 3, optsFor(name)), problem, ev, { budget: 333, onProgress: (p) => fractions.push(p.fraction) });
    assert.is(r.evaluated.length, 333, name);
    assert.is(ev.calls, 333, name);
    assert.is(new Set(r.evaluated.map((e) => e.key)).size, 333, name);
    assert.is(fractions[fractions.length - 1], 1, name);
  }
});

test('a tiny space runs out: the search stops with every candidate evaluated once', async () => {
  const tiny = { decisions: [{ id: 'a', kind: 'nn' as const, size: 3 }, { id: 'b', kind: 'hw' as const, size: 2 }], objectives: problem.objectives, constraints: [] };
  for (const name of ALGORITHM_NAMES) {
    const ev = syntheticEvaluator([3, 2]);
    const r = await runSearch(createAlgorithm(name, tiny, 1, (({ random: { batchSize: 4 }, evolution: { populationSize: 4, sampleSize: 2, batchSize: 2 } }) as Record<string, Record<string, number>>)[name] ?? { populationSize: 4 }), tiny, ev, { budget: 50 });
    assert.is(r.evaluated.length, 6, name);
  }
});

test('constraints: the front is feasible; single-objective mode finds the constrained optimum region', async () => {
  const p = syntheticProblem(['latency'], [{ metric: 'energy', min: 0.5 }]);
  const r = await runSearch(createAlgorithm('esapp', p, 4, { populationSize: 20 }), p, syntheticEvaluator(), { budget: 600 });
  assert.ok(r.front.length >= 1);
  for (const e of r.front) assert.ok(e.metrics.energy >= 0.5 && e.cv === 0);
  // Optimum: energy = 0.5 exactly (x0 = 5/10), g = 1 -> latency = 1 - sqrt(0.5).
  assert.ok(r.front[0].metrics.latency < 1 - Math.sqrt(0.5) + 0.35, `latency ${r.front[0].metrics.latency}`);
});

test('ESAPP and NSGA-II reach a good hypervolume within the budget (and beat random search)', async () => {
  const budget = 1500;
  // The true front (g = 1, x0 over 11 values) has HV 0.8205 under HV; random search stays near 0.
  const best = hypervolume(Array.from({ length: 11 }, (_, v) => [v / 10, 1 - Math.sqrt(v / 10)]), HV);
  const hv: Record<string, number> = {};
  for (const name of ['esapp', 'nsga2', 'random']) {
    const r = await runSearch(createAlgorithm(name, problem, 11), problem, syntheticEvaluator(), { budget });
    hv[name] = hvOf(r);
  }
  assert.ok(hv.esapp > 0.95 * best, `esapp ${hv.esapp} vs best ${best}`);
  assert.ok(hv.nsga2 > 0.8 * best, `nsga2 ${hv.nsga2} vs best ${best}`);
  assert.ok(hv.esapp > hv.random && hv.nsga2 > hv.random, JSON.stringify(hv));
});

test('ESAPP priorities: a distribution over mutable decisions with a floor, state round-trips through JSON', async () => {
  const a = new Esapp(problem, 8, { populationSize: 20 });
  await runSearch(a, problem, syntheticEvaluator(), { budget: 200 });
  const pr = a.priority.priority;
  assert.ok(Math.abs(pr.reduce((s, x) => s + x, 0) - 1) < 1e-12);
  const floor = 0.1 / SYNTHETIC_SIZES.length;
  for (const x of pr) assert.ok(x >= floor - 1e-15);
  const b = new Esapp(problem, 8, { populationSize: 20 });
  b.restore(JSON.parse(JSON.stringify(a.state())));
  assert.equal(b.state(), a.state());
});

test('options are checked with the standard message', () => {
  assert.throws(() => createAlgorithm('esapp', problem, 1, { temperature: 0 }), /esapp: options.temperature: got 0; allowed: a number in 0.000001..1000000/);
  assert.throws(() => createAlgorithm('nsga2', problem, 1, { popSize: 10 }), /nsga2: options.popSize: got an unknown option; allowed: populationSize, tournamentSize, crossoverProb, mutationProb/);
  assert.throws(() => createAlgorithm('cmaes', problem, 1), /search: algorithm: got "cmaes"; allowed: esapp, nsga2, evolution, random/);
});

test('a canonicalizing problem: every algorithm evaluates canonical genomes only, each design once', async () => {
  // gene 1 is "inactive" while gene 8 (a 2-valued decision) is 0: the canonical form zeroes it then
  const canonicalize = (g: number[]) => (g[8] === 0 && g[1] !== 0 ? g.map((v, i) => (i === 1 ? 0 : v)) : g);
  const canon = { ...problem, canonicalize };
  for (const name of ALGORITHM_NAMES) {
    const r = await runSearch(createAlgorithm(name, canon, 2, optsFor(name)), canon, syntheticEvaluator(), { budget: 120 });
    assert.is(r.evaluated.length, 120, name);
    for (const e of r.evaluated) assert.equal(e.genome, canonicalize(e.genome), `${name}: ${e.genome}`);
    assert.is(new Set(r.evaluated.map((e) => e.key)).size, 120, name);
  }
});

test('seeds: every algorithm evaluates them first (canonical, once), then fills its first generation at random', async () => {
  const sizes = problem.decisions.map((d) => d.size);
  const top = sizes.map((n) => n - 1), bottom = sizes.map(() => 0);
  // gene 1 is zeroed while gene 8 is 0 (as above): the third seed's canonical form is `bottom`, a repeat
  const canonicalize = (g: number[]) => (g[8] === 0 && g[1] !== 0 ? g.map((v, i) => (i === 1 ? 0 : v)) : g);
  const repeat = bottom.map((v, i) => (i === 1 ? 1 : v));
  const seeded = { ...problem, canonicalize, seeds: [top, bottom, repeat] };
  for (const name of ALGORITHM_NAMES) {
    const r = await runSearch(createAlgorithm(name, seeded, 2, optsFor(name)), seeded, syntheticEvaluator(), { budget: 40 });
    assert.equal(r.evaluated.slice(0, 2).map((e) => e.genome), [top, bottom], name);
    assert.ok(r.evaluated.slice(0, 2).every((e) => e.generation === 0), name);
    assert.is(r.evaluated.filter((e) => e.key === bottom.join(',')).length, 1, name);
    assert.is(new Set(r.evaluated.map((e) => e.key)).size, 40, name);
    // the rest of the first generation is the unseeded run's random draw (same seed), minus what the seeds took
    const plain = await runSearch(createAlgorithm(name, { ...problem, canonicalize }, 2, optsFor(name)), { ...problem, canonicalize }, syntheticEvaluator(), { budget: 20 });
    const firstGen = r.evaluated.filter((e) => e.generation === 0).slice(2).map((e) => e.key);
    assert.equal(firstGen, plain.evaluated.filter((e) => e.generation === 0).map((e) => e.key).filter((k) => k !== top.join(',') && k !== bottom.join(',')).slice(0, firstGen.length), name);
  }
  assert.throws(() => checkProblem({ ...problem, seeds: [[1, 2]] }), /search: seeds\[0\]: got \[1,2\]; allowed: a genome of 10 value indexes, each below its decision's size/);
  assert.throws(() => checkProblem({ ...problem, seeds: [sizes] }), /search: seeds\[0\]: got \[11,6,4,6,3,6,4,6,2,6\]/);
});

test.run();
