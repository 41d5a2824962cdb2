// Simulator throughput: simulateBatch over thousands of distinct architectures (packing and decoding
// included, nothing cached between calls), in this thread and on 1 and 2 Piscina workers, for VGG8 and
// ResNet18 with the default ('gibbon') model; then where the time goes. Prints a table, one JSON line
// per case (style.md: name, n, medianUs, p95Us, plus the warm-up it took), and as its last line one JSON
// summary. Every case warms up until its timing is steady (warmUp below) so that the figures are the
// simulator's, not the JIT's. Asserts nothing about time. Run: npm run bench:sim
import { loadSimulatorNode } from '../src/node/simulator.ts';
import { createNodePool } from '../src/node/pool.ts';
import { InThreadPool, DEFAULT_JOBS_PER_TASK, taskBounds, type EvalPool } from '../src/pool/eval-pool.ts';
import { packShared } from '../src/pool/pack.ts';
import { decodeJob, packBatch, type PackedBatch, type SimJob, type Simulator } from '../src/hw/simulator.ts';
import { ARCH_PRESETS, applySets } from '../src/hw/arch.ts';
import { resolveNetwork } from '../src/hw/network.ts';
import { ZOO } from '../src/hw/zoo.ts';
import { hash5 } from '../src/util/rng.ts';
import type { ArchConfig, ResolvedLayer, SimResult, SimSummary } from '../src/hw/types.ts';
import * as L from '../assembly/layout.ts';

/**
 * Warm-up rule: run the body (one batch of n evaluations) until two consecutive runs agree to within
 * STEADY_REL (relative, per evaluation), at least MIN_WARMUP_RUNS and at most MAX_WARMUP_RUNS times.
 * A batch is thousands of evaluations, so one run is already past the ~3,000 calls V8 needs to tier up
 * the hot paths (issue 17); the rule catches what settles later (GC heap growth, inlining of the decode).
 * A case that hits the cap is timed anyway and reported with `steady: false`.
 */
const MIN_WARMUP_RUNS = 2;
const MAX_WARMUP_RUNS = 12;
const STEADY_REL = 0.05;
const TIMED_RUNS = 7;
/** MNSIM-2.0 (Python) on this machine kind, seconds per evaluation. */
const MNSIM_PYTHON_S = { vgg8: 0.19, resnet18: 0.32 } as const;
/** Architectures per batch: 4 tasks of DEFAULT_JOBS_PER_TASK, so 2 workers get 2 tasks each. */
const BATCH_ARCHS = 4 * DEFAULT_JOBS_PER_TASK;
const SHUFFLE_SEED = 20261127;

type Net = 'vgg8' | 'resnet18';
const NETS: readonly Net[] = ['vgg8', 'resnet18'];

// ===== Inputs =====

/**
 * A co-exploration design space on the default 64x64-tile chip: crossbar 64..512, ADC 4..10 bits, DAC
 * 1..6 bits, 1..4 x 1..4 PEs per tile, 1 or 2 crossbar groups, 64 or 128 DACs and 32..128 ADCs per group
 * (12,288 candidates). Candidates that do not fit the chip for either network are dropped (setup,
 * untimed); the rest are shuffled with a fixed seed so every task mixes cheap and expensive designs, as
 * a search population does.
 */
function designSpace(sim: Simulator, layers: Record<Net, ResolvedLayer[]>): ArchConfig[] {
  const candidates: ArchConfig[] = [];
  for (const size of [64, 128, 256, 512]) for (const adc of [1, 2, 4, 7]) for (const dac of [1, 2, 4, 5])
    for (let peRows = 1; peRows <= 4; peRows++) for (let peCols = 1; peCols <= 4; peCols++)
      for (const groups of [1, 2]) for (const dacNum of [64, 128]) for (const adcNum of [32, 64, 128]) {
        candidates.push(applySets(ARCH_PRESETS['mnsim-default'], [
          `xbar.size=${size}`, `adc.choice=${adc}`, `dac.choice=${dac}`, `tile.peRows=${peRows}`,
          `tile.peCols=${peCols}`, `pe.groups=${groups}`, `pe.dacNum=${dacNum}`, `pe.adcNum=${adcNum}`,
        ]));
      }
  const feasible = candidates.filter((arch) => NETS.every((net) => {
    try { sim.simulate(layers[net], arch); return true; } catch { return false; }
  }));
  return feasible
    .map((arch, i) => ({ arch, key: hash5(SHUFFLE_SEED, i, 0, 0, 0) }))
    .sort((a, b) => a.key - b.key)
    .map((e) => e.arch);
}

