// The whole co-exploration as one web-standard call (docs/search.md): runGibbonSearch(config, env) takes a
// space and the search settings, and from its environment a run store (where the run lives), an
// evaluation pool (hardware and functional simulation), a supernet trainer, the dataset and an in-thread
// simulator. It gets the supernet (reused, or trained first), builds the real evaluator and the RNN
// predictor screen, runs the algorithm in the store (journal + checkpoint: a resume continues it), and
// writes the front and the summary; progress comes as events, and an AbortSignal stops it.
//
// The CLI (src/cli/search.ts) is this call with a directory store, a Piscina pool and a worker-thread
// trainer; a browser passes an IndexedDB/OPFS store, a Web Worker pool and a trainer in a worker; a
// distributed search passes a pool that sends the evaluations to a queue. tfjs must be set up first
// (Node: setupTfjs() of src/node/tfjs-setup.ts; a browser: tf.setBackend).
import type { Dataset } from '../data/types.ts';
import { createGibbonEvaluator, defaultHypervolumeSpec, simulatorHardware } from '../evaluate/gibbon-evaluator.ts';
import { extremeSeeds } from '../evaluate/seeds.ts';
import type { Simulator } from '../hw/simulator.ts';
import { Supernet, type SupernetProgress, type SupernetState } from '../nn/supernet.ts';
import { FinetuneCache } from '../nn/accuracy.ts';
import { SUBNET_CALIBRATION } from '../nn/subnet-export.ts';
import type { EvalPool } from '../pool/eval-pool.ts';
import { createPredictor } from '../predictor/predictor.ts';
import { createPredictorScreen, type PredictorScreenSettings } from '../predictor/screen.ts';
import { hypervolume } from '../search/hypervolume.ts';
import { constraintsOf, decisionsOfSpace, objectivesOf, violationOf, type Constraint, type Evaluator, type Genome, type MetricName, type Metrics, type Problem } from '../search/problem.ts';
import type { Screen } from '../search/screen.ts';
import type { Space } from '../space/space.ts';
import { GibbonError, formatValue } from '../util/errors.ts';
import { firstJsonDifference } from '../util/json-diff.ts';
import { datasetHash, supernetHash } from './pins.ts';
import type { RunSummary } from './front.ts';
import { jsonText, readJson, RUN_FILES, type RunStore } from './store.ts';
import { checkJournalRecords, runStudy, type StudyConfig } from './study.ts';
export { UNLIMITED_BUDGET } from './study.ts';

/** Candidates per evaluator call: the journal and a time budget act at this granularity. */
export const CHUNK_SIZE = 4;

export interface SupernetTrainJob {
  space: Space;
  /** The dataset's name (docs/datasets.md), as the trainer loads it. */
  dataset: string;
  epochs: number;
  seed: number;
  /** Images per training step (undefined: the trainer's default). */
  batchSize?: number;
  /** Train on the first `limit` training images only (undefined: all). */
  limit?: number;
  /** In-place distillation weight (undefined: the trainer's default). */
  distill?: number;
}

/** Where the supernet comes from: a store it is kept in, trained there when missing. */
export interface SupernetTrainer {
  /** Where it is kept (search.json records it: a resume must name the same one). */
  readonly location: string;
  /** The kept supernet when it has at least `epochs` epochs (a given, fixed one: whatever it has), else undefined. */
  load(epochs: number): Promise<SupernetState | undefined>;
  /** Trains (or finishes training) it to job.epochs, so that `load` then finds it. */
  train(job: SupernetTrainJob, on: { progress?: (p: SupernetProgress) => void; signal?: AbortSignal }): Promise<void>;
}

