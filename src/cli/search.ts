// `gibbon search`: co-exploration of a space (network + PIM hardware) with the search core
// (docs/search.md): a supernet (given, or trained once into .gibbon-cache/ in a worker thread), the real
// evaluator (supernet accuracy on the functional simulator + hardware simulator), one algorithm, a run
// directory (src/run/study.ts) that a later `--resume` continues.
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset } from '../node/dataset-files.ts';
import { hasSupernet, loadSupernetState } from '../node/supernet-files.ts';
import { createNodePool } from '../node/pool.ts';
import { startTrainWorker } from '../node/train-worker.ts';
import { resolveSpace, type Space } from '../space/space.ts';
import { GibbonError } from '../util/errors.ts';
import { checkFlag, jsonObjectFlag } from './io.ts';
import { ALGORITHM_NAMES, createAlgorithm } from '../search/registry.ts';
import { METRIC_NAMES, constraintsOf, decisionsOfSpace, objectivesOf, violationOf, type Constraint, type Evaluator, type Genome, type MetricName, type Metrics, type Problem } from '../search/problem.ts';
import { createGibbonEvaluator, defaultHypervolumeSpec } from '../search/gibbon-evaluator.ts';
import { createPredictorScreen, simulatorHardware, PREDICTOR_SCREEN_DEFAULTS } from '../search/predictor-screen.ts';
import type { Screen } from '../search/screen.ts';
import { loadSimulatorNode } from '../node/simulator.ts';
import { runStudy, RUN_FILES, type StudyConfig } from '../run/study.ts';
import { readJournal } from '../run/journal.ts';
import { hypervolume } from '../search/hypervolume.ts';
import { readJsonFile as readRunJson, writeJsonAtomic } from '../run/checkpoint.ts';
import { type Supernet, SUPERNET_RECIPE } from '../nn/supernet.ts';
import { formatTrainProgress, loadSpace } from './supernet.ts';

export const DEFAULT_SEARCH = { space: 'mnist', dataset: 'mnist', algorithm: 'esapp', objectives: 'accuracy,edp,area', budget: 60, seed: 1, supernetEpochs: 8, limit: 300 } as const;

/** Constraint options: --min-accuracy and --max-<metric> for every other metric. */
const MAX_METRICS = METRIC_NAMES.filter((m) => m !== 'accuracy');

