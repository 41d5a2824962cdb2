// `gibbon search`'s arguments: the help text and the flags -> validated settings (the command itself:
// src/cli/search.ts). Every bad flag is one line naming it, its value and what is allowed. Web-standard:
// the app's search form (src/app/search-panel.ts) hands its fields, named like the flags, to the same
// searchArgsOf, so a bad value in the page gets the CLI's message.
import { GibbonError } from '../util/errors.ts';
import { atLeastFlag, checkFlag, jsonObjectFlag, numberFlag, workersFlag } from './flags.ts';
import { ALGORITHM_NAMES, createAlgorithm } from '../search/registry.ts';
import { METRIC_NAMES, type Constraint, type MetricName, type Problem } from '../search/problem.ts';
import { PREDICTOR_SCREEN_DEFAULTS } from '../predictor/screen.ts';
import { UNLIMITED_BUDGET } from '../run/study.ts';
import { DEFAULT_SUPERNET_BATCH } from '../nn/supernet.ts';
import type { GibbonSearchConfig } from '../run/gibbon-search.ts';
import type { Space } from '../space/space.ts';

export const DEFAULT_SEARCH = Object.freeze({ space: 'mnist', dataset: 'mnist', algorithm: 'esapp', objectives: 'accuracy,edp,area', budget: 60, seed: 1, supernetEpochs: 8, limit: 300 } as const);

/** Constraint options: --min-accuracy and --max-<metric> for every other metric. */
const MAX_METRICS = METRIC_NAMES.filter((m) => m !== 'accuracy');

export const SEARCH_HELP = `gibbon search [options]

Co-explores networks and PIM hardware of a space (docs/search.md): each candidate's accuracy comes from
a weight-sharing supernet on the functional (PIM) simulator, on the validation split; its energy,
latency, area, EDP and power from the hardware simulator. Writes a run directory: config.json,
journal.jsonl, checkpoint.json, and at the end front.json (the Pareto designs: readable candidate +
metrics), front.csv and summary.json. Ctrl-C stops the run after the evaluations in flight and
writes those results; --resume continues it.

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
  --workers <n>           simulator threads, and the threads that train a supernet the run needs (default:
                          one per core)
  --limit <n>             validation images per accuracy evaluation (default ${DEFAULT_SEARCH.limit})
  --saf-hrs-pct <p>       accuracy under non-idealities (docs/functional.md §5), over the space's own:
  --saf-lrs-pct <p>       cells stuck at HRS / at LRS (percent), resistance variation sigma (percent of R);
  --variation-pct <p>     each in 0..100
  --trials <n>            chip instances per accuracy evaluation (default 1); metrics hold the mean as
                          accuracy and the population std as accuracy_std
  --out <dir>             run directory (default runs/search-<space>-s<seed>); an existing run is
                          refused unless --resume
  --resume                continue the run in --out (same options; the dataset and supernet must be the
                          ones the run pinned by content, docs/search.md §7; a finished run just rewrites its results)
  --supernet <dir>        a supernet trained by \`gibbon supernet train\`; default: the cache
                          .gibbon-cache/supernet-<space>-<key>-s<seed>-e<epochs>-<recipe>/, trained there first if
                          missing (<key>: a hash of the whole space file, the dataset's content and --batch-size,
                          so a changed space or dataset never reuses another's supernet); with --supernet, --space
                          may differ from the supernet's space in its hardware and fixedArch only
  --batch-size <n>        images per step when the cached supernet is trained (default ${DEFAULT_SUPERNET_BATCH}); a space
                          too large for memory at that size is refused before training, naming one that fits
  --supernet-limit <n>    train the cached supernet on the first n training images only (default: all); part
                          of the cache's name (...-l<n>) and of search.json (a resume must give the same)
  --supernet-epochs <n>   epochs of the cached supernet (default ${DEFAULT_SEARCH.supernetEpochs}: a quick run, not a
                          converged supernet)
  --supernet-distill <d>  in-place distillation of the cached supernet, in [0, 1] (default 0, off); part of
                          its recipe tag (...-kd<d>). With --supernet-epochs 64 --supernet-distill 1 the accuracy
                          axis agrees with stand-alone training (docs/supernet.md §7.5; about 34 min to train)
  --finetune-steps <n>    fine-tune each design alone for n steps (batches of 64) from the supernet's
                          weights before measuring its accuracy (default 0: none). Slower (about 8 s a
                          design at 110 steps on one core), closer to the design trained alone
                          (docs/supernet.md §7.2); pinned in search.json
  --no-test-accuracy      skip the end's measurement of every front design on the test split (default:
                          measured, on the whole split; front.json metrics.test_accuracy)
  --test-limit <n>        test images per front design (default: the whole test split)
  --no-seed-extremes      start from random designs alone (default: the first generation also holds the
                          space's most accurate and cheapest designs; docs/search.md §3)
  --no-predictor          evaluate every child ESAPP / NSGA-II proposes (default: the RNN predictor
                          screens them first; docs/search.md §9). random and evolution never use it
  --predictor-oversample <k>     children proposed per child evaluated (default ${PREDICTOR_SCREEN_DEFAULTS.oversample})
  --predictor-random-share <x>   share of the evaluated children drawn at random, not by the predictor
                                 (default ${PREDICTOR_SCREEN_DEFAULTS.randomShare})
  --predictor-epochs <n>         predictor training epochs after each generation (default ${PREDICTOR_SCREEN_DEFAULTS.epochsPerGeneration})
  --redis <url>           evaluate on \`gibbon worker\` processes through this Redis instead of here
                          (docs/distributed.md): redis://[user:password@]host[:port][/db], rediss:// for TLS;
                          same results, journal and resume. --queue <name> (default gibbon) and
                          --share <dir> (publish the supernet in a shared directory, not in Redis) go with it
`;

