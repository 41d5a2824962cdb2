// The predictor screen of the search core (docs/search.md §9) on the synthetic discrete ZDT1:
// selectByPrediction on a hand example; a nearest-neighbour "predictor" that learns only from evaluated
// labels (stateful, so resume must restore it) gives a run that, killed at random cuts and resumed, equals
// the uninterrupted one; an exact oracle screen lets ESAPP reach a higher hypervolume at the same budget.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../src/util/rng.ts';
import { createAlgorithm } from '../../src/search/registry.ts';
import { memoryStore, runSearch, type SearchResult } from '../../src/search/run-search.ts';
import { hypervolume } from '../../src/search/hypervolume.ts';
import { syntheticEvaluator, syntheticProblem, zdt1Metrics, SYNTHETIC_SIZES } from '../../src/search/synthetic.ts';
import { selectByPrediction, type Predicted, type Screen } from '../../src/search/screen.ts';
import { objectivesOf, type Evaluated, type Genome } from '../../src/search/problem.ts';
import type { Esapp } from '../../src/search/algorithms/esapp.ts';

const problem = syntheticProblem();
const HV = { ref: [1.1, 1.1], ideal: [0, 0], nadir: [1, 1] };
const hvOf = (r: SearchResult): number => hypervolume(r.front.map((e) => e.F), HV);
const frontJson = (r: SearchResult): string => JSON.stringify(r.front.map((e) => ({ id: e.id, genome: e.genome, metrics: e.metrics })));

test('selectByPrediction: non-dominated predictions first, ties by crowding, a random share from the rest', () => {
  const population = [{ id: 0, genome: [0], F: [0.5, 0.5], cv: 0 }];
  const predicted: Predicted[] = [
    { F: [0.6, 0.6], cv: 0 }, // dominated by the member: rank 1
    { F: [0.1, 0.9], cv: 0 }, // rank 0 (extreme: infinite crowding)
    { F: [0.4, 0.4], cv: 0 }, // rank 0, dominates the member
    { F: [0.9, 0.1], cv: 0 }, // rank 0 (extreme)
    { F: [0.2, 0.2], cv: 1 }, // infeasible: ranked after every feasible point
  ];
  const rng = new Rng(1);
  // n = 2 by prediction only: among rank 0 {1, 2, 3} (member 0 is rank 1 now) the extremes 1 and 3 have infinite crowding
  assert.equal(selectByPrediction(predicted, population, 2, 0, rng), [1, 3]);
  assert.equal(selectByPrediction(predicted, population, 3, 0, rng), [1, 2, 3]);
  // n = 4 with randomShare 0.5: 2 by prediction (1, 3) + 2 drawn from {2, 0, 4}
  const mixed = selectByPrediction(predicted, population, 4, 0.5, new Rng(7));
  assert.is(mixed.length, 4);
  assert.ok(mixed.includes(1) && mixed.includes(3));
  assert.equal(mixed, [...mixed].sort((a, b) => a - b));
  // all kept when n covers them
  assert.equal(selectByPrediction(predicted, population, 9, 0.2, rng), [0, 1, 2, 3, 4]);
});

/** Predicts a genome's F as that of the nearest (Hamming) genome evaluated so far: learns only from labels. */
function nearestNeighbourScreen(oversample = 4, randomShare = 0.2): Screen & { learned: number } {
  let seen: { genome: Genome; F: number[] }[] = [];
  const screen = {
    oversample, randomShare, warmupGenerations: 1, learned: 0,
    predict: (genomes: Genome[]): Predicted[] => genomes.map((g) => {
      let best = seen[0], bestD = Infinity;
      for (const s of seen) {
        const d = s.genome.reduce((acc, v, i) => acc + (v === g[i] ? 0 : 1), 0);
        if (d < bestD) { bestD = d; best = s; }
      }
      return { F: [...best.F], cv: 0 };
    }),
    async learn(evaluated: Evaluated[]): Promise<void> { seen = [...seen, ...evaluated.map((e) => ({ genome: [...e.genome], F: [...e.F] }))]; screen.learned++; },
    settings: () => ({ kind: 'nearest-neighbour', oversample, randomShare }),
    state: () => ({ seen }),
    restore(state: unknown): void { seen = structuredClone((state as { seen: typeof seen }).seen); },
  };
  return screen;
}

