// Search quality (issue 5, docs/search.md §8): ESAPP, ESAPP with uniform priorities (the ablation),
// NSGA-II, regularized evolution and random search at equal evaluation budgets on the `mnist` space,
// objectives accuracy and EDP, several seeds. Every evaluation is real (supernet accuracy on the functional
// simulator + hardware simulator); one cache of evaluations is shared by all algorithms and seeds and kept
// on disk (bench/out/search-cache/), so a distinct candidate is evaluated once and a re-run is quick.
// Prints the median hypervolume after each budget step, the evaluations each algorithm needs to reach 95%
// of the best final median hypervolume, ESAPP against NSGA-II's final hypervolume and against its
// ablation, and whether the fronts show the paper's insights (2x2 vs 3x3 kernels on EDP and area; 8- vs
// 10-bit ADC accuracy). Last line: one JSON summary. Asserts nothing.
//
// With the predictor (issue 6): `esapp-predictor` is ESAPP with the RNN predictor screen (docs/search.md
// §9), a fresh predictor per run (seed = the run's seed). Against plain ESAPP, with the target fixed at 95%
// of plain ESAPP's median final hypervolume: the accuracy evaluations each needs to reach it (the
// predictor's training labels are those evaluations) and the wall time (evaluations x the measured seconds
// per evaluation, plus the predictor's own measured time).
//
// Run: npm run bench:search [-- --budget 100 --step 5 --seeds 5 --population 10 --limit 100 --workers 2]
// More seeds in a second process: --first-seed 6 --seeds 5 --tag s6 (snapshot in bench/out/search-latest-s6.txt).
// --target <hv>: also the evaluations each run needs to reach that hypervolume (a target fixed beforehand).
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { readJournal } from '../src/node/journal-file.ts';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from '../src/node/dataset-files.ts';
import { loadSupernetState } from '../src/node/supernet-files.ts';
import { createNodePool } from '../src/node/pool.ts';
import { setupTfjs } from '../src/node/tfjs-setup.ts';
import { Supernet } from '../src/nn/supernet.ts';
import { spacePreset } from '../src/space/presets.ts';
import { cachedSupernetDir } from '../src/cli/search.ts';
import { supernetCacheKey } from '../src/run/pins.ts';
import { cachedSupernetTrainer } from '../src/node/supernet-trainer.ts';
import { createGibbonEvaluator, defaultHypervolumeSpec } from '../src/evaluate/gibbon-evaluator.ts';
import { cachedEvaluator } from '../src/search/cached-evaluator.ts';
import { decisionsOfSpace, objectivesOf, type Genome, type Metrics, type Problem } from '../src/search/problem.ts';
import { createAlgorithm } from '../src/search/registry.ts';
import { runSearch } from '../src/search/run-search.ts';
import { hypervolume, type HypervolumeSpec } from '../src/search/hypervolume.ts';
import { paretoFront } from '../src/search/pareto.ts';
import { genomeKey, makeEvaluated, type Evaluator } from '../src/search/problem.ts';
import { createPredictorScreen } from '../src/predictor/screen.ts';
import { simulatorHardware } from '../src/evaluate/gibbon-evaluator.ts';
import type { Screen } from '../src/search/screen.ts';
import { createPredictor } from '../src/predictor/predictor.ts';
import { loadSimulatorNode } from '../src/node/simulator.ts';
import { formatDifference, median, namedVariants, pairedDifference } from './compare.ts';

