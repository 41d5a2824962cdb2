// ESAPP where decisions differ in effect (issue 14, part 3; docs/search.md §8.5): a hardware-only search on
// `gibbon-cifar` (bench/search-hw-problem.ts: energy, latency and area from the real hardware simulator, a
// floor on MACs as the constraint). ESAPP against its uniform-priority ablation, NSGA-II and random search,
// each with the same evaluation budget on the same seeds. A run of 1,000 evaluations takes about 0.5 s.
//
// Prints the median hypervolume after each budget step, and per seed the difference of ESAPP to each of the
// others (mean ± standard error, seeds ahead), at every step and at the end. Every setting was fixed on
// seeds 1-50 (--first-seed 1 --seeds 50); the defaults report the untouched seeds 101-200.
//
// Run: npm run bench:search-hw [-- --budget 1000 --step 100 --population 20 --nsga2-population 10 --seeds 100
//        --first-seed 101 --min-macs 2e7 --esapp-options '{"sharp":{"subspaceFrac":0.5,"temperature":0.25}}'
//        --effect-priorities]
//   --population         ESAPP's and its ablation's (random search: its batch); NSGA-II has its own. Both
//                        are each algorithm's best of 10, 20, 50, 100 on seeds 1-50.
//   --esapp-options      extra ESAPP variants (named settings objects, or one object: `esapp-custom`), each
//                        compared with the uniform-priority ablation.
//   --effect-priorities  the oracle check: two ESAPP variants that draw mutations from a fixed priority in
//                        proportion to each decision's measured effect alone (and to its square root).
// Asserts nothing. Last line: one JSON object.
import { parseArgs } from 'node:util';
import { loadSimulatorNode } from '../src/node/simulator.ts';
import type { Algorithm } from '../src/search/algorithm.ts';
import { Esapp } from '../src/search/algorithms/esapp.ts';
import { createAlgorithm } from '../src/search/registry.ts';
import { runSearch } from '../src/search/run-search.ts';
import { DEFAULT_MIN_MACS, decisionEffects, hardwareOnly, memoEvaluator, referenceSpec } from './search-hw-problem.ts';
import { FixedPriorityEsapp, formatDifference, hypervolumeCurve, median, namedVariants, pairedDifference } from './compare.ts';

const { values: a } = parseArgs({
  options: {
    budget: { type: 'string', default: '1000' }, step: { type: 'string', default: '100' }, population: { type: 'string', default: '20' },
    'nsga2-population': { type: 'string', default: '10' },
    seeds: { type: 'string', default: '100' }, 'first-seed': { type: 'string', default: '101' }, 'min-macs': { type: 'string', default: String(DEFAULT_MIN_MACS) },
    'esapp-options': { type: 'string' }, 'effect-priorities': { type: 'boolean' },
  },
});
const BUDGET = Number(a.budget), STEP = Number(a.step), POP = Number(a.population), NSGA2_POP = Number(a['nsga2-population']);
const SEEDS = Number(a.seeds), FIRST_SEED = Number(a['first-seed']);
const MIN_MACS = Number(a['min-macs']);

const sim = await loadSimulatorNode();
const hw = hardwareOnly(sim, MIN_MACS);
const { problem } = hw;
const hvSpec = referenceSpec(hw);
const evaluator = memoEvaluator(hw.metricsOf);

type Make = (seed: number) => Algorithm;
const esapp = (options: Record<string, number>): Make => (seed) => createAlgorithm('esapp', problem, seed, { populationSize: POP, ...options });
/** The baseline every ESAPP variant is compared with: the same algorithm with the priority flat. */
const UNIFORM = 'esapp-uniform';
const VARIANTS: Record<string, Make> = {
  esapp: esapp({}),
  [UNIFORM]: esapp({ wIntensity: 0, wEntropy: 0 }),
  nsga2: (seed) => createAlgorithm('nsga2', problem, seed, { populationSize: NSGA2_POP }),
  random: (seed) => createAlgorithm('random', problem, seed, { batchSize: POP }),
};
const effect = decisionEffects(hw);
const effects = effect.map((e, i) => ({ id: problem.decisions[i].id, e })).sort((x, y) => y.e - x.e);
if (a['effect-priorities']) {
  // The oracle check: mutations drawn in proportion to each decision's measured effect (or its square root),
  // with ESAPP's floor of 0.1 spread over the mutable decisions
  const mutableCount = problem.decisions.filter((d) => d.size > 1).length;
  for (const [name, power] of [['effect', 1], ['effect-sqrt', 0.5]] as const) {
    const w = effect.map((e, d) => (problem.decisions[d].size > 1 ? e ** power : 0));
    const total = w.reduce((t, x) => t + x, 0);
    const fixed = w.map((x, d) => (problem.decisions[d].size > 1 ? 0.1 / mutableCount + 0.9 * x / total : 0));
    VARIANTS[`fixed-${name}`] = (seed) => new FixedPriorityEsapp(problem, seed, { populationSize: POP }, fixed);
  }
}
if (a['esapp-options']) {
  for (const [name, settings] of namedVariants(a['esapp-options'])) VARIANTS[`esapp-${name}`] = esapp(settings as Record<string, number>);
}
const names = Object.keys(VARIANTS);
const steps = Array.from({ length: Math.floor(BUDGET / STEP) }, (_, i) => (i + 1) * STEP);
if (steps[steps.length - 1] !== BUDGET) steps.push(BUDGET);