/** "90", "90s", "10m", "1h30m", "1.5h" -> seconds. */
export function parseDuration(raw: string): number {
  const text = raw.trim();
  const parts = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s?)?$/.exec(text);
  const seconds = parts && text !== '' ? 3600 * Number(parts[1] ?? 0) + 60 * Number(parts[2] ?? 0) + Number(parts[3] ?? 0) : NaN;
  if (!(seconds > 0)) throw new GibbonError('E_OPTION', `--time: got ${JSON.stringify(raw)}; allowed: a duration > 0 such as 90s, 10m, 1h30m (a number alone: seconds)`);
  return seconds;
}

/** The validated options of one `gibbon search` call. */
export interface SearchArgs {
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
  /** --batch-size: images per step of the cached supernet's training (undefined: the trainer's default). */
  batchSize?: number;
  /** --supernet-limit: training images of the cached supernet (undefined: all). */
  supernetLimit?: number;
  /** --supernet-distill: in-place distillation of the cached supernet (undefined: the default recipe). */
  supernetDistill?: number;
  testAccuracy: boolean;
  /** Test images per front design; undefined: the whole split. */
  testLimit?: number;
  /** --finetune-steps (0: none). */
  finetuneSteps: number;
  seedExtremes: boolean;
  predictor: false | { oversample: number; randomShare: number; epochsPerGeneration: number };
  /** --algorithm-options, validated against the algorithm's own option rules. */
  algorithmOptions: Record<string, number>;
  /** --redis, --queue, --share: evaluations on queue workers (docs/distributed.md). */
  remote?: { url: string; queue?: string; share?: string };
}

function remoteOf(url: string | undefined, queue: string | undefined, share: string | undefined): SearchArgs['remote'] {
  if (url === undefined) {
    if (queue !== undefined || share !== undefined) throw new GibbonError('E_OPTION', `--${queue !== undefined ? 'queue' : 'share'}: got it without --redis; allowed: with --redis <url> only`);
    return undefined;
  }
  return { url, queue, share };
}

/**
 * A flag on how the cached supernet is trained (--supernet-limit, --supernet-distill), checked by `parse`;
 * a given --supernet is never trained, so not with it.
 */