const { values: a } = parseArgs({
  options: {
    budget: { type: 'string', default: '100' }, step: { type: 'string', default: '10' }, seeds: { type: 'string', default: '5' },
    population: { type: 'string', default: '10' }, limit: { type: 'string', default: '100' }, workers: { type: 'string', default: '2' },
    'supernet-epochs': { type: 'string', default: '10' }, algorithms: { type: 'string' }, 'no-insights': { type: 'boolean' },
    'esapp-options': { type: 'string' }, 'predictor-options': { type: 'string' }, 'first-seed': { type: 'string', default: '1' }, target: { type: 'string' },
    tag: { type: 'string' },
  },
});
const BUDGET = Number(a.budget), STEP = Number(a.step), SEEDS = Number(a.seeds), POP = Number(a.population), LIMIT = Number(a.limit);
/** Seeds FIRST_SEED .. FIRST_SEED + SEEDS - 1 (more seeds for a comparison can run as a second process). */
const FIRST_SEED = Number(a['first-seed']);
/** The snapshot after each seed goes to bench/out/search-latest[-<tag>].txt. */
const LATEST = join('bench', 'out', `search-latest${a.tag ? `-${a.tag}` : ''}.txt`);
const EPOCHS = Number(a['supernet-epochs']);

/** The algorithms compared, with their settings at this budget (standard settings otherwise). */
const UNIFORM = { wIntensity: 0, wEntropy: 0, subspaceFrac: 1 };
const ALGORITHMS: Record<string, { algorithm: string; options: Record<string, number>; predictor?: boolean | Record<string, number> }> = {
  esapp: { algorithm: 'esapp', options: { populationSize: POP } },
  'esapp-predictor': { algorithm: 'esapp', options: { populationSize: POP }, predictor: true },
  // the short-budget setting of docs/search.md §8.3: population 2 and a soft priority, screened from generation 1
  'esapp-predictor-short': { algorithm: 'esapp', options: { populationSize: 2, subspaceFrac: 1, temperature: 1 }, predictor: true },
  'esapp-uniform': { algorithm: 'esapp', options: { populationSize: POP, ...UNIFORM } },
  // the ablation of the product's default (ESAPP + predictor screen): the same screen, uniform priorities
  'esapp-uniform-predictor': { algorithm: 'esapp', options: { populationSize: POP, ...UNIFORM }, predictor: true },
  nsga2: { algorithm: 'nsga2', options: { populationSize: POP } },
  evolution: { algorithm: 'evolution', options: { populationSize: POP, sampleSize: Math.max(2, Math.round(POP / 4)), batchSize: POP } },
  random: { algorithm: 'random', options: { batchSize: POP } },
};
// --esapp-options '{"temperature":1}' adds `esapp-custom`: ESAPP with those settings (a priority sweep);
// '{"k3":{"priorPairs":3},"k10":{"priorPairs":10}}' adds `esapp-k3` and `esapp-k10`.
for (const [name, settings] of a['esapp-options'] ? namedVariants(a['esapp-options']) : []) {
  ALGORITHMS[`esapp-${name}`] = { algorithm: 'esapp', options: { populationSize: POP, ...(settings as Record<string, number>) } };
}
// --predictor-options '{"oversample":24}' adds `esapp-predictor-custom`: predictor-assisted ESAPP with those screen
// settings; '{"o24":{"oversample":24}}' adds `esapp-predictor-o24`. A key "esapp" in a variant's settings holds ESAPP's.
for (const [name, raw] of a['predictor-options'] ? namedVariants(a['predictor-options']) : []) {
  const { esapp, ...screen } = raw as { esapp?: Record<string, number> } & Record<string, number>;
  ALGORITHMS[`esapp-predictor-${name}`] = { algorithm: 'esapp', options: { populationSize: POP, ...esapp }, predictor: screen };
}
const NAMES = a.algorithms ? a.algorithms.split(',') : Object.keys(ALGORITHMS);

const space = spacePreset('mnist');
const dataset = await loadDataset('mnist');
const supernetDir = cachedSupernetDir('mnist', 'mnist', 1, EPOCHS, await supernetCacheKey(space.spec, dataset));
const trainer = cachedSupernetTrainer(supernetDir);
if (!(await trainer.load(EPOCHS))) await trainer.train({ space, dataset: 'mnist', epochs: EPOCHS, seed: 1 }, {});
await setupTfjs();
const state = loadSupernetState(supernetDir);
const sn = new Supernet(space, state.initSeed);
sn.setWeights(state.weights);
const pool = await createNodePool({ workers: Number(a.workers) });

