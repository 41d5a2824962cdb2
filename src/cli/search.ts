// `gibbon search`: the co-exploration (src/run/gibbon-search.ts, docs/search.md) from the command line:
// the flags (./search-args.ts), a run directory as the store, a Piscina pool, the supernet from --supernet
// or trained once into .gibbon-cache/ in a worker thread, a progress line on stderr, the results printed.
// Ctrl-C stops the run after the evaluations in flight; --resume continues it.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from '../node/dataset-files.ts';
import { checkpointPath, loadSupernetState } from '../node/supernet-files.ts';
import type { RemoteEvaluation } from '../node/queue/remote-evaluator.ts';
import { readFileSync } from 'node:fs';
import { cachedSupernetTrainer, storedSupernet } from '../node/supernet-trainer.ts';
import { checkRunDirectory, fileRunStore } from '../node/run-store.ts';
import { networkDifference, resolveSpace, type Space } from '../space/space.ts';
import { GibbonError } from '../util/errors.ts';
import { supernetCacheKey } from '../run/pins.ts';
import { clock } from '../util/clock.ts';
import type { MetricName } from '../search/problem.ts';
import type { GibbonSearchEvent, SearchStatus } from '../run/gibbon-search.ts';
import type { RunSummary } from '../run/front.ts';
import { RUN_FILES } from '../run/store.ts';
import { UNLIMITED_BUDGET } from '../run/study.ts';
import { DEFAULT_SEARCH, gibbonSearchConfig, SEARCH_FLAGS, SEARCH_HELP, searchArgsOf, type SearchArgs } from './search-args.ts';
import { pathComponent, supernetCacheName } from '../run/supernet-cache.ts';
import type { Dataset } from '../data/types.ts';
import { formatTrainProgress, loadSpace } from './supernet.ts';
import { statusLine, type Stream } from './progress.ts';

export { DEFAULT_SEARCH, parseDuration, SEARCH_HELP } from './search-args.ts';

export interface SearchCommandOptions {
  /** Where the progress line goes (default process.stderr). */
  stream?: Stream;
}

export interface SearchCommandResult {
  out: string;
  evaluations: number;
  /** Evaluations done by this call (0 when resuming a finished run). */
  newEvaluations: number;
  frontSize: number;
  hypervolume: number | null;
}

export { pathComponent } from '../run/supernet-cache.ts';

/** gibbon search's flags (argv) -> validated settings; an unknown flag is parseArgs' one line. */
export function parseSearchArgs(argv: string[]): SearchArgs | 'help' {
  const options = Object.fromEntries(Object.entries(SEARCH_FLAGS).map(([name, type]) => [name, name === 'help' ? { type, short: 'h' } : { type }]));
  const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  return searchArgsOf(values, availableParallelism());
}

/** The run directory when --out is not given: runs/search-<space>-s<seed>, always inside runs/. */
export const defaultRunDir = (space: string, seed: number): string => join('runs', `search-${pathComponent(space)}-s${seed}`);

/** The cache directory of the default supernet: .gibbon-cache/<supernetCacheName> (src/run/supernet-cache.ts). */
export function cachedSupernetDir(space: string, dataset: string, seed: number, epochs: number, key: string, limit?: number, distill?: number): string {
  return join('.gibbon-cache', supernetCacheName(space, dataset, seed, epochs, key, limit, distill));
}

const UNITS: Record<MetricName, string> = { accuracy: '', energy: 'uJ', latency: 'ms', area: 'mm2', edp: 'mJms', power: 'W' };
const fmtMetric = (m: MetricName, v: number) => (m === 'accuracy' ? `${(100 * v).toFixed(1)}%` : `${Number(v.toPrecision(3))}${UNITS[m]}`);

/** The search's progress line. */
function statusText(s: SearchStatus, objectives: readonly MetricName[], unlimited: boolean): string {
  const bests = objectives.map((o) => `${o} ${s.best[o] === undefined ? '-' : fmtMetric(o, s.best[o]!)}`).join(' ');
  const hv = s.hypervolume === null ? '' : ` hv ${s.hypervolume.toFixed(4)}`;
  return `search ${s.algorithm} gen ${s.generation} evals ${s.evaluations}${unlimited ? '' : `/${s.budget}`} best ${bests}${hv} elapsed ${clock(s.elapsedS)} eta ${clock(s.etaS)}`;
}