// ===== Timing =====

interface Warmup { warmupRuns: number; steady: boolean }
interface Stats extends Warmup { medianUs: number; p95Us: number; runsUs: number[] }

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

function stats(usPerEval: number[], warmup: Warmup): Stats {
  const us = [...usPerEval].sort((a, b) => a - b);
  return { medianUs: quantile(us, 0.5), p95Us: quantile(us, 0.95), runsUs: usPerEval, ...warmup };
}

/** Runs `body` until its time is steady (the rule at MIN_WARMUP_RUNS above). */
async function warmUp(body: () => unknown): Promise<Warmup> {
  let previous = NaN;
  for (let k = 1; k <= MAX_WARMUP_RUNS; k++) {
    const t0 = performance.now();
    const timedMs = await body(); // a body may time its own part
    const ms = typeof timedMs === 'number' ? timedMs : performance.now() - t0;
    if (k >= MIN_WARMUP_RUNS && Math.abs(ms / previous - 1) <= STEADY_REL) return { warmupRuns: k, steady: true };
    previous = ms;
  }
  return { warmupRuns: MAX_WARMUP_RUNS, steady: false };
}

/** Warm-up until steady, then TIMED_RUNS timed runs; µs per evaluation (median and p95 over runs). */
async function time(n: number, body: () => unknown): Promise<Stats> {
  const warmup = await warmUp(body);
  const runs: number[] = [];
  for (let k = 0; k < TIMED_RUNS; k++) {
    const t0 = performance.now();
    await body();
    runs.push(((performance.now() - t0) * 1000) / n);
  }
  return stats(runs, warmup);
}

/**
 * Times several bodies run by run, alternating their order, so that each timed round sees the same
 * machine state (a neighbour on the host moves all of them alike); returns each body's stats and the
 * median over rounds of the ratio of the first body's time to the second's. A body that resolves to a
 * number has timed its own part, in ms.
 */
async function timeInterleaved(n: number, bodies: Array<() => Promise<number | void>>): Promise<{ stats: Stats[]; ratio: number }> {
  const warmups: Warmup[] = [];
  for (const body of bodies) warmups.push(await warmUp(body));
  const runs: number[][] = bodies.map(() => []);
  for (let k = 0; k < TIMED_RUNS; k++) {
    const order = bodies.map((_, i) => i);
    if (k % 2 === 1) order.reverse();
    for (const i of order) {
      const t0 = performance.now();
      const timedMs = await bodies[i](); // a body may time its own part
      runs[i].push(((typeof timedMs === 'number' ? timedMs : performance.now() - t0) * 1000) / n);
    }
  }
  const ratios = runs[0].map((t, k) => t / runs[1][k]).sort((a, b) => a - b);
  return { stats: runs.map((r, i) => stats(r, warmups[i])), ratio: quantile(ratios, 0.5) };
}

/** What a search reads from every result: the totals (per-layer records decode on access). */
function readTotals(results: SimResult[]): number {
  let s = 0;
  for (const r of results) s += r.totals.latencyNs + r.totals.energyNj + r.totals.areaUm2;
  return s;
}

/** Touches every per-layer and per-component field: the full decode. */
function readSummaries(results: SimSummary[]): number {
  let s = 0;
  for (const r of results) s += r.totals.energyNj + r.totals.latencyNs + r.totals.areaUm2;
  return s;
}