export interface GibbonSearchConfig {
  space: Space;
  /** The dataset's name (recorded; env.data holds its images). */
  dataset: string;
  /** esapp, nsga2, evolution, random. */
  algorithm: string;
  objectives: MetricName[];
  constraints?: Constraint[];
  /** Evaluations (distinct candidates); UNLIMITED_BUDGET with a time budget alone. */
  budget: number;
  /** Wall-time budget of this call in seconds: the run stops after the evaluations in flight. */
  timeS?: number;
  /** Population size (random: candidates per batch). */
  population: number;
  /** The algorithm's other settings (docs/search.md §3). */
  algorithmOptions?: Record<string, number>;
  seed: number;
  /** Validation images per accuracy evaluation. */
  limit: number;
  /** Device non-idealities over the space's own (docs/functional.md §5). */
  nonideal?: { safHrsPct?: number; safLrsPct?: number; variationSigmaPctOfR?: number };
  /** Chip instances per accuracy evaluation (default 1). */
  trials?: number;
  /**
   * Steps of fine-tuning each sub-network alone before its accuracy is measured (default 0: the supernet's
   * weights as they are; docs/supernet.md §7.2). Validation and test accuracy alike.
   */
  finetuneSteps?: number;
  /** Epochs of the supernet the trainer keeps (a fixed supernet ignores it). */
  supernetEpochs: number;
  /** Images per step if the trainer trains the supernet (undefined: its default). */
  supernetBatchSize?: number;
  /** Training images of the supernet the trainer keeps (undefined: all; a fixed supernet ignores it). */
  supernetLimit?: number;
  /** In-place distillation if the trainer trains the supernet (undefined: trainSupernet's default). */
  supernetDistill?: number;
  /** Also measure the front's designs on the test split (default true; the front is small). */
  testAccuracy?: boolean;
  /** Test images per front design (default: the whole test split). */
  testLimit?: number;
  /** Start the first generation from the space's extremes (src/evaluate/seeds.ts; default true). */
  seedExtremes?: boolean;
  /** The RNN predictor screen of esapp / nsga2 (docs/search.md §9), or false; ignored by random and evolution. */
  predictor?: false | Partial<PredictorScreenSettings>;
  /** Continue the run in the store (same settings). */
  resume?: boolean;
}

export interface GibbonSearchEnv {
  store: RunStore;
  pool: EvalPool;
  trainer: SupernetTrainer;
  /** The dataset named by config.dataset. */
  data: Dataset;
  /** An in-thread simulator: the predictor's inference and the screen's hardware figures. */
  simulator: Simulator;
  progress?: (event: GibbonSearchEvent) => void;
  /** Stops the run after the evaluations in flight (results written; a resume continues). */
  signal?: AbortSignal;
  /**
   * Evaluates a split's genomes elsewhere instead of on `pool` (a queue of remote workers: src/node/queue/);
   * asked once the supernet is ready. Its metrics must be those the local evaluator would give.
   */
  evaluatorFor?: (split: 'validation' | 'test') => Evaluator | Promise<Evaluator>;
}

/** Where the search stands: what a progress line shows. */
export interface SearchStatus {
  algorithm: string;
  /** Generations complete. */
  generation: number;
  /** Evaluations in the run (journaled ones of earlier sessions included). */
  evaluations: number;
  budget: number;
  /** The best value of each objective over the feasible designs that fit the chip. */
  best: Partial<Record<MetricName, number>>;
  /** Of those designs (2 or 3 objectives), else null. */
  hypervolume: number | null;
  elapsedS: number;
  /** Time left: by this session's rate, capped by the time budget; 0 when done. */
  etaS: number;
}

export type GibbonSearchEvent =
  | { kind: 'supernet-training'; location: string; space: string; epochs: number }
  | { kind: 'supernet-progress'; progress: SupernetProgress }
  /** After every evaluator call (chunk) and, as 'generation', after every complete generation. */
  | { kind: 'evaluated' | 'generation'; status: SearchStatus };

export interface GibbonSearchResult {
  summary: RunSummary;
  /** Evaluations done by this call (0 when resuming a finished run). */
  newEvaluations: number;
  /** Epochs of the supernet used. */
  supernetEpochs: number;
}

/**
 * search.json: the settings config.json does not hold; a resume must present the same. It pins the run's
 * inputs by content too (docs/search.md §7): the dataset's hash, and the supernet's once it is ready
 * (null while it is being trained; a run from before the pins gets them at its next resume).
 */
function searchSettings(config: GibbonSearchConfig, supernet: string, datasetHash: string) {
  return {
    format: 'gibbon-search-cli', version: 1, space: config.space.name, dataset: config.dataset, supernet, split: 'validation',
    limit: config.limit, nonideal: config.nonideal ?? {}, trials: config.trials ?? 1,
    datasetHash, supernetHash: null as string | null,
    accuracyCalibration: SUBNET_CALIBRATION as string,
    // only when given, so the search.json of a run without it (every older run) is unchanged
    ...(config.supernetLimit === undefined ? {} : { supernetLimit: config.supernetLimit }),
    ...((config.finetuneSteps ?? 0) === 0 ? {} : { finetuneSteps: config.finetuneSteps }),
  };
}
type SearchSettings = ReturnType<typeof searchSettings>;