/**
 * The space and the supernet's place. With --supernet: the supernet's own space, or --space if its networks
 * are the supernet's (its hardware decisions and fixedArch may differ: they are searched and simulated as
 * --space says, e.g. another ADC range mode, on the same trained weights); any other --space is refused.
 */
function spaceAndSupernet(p: SearchArgs): { space: Space; supernetDir?: string } {
  if (p.supernet === undefined) return { space: loadSpace(p.spaceArg) };
  const own = resolveSpace(loadSupernetState(p.supernet).spaceSpec, `${p.supernet} (space)`);
  if (p.spaceArg === undefined) return { space: own, supernetDir: p.supernet };
  const given = loadSpace(p.spaceArg);
  const part = networkDifference(given, own);
  if (part !== undefined) {
    throw new GibbonError('E_OPTION', `--space: got ${JSON.stringify(p.spaceArg)}, whose ${part} differs from the space of --supernet ${p.supernet} (${own.name}); allowed: a space with the supernet's networks (only hardware and fixedArch may differ), or no --space`);
  }
  return { space: given, supernetDir: p.supernet };
}

/** The front's reach: best test accuracy and the span of every objective. */
function frontText(summary: RunSummary): string {
  const parts: string[] = [];
  if (summary.bestTestAccuracy !== null) parts.push(`best test accuracy ${(100 * summary.bestTestAccuracy).toFixed(2)}% (${summary.testImages} test images)`);
  for (const [o, [lo, hi]] of Object.entries(summary.frontSpan ?? {})) {
    parts.push(`${o === 'accuracy' ? 'validation accuracy' : o} ${fmtMetric(o as MetricName, lo)} to ${fmtMetric(o as MetricName, hi)}`);
  }
  return `front: ${parts.length > 0 ? parts.join(' | ') : 'empty'}`;
}

/** --limit against the splits it is taken from: a 10-image split never reports 300 images per evaluation. */
function checkLimit(p: SearchArgs, data: Dataset): void {
  const checks: ['limit' | 'test-limit', 'validation' | 'test', number | undefined, number][] = [
    ['limit', 'validation', p.limit, data.validation.count], ['test-limit', 'test', p.testAccuracy ? p.testLimit : undefined, data.test.count]];
  for (const [flag, split, limit, count] of checks) {
    if (limit === undefined || limit <= count) continue;
    const fallback = flag === 'limit' ? ` (the default is ${DEFAULT_SEARCH.limit})` : '';
    throw new GibbonError('E_OPTION', `--${flag}: got ${limit}; allowed: at most ${count}, the images of the ${split} split of ${p.dataset}${fallback}: pass --${flag} ${count} or less`);
  }
}