function readEverything(results: SimResult[]): number {
  let s = 0;
  for (const r of results) {
    s += r.energyNjByComponent.adc + r.areaUm2ByComponent.xbar + r.powerWByComponent.dac;
    for (const layer of r.layers) s += layer.energyNj + layer.areaUm2ByComponent.adc;
  }
  return s;
}

/** The raw kernel call alone: records already in WASM memory, only gibbon_simulate_batch is timed. */
function rawKernel(sim: Simulator, batch: PackedBatch): () => void {
  const X = sim.exports;
  const nJobs = batch.jobs.length / 4;
  const jobBytes = nJobs * L.BATCH_JOB_LEN * 8, dataBytes = batch.data.length * 8;
  const base = X.gibbon_alloc(jobBytes + dataBytes + batch.resultSlots * 8) >>> 0;
  const dataAt = base + jobBytes, resAt = dataAt + dataBytes;
  new Float64Array(X.memory.buffer, dataAt, batch.data.length).set(batch.data);
  const jobs = new Float64Array(X.memory.buffer, base, nJobs * L.BATCH_JOB_LEN);
  for (let i = 0; i < nJobs; i++) {
    jobs[i * 4 + L.J_ARCH_PTR] = dataAt + batch.jobs[i * 4] * 8;
    jobs[i * 4 + L.J_LAYERS_PTR] = dataAt + batch.jobs[i * 4 + 1] * 8;
    jobs[i * 4 + L.J_N_LAYERS] = batch.jobs[i * 4 + 2];
    jobs[i * 4 + L.J_OUT_PTR] = resAt + batch.jobs[i * 4 + 3] * 8;
  }
  return () => {
    const failed = X.gibbon_simulate_batch(base, nJobs);
    if (failed !== 0) throw new Error(`bench: ${failed} jobs failed in the raw kernel call`);
  };
}

// ===== Main =====

const sim = await loadSimulatorNode();
const layers = { vgg8: resolveNetwork(ZOO.vgg8, 'network vgg8').layers, resnet18: resolveNetwork(ZOO.resnet18, 'network resnet18').layers };
const space = designSpace(sim, layers);
const archs = space.slice(0, BATCH_ARCHS);
if (archs.length < 1000) throw new Error(`bench: only ${archs.length} feasible architectures`);
const jobsOf = (net: Net): SimJob[] => archs.map((arch) => ({ layers: layers[net], arch, options: { model: 'gibbon' } }));
const n = archs.length;

const cases: Array<{ name: string; net: Net; stats: Stats }> = [];
const record = (name: string, net: Net, s: Stats): Stats => { cases.push({ name, net, stats: s }); return s; };
interface Main {
  inThread: Stats; inThreadTotals: Stats; full: Stats;
  w1: Stats; w2: Stats; scaling: number; w1Totals: Stats; w2Totals: Stats; scalingTotals: number; kernelScaling: number;
}
const main = {} as Record<Net, Main>;

const inThread = new InThreadPool(sim);
const w1 = await createNodePool({ workers: 1 });
const w2 = await createNodePool({ workers: 2 });
// Workers start (and, under tsx, compile the worker's TypeScript) before anything is timed: one small
// task per thread, so no start-up work runs on the other core during the in-thread timings.
for (const pool of [w1, w2]) {
  await Promise.all(Array.from({ length: pool.size }, () => pool.simulateBatch(jobsOf('vgg8').slice(0, 8))));
}

/** The batch as the pools split it, packed ahead: runPacked alone measures the workers' side. */
function packedTasks(jobs: SimJob[]): PackedBatch[] {
  return taskBounds(jobs.length, DEFAULT_JOBS_PER_TASK).map(([start, end]) => packShared(jobs.slice(start, end)));
}

