// `gibbon predictor train` and `gibbon predictor eval` (docs/predictor.md §7): label seeded candidates with
// the real simulators (pimLoss through a supernet, when there is one), train the RNN predictor, save it;
// measure it on a fresh disjoint set and on one-mutation neighbours of a late search population.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset } from '../node/dataset-files.ts';
import { hasSupernet, loadSupernetState } from '../node/supernet-files.ts';
import { createNodePool } from '../node/pool.ts';
import { loadSimulatorNode } from '../node/simulator.ts';
import { loadPredictorFile, savePredictorFile, type PredictorFile } from '../node/predictor-files.ts';
import { resolveSpace, type Space } from '../space/space.ts';
import type { Candidate } from '../space/types.ts';
import { GibbonError } from '../util/errors.ts';
import { checkFlag, jsonObjectFlag } from './io.ts';
import type { EvalPool } from '../pool/eval-pool.ts';
import type { Evaluator } from '../search/problem.ts';
import { candidateKey, sampleDistinct } from '../predictor/labels.ts';
import { latePopulation, oneMutationNeighbours } from '../predictor/neighbours.ts';
import { quality, type Quality } from '../predictor/quality.ts';
import type { Predictor } from '../predictor/predictor.ts';
import type { PredictorSample } from '../predictor/types.ts';
import { labelCandidates, type LabelProgress } from './predictor-labels.ts';
import { cachedSupernetDir } from './search.ts';
import { supernetCacheKey } from '../run/pins.ts';
import { loadSpace } from './supernet.ts';
import { atLeastFlag, numberFlag, workersFlag } from './flags.ts';
import { countLine, type Stream } from './progress.ts';

export const DEFAULT_PREDICTOR = { samples: 10000, accuracySamples: 300, seed: 1, limit: 100, epochs: 30, learningRateDecay: 0.95, evalSamples: 400, evalAccuracySamples: 100, neighbours: 200, neighbourAccuracySamples: 60, supernetEpochs: 4 } as const;

export const PREDICTOR_HELP = `gibbon predictor train --out <dir> [options]
gibbon predictor eval --predictor <dir> [options]

train: draws --samples distinct candidates of the space (seeded), labels them with the hardware
simulator and, for the first --accuracy-samples, with pimLoss (quantized - PIM accuracy) from a supernet
on the functional simulator; trains the RNN predictor (docs/predictor.md) and writes <dir>/predictor.json.
Without a dataset and supernet (e.g. --space gibbon-cifar without CIFAR files) it trains the hardware
heads only and says so. pimLoss labels are cached in .gibbon-cache/predictor-labels/.

  --space <name|file>        mnist (default), gibbon-cifar, or a space JSON file
  --dataset <spec>           mnist (default for the mnist space), idx:<dir>, cifar10:<dir>, cifar100:<dir>
  --supernet <dir>           default: the cached .gibbon-cache/supernet-<space>-<key>-s1-e${DEFAULT_PREDICTOR.supernetEpochs}-<recipe>/ of gibbon search, if present
  --samples <n>              labelled candidates (default ${DEFAULT_PREDICTOR.samples})
  --accuracy-samples <m>     of which with pimLoss (default ${DEFAULT_PREDICTOR.accuracySamples}; ~1-1.5 s each on 2 cores)
  --limit <n>                validation images per accuracy evaluation (default ${DEFAULT_PREDICTOR.limit})
  --epochs <e>               training epochs (default ${DEFAULT_PREDICTOR.epochs})
  --seed <s>                 seed of the candidates and of the predictor (default ${DEFAULT_PREDICTOR.seed})
  --layer-weight <w>         weight of the per-layer loss (the predictor's layerWeight, docs/predictor.md §2; 0: off)
  --lr-decay <d>             learning rate x d per epoch, in (0, 1] (default ${DEFAULT_PREDICTOR.learningRateDecay}; 1: constant)
  --options <json>           any other predictor option (docs/predictor.md §2), e.g. '{"latencyFeatures":0}' or
                             '{"cell":"lstm","hiddenSize":64}'; the seed, layer weight and decay have their flags
  --workers <n>              simulator threads (default: one per core)

eval: a fresh seeded set of candidates disjoint from the training set, and one-mutation neighbours of a
late ESAPP population (hardware-only search on energy and area); Kendall tau-b per target, MAPE of the
hardware targets, MAE of pimLoss, predictions per second.

  --predictor <dir>          a directory written by gibbon predictor train
  --samples <n>              uniform held-out candidates (default ${DEFAULT_PREDICTOR.evalSamples})
  --accuracy-samples <m>     of which with pimLoss labels (default ${DEFAULT_PREDICTOR.evalAccuracySamples}; 0 without a supernet)
  --neighbours <n>           one-mutation neighbours (default ${DEFAULT_PREDICTOR.neighbours}), with pimLoss on ${DEFAULT_PREDICTOR.neighbourAccuracySamples} of them
  --workers <n>              simulator threads
  --json                     one JSON object: kendall, mape, mae (uniform set), neighbours, predictions_per_s
`;