export async function runSearchCommand(argv: string[], print: (s: string) => void, opts: SearchCommandOptions = {}): Promise<SearchCommandResult | undefined> {
  const p = parseSearchArgs(argv);
  if (p === 'help') { print(SEARCH_HELP); return undefined; }
  const { space, supernetDir: given } = spaceAndSupernet(p);
  const out = p.out ?? defaultRunDir(space.name, p.seed);
  checkRunDirectory(out, '--out');
  if (given !== undefined && p.batchSize !== undefined) throw new GibbonError('E_OPTION', `--batch-size: got it with --supernet ${given}; allowed: --batch-size for the cached supernet only (a given supernet is never trained here)`);
  const line = statusLine(opts.stream ?? process.stderr);
  const progress = (e: GibbonSearchEvent) => {
    if (e.kind === 'supernet-training') line.show(`supernet ${e.space}: training ${e.epochs} epoch(s) into ${e.location} (cached for later runs)`, 'line');
    else if (e.kind === 'supernet-progress') line.show(`supernet ${formatTrainProgress(e.progress)}`, e.progress.kind === 'epoch' ? 'line' : 'redraw');
    else {
      lastStatus = statusText(e.status, p.objectives, p.budget === UNLIMITED_BUDGET);
      const queue = remote?.statusText() ? ` ${remote.statusText()}` : '';
      line.show(`${lastStatus}${queue}`, e.kind === 'generation' ? 'log' : 'redraw');
    }
  };
  const data = await loadDataset(p.dataset, '--dataset');
  checkLimit(p, data);
  const supernetDir = given ?? cachedSupernetDir(space.name, p.dataset, p.seed, p.supernetEpochs,
    await supernetCacheKey(space.spec, data, { batchSize: p.batchSize, distill: p.supernetDistill }), p.supernetLimit, p.supernetDistill);
  // tfjs and the search library load only for this command (not at every CLI start)
  const [{ setupTfjs }, { runGibbonSearch }, { createNodePool }, { loadSimulatorNode }] = await Promise.all([
    import('../node/tfjs-setup.ts'), import('../run/gibbon-search.ts'), import('../node/pool.ts'), import('../node/simulator.ts')]);
  await setupTfjs();
  const pool = await createNodePool({ workers: p.workers });
  // --redis: evaluations go to queue workers, started once the supernet is ready (it is published to them)
  let remote: RemoteEvaluation | undefined;
  let lastStatus = '';
  const evaluatorFor = p.remote === undefined ? undefined : async (split: 'validation' | 'test') => {
    if (remote === undefined) {
      const { startRemoteEvaluation } = await import('../node/queue/remote-evaluator.ts');
      remote = await startRemoteEvaluation({
        ...p.remote!, out, space, supernetBytes: readFileSync(checkpointPath(supernetDir)), dataset: data, datasetSpec: p.dataset,
        accuracy: { limit: p.limit, ...(p.testLimit === undefined ? {} : { testLimit: p.testLimit }), trials: p.trials, ...(Object.keys(p.nonideal).length > 0 ? { nonideal: p.nonideal } : {}), ...(p.finetuneSteps > 0 ? { finetuneSteps: p.finetuneSteps } : {}) },
        onStatus: () => { if (lastStatus !== '') line.show(`${lastStatus} ${remote?.statusText() ?? ''}`, 'redraw'); },
      });
      line.show(`search: evaluations go to ${remote.where} (start workers with: gibbon worker --redis <url>${p.remote!.queue ? ` --queue ${p.remote!.queue}` : ''})`, 'line');
    }
    return remote.evaluator(split);
  };
  const abort = new AbortController();
  const interrupt = () => abort.abort();
  process.once('SIGINT', interrupt);
  try {
    const { summary, newEvaluations, supernetEpochs } = await runGibbonSearch(gibbonSearchConfig(p, space), {
      store: fileRunStore(out), pool, data, simulator: await loadSimulatorNode(), progress, signal: abort.signal, evaluatorFor,
      trainer: p.supernet === undefined ? cachedSupernetTrainer(supernetDir, p.workers) : storedSupernet(supernetDir),
    });
    line.end();
    const hv = summary.hypervolume;
    const stopped = summary.stoppedBy === 'time' ? ` | stopped by --time ${p.timeS} s (--resume continues)` : summary.stoppedBy === 'aborted' ? ' | interrupted (--resume continues)' : '';
    print([
      `search ${space.name} | ${p.algorithm} seed ${p.seed} | ${summary.evaluations} evaluations (${newEvaluations} new) in ${summary.generations} generations | ` +
        `${summary.feasible} feasible | front ${summary.frontSize} design(s)${hv === null ? '' : ` | hypervolume ${hv.toFixed(4)}`}${stopped}`,
      `supernet ${supernetDir} (${supernetEpochs} epochs) | accuracy on ${p.limit} validation images per evaluation` +
        (Object.keys(p.nonideal).length > 0 ? `, non-idealities ${JSON.stringify(p.nonideal)}` : '') + (p.trials > 1 ? `, mean of ${p.trials} chip instances` : ''),
      frontText(summary),
      `results: ${join(out, RUN_FILES.frontJson)}, ${join(out, RUN_FILES.frontCsv)}, ${join(out, RUN_FILES.summary)} (journal ${join(out, RUN_FILES.journal)})`,
      `report: npx gibbon report ${out}`,
    ].join('\n'));
    return { out, evaluations: summary.evaluations, newEvaluations, frontSize: summary.frontSize, hypervolume: hv };
  } finally {
    process.off('SIGINT', interrupt);
    await remote?.close();
    await pool.destroy();
  }
}