for (const net of NETS) {
  const jobs = jobsOf(net);
  const it = record(`${net} simulateBatch in-thread`, net, await time(n, async () => readTotals(await inThread.simulateBatch(jobs))));
  const itTotals = record(`${net} simulateBatch in-thread, detail totals`, net,
    await time(n, async () => readSummaries(await inThread.simulateBatch(jobs, { detail: 'totals' }))));
  const full = record(`${net} simulateBatch in-thread + every layer read`, net, await time(n, async () => readEverything(await inThread.simulateBatch(jobs))));
  const pools = await timeInterleaved(n, [
    async () => { readTotals(await w1.simulateBatch(jobs)); },
    async () => { readTotals(await w2.simulateBatch(jobs)); },
  ]);
  record(`${net} simulateBatch 1 worker`, net, pools.stats[0]);
  record(`${net} simulateBatch 2 workers`, net, pools.stats[1]);
  const poolsTotals = await timeInterleaved(n, [
    async () => { readSummaries(await w1.simulateBatch(jobs, { detail: 'totals' })); },
    async () => { readSummaries(await w2.simulateBatch(jobs, { detail: 'totals' })); },
  ]);
  record(`${net} simulateBatch 1 worker, detail totals`, net, poolsTotals.stats[0]);
  record(`${net} simulateBatch 2 workers, detail totals`, net, poolsTotals.stats[1]);
  // The workers' side alone (tasks packed beforehand, raw slots not decoded): the scaling ceiling.
  const runAhead = async (pool: EvalPool): Promise<number> => {
    const tasks = packedTasks(jobs);
    const t0 = performance.now();
    await Promise.all(tasks.map((t) => pool.runPacked(t)));
    return performance.now() - t0;
  };
  const kernelOnly = await timeInterleaved(n, [() => runAhead(w1), () => runAhead(w2)]);
  record(`${net} runPacked only (packed ahead), 1 worker`, net, kernelOnly.stats[0]);
  record(`${net} runPacked only (packed ahead), 2 workers`, net, kernelOnly.stats[1]);
  main[net] = {
    inThread: it, inThreadTotals: itTotals, full, w1: pools.stats[0], w2: pools.stats[1], scaling: pools.ratio,
    w1Totals: poolsTotals.stats[0], w2Totals: poolsTotals.stats[1], scalingTotals: poolsTotals.ratio, kernelScaling: kernelOnly.ratio,
  };

  // Where the in-thread time goes.
  const shared = packShared(jobs);
  record(`${net} packShared (the pools' packer)`, net, await time(n, () => packShared(jobs)));
  record(`${net} packBatch (one record set per job)`, net, await time(n, () => packBatch(jobs)));
  record(`${net} runPacked (copy in, kernel, copy out)`, net, await time(n, () => sim.runPacked(packShared(jobs))));
  record(`${net} raw gibbon_simulate_batch`, net, await time(n, rawKernel(sim, shared)));
  const raw = sim.runPacked(shared);
  const at = Array.from({ length: n }, (_, i) => shared.jobs[i * 4 + 3]);
  record(`${net} decodeJob (totals)`, net, await time(n, () => readTotals(jobs.map((j, i) => decodeJob(j, raw, at[i])))));
  record(`${net} decodeJob + every layer read`, net, await time(n, () => readEverything(jobs.map((j, i) => decodeJob(j, raw, at[i])))));
}
for (const pool of [inThread, w1, w2]) await pool.destroy();

// ===== Report =====

const fmt = (x: number, d = 1): string => x.toFixed(d);
const pad = (s: string, w: number): string => s.padStart(w);
console.log(`\nsimulateBatch over ${n} distinct architectures (of ${space.length} feasible), model 'gibbon', ` +
  `${DEFAULT_JOBS_PER_TASK} jobs per task; median of ${TIMED_RUNS} runs after warming up until two consecutive runs ` +
  `agree within ${100 * STEADY_REL} % (${MIN_WARMUP_RUNS}..${MAX_WARMUP_RUNS} runs)\n`);