const problem: Problem = { decisions: decisionsOfSpace(space.decisions), objectives: ['accuracy', 'edp'], constraints: [], canonicalize: (g) => space.encode(space.decode(g)) };
const hvSpec: HypervolumeSpec = await defaultHypervolumeSpec(space, problem.objectives, pool);

// The shared cache, persisted line by line and read as a journal (src/run/journal.ts: a torn last line is skipped).
const cacheDir = join('bench', 'out', 'search-cache');
mkdirSync(cacheDir, { recursive: true });
const cachePath = join(cacheDir, `mnist-e${EPOCHS}-s1-l${LIMIT}.jsonl`);
const cache = new Map<string, Metrics>();
/** Seconds per evaluation of every cached entry that recorded it, then of the new ones. */
const evalSeconds: number[] = [];
for (const r of readJournal<{ genome: Genome; metrics: Metrics; seconds?: number }>(cachePath).records) {
  cache.set(genomeKey(r.genome), r.metrics);
  if (typeof r.seconds === 'number') evalSeconds.push(r.seconds);
}
const cachedAtStart = cache.size;
const gibbon = createGibbonEvaluator({ space, supernet: sn, pool, dataset, split: 'validation', limit: LIMIT });
/** Seconds per evaluation of the last real batch (recorded with each new cache entry). */
let secondsPerEval = NaN;
const real: Evaluator = {
  async evaluate(genomes) {
    const t = performance.now();
    const out = await gibbon.evaluate(genomes);
    secondsPerEval = (performance.now() - t) / 1000 / genomes.length;
    return out;
  },
};
const evaluator = cachedEvaluator(real, cache, (genome, metrics) => {
  evalSeconds.push(secondsPerEval);
  appendFileSync(cachePath, `${JSON.stringify({ genome, metrics, seconds: Number(secondsPerEval.toFixed(4)) })}\n`);
});
const sim = await loadSimulatorNode();
/** Wall seconds spent in the predictor (training + screening) per predictor run. */
const predictorSeconds: Record<string, number[]> = {};

function timedScreen(name: string, seed: number, settings: Record<string, number>): Screen {
  const predictor = createPredictor(space, { seed });
  const inner = createPredictorScreen({ ...settings, space, problem, predictor, hardware: simulatorHardware(space, sim) });
  const spent = (predictorSeconds[name] ??= []);
  spent[seed - FIRST_SEED] = 0;
  const time = <T>(f: () => T): T => { const t = performance.now(); try { return f(); } finally { spent[seed - FIRST_SEED] += (performance.now() - t) / 1000; } };
  return {
    oversample: inner.oversample, randomShare: inner.randomShare, warmupGenerations: inner.warmupGenerations,
    predict: (g) => time(() => inner.predict(g)),
    async learn(e) { const t = performance.now(); await inner.learn(e); spent[seed - FIRST_SEED] += (performance.now() - t) / 1000; },
    settings: () => inner.settings(), state: () => inner.state(), restore: (st) => inner.restore(st),
  };
}

/** Hypervolume of the first k evaluations (those that fit the chip), at every multiple of STEP. */
function hvCurve(metrics: Metrics[]): number[] {
  const out: number[] = [];
  const points: number[][] = [];
  metrics.forEach((m, i) => {
    if (m.fits !== 0) points.push(objectivesOf(problem, m));
    if ((i + 1) % STEP === 0) out.push(hypervolume(points, hvSpec));
  });
  return out;
}

const steps = Array.from({ length: Math.floor(BUDGET / STEP) }, (_, i) => (i + 1) * STEP);
const curves: Record<string, number[][]> = Object.fromEntries(NAMES.map((n) => [n, []]));
const start = performance.now();
const runs = SEEDS * NAMES.length;
let done = 0;