function cachedSupernetFlag(flag: string, raw: string | undefined, supernet: string | undefined, parse: (raw: string) => number): number | undefined {
  if (raw === undefined) return undefined;
  if (supernet !== undefined) throw new GibbonError('E_OPTION', `--${flag}: got it with --supernet; allowed: without --supernet (a given supernet is used as trained)`);
  return parse(raw);
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

/** Test accuracy is on by default; --test-accuracy (the former opt-in) is still accepted. */
function testAccuracyOf(on: boolean, off: boolean): boolean {
  if (on && off) throw new GibbonError('E_OPTION', '--no-test-accuracy: got it with --test-accuracy; allowed: one of them');
  return !off;
}

/** Every flag of `gibbon search` and its kind (a value, or a switch). */
export const SEARCH_FLAGS: Readonly<Record<string, 'string' | 'boolean'>> = Object.freeze({
  space: 'string', dataset: 'string', algorithm: 'string', objectives: 'string', objective: 'string',
  'saf-hrs-pct': 'string', 'saf-lrs-pct': 'string', 'variation-pct': 'string', trials: 'string',
  'min-accuracy': 'string', ...Object.fromEntries(MAX_METRICS.map((m) => [`max-${m}`, 'string' as const])), budget: 'string', time: 'string', population: 'string',
  seed: 'string', workers: 'string', limit: 'string', out: 'string',
  resume: 'boolean', supernet: 'string', 'supernet-epochs': 'string', 'supernet-limit': 'string', 'supernet-distill': 'string', 'batch-size': 'string',
  'test-accuracy': 'boolean', 'no-test-accuracy': 'boolean', 'test-limit': 'string', 'finetune-steps': 'string', 'no-seed-extremes': 'boolean', 'no-predictor': 'boolean', 'predictor-oversample': 'string',
  'predictor-random-share': 'string', 'predictor-epochs': 'string', 'algorithm-options': 'string', help: 'boolean',
  redis: 'string', queue: 'string', share: 'string',
});

/** Flag name -> its value (a string, or true for a switch given); absent flags are absent or undefined. */
export type SearchFlagValues = Readonly<Record<string, string | boolean | undefined>>;

/**
 * The validated settings of one search from its flags' values (parsed from argv by the CLI, or a form's
 * fields by the app); `cores`: the machine's (--workers defaults to one per core and is capped by them).
 */
export function searchArgsOf(values: SearchFlagValues, cores: number): SearchArgs | 'help' {
  const v = values;
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
  if (str('min-accuracy') !== undefined) constraints.push({ metric: 'accuracy', min: numberFlag(str('min-accuracy'), 'min-accuracy', 0, 0, 1, false) });
  for (const m of MAX_METRICS) {
    const raw = str(`max-${m}`);
    if (raw === undefined) continue;
    constraints.push({ metric: m, max: atLeastFlag(raw, `max-${m}`, 0) });
  }
  const timeS = str('time') === undefined ? undefined : parseDuration(str('time')!);
  const budget = numberFlag(str('budget'), 'budget', timeS === undefined ? DEFAULT_SEARCH.budget : UNLIMITED_BUDGET, 1, UNLIMITED_BUDGET);
  const defaultPopulation = timeS !== undefined && str('budget') === undefined ? 20 : Math.max(2, Math.min(100, Math.ceil(budget / 4)));
  const population = numberFlag(str('population'), 'population', defaultPopulation, algorithm === 'random' ? 1 : 2, 1e6);
  return {
    spaceArg: str('space'), dataset: str('dataset') ?? DEFAULT_SEARCH.dataset, algorithm, objectives, constraints, budget, timeS, population,
    seed: numberFlag(str('seed'), 'seed', DEFAULT_SEARCH.seed, 0, 0xffffffff),
    workers: workersFlag(str('workers'), cores),
    limit: numberFlag(str('limit'), 'limit', DEFAULT_SEARCH.limit, 1, 1 << 30),
    nonideal: Object.fromEntries(([['saf-hrs-pct', 'safHrsPct'], ['saf-lrs-pct', 'safLrsPct'], ['variation-pct', 'variationSigmaPctOfR']] as const)
      .filter(([flag]) => str(flag) !== undefined).map(([flag, key]) => [key, numberFlag(str(flag), flag, 0, 0, 100, false)])),
    trials: numberFlag(str('trials'), 'trials', 1, 1, 1000),
    out: str('out'), resume: v.resume === true, supernet: str('supernet'),
    supernetEpochs: numberFlag(str('supernet-epochs'), 'supernet-epochs', DEFAULT_SEARCH.supernetEpochs, 1, 100000),
    batchSize: str('batch-size') === undefined ? undefined : numberFlag(str('batch-size'), 'batch-size', DEFAULT_SUPERNET_BATCH, 1, 4096),
    supernetLimit: cachedSupernetFlag('supernet-limit', str('supernet-limit'), str('supernet'), (r) => numberFlag(r, 'supernet-limit', 0, 1, 1 << 30)),
    supernetDistill: cachedSupernetFlag('supernet-distill', str('supernet-distill'), str('supernet'), (r) => numberFlag(r, 'supernet-distill', 0, 0, 1, false)),
    testAccuracy: testAccuracyOf(v['test-accuracy'] === true, v['no-test-accuracy'] === true),
    testLimit: str('test-limit') === undefined ? undefined : numberFlag(str('test-limit'), 'test-limit', 0, 1, 1 << 30),
    finetuneSteps: numberFlag(str('finetune-steps'), 'finetune-steps', 0, 0, 100000),
    seedExtremes: v['no-seed-extremes'] !== true,
    algorithmOptions: algorithmOptionsOf(str('algorithm-options'), algorithm),
    remote: remoteOf(str('redis'), str('queue'), str('share')),
    predictor: v['no-predictor'] === true || (algorithm !== 'esapp' && algorithm !== 'nsga2') ? false : {
      oversample: numberFlag(str('predictor-oversample'), 'predictor-oversample', PREDICTOR_SCREEN_DEFAULTS.oversample, 1, 1000),
      randomShare: numberFlag(str('predictor-random-share'), 'predictor-random-share', PREDICTOR_SCREEN_DEFAULTS.randomShare, 0, 1, false),
      epochsPerGeneration: numberFlag(str('predictor-epochs'), 'predictor-epochs', PREDICTOR_SCREEN_DEFAULTS.epochsPerGeneration, 1, 100000),
    },
  };
}


/** The library's config of a search with these settings in `space`: what the CLI and the app pass to runGibbonSearch. */
export function gibbonSearchConfig(p: SearchArgs, space: Space): GibbonSearchConfig {
  return {
    space, dataset: p.dataset, algorithm: p.algorithm, objectives: p.objectives, constraints: p.constraints, budget: p.budget, timeS: p.timeS,
    population: p.population, algorithmOptions: p.algorithmOptions, seed: p.seed, limit: p.limit, nonideal: p.nonideal, trials: p.trials,
    supernetEpochs: p.supernetEpochs, supernetLimit: p.supernetLimit, supernetDistill: p.supernetDistill, supernetBatchSize: p.batchSize, testAccuracy: p.testAccuracy, testLimit: p.testLimit,
    finetuneSteps: p.finetuneSteps, seedExtremes: p.seedExtremes, predictor: p.predictor, resume: p.resume,
  };
}
