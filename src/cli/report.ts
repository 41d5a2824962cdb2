// `gibbon report <run dir>`: one self-contained HTML page of a `gibbon search` run (docs/report.md): the
// run summary, accuracy-vs-cost scatter plots, the hypervolume over evaluations, the Pareto front table,
// the per-layer hardware breakdown of one design (the hardware simulator, run here), and with --retrain K
// the one-shot vs stand-alone accuracy of the top K front designs (tfjs, loaded only then).
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic, readJsonFile } from '../node/atomic-file.ts';
import { readRunHead, runDirSource, type RunFiles } from '../node/run-files.ts';
import { RUN_FILES } from '../run/store.ts';
import { loadSimulatorNode } from '../node/simulator.ts';
import { SUMMARY_FILE } from '../node/supernet-files.ts';
import { toArch } from '../space/convert.ts';
import { resolveSpace, type Space } from '../space/space.ts';
import { SPACE_PRESETS } from '../space/presets.ts';
import { buildReportHtml } from '../report/html-report.ts';
import { bestDesign, designBreakdown, frontWithNetworks } from '../report/run-view.ts';
import type { DesignBreakdown, FrontDesign, RetrainReport } from '../report/run-data.ts';
import type { Candidate } from '../space/types.ts';
import { GibbonError, fieldError } from '../util/errors.ts';
import { numberFlag, workersFlag } from './flags.ts';

export const REPORT_FILE = 'report.html';
export const DEFAULT_RETRAIN_EPOCHS = 2;

export const REPORT_HELP = `gibbon report <run dir> [options]

Writes one self-contained HTML page (no scripts, no external files; opens offline) about a finished
\`gibbon search\` run (docs/report.md): run summary, accuracy vs EDP / area / latency of every evaluated
candidate with the Pareto front, hypervolume over evaluations, the front designs (network, bits,
hardware, metrics), and the per-layer area / energy / latency of one design on the hardware simulator.

  --out <file>            the page (default <run dir>/${REPORT_FILE})
  --design <id>           the design of the per-layer breakdown: a front design or any evaluated candidate
                          (journal id); default: the front design of best validation accuracy
  --retrain <k>           also train the k front designs of best validation accuracy alone from scratch
                          and compare their accuracy with the one-shot (supernet) accuracy: table and
                          Kendall tau-b (needs the run's supernet and dataset; minutes per design)
  --retrain-epochs <n>    epochs of each stand-alone training (default ${DEFAULT_RETRAIN_EPOCHS})
  --workers <n>           functional-simulator threads for --retrain (default: one per core)
`;

interface Parsed {
  runDir: string;
  out?: string;
  design?: number;
  retrain: number;
  retrainEpochs: number;
  workers: number;
}

function parse(argv: string[]): Parsed | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' }, design: { type: 'string' }, retrain: { type: 'string' }, 'retrain-epochs': { type: 'string' },
      workers: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true, allowPositionals: true,
  });
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new GibbonError('E_OPTION', `<run dir>: got ${positionals.length === 0 ? 'nothing' : JSON.stringify(positionals)}; allowed: one run directory of gibbon search`);
  return {
    runDir: positionals[0], out: values.out,
    design: values.design === undefined ? undefined : numberFlag(values.design, 'design', 0, 0, Number.MAX_SAFE_INTEGER),
    retrain: numberFlag(values.retrain, 'retrain', 0, 0, 1000),
    retrainEpochs: numberFlag(values['retrain-epochs'], 'retrain-epochs', DEFAULT_RETRAIN_EPOCHS, 1, 10000),
    workers: workersFlag(values.workers, availableParallelism()),
  };
}

/** The run's space: the supernet's own (supernet.json), else the preset named in search.json or the designs. */
export function runSpace(run: Omit<RunFiles, 'front'>, frontSpaceName: string | undefined): Space {
  const sn = run.search?.supernet;
  if (sn !== undefined) {
    const summary = readJsonFile<{ spaceSpec?: unknown }>(join(sn, SUMMARY_FILE));
    if (summary?.spaceSpec !== undefined) return resolveSpace(summary.spaceSpec, `${join(sn, SUMMARY_FILE)} (spaceSpec)`);
  }
  const name = run.search?.space ?? frontSpaceName;
  if (name !== undefined && Object.hasOwn(SPACE_PRESETS, name)) return resolveSpace(SPACE_PRESETS[name as keyof typeof SPACE_PRESETS], `space ${name}`);
  const file = join(run.dir, RUN_FILES.search);
  throw fieldError('E_FILE', file, 'space', name, `a preset space (${Object.keys(SPACE_PRESETS).join(', ')}), or a supernet directory in ${file}.supernet that holds ${SUMMARY_FILE}`);
}

export { bestDesign };

async function breakdownOf(space: Space, id: number, candidate: Candidate): Promise<DesignBreakdown> {
  const sim = await loadSimulatorNode();
  return designBreakdown((job) => sim.simulate(job.layers, job.arch, job.options), space, id, candidate);
}

