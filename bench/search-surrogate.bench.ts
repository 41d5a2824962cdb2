// ESAPP's priority against its ablation on a surrogate of the `mnist` space (docs/search.md §8.4), fast
// enough for 100 seeds per variant. bench:search (real evaluations, about 1 s per new candidate) resolves
// differences of about 0.01 in hypervolume with 10 seeds; the priority's effect is smaller than that, so
// this bench answers the question on a stand-in world first:
//   accuracy  the "world" predictor: the RNN predictor trained once on the real evaluations of the
//             bench:search cache (bench/fixtures/world-mnist-e10.json; its held-out Kendall tau is printed
//             by --train-world), predicted quantized accuracy minus predicted PIM loss, rounded to 0.01 as
//             100 validation images are;
//   hardware  the real hardware simulator (in this thread; tens of microseconds per candidate).
// A 150-evaluation run takes about 20 ms. Every variant runs on the same seeds; the comparison is paired
// (per seed, variant minus the uniform-priority ablation: mean ± standard error, seeds ahead).
// Findings here are a screen, not a result: a variant worth adopting is confirmed with bench:search.
//
// Run: npm run bench:search-surrogate [-- --budget 150 --population 10 --seeds 100 --first-seed 1
//        --objectives accuracy,edp --esapp-options '{"soft":{"temperature":1}}' --random-priorities 40
//        --screen-noise 0.03]
//   --random-priorities K  adds K ESAPP variants with a fixed random priority vector each (weights
//                          Gamma(0.7, 1)): which allocation of mutations, even one an oracle picked, beats
//                          uniform? Re-run the best on fresh seeds (--first-seed 101) before believing it.
//   --screen-noise SD      every variant also runs with an emulated screen (docs/search.md §9): children
//                          proposed 32x, kept by the world's accuracy plus Gaussian noise of SD.
//   --train-world          retrains the world from bench/out/search-cache/mnist-e10-s1-l100.jsonl (every
//                          10th record held out) and writes the fixture; --cache-records N uses the first N
//                          records only (the fixture: 29960, what the cache held when it was trained).
// Asserts nothing. Last line: one JSON summary.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readJournal } from '../src/node/journal-file.ts';
import { spacePreset } from '../src/space/presets.ts';
import { setupTfjs } from '../src/node/tfjs-setup.ts';
import { loadSimulatorNode } from '../src/node/simulator.ts';
import { createPredictor, predictorFromState } from '../src/predictor/predictor.ts';
import type { PredictorState } from '../src/predictor/types.ts';
import { sampleOfMetrics } from '../src/predictor/labels.ts';
import { kendallTauB } from '../src/nn/standalone.ts';
import { largestCandidate, smallestCandidate } from '../src/nn/supernet.ts';
import { hypervolumeSpecOf, infeasibleMetrics } from '../src/evaluate/gibbon-evaluator.ts';
import { simulatorHardware } from '../src/evaluate/gibbon-evaluator.ts';
import { decisionsOfSpace, genomeKey, objectivesOf, type Evaluator, type Genome, type Metrics, type MetricName, type Problem } from '../src/search/problem.ts';
import { Esapp, type EsappSettings } from '../src/search/algorithms/esapp.ts';
import { createAlgorithm } from '../src/search/registry.ts';
import { drawDecisions } from '../src/search/priority.ts';
import { resampleGene } from '../src/search/operators.ts';
import { runSearch } from '../src/search/run-search.ts';
import { hypervolume } from '../src/search/hypervolume.ts';
import type { Screen } from '../src/search/screen.ts';
import { labelId, normalAt, Rng } from '../src/util/rng.ts';
import { formatDifference, median, namedVariants, pairedDifference } from './compare.ts';

const { values: a } = parseArgs({
  options: {
    budget: { type: 'string', default: '150' }, population: { type: 'string', default: '10' }, seeds: { type: 'string', default: '100' },
    'first-seed': { type: 'string', default: '1' }, objectives: { type: 'string', default: 'accuracy,edp' },
    'esapp-options': { type: 'string' }, 'random-priorities': { type: 'string', default: '0' }, 'screen-noise': { type: 'string' },
    world: { type: 'string', default: 'bench/fixtures/world-mnist-e10.json' }, 'train-world': { type: 'boolean' }, 'cache-records': { type: 'string' },
  },
});
const BUDGET = Number(a.budget), POP = Number(a.population), SEEDS = Number(a.seeds), FIRST_SEED = Number(a['first-seed']);
const CACHE = 'bench/out/search-cache/mnist-e10-s1-l100.jsonl';