/** The run in the store: a new one, or (resume) one with the same settings. */
async function checkStore(store: RunStore, config: GibbonSearchConfig, settings: SearchSettings): Promise<SearchSettings | undefined> {
  // search.json is written before the supernet is trained, so a run stopped during training is a run.
  const hasConfig = (await store.read(RUN_FILES.config)) !== undefined;
  const old = await readJson<Partial<SearchSettings>>(store, RUN_FILES.search);
  const exists = hasConfig || old !== undefined;
  if (exists) {
    if (!config.resume) throw new GibbonError('E_OPTION', `search: ${store.location}: got a directory that already holds a run; allowed: a new directory, or --resume (resume: true) to continue it`);
    // config.json is written after search.json: a run with config.json and no search.json lost it, and
    // nothing would hold its limit, trials, dataset or supernet against this resume.
    if (old === undefined) {
      throw new GibbonError('E_FILE', `search: ${store.nameOf(RUN_FILES.search)}: got no such file in a run that has ${RUN_FILES.config}; allowed: the run's own ${RUN_FILES.search} put back (it pins the space, dataset, supernet, limit and trials a resume must keep), or a new run directory`, { source: store.nameOf(RUN_FILES.search) });
    }
    if (old === null || typeof old !== 'object' || Array.isArray(old)) {
      throw new GibbonError('E_FILE', `search: ${store.nameOf(RUN_FILES.search)}: (root): got ${formatValue(old)}; allowed: the run's settings object`, { source: store.nameOf(RUN_FILES.search) });
    }
    // The pins are compared by what was pinned: a run from before them, or stopped while its supernet trained, has none yet.
    const { datasetHash: _d, supernetHash: _s, ...named } = settings;
    const pinned = { ...named, ...('datasetHash' in old ? { datasetHash: settings.datasetHash } : {}), ...('supernetHash' in old ? { supernetHash: old.supernetHash } : {}) };
    const changed = firstJsonDifference(old, pinned);
    if (changed?.path === 'datasetHash') {
      throw new GibbonError('E_FILE', `search: ${store.nameOf(RUN_FILES.search)}: datasetHash: got ${String(changed.now).slice(0, 12)}… (the images of ${config.dataset} now) where the run has ${String(changed.was).slice(0, 12)}…; allowed: the dataset the run started with (its files changed since): put them back, or start a new run directory`, { source: store.nameOf(RUN_FILES.search), path: 'datasetHash' });
    }
    if (changed?.path === 'accuracyCalibration') {
      throw new GibbonError('E_FILE', `search: ${store.nameOf(RUN_FILES.search)}: accuracyCalibration: got ${formatValue(changed.now)} (this version's export calibration) where the run has ${changed.was === undefined ? 'none (the float calibration of earlier versions)' : formatValue(changed.was)}; allowed: a new run directory, as its front would mix accuracies measured two ways (docs/supernet.md §4)`, { source: store.nameOf(RUN_FILES.search), path: 'accuracyCalibration' });
    }
    if (changed) {
      throw new GibbonError('E_OPTION', `search: ${store.nameOf(RUN_FILES.search)}: ${changed.path}: got ${formatValue(changed.now)} where the run has ${formatValue(changed.was)}; allowed: the same space, dataset, supernet, limit, non-idealities, trials and fine-tuning steps to resume (--resume)`);
    }
  } else if (config.resume) {
    throw new GibbonError('E_OPTION', `search: ${store.location}: got no run to resume; allowed: a run directory (or drop --resume, resume: false, to start one)`);
  }
  return exists ? old as SearchSettings : undefined;
}

/**
 * Pins the supernet in search.json the first time the run has it, and refuses one that differs from the
 * pinned one (retrained, or another at the same place): one front must come from one supernet.
 */