console.log(`${'case'.padEnd(52)}${pad('µs/eval', 10)}${pad('p95', 9)}${pad('evals/s', 11)}${pad('vs MNSIM', 10)}${pad('warm-up', 9)}`);
for (const { name, net, stats } of cases) {
  const vs = (MNSIM_PYTHON_S[net] * 1e6) / stats.medianUs;
  console.log(`${name.padEnd(52)}${pad(fmt(stats.medianUs, 2), 10)}${pad(fmt(stats.p95Us, 2), 9)}${pad(fmt(1e6 / stats.medianUs, 0), 11)}${pad(`${fmt(vs, 0)}x`, 10)}` +
    `${pad(`${stats.warmupRuns}${stats.steady ? '' : ' !'}`, 9)}`);
}
const unsteady = cases.filter((c) => !c.stats.steady).length;
if (unsteady > 0) console.log(`\n! ${unsteady} case(s) not steady after ${MAX_WARMUP_RUNS} warm-up runs (a busy machine): their figures are less reliable`);
console.log('');
for (const net of NETS) {
  const m = main[net];
  console.log(`${net}: in-thread ${fmt(m.inThread.medianUs, 2)} µs/eval (${fmt((MNSIM_PYTHON_S[net] * 1e6) / m.inThread.medianUs, 0)}x MNSIM-2.0's ` +
    `${MNSIM_PYTHON_S[net]} s); 1 worker ${fmt(1e6 / m.w1.medianUs, 0)} evals/s, 2 workers ${fmt(1e6 / m.w2.medianUs, 0)} evals/s, ` +
    `scaling ${fmt(m.scaling, 2)}x (workers' side alone ${fmt(m.kernelScaling, 2)}x); detail totals: in-thread ` +
    `${fmt(m.inThreadTotals.medianUs, 2)} µs/eval, 1 worker ${fmt(1e6 / m.w1Totals.medianUs, 0)} evals/s, 2 workers ` +
    `${fmt(1e6 / m.w2Totals.medianUs, 0)} evals/s, scaling ${fmt(m.scalingTotals, 2)}x`);
}
console.log('');
for (const { name, stats } of cases) {
  console.log(JSON.stringify({ name, n, medianUs: +fmt(stats.medianUs, 3), p95Us: +fmt(stats.p95Us, 3), warmupRuns: stats.warmupRuns, steady: stats.steady }));
}
const round = (x: number, d: number): number => +x.toFixed(d);
// Headline keys: simulateBatch(jobs, { detail: 'totals' }), the evaluation a search performs (pack,
// kernel, decode of the totals). The full-record path (every layer and component decoded into objects)
// follows under the _full keys.
console.log(JSON.stringify({
  n,
  vgg8_us: round(main.vgg8.inThreadTotals.medianUs, 3),
  resnet18_us: round(main.resnet18.inThreadTotals.medianUs, 3),
  evals_per_s_1w: round(1e6 / main.vgg8.w1Totals.medianUs, 0),
  evals_per_s_2w: round(1e6 / main.vgg8.w2Totals.medianUs, 0),
  scaling_2w: round(main.vgg8.scalingTotals, 3),
  kernel_scaling_2w: round(main.vgg8.kernelScaling, 3),
  resnet18_evals_per_s_1w: round(1e6 / main.resnet18.w1Totals.medianUs, 0),
  resnet18_evals_per_s_2w: round(1e6 / main.resnet18.w2Totals.medianUs, 0),
  resnet18_scaling_2w: round(main.resnet18.scalingTotals, 3),
  resnet18_kernel_scaling_2w: round(main.resnet18.kernelScaling, 3),
  vs_mnsim_vgg8: round((MNSIM_PYTHON_S.vgg8 * 1e6) / main.vgg8.inThreadTotals.medianUs, 0),
  vs_mnsim_resnet18: round((MNSIM_PYTHON_S.resnet18 * 1e6) / main.resnet18.inThreadTotals.medianUs, 0),
  vgg8_full_us: round(main.vgg8.inThread.medianUs, 3),
  resnet18_full_us: round(main.resnet18.inThread.medianUs, 3),
  evals_per_s_1w_full: round(1e6 / main.vgg8.w1.medianUs, 0),
  evals_per_s_2w_full: round(1e6 / main.vgg8.w2.medianUs, 0),
  scaling_2w_full: round(main.vgg8.scaling, 3),
  resnet18_scaling_2w_full: round(main.resnet18.scaling, 3),
  unsteady_cases: unsteady,
}));