const space = spacePreset('mnist');
await setupTfjs();
const sim = await loadSimulatorNode();

if (a['train-world']) await trainWorld();

/** Trains the world predictor on 90 % of the real evaluations in the cache; prints its tau on the other 10 %. */
async function trainWorld(): Promise<void> {
  const all = readJournal<{ genome: Genome; metrics: Metrics }>(CACHE).records;
  const records = all.slice(0, a['cache-records'] === undefined ? all.length : Number(a['cache-records'])).filter((r) => r.metrics.fits === 1);
  const train = records.filter((_, i) => i % 10 !== 0), held = records.filter((_, i) => i % 10 === 0);
  const predictor = createPredictor(space, { seed: 7 });
  const t = performance.now();
  await predictor.fit(train.map((r) => sampleOfMetrics(space.decode(r.genome), r.metrics)!), { epochs: 20, onProgress: (p) => process.stderr.write(`\r  world: epoch ${p.epoch}/${p.epochs}, loss ${p.loss.toFixed(4)}, ${Math.round((performance.now() - t) / 1000)} s\x1b[K`) });
  process.stderr.write('\n');
  const predicted = predictor.predict(held.map((r) => space.decode(r.genome))).map((p) => p.quantized - p.pimLoss);
  console.log(`world trained on ${train.length} real evaluations in ${Math.round((performance.now() - t) / 1000)} s; accuracy Kendall tau-b on ${held.length} held out: ${kendallTauB(predicted, held.map((r) => r.metrics.accuracy)).toFixed(3)}`);
  writeFileSync(a.world!, JSON.stringify(predictor.state()));
  predictor.dispose();
}

const world = predictorFromState(space, JSON.parse(readFileSync(a.world!, 'utf8')) as PredictorState);
world.useWasm(sim.exports);
const hardware = simulatorHardware(space, sim);
const problem: Problem = {
  decisions: decisionsOfSpace(space.decisions), objectives: a.objectives!.split(',') as MetricName[], constraints: [],
  canonicalize: (g) => space.encode(space.decode(g)),
};

/** The world's metrics of canonical genomes (memoized: the world is a pure function; new ones predicted in one batch). */
const memo = new Map<string, Metrics>();
function worldMetrics(genomes: readonly Genome[]): Metrics[] {
  const keys = genomes.map(genomeKey);
  const fresh = [...new Map(keys.flatMap((k, i) => (memo.has(k) ? [] : [[k, genomes[i]] as const]))).entries()];
  const candidates = fresh.map(([, g]) => space.decode(g));
  const hw = candidates.map(hardware);
  const fitting = candidates.filter((_, i) => hw[i] !== undefined);
  const predictions = fitting.length > 0 ? world.predict(fitting) : [];
  let k = 0;
  fresh.forEach(([key], i) => {
    const h = hw[i];
    if (h === undefined) { memo.set(key, infeasibleMetrics()); return; }
    const p = predictions[k++];
    memo.set(key, { ...h, accuracy: Math.round(100 * Math.min(1, Math.max(0, p.quantized - p.pimLoss))) / 100, fits: 1 });
  });
  return keys.map((key) => structuredClone(memo.get(key)!));
}
const evaluator: Evaluator = { evaluate: async (genomes) => worldMetrics(genomes) };

/** `gibbon search`'s hypervolume normalization, from the in-thread simulator. */
const hvSpec = hypervolumeSpecOf(problem.objectives, [largestCandidate(space), smallestCandidate(space)].map(hardware).filter((m): m is Metrics => m !== undefined));

/** A screen that knows the world up to Gaussian noise on accuracy (sd), fixed per candidate and seed. */
function noisyScreen(sd: number, seed: number): Screen {
  return {
    oversample: 32, randomShare: 0.2, warmupGenerations: 1,
    predict: (genomes) => {
      const canonical = genomes.map((g) => problem.canonicalize!(g));
      return worldMetrics(canonical).map((m, i) => {
        const accuracy = m.fits === 1 ? m.accuracy + sd * normalAt(seed, labelId(genomeKey(canonical[i])), 0, 0, 0) : m.accuracy;
        return { F: objectivesOf(problem, { ...m, accuracy }), cv: 0 };
      });
    },
    learn: async () => {}, settings: () => ({ kind: 'noisy-world', sd }), state: () => null, restore: () => {},
  };
}

/** ESAPP whose mutation draws its decisions from a fixed priority vector (the oracle check). */
class FixedPriorityEsapp extends Esapp {
  constructor(p: Problem, seed: number, options: Partial<EsappSettings>, private readonly fixed: number[], screen?: Screen) { super(p, seed, options, screen); }
  protected mutate(genome: Genome, rng: Rng): void {
    for (const d of drawDecisions(this.fixed, this.opts.mutateNum, rng)) resampleGene(genome, d, this.sizes[d], rng);
  }
}