/** The comparison over the seeds done so far (text lines via log; also written after each seed). */
function summarize(log: (s: string) => void) {
  // ===== Hypervolume per budget step =====
  const med: Record<string, number[]> = Object.fromEntries(NAMES.map((n) => [n, steps.map((_, i) => median(curves[n].map((c) => c[i])))]));
  log(`\nsearch quality on mnist (accuracy on ${LIMIT} validation images, EDP), population ${POP}, ${SEEDS} seeds (${FIRST_SEED}..${FIRST_SEED + SEEDS - 1}); supernet ${supernetDir} (${state.epoch} epochs)`);
  log(`hypervolume: normalized (accuracy: 1-acc in [0,1]; EDP: log scale, [${hvSpec.ideal![1]}, ${hvSpec.nadir![1]}] mJ*ms -> [0,1]), reference ${hvSpec.ref.join(', ')}\n`);
  const width = (n: string) => Math.max(16, n.length + 2);
  log(['evals', ...NAMES].map((s, i) => (i === 0 ? s.padStart(5) : s.padStart(width(s)))).join(''));
  steps.forEach((s, i) => log([String(s).padStart(5), ...NAMES.map((n) => med[n][i].toFixed(4).padStart(width(n)))].join('')));

  /** Evaluations a run needs to reach `target` (first step at or above), or Infinity. */
  const evalsTo = (curve: number[], target: number) => { const i = curve.findIndex((h) => h >= target - 1e-12); return i < 0 ? Infinity : steps[i]; };
  const finals = Object.fromEntries(NAMES.map((n) => [n, med[n][steps.length - 1]]));
  const best = Math.max(...Object.values(finals));
  const target95 = 0.95 * best;
  const fmtEvals = (xs: number[]) => { const m = median(xs); return Number.isFinite(m) ? String(m) : `>${BUDGET}`; };
  log(`\nevaluations to reach 95% of the best final median hypervolume (${target95.toFixed(4)}), median over seeds [per seed]:`);
  const to95: Record<string, number> = {};
  for (const n of NAMES) {
    const per = curves[n].map((c) => evalsTo(c, target95));
    to95[n] = median(per);
    log(`  ${n.padEnd(24)} ${fmtEvals(per).padStart(5)}  [${per.map((x) => (Number.isFinite(x) ? x : '-')).join(' ')}]`);
  }
  if (a.target !== undefined) {
    // a target fixed beforehand (e.g. 95% of plain ESAPP's median final from an earlier run): evaluations each run needs
    const fixed = Number(a.target);
    log(`\nevaluations to reach the fixed target ${fixed.toFixed(4)} (--target), median over seeds [per seed]:`);
    for (const n of NAMES) {
      const per = curves[n].map((c) => evalsTo(c, fixed));
      log(`  ${n.padEnd(24)} ${fmtEvals(per).padStart(5)}  [${per.map((x) => (Number.isFinite(x) ? x : '-')).join(' ')}]`);
    }
  }
  log(`\nfinal hypervolume per seed:`);
  for (const n of NAMES) log(`  ${n.padEnd(24)} ${curves[n].map((c) => c[c.length - 1].toFixed(4)).join(' ')}`);
  let esappVsNsga2: { target: number; esappEvals: number; nsga2Evals: number; ratio: number } | undefined;
  if (curves.esapp && curves.nsga2) {
    const target = finals.nsga2;
    const e = evalsTo(med.esapp, target);
    esappVsNsga2 = { target, esappEvals: e, nsga2Evals: evalsTo(med.nsga2, target), ratio: e / BUDGET };
    log(`\nESAPP (median curve) reaches NSGA-II's final median hypervolume ${target.toFixed(4)} after ${Number.isFinite(e) ? e : `>${BUDGET}`} evaluations ` +
      `(${Number.isFinite(e) ? (e / BUDGET).toFixed(2) : '-'} of NSGA-II's ${BUDGET}; target <= 0.33)`);
  }
  if (curves['esapp-predictor'] && curves.nsga2) {
    const e = evalsTo(med['esapp-predictor'], finals.nsga2);
    log(`ESAPP + predictor (median curve) reaches it after ${Number.isFinite(e) ? e : `>${BUDGET}`} evaluations (${Number.isFinite(e) ? (e / BUDGET).toFixed(2) : '-'} of ${BUDGET})`);
  }
  const ablations: Record<string, { finals: [number, number]; wins: number; ties: number; meanDiff: number; stdErr: number }> = {};
  for (const [n, u, label] of [['esapp', 'esapp-uniform', 'ESAPP'], ['esapp-predictor', 'esapp-uniform-predictor', 'ESAPP + predictor']] as const) {
    if (!curves[n] || !curves[u]) continue;
    const last = (c: number[]) => c[c.length - 1];
    const d = pairedDifference(curves[n].map(last), curves[u].map(last));
    ablations[n] = { finals: [finals[n], finals[u]], wins: d.ahead, ties: d.ties, meanDiff: d.mean, stdErr: d.stdErr };
    log(`${label} vs its uniform-priority ablation: final median hv ${finals[n].toFixed(4)} vs ${finals[u].toFixed(4)}; per seed ${formatDifference(d.mean, d.stdErr)} (mean ± s.e.), ahead on ${d.ahead}/${curves[n].length} seeds (${d.ties} ties)`);
  }
  let predictorVsPlain: Record<string, unknown> | undefined;
  const assisted = NAMES.filter((n) => n.startsWith('esapp-predictor') && curves[n]);
  if (curves.esapp && assisted.length > 0) {
    const target = 0.95 * finals.esapp;
    const perEval = median(evalSeconds);
    const rows = ['esapp', ...assisted].map((n) => {
      const per = curves[n].map((c) => evalsTo(c, target));
      const extra = predictorSeconds[n] ?? curves[n].map(() => 0);
      const wall = per.map((e, s) => (Number.isFinite(e) ? e * perEval + (extra[s] ?? 0) * Math.min(1, e / BUDGET) : Infinity));
      return { name: n, evals: median(per), per, wallS: median(wall), predictorS: median(extra) };
    });
    const ratios = Object.fromEntries(rows.slice(1).map((r) => [r.name, rows[0].evals / r.evals]));
    const ratio = ratios['esapp-predictor'] ?? ratios[rows[1].name];
    predictorVsPlain = { target, secondsPerEvaluation: perEval, rows, ratio, ratios };
    log(`\npredictor-assisted ESAPP vs ESAPP: target ${target.toFixed(4)} = 95% of ESAPP's median final hypervolume; ` +
      `accuracy evaluations to reach it (the predictor's labels are these evaluations), median [per seed]:`);
    for (const r of rows) {
      log(`  ${r.name.padEnd(22)} ${fmtEvals(r.per).padStart(5)} evals [${r.per.map((x) => (Number.isFinite(x) ? x : '-')).join(' ')}]` +
        `  ~${Number.isFinite(r.wallS) ? r.wallS.toFixed(0) : '-'} s wall (${perEval.toFixed(2)} s per evaluation${r.predictorS > 0 ? `, predictor ${r.predictorS.toFixed(1)} s per run` : ''})`);
    }
    for (const [n, x] of Object.entries(ratios)) log(`  ${n}: ${Number.isFinite(x) ? x.toFixed(2) : '-'}x fewer accuracy evaluations than esapp (target >= 5x)`);
  }
  return { med, finals, target95, to95, esappVsNsga2, ablations, predictorVsPlain };
}

