// ESAPP where decisions differ in effect (issue 14, part 3; docs/search.md §8.5): a hardware-only search on
// `gibbon-cifar` (bench/search-hw-problem.ts: energy, latency and area from the real hardware simulator, a
// floor on MACs as the constraint). ESAPP against its uniform-priority ablation, NSGA-II and random search,
// each with the same evaluation budget on the same seeds. A run of 1,000 evaluations takes about 0.5 s.
//
// Prints the median hypervolume after each budget step, and per seed the difference of ESAPP to each of the
// others (mean ± standard error, seeds ahead), at every step and at the end. Every setting was fixed on
// seeds 1-50 (--first-seed 1 --seeds 50); the defaults report the untouched seeds 101-200.
//
// Run: npm run bench:search-hw [-- --budget 1000 --step 100 --population 50 --seeds 100 --first-seed 101
//        --min-macs 2e7 --esapp-options '{"sharp":{"subspaceFrac":0.5,"temperature":0.25}}']
//   --esapp-options   extra ESAPP variants (named settings objects, or one object: `esapp-custom`), each
//                     compared with the uniform-priority ablation.
// Asserts nothing. Last line: one JSON object.
import { parseArgs } from 'node:util';
import { loadSimulatorNode } from '../src/node/simulator.ts';
import type { Algorithm } from '../src/search/algorithm.ts';
import { createAlgorithm } from '../src/search/registry.ts';
import { runSearch } from '../src/search/run-search.ts';
import { DEFAULT_MIN_MACS, hardwareOnly, memoEvaluator, referenceSpec } from './search-hw-problem.ts';
import { formatDifference, hypervolumeCurve, median, namedVariants, pairedDifference } from './compare.ts';

const { values: a } = parseArgs({
  options: {
    budget: { type: 'string', default: '1000' }, step: { type: 'string', default: '100' }, population: { type: 'string', default: '50' },
    seeds: { type: 'string', default: '100' }, 'first-seed': { type: 'string', default: '101' }, 'min-macs': { type: 'string', default: String(DEFAULT_MIN_MACS) },
    'esapp-options': { type: 'string' },
  },
});
const BUDGET = Number(a.budget), STEP = Number(a.step), POP = Number(a.population), SEEDS = Number(a.seeds), FIRST_SEED = Number(a['first-seed']);
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
  nsga2: (seed) => createAlgorithm('nsga2', problem, seed, { populationSize: POP }),
  random: (seed) => createAlgorithm('random', problem, seed, { batchSize: POP }),
};
if (a['esapp-options']) {
  for (const [name, settings] of namedVariants(a['esapp-options'])) VARIANTS[`esapp-${name}`] = esapp(settings as Record<string, number>);
}
const names = Object.keys(VARIANTS);
const steps = Array.from({ length: Math.floor(BUDGET / STEP) }, (_, i) => (i + 1) * STEP);
if (steps[steps.length - 1] !== BUDGET) steps.push(BUDGET);

const curves: Record<string, number[][]> = Object.fromEntries(names.map((n) => [n, []]));
const start = performance.now();
for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
  evaluator.clear();
  for (const name of names) {
    const result = await runSearch(VARIANTS[name](seed), problem, evaluator, { budget: BUDGET });
    curves[name].push(hypervolumeCurve(result.evaluated, steps, hvSpec));
  }
  process.stderr.write(`\r  seed ${seed - FIRST_SEED + 1}/${SEEDS}, ${Math.round((performance.now() - start) / 1000)} s\x1b[K`);
}
process.stderr.write('\n');
const wallS = (performance.now() - start) / 1000;

const fmt = (x: number, digits = 4) => x.toFixed(digits);
console.log(`\nbench:search-hw: gibbon-cifar, minimize ${problem.objectives.join(', ')} subject to MACs >= ${MIN_MACS.toExponential(2)}; ` +
  `budget ${BUDGET}, population ${POP}, seeds ${FIRST_SEED}..${FIRST_SEED + SEEDS - 1}; ${evaluator.simulated} designs simulated in ${wallS.toFixed(0)} s`);
console.log(`hypervolume: log scale per objective, ideal ${JSON.stringify(hvSpec.ideal)}, nadir ${JSON.stringify(hvSpec.nadir)} (uJ, ms, mm2), reference point 1.1\n`);

console.log('median hypervolume after each budget step');
const width = (n: string) => Math.max(n.length, 7) + 2;
console.log(['evals'.padStart(6), ...names.map((n) => n.padStart(width(n)))].join(''));
const medians: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, steps.map((_, i) => median(curves[n].map((c) => c[i])))]));
steps.forEach((s, i) => console.log([String(s).padStart(6), ...names.map((n) => fmt(medians[n][i]).padStart(width(n)))].join('')));

/** Per seed, run minus baseline after step i. */
const diffAt = (run: string, base: string, i: number) => pairedDifference(curves[run].map((c) => c[i]), curves[base].map((c) => c[i]));
const pairs: [string, string][] = [
  ...names.filter((n) => n.startsWith('esapp') && n !== UNIFORM).map((n) => [n, UNIFORM] as [string, string]),
  ['esapp', 'nsga2'], ['esapp', 'random'], [UNIFORM, 'nsga2'],
];
console.log('\nper seed, run minus baseline (mean ± standard error; seeds ahead)');
console.log(['evals'.padStart(6), ...pairs.map(([r, b]) => `${r} - ${b}`.padStart(32))].join(''));
steps.forEach((s, i) => console.log([String(s).padStart(6), ...pairs.map(([r, b]) => {
  const d = diffAt(r, b, i);
  return `${formatDifference(d.mean, d.stdErr)}  ${String(d.ahead).padStart(3)}/${SEEDS}`.padStart(32);
})].join('')));

const last = steps.length - 1;
const vsUniform = diffAt('esapp', UNIFORM, last), vsNsga2 = diffAt('esapp', 'nsga2', last);
const round = (x: number) => Number(x.toPrecision(4));
console.log(JSON.stringify({
  bench: 'search-hw', space: 'gibbon-cifar', objectives: problem.objectives, minMacs: MIN_MACS, population: POP, step: STEP,
  seeds: SEEDS, firstSeed: FIRST_SEED, budget: BUDGET,
  esapp_minus_uniform: round(vsUniform.mean), esapp_minus_uniform_se: round(vsUniform.stdErr),
  esapp_minus_nsga2: round(vsNsga2.mean), esapp_minus_nsga2_se: round(vsNsga2.stdErr),
  finalMedians: Object.fromEntries(names.map((n) => [n, round(medians[n][last])])), wallS: Math.round(wallS),
}));