export const SEARCH_HELP = `gibbon search [options]

Co-explores networks and PIM hardware of a space (docs/search.md): each candidate's accuracy comes from
a weight-sharing supernet on the functional (PIM) simulator, on the validation split; its energy,
latency, area, EDP and power from the hardware simulator. Writes a run directory: config.json,
journal.jsonl, checkpoint.json, and at the end front.json (the Pareto designs: readable candidate +
metrics), front.csv and summary.json.

  --space <name|file>     mnist (default), gibbon-cifar, or a space JSON file (docs/space.md)
  --dataset <spec>        mnist (default), idx:<dir>, cifar10:<dir>, cifar100:<dir>
  --algorithm <name>      esapp (default), nsga2, evolution, random
  --objectives <list>     comma-separated, from ${METRIC_NAMES.join(', ')} (default accuracy,edp,area);
                          --objective <name> is the same with one (e.g. --objective edp --min-accuracy 0.97)
  --min-accuracy <x>      constraint: validation accuracy (fraction) at least x
  --max-<metric> <x>      constraint: --max-energy (uJ), --max-latency (ms), --max-area (mm2),
                          --max-edp (mJ*ms), --max-power (W) at most x
  --budget <n>            evaluations (distinct candidates), default ${DEFAULT_SEARCH.budget} (unlimited with --time alone)
  --time <t>              wall-time budget of this session, e.g. 90s, 10m, 1h30m (a number alone: seconds);
                          the run stops after the evaluations in flight. With --budget too, whichever ends
                          first. A --time run resumes, but not byte-identically to an uninterrupted one
  --population <n>        population size (random: candidates per batch); default budget/4 in 2..100
                          (20 with --time alone)
  --algorithm-options <json>  the algorithm's other settings as a JSON object of numbers, e.g.
                          '{"temperature":0.25,"subspaceFrac":0.5}' for esapp (names, defaults and ranges:
                          docs/search.md §3, §4.1); the population comes from --population
  --seed <s>              search seed, and the seed of a cached supernet (default ${DEFAULT_SEARCH.seed})
  --workers <n>           simulator threads (default: one per core)
  --limit <n>             validation images per accuracy evaluation (default ${DEFAULT_SEARCH.limit})
  --saf-hrs-pct <p>       accuracy under non-idealities (docs/functional.md §5), over the space's own:
  --saf-lrs-pct <p>       cells stuck at HRS / at LRS (percent), resistance variation sigma (percent of R);
  --variation-pct <p>     each in 0..100
  --trials <n>            chip instances per accuracy evaluation (default 1); metrics hold the mean as
                          accuracy and the population std as accuracy_std
  --out <dir>             run directory (default runs/search-<space>-s<seed>); an existing run is
                          refused unless --resume
  --resume                continue the run in --out (same options; a finished run just rewrites its results)
  --supernet <dir>        a supernet trained by \`gibbon supernet train\`; default: the cache
                          .gibbon-cache/supernet-<space>-s<seed>-e<epochs>/, trained there first if missing
  --supernet-epochs <n>   epochs of the cached supernet (default ${DEFAULT_SEARCH.supernetEpochs}: a quick run, not a
                          converged supernet)
  --test-accuracy         at the end, also measure the front designs on the test split (same --limit)
  --no-predictor          evaluate every child ESAPP / NSGA-II proposes (default: the RNN predictor
                          screens them first; docs/search.md §9). random and evolution never use it
  --predictor-oversample <k>     children proposed per child evaluated (default ${PREDICTOR_SCREEN_DEFAULTS.oversample})
  --predictor-random-share <x>   share of the evaluated children drawn at random, not by the predictor
                                 (default ${PREDICTOR_SCREEN_DEFAULTS.randomShare})
  --predictor-epochs <n>         predictor training epochs after each generation (default ${PREDICTOR_SCREEN_DEFAULTS.epochsPerGeneration})
`;

function num(raw: string | undefined, name: string, fallback: number, min: number, max: number, integer = true): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
    throw new GibbonError('E_OPTION', `--${name}: got ${JSON.stringify(raw)}; allowed: ${integer ? 'an integer' : 'a number'} in ${min}..${max}`);
  }
  return v;
}

const MAX_BUDGET = 1e7;

/** "90", "90s", "10m", "1h30m", "1.5h" -> seconds. */
export function parseDuration(raw: string): number {
  const text = raw.trim();
  const parts = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s?)?$/.exec(text);
  const seconds = parts && text !== '' ? 3600 * Number(parts[1] ?? 0) + 60 * Number(parts[2] ?? 0) + Number(parts[3] ?? 0) : NaN;
  if (!(seconds > 0)) throw new GibbonError('E_OPTION', `--time: got ${JSON.stringify(raw)}; allowed: a duration > 0 such as 90s, 10m, 1h30m (a number alone: seconds)`);
  return seconds;
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds), m = Math.floor(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : `${m}:${String(s % 60).padStart(2, '0')}`;
}

const UNITS: Record<MetricName, string> = { accuracy: '', energy: 'uJ', latency: 'ms', area: 'mm2', edp: 'mJms', power: 'W' };
const fmtMetric = (m: MetricName, v: number) => (m === 'accuracy' ? `${(100 * v).toFixed(1)}%` : `${Number(v.toPrecision(3))}${UNITS[m]}`);

