// ESAPP's priority table on a case worked by hand (docs/search.md §4): entropy, intensity (plain and
// shrunk toward the mean over all pairs), softmax over the sub-space with a floor, single-valued decisions at 0.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initialPriority, recordPair, updatePriority, type PriorityOptions } from '../../src/search/priority.ts';
import type { Member } from '../../src/search/algorithm.ts';
import { Esapp } from '../../src/search/algorithms/esapp.ts';
import { memoryStore, runSearch } from '../../src/search/run-search.ts';
import { syntheticEvaluator, syntheticProblem } from '../../src/search/synthetic.ts';

// Decisions of sizes 3, 2 and 1; one objective; the population's F spans 0..2 (range 2).
const sizes = [3, 2, 1];
const population: Member[] = [
  { id: 0, genome: [0, 0, 0], F: [0], cv: 0 },
  { id: 1, genome: [1, 0, 0], F: [2], cv: 0 },
];
const base: PriorityOptions = { wIntensity: 1, wEntropy: 1, temperature: 1, floor: 0, subspaceFrac: 1 };
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

function table(o: PriorityOptions) {
  const s = initialPriority(sizes, 1);
  recordPair(s, [0], [2]); // decision 0 alone changed F by 2
  recordPair(s, [0, 1], [-1]); // decisions 0 and 1 together by 1: 0.5 each
  updatePriority(s, sizes, population, false, o);
  return s;
}

// Entropy of decision 0: values {0, 1} of 3 at 1/2 each -> ln 2 / ln 3; decision 1 settled -> 0.
const H0 = Math.log(2) / Math.log(3);

test('plain intensity: mean shared |dF| per pair over the range, normalized by the largest', () => {
  const s = table(base);
  assert.equal(s.count, [2, 1, 0]);
  close(s.entropy[0], H0, 'H0');
  assert.is(s.entropy[1], 0);
  // I0 = (2 + 0.5) / 2 / 2 = 0.625, I1 = 0.5 / 1 / 2 = 0.25 -> normalized 1 and 0.4
  close(s.intensity[0], 1, 'I0');
  close(s.intensity[1], 0.4, 'I1');
  // scores 1 + H0 and 0.4; softmax at T = 1
  const q1 = Math.exp(0.4 - (1 + H0));
  close(s.priority[0], 1 / (1 + q1), 'p0');
  close(s.priority[1], q1 / (1 + q1), 'p1');
  assert.is(s.priority[2], 0);
});

test('priorPairs: intensity shrunk toward the mean over all pairs', () => {
  const s = table({ ...base, priorPairs: 2 });
  // summed shared |dF| / range: d0 (2 + 0.5) / 2 = 1.25, d1 0.5 / 2 = 0.25; 3 pairs -> mean 0.5
  // I0 = (1.25 + 2 * 0.5) / (2 + 2) = 0.5625, I1 = (0.25 + 1) / (1 + 2) = 0.41667 -> normalized
  const i1 = (1.25 / 3) / 0.5625;
  close(s.intensity[0], 1, 'I0');
  close(s.intensity[1], i1, 'I1');
  const q1 = Math.exp(i1 - (1 + H0));
  close(s.priority[0], 1 / (1 + q1), 'p0');
  close(s.priority[1], q1 / (1 + q1), 'p1');
  // shrinkage flattens: decision 1's priority rises against the unshrunk table
  assert.ok(s.priority[1] > table(base).priority[1]);
});

test('floor and sub-space: the top half shares the softmax, every mutable decision keeps floor / D', () => {
  const s = table({ ...base, floor: 0.2, subspaceFrac: 0.5 });
  // sub-space = ceil(0.5 * 2) = 1 decision (decision 0): q = [1, 0]
  close(s.priority[0], 0.2 / 2 + 0.8, 'p0');
  close(s.priority[1], 0.2 / 2, 'p1');
  assert.is(s.priority[2], 0);
});

test('the priority history: one record per generation, the last equal to the live table (to 1e-4), and it survives a resume', async () => {
  const problem = syntheticProblem();
  const straight = new Esapp(problem, 5, { populationSize: 10 });
  await runSearch(straight, problem, syntheticEvaluator(), { budget: 60 });
  const h = straight.priorityHistory;
  assert.equal(h.map((r) => r.generation), [0, 1, 2, 3, 4, 5]);
  h[5].priority.forEach((p, d) => assert.ok(Math.abs(p - straight.priority.priority[d]) <= 5e-5, `decision ${d}`));
  assert.ok(Math.abs(h[5].priority.reduce((a, b) => a + b, 0) - 1) < 1e-3);
  const store = memoryStore();
  await runSearch(new Esapp(problem, 5, { populationSize: 10 }), problem, syntheticEvaluator(), { budget: 60, store, stopAfter: 27 });
  const resumed = new Esapp(problem, 5, { populationSize: 10 });
  await runSearch(resumed, problem, syntheticEvaluator(), { budget: 60, store });
  assert.equal(resumed.priorityHistory, h);
});

test.run();