/** The breakdown's design: --design (a front design, or any evaluated candidate by its journal id), else the best front design. */
function chooseDesign(space: Space, front: readonly FrontDesign[], journal: RunFiles['journal'], id: number | undefined): { id: number; candidate: Candidate } | undefined {
  if (id === undefined) { const best = bestDesign(front); return best && { id: best.id, candidate: best.candidate }; }
  const inFront = front.find((d) => d.id === id);
  if (inFront) return { id, candidate: inFront.candidate };
  const record = journal.find((r) => r.id === id);
  if (record === undefined) throw new GibbonError('E_OPTION', `--design: got ${id}; allowed: the id of a front design (${front.map((d) => d.id).join(', ')}) or of an evaluated candidate (journal ids ${journal.length ? `${journal[0].id}..${journal[journal.length - 1].id}` : 'none'})`);
  if (record.metrics.fits === 0) throw new GibbonError('E_OPTION', `--design: got ${id}; allowed: a candidate that fits the chip (${id} does not)`);
  return { id, candidate: space.decode(record.genome) };
}

/** Trains the top `k` designs alone and measures them as the search did (PIM accuracy on the validation split). */
async function retrain(run: Omit<RunFiles, 'front'>, space: Space, front: readonly FrontDesign[], p: Parsed, stream: NodeJS.WritableStream): Promise<RetrainReport> {
  const search = run.search;
  if (search === undefined) throw fieldError('E_FILE', join(run.dir, RUN_FILES.search), '(file)', undefined, 'the search settings (dataset, limit) that --retrain needs');
  const top = [...front].sort((a, b) => b.metrics.accuracy - a.metrics.accuracy || a.id - b.id).slice(0, p.retrain);
  const { loadDataset } = await import('../node/dataset-files.ts');
  const { createNodePool } = await import('../node/pool.ts');
  const { pimExecutor } = await import('../pool/eval-pool.ts');
  // tfjs loads only for --retrain (not at every CLI start)
  const { setupTfjs } = await import('../node/tfjs-setup.ts');
  const { trainStandalone, kendallTauB } = await import('../nn/standalone.ts');
  const { evaluateAccuracy } = await import('../nn/accuracy.ts');
  await setupTfjs();
  const dataset = await loadDataset(search.dataset, `${join(run.dir, RUN_FILES.search)} dataset`);
  const split = search.split === 'test' ? dataset.test : dataset.validation;
  const pool = await createNodePool({ workers: p.workers });
  const rows: RetrainReport['rows'] = [];
  try {
    for (const [i, d] of top.entries()) {
      stream.write(`retrain ${i + 1}/${top.length}: design #${d.id}, ${p.retrainEpochs} epoch(s) on ${dataset.train.count} training images ...\n`);
      const trained = trainStandalone(space, d.candidate, dataset.train, { epochs: p.retrainEpochs, seed: 1 });
      try {
        const r = await evaluateAccuracy(d.candidate, trained.supernet, split, { executor: pimExecutor(pool), calibration: dataset.train, limit: search.limit, arch: toArch(space, d.candidate) });
        rows.push({ id: d.id, oneShot: d.metrics.accuracy, standalone: r.pim, float: r.float, seconds: trained.seconds });
        stream.write(`retrain ${i + 1}/${top.length}: design #${d.id}: one-shot ${(100 * d.metrics.accuracy).toFixed(1)}% stand-alone ${(100 * r.pim).toFixed(1)}% (${trained.seconds.toFixed(1)} s training)\n`);
      } finally {
        trained.supernet.dispose();
      }
    }
  } finally {
    await pool.destroy();
  }
  return { epochs: p.retrainEpochs, limit: search.limit, rows, kendallTau: kendallTauB(rows.map((r) => r.oneShot), rows.map((r) => r.standalone)) };
}

export interface ReportCommandOptions {
  /** Where --retrain's progress lines go (default process.stderr). */
  stream?: NodeJS.WritableStream;
}

/** Runs `gibbon report`; returns the page's path (undefined for --help). */
export async function runReportCommand(argv: string[], print: (s: string) => void, options: ReportCommandOptions = {}): Promise<string | undefined> {
  const p = parse(argv);
  if (p === 'help') { print(REPORT_HELP); return undefined; }
  const stream = options.stream ?? process.stderr;
  const head = readRunHead(p.runDir);
  const frontFile = join(p.runDir, 'front.json');
  if (!existsSync(frontFile)) throw fieldError('E_FILE', frontFile, '(file)', undefined, 'the Pareto front of a finished run (written by gibbon search)');
  const rawName = (readJsonFile<Array<{ candidate?: { space?: unknown } }>>(frontFile) ?? [])[0]?.candidate?.space;
  const space = runSpace(head, typeof rawName === 'string' ? rawName : undefined);
  const front = frontWithNetworks(runDirSource(p.runDir), space);
  const chosen = chooseDesign(space, front, head.journal, p.design);
  const breakdown = chosen === undefined ? undefined : await breakdownOf(space, chosen.id, chosen.candidate);
  const retrained = p.retrain > 0 && front.length > 0 ? await retrain(head, space, front, p, stream) : undefined;
  const html = buildReportHtml({
    runDir: p.runDir, config: head.config, search: head.search, summary: head.summary, journal: head.journal, front,
    breakdown, retrain: retrained, priorities: head.priorities, generatedAt: new Date().toISOString(),
  });
  const out = p.out ?? join(p.runDir, REPORT_FILE);
  writeAtomic(out, html);
  print(out);
  return out;
}