for (const screenPairs of [0, 1]) test(`a learning screen (screenPairs ${screenPairs}): killed at random cuts and resumed == uninterrupted (journal and front)`, async () => {
  const budget = 120;
  const opts = { populationSize: 12, screenPairs };
  const straightStore = memoryStore();
  const straight = await runSearch(createAlgorithm('esapp', problem, 3, opts, nearestNeighbourScreen()), problem, syntheticEvaluator(), { budget, store: straightStore, chunkSize: 5 });
  assert.is(straight.evaluated.length, budget);
  const rng = new Rng(42);
  for (let trial = 0; trial < 3; trial++) {
    let store = memoryStore();
    let result: SearchResult | undefined;
    for (let session = 0; session < 12 && !result?.complete; session++) {
      const saved = JSON.parse(JSON.stringify(store.data));
      store = memoryStore(saved.records, trial === 2 ? undefined : saved.checkpoint);
      result = await runSearch(createAlgorithm('esapp', problem, 3, opts, nearestNeighbourScreen()), problem, syntheticEvaluator(), { budget, store, chunkSize: 5, stopAfter: 1 + rng.int(40) });
    }
    assert.ok(result?.complete);
    assert.equal(store.data.records, straightStore.data.records);
    assert.is(frontJson(result!), frontJson(straight));
  }
});

test('an exact oracle screen (x4 proposals) beats unscreened ESAPP at the same budget on every seed', async () => {
  const oracle: Screen = {
    oversample: 4, randomShare: 0, warmupGenerations: 1,
    predict: (genomes) => genomes.map((g) => ({ F: objectivesOf(problem, zdt1Metrics(g, SYNTHETIC_SIZES)), cv: 0 })),
    learn: async () => {}, settings: () => ({ kind: 'oracle' }), state: () => null, restore: () => {},
  };
  for (const seed of [1, 2, 3]) {
    const plain = await runSearch(createAlgorithm('esapp', problem, seed, { populationSize: 20 }), problem, syntheticEvaluator(), { budget: 200 });
    const screened = await runSearch(createAlgorithm('esapp', problem, seed, { populationSize: 20 }, oracle), problem, syntheticEvaluator(), { budget: 200 });
    assert.ok(hvOf(screened) > hvOf(plain), `seed ${seed}: screened ${hvOf(screened)} vs plain ${hvOf(plain)}`);
  }
});

test('screenPairs 1: the screened-out children count for the intensity, with their predicted objectives', async () => {
  // oracle screen: predictions are exact, so every proposed child is a true parent -> child pair
  const predictedGenomes: Genome[][] = [];
  const oracle = (): Screen => ({
    oversample: 4, randomShare: 0, warmupGenerations: 1,
    predict: (genomes) => { predictedGenomes.push(genomes.map((g) => [...g])); return genomes.map((g) => ({ F: objectivesOf(problem, zdt1Metrics(g, SYNTHETIC_SIZES)), cv: 0 })); },
    learn: async () => {}, settings: () => ({ kind: 'oracle' }), state: () => null, restore: () => {},
  });
  const n = 10;
  const pairs = async (screenPairs: number): Promise<{ pairs: number; intensity: number[]; proposed: number }> => {
    predictedGenomes.length = 0;
    const esapp = createAlgorithm('esapp', problem, 5, { populationSize: n, screenPairs, priorPairs: 0 }, oracle()) as Esapp;
    await runSearch(esapp, problem, syntheticEvaluator(), { budget: 2 * n }); // generation 0 (random) and one screened generation
    return { pairs: esapp.priority.count.reduce((s, c) => s + c, 0), intensity: [...esapp.priority.intensity], proposed: predictedGenomes[0].length };
  };
  const without = await pairs(0), withScreen = await pairs(1);
  assert.is(without.proposed, 4 * n);
  // every child changes at least one decision; with screenPairs 1 the 3n screened-out children add theirs
  assert.ok(without.pairs >= 1 && without.pairs <= n * SYNTHETIC_SIZES.length, `pairs ${without.pairs}`);
  assert.ok(withScreen.pairs - without.pairs >= 3 * n, `with ${withScreen.pairs}, without ${without.pairs}`);
  // ZDT1: f1 = x0 moves with decision 0 alone, and f2 with it too; 40 pairs are enough to see it the most intense
  assert.is(withScreen.intensity[0], 1);
});

test('a screen is refused by algorithms that cannot use it', () => {
  assert.throws(() => createAlgorithm('random', problem, 1, {}, nearestNeighbourScreen()), /algorithm: got "random"; allowed: esapp or nsga2 with a predictor screen/);
});

test.run();