process.stderr.write(`bench:search: ${NAMES.join(', ')} x ${SEEDS} seeds, budget ${BUDGET}, population ${POP}, ${LIMIT} validation images; cache ${cachePath} (${cachedAtStart} entries)\n`);
for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
  for (const name of NAMES) {
    const { algorithm, options, predictor } = ALGORITHMS[name];
    const screen = predictor ? timedScreen(name, seed, predictor === true ? {} : predictor) : undefined;
    const result = await runSearch(createAlgorithm(algorithm, problem, seed, options, screen), problem, evaluator, {
      budget: BUDGET,
      onProgress: (p) => {
        const elapsed = (performance.now() - start) / 1000;
        const frac = (done + p.fraction) / runs;
        process.stderr.write(`\r  seed ${seed} ${name.padEnd(13)} evals ${String(p.evaluations).padStart(4)}/${BUDGET} | cache ${cache.size} (${evaluator.misses} new) | ${Math.round(elapsed)} s, eta ${Math.round(elapsed / frac * (1 - frac))} s\x1b[K`);
      },
    });
    curves[name].push(hvCurve(result.evaluated.map((e) => e.metrics)));
    done++;
  }
  // a snapshot over the seeds done so far (a long run can be read, or stopped, part way)
  const snapshot: string[] = [`(after ${seed - FIRST_SEED + 1} of ${SEEDS} seeds)`];
  summarize((t) => snapshot.push(t));
  writeFileSync(LATEST, `${snapshot.join('\n')}\n`);
}
process.stderr.write('\n');
const wallS = (performance.now() - start) / 1000;