type Variant = { make: (seed: number, screen?: Screen) => ReturnType<typeof createAlgorithm> };
const esapp = (options: Record<string, number>): Variant => ({ make: (seed, screen) => createAlgorithm('esapp', problem, seed, { populationSize: POP, ...options }, screen) });
const VARIANTS: Record<string, Variant> = {
  'esapp-uniform': esapp({ wIntensity: 0, wEntropy: 0, subspaceFrac: 1 }),
  esapp: esapp({}),
  'esapp-sharp': esapp({ subspaceFrac: 0.5, temperature: 0.25 }),
  nsga2: { make: (seed, screen) => createAlgorithm('nsga2', problem, seed, { populationSize: POP }, screen) },
};
if (a['esapp-options']) {
  for (const [name, settings] of namedVariants(a['esapp-options'])) VARIANTS[`esapp-${name}`] = esapp(settings as Record<string, number>);
}
const gammaRng = new Rng(1).fork('random-priorities');
for (let k = 0; k < Number(a['random-priorities']); k++) {
  const weights = problem.decisions.map((d) => (d.size > 1 ? gamma07(gammaRng) : 0));
  const total = weights.reduce((s, w) => s + w, 0);
  const fixed = weights.map((w) => w / total);
  VARIANTS[`fixed-${k}`] = { make: (seed, screen) => new FixedPriorityEsapp(problem, seed, { populationSize: POP }, fixed, screen) };
}
/** Gamma(0.7, 1) by Marsaglia-Tsang with the shape-boost for shape < 1. */
function gamma07(rng: Rng): number {
  const shape = 1.7, d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal(), v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = rng.next();
    if (Math.log(Math.max(u, 1e-300)) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * Math.max(rng.next(), 1e-300) ** (1 / 0.7);
  }
}

const noise = a['screen-noise'] === undefined ? undefined : Number(a['screen-noise']);
const names = Object.keys(VARIANTS).flatMap((n) => (noise === undefined ? [n] : [n, `${n}+screen`]));
const finals: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
const start = performance.now();
for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
  for (const name of names) {
    const screened = name.endsWith('+screen');
    const variant = VARIANTS[screened ? name.slice(0, -'+screen'.length) : name];
    const result = await runSearch(variant.make(seed, screened ? noisyScreen(noise!, seed) : undefined), problem, evaluator, { budget: BUDGET });
    finals[name].push(hypervolume(result.evaluated.filter((e) => e.metrics.fits !== 0).map((e) => objectivesOf(problem, e.metrics)), hvSpec));
  }
  process.stderr.write(`\r  seed ${seed - FIRST_SEED + 1}/${SEEDS}, ${Math.round((performance.now() - start) / 1000)} s\x1b[K`);
}
process.stderr.write('\n');

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
console.log(`\nsurrogate mnist (world ${a.world}), objectives ${problem.objectives.join(', ')}, budget ${BUDGET}, population ${POP}, seeds ${FIRST_SEED}..${FIRST_SEED + SEEDS - 1}${noise === undefined ? '' : `, screen noise sd ${noise}`}; ${Math.round((performance.now() - start) / 1000)} s`);
console.log('hypervolume at the end; difference = per seed, run minus its uniform-priority ablation (with the same screen)\n');
console.log(`${'run'.padEnd(24)}${'median'.padStart(8)}${'mean'.padStart(8)}   difference (mean ± s.e.)   ahead`);
const rows = names.map((name) => {
  const base = finals[name.endsWith('+screen') ? 'esapp-uniform+screen' : 'esapp-uniform'];
  const d = pairedDifference(finals[name], base);
  return { name, median: median(finals[name]), mean: mean(finals[name]), diff: d.mean, se: d.stdErr, ahead: d.ahead };
}).sort((x, y) => y.diff - x.diff);
for (const r of rows) {
  console.log(`${r.name.padEnd(24)}${r.median.toFixed(4).padStart(8)}${r.mean.toFixed(4).padStart(8)}   ${formatDifference(r.diff, r.se).padEnd(24)}  ${r.ahead}/${SEEDS}`);
}
console.log(JSON.stringify({ bench: 'search-surrogate', budget: BUDGET, population: POP, firstSeed: FIRST_SEED, seeds: SEEDS, objectives: problem.objectives, screenNoise: noise ?? null, rows }));
world.dispose();