export interface SearchCommandOptions {
  /** Where the progress line goes (default process.stderr). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
}

/** The validated options of one `gibbon search` call. */
interface Parsed {
  spaceArg?: string;
  dataset: string;
  algorithm: string;
  objectives: MetricName[];
  constraints: Constraint[];
  budget: number;
  /** Seconds, or undefined (no time budget). */
  timeS?: number;
  population: number;
  seed: number;
  workers: number;
  limit: number;
  nonideal: { safHrsPct?: number; safLrsPct?: number; variationSigmaPctOfR?: number };
  trials: number;
  out?: string;
  resume: boolean;
  supernet?: string;
  supernetEpochs: number;
  testAccuracy: boolean;
  predictor: false | { oversample: number; randomShare: number; epochsPerGeneration: number };
  /** --algorithm-options, validated against the algorithm's own option rules. */
  algorithmOptions: Record<string, number>;
}

/** --algorithm-options: a JSON object of numbers the algorithm accepts (checked by building it once). */
function algorithmOptionsOf(raw: string | undefined, algorithm: string): Record<string, number> {
  if (raw === undefined) return {};
  const options = jsonObjectFlag('--algorithm-options', raw, (v): v is number => typeof v === 'number', 'numbers', '{"temperature":1}');
  for (const k of ['populationSize', 'batchSize']) {
    if (k in options) throw new GibbonError('E_OPTION', `--algorithm-options: got ${k}; allowed: the other settings (the population is --population)`);
  }
  const probe: Problem = { decisions: [{ id: 'x', kind: 'hw', size: 2 }], objectives: ['energy'], constraints: [] };
  checkFlag('--algorithm-options', () => createAlgorithm(algorithm, probe, 1, options));
  return options;
}

function parse(argv: string[]): Parsed | 'help' {
  const maxOptions = Object.fromEntries(MAX_METRICS.map((m) => [`max-${m}`, { type: 'string' as const }]));
  const { values } = parseArgs({
    args: argv,
    options: {
      space: { type: 'string' }, dataset: { type: 'string' }, algorithm: { type: 'string' }, objectives: { type: 'string' }, objective: { type: 'string' },
      'saf-hrs-pct': { type: 'string' }, 'saf-lrs-pct': { type: 'string' }, 'variation-pct': { type: 'string' }, trials: { type: 'string' },
      'min-accuracy': { type: 'string' }, ...maxOptions, budget: { type: 'string' }, time: { type: 'string' }, population: { type: 'string' },
      seed: { type: 'string' }, workers: { type: 'string' }, limit: { type: 'string' }, out: { type: 'string' },
      resume: { type: 'boolean' }, supernet: { type: 'string' }, 'supernet-epochs': { type: 'string' },
      'test-accuracy': { type: 'boolean' }, 'no-predictor': { type: 'boolean' }, 'predictor-oversample': { type: 'string' },
      'predictor-random-share': { type: 'string' }, 'predictor-epochs': { type: 'string' }, 'algorithm-options': { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true, allowPositionals: false,
  });
  const v = values as Record<string, string | boolean | undefined>;
  const str = (k: string) => v[k] as string | undefined;
  if (v.help) return 'help';
  const algorithm = str('algorithm') ?? DEFAULT_SEARCH.algorithm;
  if (!(ALGORITHM_NAMES as readonly string[]).includes(algorithm)) {
    throw new GibbonError('E_OPTION', `--algorithm: got ${JSON.stringify(algorithm)}; allowed: ${ALGORITHM_NAMES.join(', ')}`);
  }
  if (str('objective') !== undefined && str('objectives') !== undefined) throw new GibbonError('E_OPTION', '--objective: got both --objective and --objectives; allowed: one of them');
  if (str('objective')?.includes(',')) throw new GibbonError('E_OPTION', `--objective: got ${JSON.stringify(str('objective'))}; allowed: one of ${METRIC_NAMES.join(', ')} (several: --objectives)`);
  const objectives: MetricName[] = [];
  for (const o of (str('objective') ?? str('objectives') ?? DEFAULT_SEARCH.objectives).split(',').map((s) => s.trim())) {
    if (!(METRIC_NAMES as readonly string[]).includes(o)) throw new GibbonError('E_OPTION', `--objectives: got ${JSON.stringify(o)}; allowed: ${METRIC_NAMES.join(', ')} (comma-separated)`);
    if (objectives.includes(o as MetricName)) throw new GibbonError('E_OPTION', `--objectives: got ${JSON.stringify(o)} twice; allowed: each objective once`);
    objectives.push(o as MetricName);
  }
  const constraints: Constraint[] = [];
  if (str('min-accuracy') !== undefined) constraints.push({ metric: 'accuracy', min: num(str('min-accuracy'), 'min-accuracy', 0, 0, 1, false) });
  for (const m of MAX_METRICS) {
    const raw = str(`max-${m}`);
    if (raw === undefined) continue;
    const bound = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(bound) || bound < 0) throw new GibbonError('E_OPTION', `--max-${m}: got ${JSON.stringify(raw)}; allowed: a number >= 0`);
    constraints.push({ metric: m, max: bound });
  }
  const timeS = str('time') === undefined ? undefined : parseDuration(str('time')!);
  const budget = num(str('budget'), 'budget', timeS === undefined ? DEFAULT_SEARCH.budget : MAX_BUDGET, 1, MAX_BUDGET);
  const defaultPopulation = timeS !== undefined && str('budget') === undefined ? 20 : Math.max(2, Math.min(100, Math.ceil(budget / 4)));
  const population = num(str('population'), 'population', defaultPopulation, algorithm === 'random' ? 1 : 2, 1e6);
  return {
    spaceArg: str('space'), dataset: str('dataset') ?? DEFAULT_SEARCH.dataset, algorithm, objectives, constraints, budget, timeS, population,
    seed: num(str('seed'), 'seed', DEFAULT_SEARCH.seed, 0, 0xffffffff),
    workers: num(str('workers'), 'workers', availableParallelism(), 1, 256),
    limit: num(str('limit'), 'limit', DEFAULT_SEARCH.limit, 1, 1 << 30),
    nonideal: Object.fromEntries(([['saf-hrs-pct', 'safHrsPct'], ['saf-lrs-pct', 'safLrsPct'], ['variation-pct', 'variationSigmaPctOfR']] as const)
      .filter(([flag]) => str(flag) !== undefined).map(([flag, key]) => [key, num(str(flag), flag, 0, 0, 100, false)])),
    trials: num(str('trials'), 'trials', 1, 1, 1000),
    out: str('out'), resume: v.resume === true, supernet: str('supernet'),
    supernetEpochs: num(str('supernet-epochs'), 'supernet-epochs', DEFAULT_SEARCH.supernetEpochs, 1, 100000),
    testAccuracy: v['test-accuracy'] === true,
    algorithmOptions: algorithmOptionsOf(str('algorithm-options'), algorithm),
    predictor: v['no-predictor'] === true || (algorithm !== 'esapp' && algorithm !== 'nsga2') ? false : {
      oversample: num(str('predictor-oversample'), 'predictor-oversample', PREDICTOR_SCREEN_DEFAULTS.oversample, 1, 1000),
      randomShare: num(str('predictor-random-share'), 'predictor-random-share', PREDICTOR_SCREEN_DEFAULTS.randomShare, 0, 1, false),
      epochsPerGeneration: num(str('predictor-epochs'), 'predictor-epochs', PREDICTOR_SCREEN_DEFAULTS.epochsPerGeneration, 1, 100000),
    },
  };
}

/** The cache directory of the default supernet of a space / dataset / seed / epochs. */
export function cachedSupernetDir(space: string, dataset: string, seed: number, epochs: number): string {
  const ds = dataset === 'mnist' ? '' : `-${dataset.replace(/[^A-Za-z0-9._-]+/g, '_')}`;
  return join('.gibbon-cache', `supernet-${space.replace(/[^A-Za-z0-9._-]+/g, '_')}${ds}-s${seed}-e${epochs}-${SUPERNET_RECIPE}`);
}

/** Trains (or finishes training) the cached supernet in a worker thread, with a progress line. */
export async function ensureCachedSupernet(dir: string, space: Space, p: { dataset: string; supernetEpochs: number; seed: number }, stream: NodeJS.WritableStream & { isTTY?: boolean }): Promise<void> {
  if (hasSupernet(dir) && loadSupernetState(dir).epoch >= p.supernetEpochs) return;
  mkdirSync(dir, { recursive: true });
  const live = stream.isTTY === true;
  stream.write(`supernet ${space.name}: training ${p.supernetEpochs} epoch(s) into ${dir} (cached for later runs)\n`);
  const handle = startTrainWorker({ kind: 'gibbon-supernet-train', spaceSpec: space.spec, dataset: p.dataset, out: dir, epochs: p.supernetEpochs, seed: p.seed, resume: true }, {
    onProgress: (e) => {
      const line = `supernet ${formatTrainProgress(e)}`;
      if (live) stream.write(`\r${line}\x1b[K${e.kind === 'epoch' ? '\n' : ''}`);
      else if (e.kind === 'epoch') stream.write(`${line}\n`);
    },
  });
  const stop = () => { void handle.stop(); };
  process.once('SIGINT', stop);
  try { await handle.result; } finally { process.off('SIGINT', stop); }
}

/** Candidates per evaluator call: the journal and a time budget act at this granularity. */
const CHUNK_SIZE = 4;

/** The search settings the study config does not record; a resume must present the same ones. */
const CLI_FILE = 'search.json';

export interface SearchCommandResult {
  out: string;
  evaluations: number;
  /** Evaluations done by this call (0 when resuming a finished run). */
  newEvaluations: number;
  frontSize: number;
  hypervolume: number | null;
}

export async function runSearchCommand(argv: string[], print: (s: string) => void, opts: SearchCommandOptions = {}): Promise<SearchCommandResult | undefined> {
  const parsed = parse(argv);
  if (parsed === 'help') { print(SEARCH_HELP); return undefined; }
  const p = parsed;
  const stream = opts.stream ?? process.stderr;

  // The space: the supernet's own when --supernet is given (--space, if given too, must name it).
  let space: Space;
  let supernetDir: string;
  if (p.supernet !== undefined) {
    supernetDir = p.supernet;
    space = resolveSpace(loadSupernetState(supernetDir).spaceSpec, `${supernetDir} (space)`);
    if (p.spaceArg !== undefined && loadSpace(p.spaceArg).name !== space.name) {
      throw new GibbonError('E_OPTION', `--space: got ${JSON.stringify(p.spaceArg)}; allowed: the space of --supernet ${supernetDir} (${space.name}), or no --space`);
    }
  } else {
    space = loadSpace(p.spaceArg);
    supernetDir = cachedSupernetDir(space.name, p.dataset, p.seed, p.supernetEpochs);
  }
  const out = p.out ?? join('runs', `search-${space.name}-s${p.seed}`);
  const cli = { format: 'gibbon-search-cli', version: 1, space: space.name, dataset: p.dataset, supernet: supernetDir, split: 'validation', limit: p.limit, nonideal: p.nonideal, trials: p.trials };
  const cliPath = join(out, CLI_FILE);
  if (existsSync(join(out, RUN_FILES.config))) {
    if (!p.resume) throw new GibbonError('E_OPTION', `--out: got ${JSON.stringify(out)}, a directory that already holds a run; allowed: a new directory, or --resume to continue it`);
    const old = readRunJson<typeof cli>(cliPath);
    if (old && JSON.stringify(old) !== JSON.stringify(cli)) {
      throw new GibbonError('E_OPTION', `--resume: ${cliPath}: got a run with other settings (${JSON.stringify(old)}); allowed: the same --space, --dataset, --supernet, --limit, non-idealities and --trials`);
    }
  } else if (p.resume) {
    throw new GibbonError('E_OPTION', `--resume: got ${JSON.stringify(out)}, which holds no run; allowed: a run directory (drop --resume to start one)`);
  }
  const dataset = await loadDataset(p.dataset, '--dataset');
  const [c, h, w] = dataset.shape;
  if (space.spec.input.channels !== c || space.spec.input.height !== h || space.spec.input.width !== w) {
    throw new GibbonError('E_OPTION', `--dataset: got ${JSON.stringify(p.dataset)} (${c}x${h}x${w} images); allowed: a dataset of the space's input ${space.spec.input.channels}x${space.spec.input.height}x${space.spec.input.width}`);
  }
  if (p.supernet === undefined) await ensureCachedSupernet(supernetDir, space, p, stream);
  const state = loadSupernetState(supernetDir);

  // tfjs loads only for this command (not at every CLI start)
  const { setupTfjs } = await import('../node/tfjs-setup.ts');
  const { Supernet } = await import('../nn/supernet.ts');
  await setupTfjs();
  const sn: Supernet = new Supernet(space, state.initSeed);
  sn.setWeights(state.weights);
  const pool = await createNodePool({ workers: p.workers });
  let disposePredictor = () => {};
  try {
    const problem: Problem = { decisions: decisionsOfSpace(space.decisions), objectives: p.objectives, constraints: p.constraints, canonicalize: (g) => space.encode(space.decode(g)) };
    const options: Record<string, number> = { ...p.algorithmOptions, ...(p.algorithm === 'random' ? { batchSize: p.population } : { populationSize: p.population }) };
    const config: StudyConfig = { problem, algorithm: p.algorithm, options, seed: p.seed, budget: p.budget, chunkSize: CHUNK_SIZE, hypervolume: await defaultHypervolumeSpec(space, p.objectives, pool) };
    let screen: (Screen & { readonly samples: number }) | undefined;
    if (p.predictor) {
      const { createPredictor } = await import('../predictor/predictor.ts');
      const predictor = createPredictor(space, { seed: p.seed });
      disposePredictor = () => predictor.dispose();
      const sim = await loadSimulatorNode();
      predictor.useWasm(sim.exports); // inference in our WASM kernel (docs/predictor.md §6); training stays in tfjs
      screen = createPredictorScreen({ space, problem, predictor, hardware: simulatorHardware(space, sim), ...p.predictor });
    }
    const accuracyOptions = { limit: p.limit, trials: p.trials, nonideal: Object.keys(p.nonideal).length > 0 ? p.nonideal : undefined };
    const evaluator = createGibbonEvaluator({ space, supernet: sn, pool, dataset, split: 'validation', ...accuracyOptions });

    // Progress: counts this session's evaluations, keeps the best value per objective and the hypervolume
    // of the feasible designs that fit the chip (journaled ones included on resume), ETA from this session's rate.
    const start = performance.now();
    const live = stream.isTTY === true;
    let fresh = 0, generation = 0;
    const best = new Map<MetricName, number>();
    // the journal as study.ts reads it (a torn last line skipped): progress starts from it on resume
    const prior = readJournal<{ metrics: Metrics }>(join(out, RUN_FILES.journal)).records.map((r) => r.metrics);
    const journaled = prior.length;
    // Feasible objective vectors so far (hypervolume of the front so far, 2 or 3 objectives).
    const points: number[][] = [];
    const hvOn = p.objectives.length === 2 || p.objectives.length === 3;
    const record = (m: Metrics) => {
      if (m.fits === 0 || violationOf(constraintsOf(problem, m)) > 0) return;
      points.push(objectivesOf(problem, m));
      for (const o of p.objectives) {
        const cur = best.get(o);
        if (cur === undefined || (o === 'accuracy' ? m[o] > cur : m[o] < cur)) best.set(o, m[o]);
      }
    };
    prior.forEach(record);
    const line = (evaluations: number) => {
      const elapsed = (performance.now() - start) / 1000;
      const left = p.budget - evaluations;
      const byRate = fresh > 0 ? (elapsed / fresh) * Math.max(0, left) : Infinity;
      const eta = p.timeS === undefined ? byRate : Math.min(byRate, Math.max(0, p.timeS - elapsed));
      const bests = p.objectives.map((o) => `${o} ${best.has(o) ? fmtMetric(o, best.get(o)!) : '-'}`).join(' ');
      const hv = hvOn ? ` hv ${hypervolume(points, config.hypervolume).toFixed(4)}` : '';
      const of = p.budget === MAX_BUDGET ? '' : `/${p.budget}`;
      return `search ${p.algorithm} gen ${generation} evals ${evaluations}${of} best ${bests}${hv} elapsed ${clock(elapsed)} eta ${left <= 0 ? '0:00' : clock(eta)}`;
    };
    const counting: Evaluator = {
      async evaluate(genomes: Genome[]): Promise<Metrics[]> {
        const ms = await evaluator.evaluate(genomes);
        fresh += ms.length;
        ms.forEach(record);
        if (live) stream.write(`\r${line(journaled + fresh)}\x1b[K`);
        return ms;
      },
    };
    if (!existsSync(join(out, RUN_FILES.config))) { mkdirSync(out, { recursive: true }); writeJsonAtomic(cliPath, cli); }
    const deadline = p.timeS === undefined ? undefined : start + 1000 * p.timeS;
    const result = await runStudy(out, config, counting, {
      resume: p.resume,
      shouldStop: deadline === undefined ? undefined : () => performance.now() >= deadline,
      screen,
      onProgress: (e) => {
        generation = e.generation + 1;
        const text = line(e.evaluations);
        stream.write(live ? `\r${text}\x1b[K` : `${text}\n`);
      },
    });
    if (live) stream.write('\n');

    // front.json: the designs as readable candidates with their metrics (rewrites study.ts's points form).
    let testAccuracy: (number | null)[] = result.front.map(() => null);
    if (p.testAccuracy && result.front.length > 0) {
      const testEval = createGibbonEvaluator({ space, supernet: sn, pool, dataset, split: 'test', ...accuracyOptions });
      testAccuracy = (await testEval.evaluate(result.front.map((e) => e.genome))).map((m) => m.accuracy);
    }
    const designs = result.front.map((e, i) => {
      const { accuracy, ...rest } = e.metrics;
      return { id: e.id, generation: e.generation, candidate: evaluator.candidate(e.genome), genome: e.genome, metrics: { accuracy, test_accuracy: testAccuracy[i], ...rest } };
    });
    writeJsonAtomic(join(out, RUN_FILES.frontJson), designs);
    const summary = readRunJson<{ hypervolume: number | null; frontSize: number; evaluations: number; feasible: number; generations: number; stoppedBy: string }>(join(out, RUN_FILES.summary))!;
    const hv = summary.hypervolume;
    print([
      `search ${space.name} | ${p.algorithm} seed ${p.seed} | ${summary.evaluations} evaluations (${fresh} new) in ${summary.generations} generations | ` +
        `${summary.feasible} feasible | front ${summary.frontSize} design(s)${hv === null ? '' : ` | hypervolume ${hv.toFixed(4)}`}` +
        (summary.stoppedBy === 'time' ? ` | stopped by --time ${p.timeS} s (--resume continues)` : ''),
      `supernet ${supernetDir} (${state.epoch} epochs) | accuracy on ${p.limit} validation images per evaluation` +
        (Object.keys(p.nonideal).length > 0 ? `, non-idealities ${JSON.stringify(p.nonideal)}` : '') + (p.trials > 1 ? `, mean of ${p.trials} chip instances` : '') +
        (p.testAccuracy ? ', front also on the test split' : ''),
      `results: ${join(out, RUN_FILES.frontJson)}, ${join(out, RUN_FILES.frontCsv)}, ${join(out, RUN_FILES.summary)} (journal ${join(out, RUN_FILES.journal)})`,
      `report: npx gibbon report ${out}`,
    ].join('\n'));
    return { out, evaluations: summary.evaluations, newEvaluations: fresh, frontSize: summary.frontSize, hypervolume: hv };
  } finally {
    await pool.destroy();
    sn.dispose();
    disposePredictor();
  }
}
