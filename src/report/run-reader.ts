// Reads the files of a `gibbon search` run for the report and the app's run viewer (docs/report.md):
// config.json, journal.jsonl (a torn last line is skipped), front.json, and, when present, search.json,
// summary.json and checkpoint.json. Web-standard: the bytes come from a RunSource (a directory in Node,
// src/node/run-files.ts; files picked or dropped in a browser). Every missing file or bad field raises one
// GibbonError (E_FILE) naming the file and the field.
import { parseJournal } from '../run/journal.ts';
import { RUN_FILES } from '../run/store.ts';
import { METRIC_NAMES, type Metrics } from '../search/problem.ts';
import type { FrontDesign, JournalRecord, RunConfig, RunSummary, SearchInfo } from './run-data.ts';
import type { PriorityRecord } from '../search/algorithms/esapp.ts';
import type { Candidate } from '../space/types.ts';
import { GibbonError, fieldError, formatValue } from '../util/errors.ts';

/** Where a run's files come from. */
export interface RunSource {
  /** The run (a directory), as the report's header and messages show it. */
  readonly location: string;
  /** A file's name in messages (its path). */
  nameOf(file: string): string;
  /** A file's bytes, or undefined when the run has no such file. */
  bytes(file: string): Uint8Array | undefined;
}