const curves: Record<string, number[][]> = Object.fromEntries(names.map((n) => [n, []]));
/** ESAPP's priority per decision at the end of each run, summed over the seeds (what it learned). */
const prioritySum = problem.decisions.map(() => 0);
const start = performance.now();
for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
  evaluator.clear();
  for (const name of names) {
    const algorithm = VARIANTS[name](seed);
    const result = await runSearch(algorithm, problem, evaluator, { budget: BUDGET });
    curves[name].push(hypervolumeCurve(result.evaluated, steps, hvSpec));
    if (name === 'esapp' && algorithm instanceof Esapp) algorithm.priority.priority.forEach((p, d) => { prioritySum[d] += p; });
  }
  process.stderr.write(`\r  seed ${seed - FIRST_SEED + 1}/${SEEDS}, ${Math.round((performance.now() - start) / 1000)} s\x1b[K`);
}
process.stderr.write('\n');
const wallS = (performance.now() - start) / 1000;

const fmt = (x: number, digits = 4) => x.toFixed(digits);
console.log(`\nbench:search-hw: gibbon-cifar, minimize ${problem.objectives.join(', ')} subject to MACs >= ${MIN_MACS.toExponential(2)}; ` +
  `budget ${BUDGET}, population ${POP} (NSGA-II ${NSGA2_POP}), seeds ${FIRST_SEED}..${FIRST_SEED + SEEDS - 1}; ${evaluator.simulated} designs simulated in ${wallS.toFixed(0)} s`);
console.log(`hypervolume: log scale per objective, ideal ${JSON.stringify(hvSpec.ideal)}, nadir ${JSON.stringify(hvSpec.nadir)} (uJ, ms, mm2), reference point 1.1\n`);

const listEffects = (xs: typeof effects) => xs.map((x) => `${x.id} ${x.e.toFixed(3)}`).join(', ');
console.log(`effect of each decision alone (mean over 100 random designs of the summed |change of ln objective|):\n  largest: ${listEffects(effects.slice(0, 6))}` +
  `\n  median ${median(effects.map((x) => x.e)).toFixed(3)}; smallest: ${listEffects(effects.slice(-3))}\n`);

console.log('median hypervolume after each budget step');
const width = (n: string) => Math.max(n.length, 7) + 2;
console.log(['evals'.padStart(6), ...names.map((n) => n.padStart(width(n)))].join(''));
const medians: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, steps.map((_, i) => median(curves[n].map((c) => c[i])))]));
steps.forEach((s, i) => console.log([String(s).padStart(6), ...names.map((n) => fmt(medians[n][i]).padStart(width(n)))].join('')));

/** Per seed, run minus baseline after step i. */
const diffAt = (run: string, base: string, i: number) => pairedDifference(curves[run].map((c) => c[i]), curves[base].map((c) => c[i]));
const pairs: [string, string][] = [
  ...names.filter((n) => (n.startsWith('esapp') || n.startsWith('fixed')) && n !== UNIFORM).map((n) => [n, UNIFORM] as [string, string]),
  ['esapp', 'nsga2'], ['esapp', 'random'], [UNIFORM, 'nsga2'],
];
console.log('\nper seed, run minus baseline (mean ± standard error; seeds ahead)');
const pairWidth = ([r, b]: [string, string]) => Math.max(`${r} - ${b}`.length, 28) + 2;
console.log(['evals'.padStart(6), ...pairs.map((p) => `${p[0]} - ${p[1]}`.padStart(pairWidth(p)))].join(''));
steps.forEach((s, i) => console.log([String(s).padStart(6), ...pairs.map((p) => {
  const d = diffAt(p[0], p[1], i);
  return `${formatDifference(d.mean, d.stdErr)}  ${String(d.ahead).padStart(3)}/${SEEDS}`.padStart(pairWidth(p));
})].join('')));

const mutable = problem.decisions.filter((d) => d.size > 1).length;
const byPriority = problem.decisions.map((d, i) => ({ id: d.id, p: prioritySum[i] / SEEDS })).sort((x, y) => y.p - x.p);
const listed = (xs: typeof byPriority) => xs.map((x) => `${x.id} ${(100 * x.p).toFixed(2)}%`).join(', ');
console.log(`\nESAPP's priority at the end, mean over the seeds (uniform: ${(100 / mutable).toFixed(2)}% each):\n  highest: ${listed(byPriority.slice(0, 8))}\n  lowest:  ${listed(byPriority.slice(-4))}`);

const last = steps.length - 1;
const vsUniform = diffAt('esapp', UNIFORM, last), vsNsga2 = diffAt('esapp', 'nsga2', last);
const round = (x: number) => Number(x.toPrecision(4));
console.log(JSON.stringify({
  bench: 'search-hw', space: 'gibbon-cifar', objectives: problem.objectives, minMacs: MIN_MACS, population: POP, nsga2Population: NSGA2_POP, step: STEP,
  seeds: SEEDS, firstSeed: FIRST_SEED, budget: BUDGET,
  esapp_minus_uniform: round(vsUniform.mean), esapp_minus_uniform_se: round(vsUniform.stdErr),
  esapp_minus_nsga2: round(vsNsga2.mean), esapp_minus_nsga2_se: round(vsNsga2.stdErr),
  finalMedians: Object.fromEntries(names.map((n) => [n, round(medians[n][last])])), wallS: Math.round(wallS),
}));