/** The accuracy side: a supernet and its dataset, when both are available. */
interface AccuracySetup {
  evaluator: Evaluator;
  evaluatorId: string;
  supernetDir: string;
  dataset: string;
  dispose(): void;
}

async function accuracySetup(space: Space, pool: EvalPool, supernetDir: string, dataset: string, limit: number): Promise<AccuracySetup> {
  const state = loadSupernetState(supernetDir);
  const snSpace = resolveSpace(state.spaceSpec, `${supernetDir} (space)`);
  if (JSON.stringify(snSpace.spec) !== JSON.stringify(space.spec)) {
    throw new GibbonError('E_OPTION', `--supernet: got ${JSON.stringify(supernetDir)}, a supernet of space ${snSpace.name}; allowed: a supernet of the space ${space.name}`);
  }
  const ds = await loadDataset(dataset, '--dataset');
  const [c, h, w] = ds.shape;
  const inp = space.spec.input;
  if (inp.channels !== c || inp.height !== h || inp.width !== w) {
    throw new GibbonError('E_OPTION', `--dataset: got ${JSON.stringify(dataset)} (${c}x${h}x${w} images); allowed: a dataset of the space's input ${inp.channels}x${inp.height}x${inp.width}`);
  }
  const { setupTfjs } = await import('../node/tfjs-setup.ts');
  const { Supernet } = await import('../nn/supernet.ts');
  const { createGibbonEvaluator } = await import('../evaluate/gibbon-evaluator.ts');
  await setupTfjs();
  const sn = new Supernet(space, state.initSeed);
  sn.setWeights(state.weights);
  const evaluator = createGibbonEvaluator({ space, supernet: sn, pool, dataset: ds, split: 'validation', limit });
  return { evaluator, evaluatorId: `${supernetDir}|${dataset}|validation|${limit}|e${state.epoch}`, supernetDir, dataset, dispose: () => sn.dispose() };
}

/** Where pimLoss labels come from, or why there are none. */
async function accuracySource(space: Space, supernet: string | undefined, dataset: string | undefined): Promise<{ supernetDir: string; dataset: string } | string> {
  const ds = dataset ?? (space.name === 'mnist' ? 'mnist' : undefined);
  if (ds === undefined) return `no --dataset for space ${space.name}`;
  // the cache gibbon search fills for this space and dataset (by content: src/run/pins.ts)
  const dir = supernet ?? cachedSupernetDir(space.name, ds, 1, DEFAULT_PREDICTOR.supernetEpochs, await supernetCacheKey(space.spec, await loadDataset(ds, '--dataset')));
  if (!hasSupernet(dir)) {
    if (supernet !== undefined) throw new GibbonError('E_FILE', `--supernet: got ${JSON.stringify(supernet)}; allowed: a directory holding a supernet (gibbon supernet train --out <dir>)`);
    return `no supernet at ${dir} (train one with gibbon supernet train, or run gibbon search once)`;
  }
  return { supernetDir: dir, dataset: ds };
}

async function predictorModule() {
  const { setupTfjs } = await import('../node/tfjs-setup.ts');
  await setupTfjs();
  return import('../predictor/predictor.ts');
}

/** --options: a JSON object of predictor options, the ones with their own flag excluded. */
function predictorOptionsOf(raw: string | undefined, known: readonly string[]): Record<string, number | string> {
  if (raw === undefined) return {};
  const o = jsonObjectFlag('--options', raw, (v): v is number | string => typeof v === 'number' || typeof v === 'string', 'predictor options', '{"latencyFeatures":0}');
  const own: Record<string, string> = { seed: '--seed', layerWeight: '--layer-weight', learningRateDecay: '--lr-decay' };
  const allowed = known.filter((k) => !(k in own));
  for (const k of Object.keys(o)) {
    if (k in own) throw new GibbonError('E_OPTION', `--options: got ${k}; allowed: ${own[k]} for it`);
    if (!allowed.includes(k)) throw new GibbonError('E_OPTION', `--options: got an unknown option ${JSON.stringify(k)}; allowed: ${allowed.join(', ')}`);
  }
  return o;
}