export interface RunFiles {
  dir: string;
  config: RunConfig;
  journal: JournalRecord[];
  front: FrontDesign[];
  search?: SearchInfo;
  summary?: RunSummary;
  /** ESAPP's priority table after every generation (checkpoint.json), when the run is an ESAPP run. */
  priorities?: PriorityRecord[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInt = (v: unknown): v is number => Number.isInteger(v);
const isNumberList = (v: unknown): v is number[] => Array.isArray(v) && v.every(isNumber);

function need<T>(ok: boolean, value: unknown, file: string, path: string, allowed: string): asserts value is T {
  if (!ok) throw fieldError('E_FILE', file, path, value, allowed);
}

/** The parsed JSON file, or undefined when the run has none; bad JSON names the file. */
function readJsonFile<T>(run: RunSource, name: string): T | undefined {
  const bytes = run.bytes(name);
  if (bytes === undefined) return undefined;
  const text = new TextDecoder().decode(bytes);
  try { return JSON.parse(text) as T; } catch (error) {
    const file = run.nameOf(name);
    throw new GibbonError('E_FILE', `${file}: (root): got ${formatValue(text.slice(0, 40))}; allowed: a JSON document (${(error as Error).message})`, { source: file });
  }
}

function readRequired(run: RunSource, name: string, what: string): unknown {
  const file = run.nameOf(name);
  const value = readJsonFile<unknown>(run, name);
  if (value === undefined) throw fieldError('E_FILE', file, '(file)', undefined, `${what} (written by gibbon search)`);
  return value;
}

function checkMetrics(m: unknown, file: string, path: string): Metrics {
  need<Json>(isObject(m), m, file, path, 'an object of metric name -> number');
  need(isNumber(m.accuracy) && m.accuracy >= 0 && m.accuracy <= 1, m.accuracy, file, `${path}.accuracy`, 'a fraction in [0, 1]');
  const out: Metrics = {};
  for (const [k, v] of Object.entries(m)) if (isNumber(v)) out[k] = v;
  return out;
}

function readConfig(run: RunSource): RunConfig {
  const file = run.nameOf(RUN_FILES.config);
  const c = readRequired(run, RUN_FILES.config, 'the resolved config of a run');
  need<Json>(isObject(c), c, file, '(root)', 'a JSON object');
  const p = c.problem;
  need<Json>(isObject(p), p, file, 'problem', 'an object with decisions, objectives, constraints');
  need<unknown[]>(Array.isArray(p.objectives) && p.objectives.length > 0 && p.objectives.every((o) => (METRIC_NAMES as readonly unknown[]).includes(o)), p.objectives, file, 'problem.objectives', `a non-empty list of ${METRIC_NAMES.join(', ')}`);
  need<unknown[]>(Array.isArray(p.decisions), p.decisions, file, 'problem.decisions', 'a list of { id, kind, size }');
  p.decisions.forEach((d, i) => need(isObject(d) && typeof d.id === 'string' && (d.kind === 'nn' || d.kind === 'hw') && isInt(d.size), d, file, `problem.decisions[${i}]`, "{ id: string, kind: 'nn' | 'hw', size: integer }"));
  const constraints = p.constraints ?? [];
  need<unknown[]>(Array.isArray(constraints), constraints, file, 'problem.constraints', 'a list of { metric, min } or { metric, max }');
  constraints.forEach((k, i) => need(isObject(k) && (METRIC_NAMES as readonly unknown[]).includes(k.metric) && (isNumber(k.min) !== isNumber(k.max)), k, file, `problem.constraints[${i}]`, '{ metric, min } or { metric, max }'));
  need(typeof c.algorithm === 'string', c.algorithm, file, 'algorithm', 'an algorithm name');
  need(isInt(c.seed), c.seed, file, 'seed', 'an integer');
  need(isInt(c.budget), c.budget, file, 'budget', 'an integer');
  const hv = c.hypervolume ?? null;
  if (hv !== null) {
    need<Json>(isObject(hv), hv, file, 'hypervolume', 'null or { ref, ideal, nadir }');
    need(isNumberList(hv.ref) && hv.ref.length === p.objectives.length, hv.ref, file, 'hypervolume.ref', `a list of ${p.objectives.length} numbers (one per objective)`);
    for (const k of ['ideal', 'nadir'] as const) {
      need(hv[k] === undefined || (isNumberList(hv[k]) && hv[k].length === p.objectives.length), hv[k], file, `hypervolume.${k}`, `a list of ${p.objectives.length} numbers`);
    }
  }
  return {
    problem: { decisions: p.decisions as RunConfig['problem']['decisions'], objectives: p.objectives as RunConfig['problem']['objectives'], constraints: constraints as RunConfig['problem']['constraints'] },
    algorithm: c.algorithm as string, seed: c.seed as number, budget: c.budget as number,
    settings: isObject(c.settings) ? c.settings : undefined,
    hypervolume: hv as RunConfig['hypervolume'],
  };
}

function readJournalRecords(run: RunSource): JournalRecord[] {
  const file = run.nameOf(RUN_FILES.journal);
  const bytes = run.bytes(RUN_FILES.journal);
  if (bytes === undefined) throw fieldError('E_FILE', file, '(file)', undefined, 'the evaluation journal of a run (written by gibbon search)');
  return parseJournal<unknown>(bytes, file).records.map((r, i) => {
    const at = `line ${i + 1}`;
    need<Json>(isObject(r), r, file, at, 'a JSON object');
    need(isInt(r.id), r.id, file, `${at}.id`, 'an integer');
    need(isInt(r.generation), r.generation, file, `${at}.generation`, 'an integer');
    need(Array.isArray(r.genome) && r.genome.every(isInt), r.genome, file, `${at}.genome`, 'a list of value indices');
    return { id: r.id as number, generation: r.generation as number, genome: r.genome as number[], metrics: checkMetrics(r.metrics, file, `${at}.metrics`) };
  });
}

/**
 * front.json's designs (the one format: src/run/front.ts); `decode` supplies the candidate of a design
 * stored without one (a run of the bare search core). The { points } form that runs before the format's
 * unification wrote without gibbon search is refused: resuming that run rewrites its results.
 */
export function readFront(run: RunSource, decode?: (genome: number[]) => Candidate): FrontDesign[] {
  const file = run.nameOf(RUN_FILES.frontJson);
  const raw = readRequired(run, RUN_FILES.frontJson, 'the Pareto front of a finished run');
  const list = Array.isArray(raw) ? raw : undefined;
  if (list === undefined) {
    const hint = isObject(raw) && Array.isArray(raw.points) ? ' (this { points } form is an older one: resume the run to rewrite its results)' : '';
    throw fieldError('E_FILE', file, '(root)', raw, `a list of designs { id, generation, candidate, genome, metrics }${hint}`);
  }
  return list.map((d, i) => {
    const path = `[${i}]`;
    need<Json>(isObject(d), d, file, path, 'a design { id, generation, candidate, genome, metrics }');
    need(isInt(d.id), d.id, file, `${path}.id`, 'an integer');
    need(isInt(d.generation), d.generation, file, `${path}.generation`, 'an integer');
    need(Array.isArray(d.genome) && d.genome.every(isInt), d.genome, file, `${path}.genome`, 'a list of value indices');
    let candidate = d.candidate;
    if (candidate === undefined && decode) candidate = decode(d.genome as number[]);
    need<Json>(isObject(candidate) && isObject(candidate.stem) && Array.isArray(candidate.stages) && isObject(candidate.head) && isObject(candidate.hardware), candidate, file, `${path}.candidate`, 'a candidate of the space (docs/space.md)');
    const metrics = checkMetrics(d.metrics, file, `${path}.metrics`);
    const m = d.metrics as Json;
    const test = m.test_accuracy;
    need(test === undefined || test === null || (isNumber(test) && test >= 0 && test <= 1), test, file, `${path}.metrics.test_accuracy`, 'a fraction in [0, 1], null or absent');
    delete metrics.test_accuracy;
    return { id: d.id as number, generation: d.generation as number, candidate: candidate as unknown as Candidate, genome: d.genome as number[], metrics, testAccuracy: isNumber(test) ? test : null };
  });
}

function readSearchInfo(run: RunSource): SearchInfo | undefined {
  const file = run.nameOf(RUN_FILES.search);
  const s = readJsonFile<unknown>(run, RUN_FILES.search);
  if (s === undefined) return undefined;
  need<Json>(isObject(s), s, file, '(root)', 'a JSON object');
  for (const k of ['space', 'dataset', 'supernet'] as const) need(typeof s[k] === 'string', s[k], file, k, 'a string');
  need(isInt(s.limit) && (s.limit as number) >= 1, s.limit, file, 'limit', 'an integer >= 1');
  return { space: s.space as string, dataset: s.dataset as string, supernet: s.supernet as string, split: typeof s.split === 'string' ? s.split : 'validation', limit: s.limit as number };
}

function readSummary(run: RunSource): RunSummary | undefined {
  const file = run.nameOf(RUN_FILES.summary);
  const s = readJsonFile<unknown>(run, RUN_FILES.summary);
  if (s === undefined) return undefined;
  need<Json>(isObject(s), s, file, '(root)', 'a JSON object');
  return {
    evaluations: isInt(s.evaluations) ? s.evaluations : NaN, generations: isInt(s.generations) ? s.generations : NaN,
    feasible: isInt(s.feasible) ? s.feasible : NaN, frontSize: isInt(s.frontSize) ? s.frontSize : NaN,
    hypervolume: isNumber(s.hypervolume) ? s.hypervolume : null, testImages: isInt(s.testImages) ? s.testImages : null,
  };
}

/** ESAPP's priority history from checkpoint.json (state.priorityHistory); undefined for other algorithms or before the first generation. */
function readPriorities(run: RunSource, decisions: number): PriorityRecord[] | undefined {
  const file = run.nameOf(RUN_FILES.checkpoint);
  const c = readJsonFile<unknown>(run, RUN_FILES.checkpoint);
  if (!isObject(c) || !isObject(c.state) || c.state.priorityHistory === undefined) return undefined;
  const h = c.state.priorityHistory;
  const path = 'state.priorityHistory';
  need<unknown[]>(Array.isArray(h), h, file, path, 'a list of { generation, entropy, intensity, priority }');
  return h.map((r, i) => {
    need<Json>(isObject(r), r, file, `${path}[${i}]`, 'a { generation, entropy, intensity, priority } record');
    need(isInt(r.generation), r.generation, file, `${path}[${i}].generation`, 'an integer');
    for (const k of ['entropy', 'intensity', 'priority'] as const) need(isNumberList(r[k]) && r[k].length === decisions, r[k], file, `${path}[${i}].${k}`, `a list of ${decisions} numbers (one per decision)`);
    return { generation: r.generation as number, entropy: r.entropy as number[], intensity: r.intensity as number[], priority: r.priority as number[] };
  });
}

/** The run's files except front.json (which may need the space to decode genomes). */
export function readRunHead(run: RunSource): Omit<RunFiles, 'front'> {
  const config = readConfig(run);
  return {
    dir: run.location, config, journal: readJournalRecords(run), search: readSearchInfo(run), summary: readSummary(run),
    priorities: readPriorities(run, config.problem.decisions.length),
  };
}