const { med, finals, target95, to95, esappVsNsga2, ablations, predictorVsPlain } = summarize((t) => console.log(t));
console.log(`\n${cache.size} distinct candidates evaluated in all (${evaluator.misses} new this run, ${cachedAtStart} from the cache); search wall time ${wallS.toFixed(0)} s`);

// ===== The paper's insights, on the front of everything evaluated =====
interface Insights { designs: number; kernel: Record<string, { n: number; edpRatio: number; areaRatio: number; accuracyPp: number }>; adc: { n: number; accuracyPp10minus8: number; maxPp: number; edpRatio10over8: number; areaRatio10over8: number }; frontKernelShare: { k2: number; k3: number; allK2: number; allK3: number } }
let insights: Insights | undefined;
if (!a['no-insights']) {
  const all = [...cache.entries()].filter(([, m]) => m.fits !== 0).map(([k, m], i) => makeEvaluated(problem, i, 0, k.split(',').map(Number), m));
  const frontAll = paretoFront(all).map((i) => all[i]).sort((x, y) => x.F[1] - y.F[1]);
  const pick = frontAll.length <= 12 ? frontAll : Array.from({ length: 12 }, (_, i) => frontAll[Math.round(i * (frontAll.length - 1) / 11)]);
  const kernelGenes = space.decisions.flatMap((d, i) => (d.id.endsWith('.kernel') ? [i] : []));
  const adcGene = space.decisions.findIndex((d) => d.id === 'hw.adc.bits');
  const valueIndex = (gene: number, v: number) => space.decisions[gene].values.indexOf(v);
  const k2 = valueIndex(kernelGenes[0], 2), k3 = valueIndex(kernelGenes[0], 3), adc8 = valueIndex(adcGene, 8), adc10 = valueIndex(adcGene, 10);
  /** Active kernel choices of a genome (what its decoded candidate uses). */
  const kernelsOf = (g: Genome): number[] => {
    const c = space.decode(g);
    return [c.stem.kernel, ...c.stages.flatMap((s) => s.convs.slice(0, s.blocks).flat().map((v) => v.kernel))];
  };
  const swap = (g: Genome, from: number, to: number) => g.map((v, i) => (kernelGenes.includes(i) && v === from ? to : v));
  const withAdc = (g: Genome, idx: number) => g.map((v, i) => (i === adcGene ? idx : v));
  const variants: Genome[] = [];
  for (const e of pick) {
    variants.push(swap(e.genome, k3, k2), swap(e.genome, k2, k3), withAdc(e.genome, adc8), withAdc(e.genome, adc10));
  }
  process.stderr.write(`insights: ${pick.length} front designs x 4 variants\n`);
  const vm = await evaluator.evaluate(variants);
  const kernel: Insights['kernel'] = {};
  for (const [label, offset, from] of [['3x3 -> 2x2', 0, 3], ['2x2 -> 3x3', 1, 2]] as const) {
    const rows = pick.map((e, j) => ({ e, m: vm[4 * j + offset] })).filter(({ e, m }) => kernelsOf(e.genome).includes(from) && m.fits !== 0);
    kernel[label] = {
      n: rows.length,
      edpRatio: median(rows.map(({ e, m }) => m.edp / e.metrics.edp)),
      areaRatio: median(rows.map(({ e, m }) => m.area / e.metrics.area)),
      accuracyPp: median(rows.map(({ e, m }) => 100 * (m.accuracy - e.metrics.accuracy))),
    };
  }
  const adcRows = pick.map((_, j) => ({ m8: vm[4 * j + 2], m10: vm[4 * j + 3] })).filter(({ m8, m10 }) => m8.fits !== 0 && m10.fits !== 0);
  const diffs = adcRows.map(({ m8, m10 }) => 100 * (m10.accuracy - m8.accuracy));
  const adc = {
    n: adcRows.length, accuracyPp10minus8: median(diffs), maxPp: Math.max(...diffs.map(Math.abs)),
    edpRatio10over8: median(adcRows.map(({ m8, m10 }) => m10.edp / m8.edp)), areaRatio10over8: median(adcRows.map(({ m8, m10 }) => m10.area / m8.area)),
  };
  const frontKernels = frontAll.flatMap((e) => kernelsOf(e.genome));
  const allKernels = all.flatMap((e) => kernelsOf(e.genome));
  const share = (ks: number[], k: number) => ks.filter((x) => x === k).length / Math.max(1, ks.filter((x) => x > 1).length);
  insights = { designs: pick.length, kernel, adc, frontKernelShare: { k2: share(frontKernels, 2), k3: share(frontKernels, 3), allK2: share(allKernels, 2), allK3: share(allKernels, 3) } };
  console.log(`\ninsights on ${pick.length} designs of the front of all ${all.length} evaluated candidates (each variant evaluated for real):`);
  for (const [label, k] of Object.entries(kernel)) {
    console.log(`  kernels ${label} (${k.n} designs): EDP x${k.edpRatio.toFixed(3)}, area x${k.areaRatio.toFixed(3)}, accuracy ${k.accuracyPp >= 0 ? '+' : ''}${k.accuracyPp.toFixed(1)} pp (medians)`);
  }
  console.log(`  among kernels > 1 on the front: 2x2 ${(100 * insights.frontKernelShare.k2).toFixed(0)}%, 3x3 ${(100 * insights.frontKernelShare.k3).toFixed(0)}% ` +
    `(all evaluated: ${(100 * insights.frontKernelShare.allK2).toFixed(0)}% / ${(100 * insights.frontKernelShare.allK3).toFixed(0)}%)`);
  console.log(`  ADC 10 vs 8 bits (${adc.n} designs): accuracy ${adc.accuracyPp10minus8 >= 0 ? '+' : ''}${adc.accuracyPp10minus8.toFixed(1)} pp median (largest |diff| ${adc.maxPp.toFixed(1)} pp), EDP x${adc.edpRatio10over8.toFixed(3)}, area x${adc.areaRatio10over8.toFixed(3)}`);
}

console.log(JSON.stringify({
  bench: 'search', space: 'mnist', objectives: problem.objectives, budget: BUDGET, step: STEP, seeds: SEEDS, firstSeed: FIRST_SEED, population: POP, limit: LIMIT,
  supernetEpochs: state.epoch, medianHv: med, finals, target95, evalsTo95: to95, esappVsNsga2, ablations, predictorVsPlain, insights,
  distinct: cache.size, newEvaluations: evaluator.misses, wallS: Math.round(wallS),
}, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)));
await pool.destroy();
sn.dispose();