async function pinSupernet(store: RunStore, settings: SearchSettings, state: SupernetState, location: string): Promise<void> {
  const hash = await supernetHash(state);
  if (settings.supernetHash === null || settings.supernetHash === undefined) {
    await store.write(RUN_FILES.search, jsonText({ ...settings, supernetHash: hash }));
  } else if (settings.supernetHash !== hash) {
    throw new GibbonError('E_FILE', `search: ${store.nameOf(RUN_FILES.search)}: supernetHash: got ${hash.slice(0, 12)}… (the supernet now at ${location}) where the run has ${settings.supernetHash.slice(0, 12)}…; allowed: the supernet the run started with (it was retrained or replaced since): put it back at ${location}, or start a new run directory`, { source: store.nameOf(RUN_FILES.search), path: 'supernetHash' });
  }
}

async function supernetState(config: GibbonSearchConfig, env: GibbonSearchEnv): Promise<SupernetState> {
  const { trainer } = env;
  const epochs = config.supernetEpochs;
  const kept = await trainer.load(epochs);
  if (kept) return kept;
  env.progress?.({ kind: 'supernet-training', location: trainer.location, space: config.space.name, epochs });
  await trainer.train({ space: config.space, dataset: config.dataset, epochs, seed: config.seed, batchSize: config.supernetBatchSize, limit: config.supernetLimit, distill: config.supernetDistill }, {
    progress: (p) => env.progress?.({ kind: 'supernet-progress', progress: p }), signal: env.signal,
  });
  const trained = await trainer.load(epochs);
  if (!trained) throw new GibbonError('E_FILE', `supernet ${trainer.location}: got no supernet of ${epochs} epoch(s) after training; allowed: a trainer whose load() finds what train() kept`);
  return trained;
}

/**
 * Status of the search for progress events: counts this call's evaluations, keeps the best value per
 * objective and the hypervolume of the feasible designs that fit the chip (journaled ones included on
 * resume), ETA from this call's rate.
 */
function statusTracker(config: GibbonSearchConfig, problem: Problem, hv: StudyConfig['hypervolume'], prior: readonly Metrics[]) {
  const start = performance.now();
  const best: SearchStatus['best'] = {};
  const points: number[][] = [];
  const hvOn = problem.objectives.length === 2 || problem.objectives.length === 3;
  let fresh = 0, generation = 0;
  const record = (m: Metrics) => {
    if (m.fits === 0 || violationOf(constraintsOf(problem, m)) > 0) return;
    points.push(objectivesOf(problem, m));
    for (const o of problem.objectives) {
      const cur = best[o];
      if (cur === undefined || (o === 'accuracy' ? m[o] > cur : m[o] < cur)) best[o] = m[o];
    }
  };
  prior.forEach(record);
  return {
    get fresh() { return fresh; },
    evaluated(ms: readonly Metrics[]) { fresh += ms.length; ms.forEach(record); },
    generationDone(g: number) { generation = g + 1; },
    status(evaluations: number): SearchStatus {
      const elapsedS = (performance.now() - start) / 1000;
      const left = config.budget - evaluations;
      const byRate = fresh > 0 ? (elapsedS / fresh) * Math.max(0, left) : Infinity;
      const eta = config.timeS === undefined ? byRate : Math.min(byRate, Math.max(0, config.timeS - elapsedS));
      return {
        algorithm: config.algorithm, generation, evaluations, budget: config.budget, best: { ...best },
        hypervolume: hvOn ? hypervolume(points, hv) : null, elapsedS, etaS: left <= 0 ? 0 : eta,
      };
    },
  };
}

export async function runGibbonSearch(config: GibbonSearchConfig, env: GibbonSearchEnv): Promise<GibbonSearchResult> {
  // One writer per run (docs/search.md §7): two resumes of one run would journal every id twice.
  const lease = await env.store.lock('gibbon search');
  try {
    return await searchLocked(config, env);
  } finally {
    await lease.release();
  }
}