export interface PredictorTrainResult { out: string; samples: number; pimLossSamples: number; seconds: number; fitSeconds: number }

async function runTrain(argv: string[], print: (s: string) => void, stream: Stream): Promise<PredictorTrainResult | undefined> {
  const { values } = parseArgs({
    args: argv,
    options: {
      space: { type: 'string' }, dataset: { type: 'string' }, supernet: { type: 'string' }, samples: { type: 'string' },
      'accuracy-samples': { type: 'string' }, limit: { type: 'string' }, epochs: { type: 'string' }, seed: { type: 'string' },
      workers: { type: 'string' }, out: { type: 'string' }, 'layer-weight': { type: 'string' }, 'lr-decay': { type: 'string' }, options: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true, allowPositionals: false,
  });
  if (values.help) { print(PREDICTOR_HELP); return undefined; }
  if (values.out === undefined) throw new GibbonError('E_OPTION', '--out: got nothing; allowed: a directory for predictor.json');
  const space = loadSpace(values.space);
  const samples = numberFlag(values.samples, 'samples', DEFAULT_PREDICTOR.samples, 2, 1e6);
  const seed = numberFlag(values.seed, 'seed', DEFAULT_PREDICTOR.seed, 0, 0xffffffff);
  const limit = numberFlag(values.limit, 'limit', DEFAULT_PREDICTOR.limit, 1, 1 << 30);
  const epochs = numberFlag(values.epochs, 'epochs', DEFAULT_PREDICTOR.epochs, 1, 100000);
  const workers = workersFlag(values.workers, availableParallelism());
  const lwRaw = values['layer-weight'];
  const layerWeight = lwRaw === undefined ? undefined : atLeastFlag(lwRaw, 'layer-weight', 0);
  const decayRaw = values['lr-decay'];
  const learningRateDecay = decayRaw === undefined ? DEFAULT_PREDICTOR.learningRateDecay : Number(decayRaw);
  if (decayRaw !== undefined && (decayRaw.trim() === '' || !(learningRateDecay > 0 && learningRateDecay <= 1))) {
    throw new GibbonError('E_OPTION', `--lr-decay: got ${JSON.stringify(decayRaw)}; allowed: a number in (0, 1]`);
  }
  const { PREDICTOR_DEFAULTS, createPredictor } = await predictorModule();
  const extra = predictorOptionsOf(values.options, Object.keys(PREDICTOR_DEFAULTS));
  const wantAcc = numberFlag(values['accuracy-samples'], 'accuracy-samples', Math.min(samples, DEFAULT_PREDICTOR.accuracySamples), 0, samples);
  const src = wantAcc > 0 ? await accuracySource(space, values.supernet, values.dataset) : 'no --accuracy-samples';
  // built before any labelling, so that a bad option value fails first
  const make = () => createPredictor(space, { seed, layerWeight, learningRateDecay, ...extra });
  const predictor = values.options !== undefined ? checkFlag('--options', make) : make();
  const t0 = performance.now();
  let pool: Awaited<ReturnType<typeof createNodePool>> | undefined;
  let acc: AccuracySetup | undefined;
  try {
    pool = await createNodePool({ workers });
    if (typeof src === 'string') stream.write(`predictor ${space.name}: hardware heads only (${src}); pimLoss predictions stay untrained\n`);
    else acc = await accuracySetup(space, pool, src.supernetDir, src.dataset, limit);
    const candidates = sampleDistinct(space, samples, seed, 'predictor-train');
    const bar = countLine('labels', { stream, logTenths: true });
    const labelled = await labelCandidates({ space, pool, evaluator: acc?.evaluator, evaluatorId: acc?.evaluatorId }, candidates, acc ? wantAcc : 0,
      `${space.name}-s${seed}-train`, (p: LabelProgress) => bar.update(p.done, p.total));
    bar.end();
    const fitBar = countLine('train epoch', { stream, logTenths: true });
    const t1 = performance.now();
    const report = await predictor.fit(labelled, { epochs, onProgress: (e) => fitBar.update(e.epoch, e.epochs, ` loss ${e.loss.toFixed(4)}`) });
    fitBar.end();
    const file: PredictorFile = {
      format: 'gibbon-predictor', version: 1,
      train: {
        space: space.name, dataset: acc?.dataset ?? null, supernet: acc?.supernetDir ?? null, seed, samples, accuracySamples: acc ? wantAcc : 0,
        limit: acc ? limit : null, epochs, trainSamples: labelled.length, trainPimLossSamples: report.pimLossSamples,
        trainKeys: candidates.map((c) => candidateKey(space, c)), spaceSpec: space.spec,
      },
      state: predictor.state(),
    };
    savePredictorFile(values.out, file);
    const seconds = (performance.now() - t0) / 1000;
    print([
      `predictor ${space.name} | ${labelled.length} samples (${report.pimLossSamples} with pimLoss${acc ? '' : ': hardware heads only'}) | ${epochs} epochs, loss ${report.firstLoss.toFixed(4)} -> ${report.lastLoss.toFixed(4)}`,
      `training ${report.seconds.toFixed(1)} s, total ${seconds.toFixed(1)} s | saved ${join(values.out, 'predictor.json')}`,
    ].join('\n'));
    return { out: values.out, samples: labelled.length, pimLossSamples: report.pimLossSamples, seconds, fitSeconds: report.seconds };
  } finally {
    predictor.dispose();
    acc?.dispose();
    await pool?.destroy();
  }
}

/**
 * Predictions per second: the median of timed predict calls, one per set (fresh candidates each, so the
 * token memo never hits), after a warm-up call on `warmup`.
 */
export function predictionRate(predictor: Predictor, warmup: readonly Candidate[], sets: readonly (readonly Candidate[])[]): number {
  predictor.predict(warmup);
  const rates = sets.map((set) => {
    const t = performance.now();
    predictor.predict(set);
    return set.length / ((performance.now() - t) / 1000);
  });
  return rates.sort((a, b) => a - b)[Math.floor(rates.length / 2)];
}

/** Candidates per timed predict call. */
const SPEED_BATCH = 4096;

export interface PredictorEvalResult extends Pick<Quality, 'kendall' | 'mape' | 'mae'> {
  space: string;
  uniform: Quality;
  neighbours: Quality;
  predictions_per_s: number;
  trainSamples: number;
  trainPimLossSamples: number;
  hardwareOnly: boolean;
}

const fmt = (x: number | null, digits = 3) => (x === null ? '-' : x.toFixed(digits));

function qualityRows(name: string, q: Quality): string[] {
  return [
    `${name}: ${q.samples} candidates (${q.pimLossSamples} with pimLoss)`,
    `  kendall tau-b  pimLoss ${fmt(q.kendall.pimLoss)}  area ${fmt(q.kendall.area)}  energy ${fmt(q.kendall.energy)}  latency ${fmt(q.kendall.latency)}  power ${fmt(q.kendall.power)}`,
    `  MAPE           area ${fmt(q.mape.area)}  energy ${fmt(q.mape.energy)}  latency ${fmt(q.mape.latency)}  power ${fmt(q.mape.power)} | MAE pimLoss ${fmt(q.mae.pimLoss, 4)}` +
      (q.kendall.quantized === null ? '' : ` | quantized accuracy: tau ${fmt(q.kendall.quantized)}, MAE ${fmt(q.mae.quantized, 4)}`),
  ];
}

async function runEval(argv: string[], print: (s: string) => void, stream: Stream): Promise<PredictorEvalResult | undefined> {
  const { values } = parseArgs({
    args: argv,
    options: {
      predictor: { type: 'string' }, samples: { type: 'string' }, 'accuracy-samples': { type: 'string' }, neighbours: { type: 'string' },
      workers: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true, allowPositionals: false,
  });
  if (values.help) { print(PREDICTOR_HELP); return undefined; }
  if (values.predictor === undefined) throw new GibbonError('E_OPTION', '--predictor: got nothing; allowed: a directory written by gibbon predictor train');
  const file = loadPredictorFile(values.predictor);
  const t = file.train;
  const space = resolveSpace(t.spaceSpec, `${values.predictor} (space)`);
  const count = numberFlag(values.samples, 'samples', DEFAULT_PREDICTOR.evalSamples, 2, 1e6);
  const hardwareOnly = t.supernet === null || t.dataset === null;
  const accCount = hardwareOnly ? 0 : numberFlag(values['accuracy-samples'], 'accuracy-samples', Math.min(count, DEFAULT_PREDICTOR.evalAccuracySamples), 0, count);
  const nCount = numberFlag(values.neighbours, 'neighbours', DEFAULT_PREDICTOR.neighbours, 0, 1e6);
  const workers = workersFlag(values.workers, availableParallelism());
  if (!hardwareOnly && !existsSync(t.supernet!)) throw new GibbonError('E_FILE', `${values.predictor}: train.supernet: got ${JSON.stringify(t.supernet)}, which no longer exists; allowed: the supernet the predictor was trained with`);

  const pool = await createNodePool({ workers });
  let acc: AccuracySetup | undefined;
  const { predictorFromState } = await predictorModule();
  const predictor = predictorFromState(space, file.state);
  predictor.useWasm((await loadSimulatorNode()).exports); // as a search predicts (docs/predictor.md §6)
  try {
    if (!hardwareOnly) acc = await accuracySetup(space, pool, t.supernet!, t.dataset!, t.limit ?? DEFAULT_PREDICTOR.limit);
    const exclude = new Set(t.trainKeys);
    const uniform = sampleDistinct(space, count, t.seed, 'predictor-eval', exclude);
    const src = { space, pool, evaluator: acc?.evaluator, evaluatorId: acc?.evaluatorId };
    const bar = countLine('labels (held-out)', { stream, logTenths: true });
    const uniformSamples = await labelCandidates(src, uniform, accCount, `${space.name}-s${t.seed}-eval`, (p) => bar.update(p.done, p.total));
    bar.end();
    let neighbourSamples: PredictorSample[] = [];
    if (nCount > 0) {
      stream.write(`late population: ESAPP on energy and area, 300 evaluations (hardware simulator only)\n`);
      const population = await latePopulation(space, pool, t.seed);
      for (const c of uniform) exclude.add(candidateKey(space, c));
      const neighbours = oneMutationNeighbours(space, population, nCount, t.seed, exclude);
      const nbar = countLine('labels (neighbours)', { stream, logTenths: true });
      neighbourSamples = await labelCandidates(src, neighbours, hardwareOnly ? 0 : Math.min(DEFAULT_PREDICTOR.neighbourAccuracySamples, accCount), `${space.name}-s${t.seed}-neighbours`,
        (p) => nbar.update(p.done, p.total));
      nbar.end();
    }
    const uq = quality(uniformSamples, predictor.predict(uniformSamples.map((s) => s.candidate)));
    const nq = quality(neighbourSamples, predictor.predict(neighbourSamples.map((s) => s.candidate)));
    const speed = sampleDistinct(space, 256 + 3 * SPEED_BATCH, t.seed, 'predictor-speed');
    const rate = predictionRate(predictor, speed.slice(0, 256), [0, 1, 2].map((k) => speed.slice(256 + k * SPEED_BATCH, 256 + (k + 1) * SPEED_BATCH)));
    const result: PredictorEvalResult = {
      space: space.name, kendall: uq.kendall, mape: uq.mape, mae: uq.mae, uniform: uq, neighbours: nq,
      predictions_per_s: Math.round(rate), trainSamples: t.trainSamples, trainPimLossSamples: t.trainPimLossSamples, hardwareOnly,
    };
    if (values.json) print(JSON.stringify(result));
    else {
      print([
        `predictor ${values.predictor} | space ${space.name} | trained on ${t.trainSamples} samples (${t.trainPimLossSamples} with pimLoss)${hardwareOnly ? ' | hardware heads only: pimLoss is untrained' : ''}`,
        ...qualityRows('held-out uniform', uq),
        ...qualityRows('one-mutation neighbours of a late population', nq),
        `predictions per second: ${Math.round(rate)} (our WASM kernel, one thread, tokenization included: median of 3 predict calls of ${SPEED_BATCH} fresh candidates each)`,
      ].join('\n'));
    }
    return result;
  } finally {
    predictor.dispose();
    acc?.dispose();
    await pool.destroy();
  }
}

export async function runPredictorCommand(argv: string[], print: (s: string) => void, opts: { stream?: Stream } = {}): Promise<PredictorTrainResult | PredictorEvalResult | undefined> {
  const [sub, ...rest] = argv;
  const stream = opts.stream ?? process.stderr;
  switch (sub) {
    case 'train': return runTrain(rest, print, stream);
    case 'eval': return runEval(rest, print, stream);
    case undefined: case '--help': case '-h': case 'help': print(PREDICTOR_HELP); return undefined;
    default: throw new GibbonError('E_OPTION', `gibbon predictor: got ${JSON.stringify(sub)}; allowed: train, eval`);
  }
}