async function searchLocked(config: GibbonSearchConfig, env: GibbonSearchEnv): Promise<GibbonSearchResult> {
  const { store, pool, data } = env;
  const { space } = config;
  const settings = searchSettings(config, env.trainer.location, await datasetHash(data));
  const kept = await checkStore(store, config, settings);
  const resuming = kept !== undefined;
  const [c, h, w] = data.shape;
  const input = space.spec.input;
  if (input.channels !== c || input.height !== h || input.width !== w) {
    throw new GibbonError('E_OPTION', `search: dataset: got ${JSON.stringify(config.dataset)} (${c}x${h}x${w} images); allowed: a dataset of the space's input ${input.channels}x${input.height}x${input.width}`);
  }
  if (config.limit > data.validation.count) {
    throw new GibbonError('E_OPTION', `search: limit: got ${config.limit}; allowed: at most ${data.validation.count}, the images of the validation split of ${config.dataset}`);
  }
  if (!resuming) await store.write(RUN_FILES.search, jsonText(settings));
  const state = await supernetState(config, env);
  await pinSupernet(store, { ...settings, ...kept }, state, env.trainer.location);
  const supernet = new Supernet(space, state.initSeed);
  supernet.setWeights(state.weights);
  let disposePredictor = () => {};
  try {
    const problem: Problem = {
      decisions: decisionsOfSpace(space.decisions), objectives: config.objectives, constraints: config.constraints ?? [],
      canonicalize: (g) => space.encode(space.decode(g)), ...(config.seedExtremes === false ? {} : { seeds: extremeSeeds(space) }),
    };
    const populationKey = config.algorithm === 'random' ? 'batchSize' : 'populationSize';
    const study: StudyConfig = {
      problem, algorithm: config.algorithm, options: { ...config.algorithmOptions, [populationKey]: config.population }, seed: config.seed,
      budget: config.budget, chunkSize: CHUNK_SIZE, hypervolume: await defaultHypervolumeSpec(space, config.objectives, pool),
    };
    let screen: Screen | undefined;
    if (config.predictor && (config.algorithm === 'esapp' || config.algorithm === 'nsga2')) {
      const predictor = createPredictor(space, { seed: config.seed });
      disposePredictor = () => predictor.dispose();
      predictor.useWasm(env.simulator.exports); // inference in our WASM kernel (docs/predictor.md §6); training stays in tfjs
      screen = createPredictorScreen({ space, problem, predictor, hardware: simulatorHardware(space, env.simulator), ...config.predictor });
    }
    const nonideal = config.nonideal && Object.keys(config.nonideal).length > 0 ? config.nonideal : undefined;
    // one cache of fine-tuned designs for both splits: a front design measured on the test split reuses its validation fine-tuning
    const finetuneCache = new FinetuneCache();
    const accuracyOptions = { limit: config.limit, trials: config.trials ?? 1, nonideal, finetuneSteps: config.finetuneSteps, finetuneCache };
    const evaluatorOf = async (split: 'validation' | 'test'): Promise<Evaluator> =>
      (env.evaluatorFor ? env.evaluatorFor(split) : createGibbonEvaluator({ space, supernet, pool, dataset: data, split, ...accuracyOptions, ...(split === 'test' ? { limit: config.testLimit, accuracyOnly: true } : {}) }));
    const evaluator = await evaluatorOf('validation');

    const journal = await store.openJournal();
    const prior = checkJournalRecords(journal.records, problem, store.nameOf(RUN_FILES.journal)).map((r) => r.metrics);
    await journal.close();
    const tracker = statusTracker(config, problem, study.hypervolume, prior);
    const counting: Evaluator = {
      async evaluate(genomes: Genome[]): Promise<Metrics[]> {
        const ms = await evaluator.evaluate(genomes);
        tracker.evaluated(ms);
        env.progress?.({ kind: 'evaluated', status: tracker.status(prior.length + tracker.fresh) });
        return ms;
      },
    };
    const deadline = config.timeS === undefined ? undefined : performance.now() + 1000 * config.timeS;
    const result = await runStudy(store, study, counting, {
      resume: config.resume,
      shouldStop: deadline === undefined ? undefined : () => performance.now() >= deadline,
      signal: env.signal,
      screen,
      onProgress: (e) => {
        tracker.generationDone(e.generation);
        env.progress?.({ kind: 'generation', status: tracker.status(e.evaluations) });
      },
      frontExtras: async (r) => {
        let testAccuracy: (number | null)[] = r.front.map(() => null);
        if (config.testAccuracy !== false && r.front.length > 0) {
          const testEval = await evaluatorOf('test');
          testAccuracy = (await testEval.evaluate(r.front.map((e) => e.genome))).map((m) => m.accuracy);
        }
        return { candidate: (g) => space.decode(g), testAccuracy, testImages: Math.min(config.testLimit ?? Infinity, data.test.count) };
      },
    });
    return { summary: result.summary, newEvaluations: tracker.fresh, supernetEpochs: state.epoch };
  } finally {
    supernet.dispose();
    disposePredictor();
  }
}
