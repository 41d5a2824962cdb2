// The hardware simulator facade: instantiates the WASM kernel (web-standard, no node:* imports),
// keeps long-lived buffers in its linear memory, packs inputs, calls the ABI and decodes results.
import * as L from '../../assembly/layout.ts';
import type { ArchConfig, ResolvedLayer, SimResult, SimSummary, SimDetail, SimOptionsAdvanced } from './types.ts';
import { packArch, packLayers, resultLength, decodeResult, decodeSummary, throwIfFailed, type DecodeContext } from './abi.ts';
import { GibbonError } from '../util/errors.ts';

/** The raw exports of gibbon.wasm (docs/abi.md). */
export interface GibbonExports {
  memory: WebAssembly.Memory;
  gibbon_abi_version(): number;
  gibbon_result_len(nLayers: number): number;
  gibbon_alloc(bytes: number): number;
  gibbon_free(ptr: number): void;
  gibbon_simulate(archPtr: number, layersPtr: number, nLayers: number, outPtr: number): number;
  gibbon_simulate_batch(jobsPtr: number, nJobs: number): number;
  gibbon_simulate_batch_totals(jobsPtr: number, nJobs: number, outPtr: number): number;
  /** The layer plan (docs/abi.md §11; host: src/hw/layer-plan.ts). */
  gibbon_plan(archPtr: number, layersPtr: number, nLayers: number, outPtr: number): number;
  gibbon_plan_len(nLayers: number): number;
  /** The resolved PE (docs/abi.md §12). */
  gibbon_pe(archPtr: number, outPtr: number): number;
  /** The predictor's inference (docs/abi.md §10; host: src/predictor/wasm-infer.ts). */
  gibbon_rnn_abi_version(): number;
  gibbon_rnn_forward(shapePtr: number, weightsPtr: number, tokensPtr: number, hardwarePtr: number, batch: number, steps: number, outPtr: number): number;
  gibbon_rnn_error(outPtr: number): void;
}

export interface SimJob {
  layers: readonly ResolvedLayer[];
  arch: ArchConfig;
  options?: SimOptionsAdvanced;
  networkSource?: string;
  archSource?: string;
}

/** A packed batch: what crosses to a worker (plain typed arrays, transferable). */
export interface PackedBatch {
  /** Per job: [archOffset, layersOffset, nLayers, resultOffset] in f64 slots of `data`/`results`. */
  jobs: Float64Array;
  /** All arch and layer records, back to back. */
  data: Float64Array;
  /** Total result slots needed. */
  resultSlots: number;
  /** Summaries only (SUMMARY_LEN slots per job: header + totals), not full result records. */
  totalsOnly?: boolean;
}

/** Result slots of one job: a full record, or a summary with `totalsOnly`. */
export function jobResultSlots(nLayers: number, totalsOnly: boolean | undefined): number {
  return totalsOnly ? L.SUMMARY_LEN : resultLength(nLayers);
}

export function packBatch(jobs: readonly SimJob[], totalsOnly = false): PackedBatch {
  let dataSlots = 0, resultSlots = 0;
  for (const j of jobs) { dataSlots += L.ARCH_LEN + j.layers.length * L.LAYER_LEN; resultSlots += jobResultSlots(j.layers.length, totalsOnly); }
  const data = new Float64Array(dataSlots);
  const meta = new Float64Array(jobs.length * 4);
  let d = 0, r = 0;
  jobs.forEach((j, i) => {
    packArch(j.arch, j.options, data, d);
    packLayers(j.layers, data, d + L.ARCH_LEN);
    meta[i * 4] = d; meta[i * 4 + 1] = d + L.ARCH_LEN; meta[i * 4 + 2] = j.layers.length; meta[i * 4 + 3] = r;
    d += L.ARCH_LEN + j.layers.length * L.LAYER_LEN;
    r += jobResultSlots(j.layers.length, totalsOnly);
  });
  return { jobs: meta, data, resultSlots, totalsOnly };
}

function decodeContext(job: SimJob): DecodeContext {
  return {
    layers: job.layers, model: job.options?.model ?? 'gibbon', pipeline: job.options?.pipeline !== false,
    networkSource: job.networkSource, archSource: job.archSource, chip: job.arch.chip,
  };
}

/** Decodes job `job`'s full result at slot `at` of `results`; throws its GibbonError if it failed. */
export function decodeJob(job: SimJob, results: Float64Array, at: number): SimResult {
  const ctx = decodeContext(job);
  throwIfFailed(results, at, ctx);
  return decodeResult(results, at, ctx);
}

/** Decodes job `job`'s summary (or the head of its full result) at slot `at`. */
export function decodeJobSummary(job: SimJob, results: Float64Array, at: number): SimSummary {
  const ctx = decodeContext(job);
  throwIfFailed(results, at, ctx);
  return decodeSummary(results, at, ctx);
}

export class Simulator {
  readonly exports: GibbonExports;
  #capBytes = 0;
  #base = 0;

  constructor(instance: WebAssembly.Instance) {
    this.exports = instance.exports as unknown as GibbonExports;
    const v = this.exports.gibbon_abi_version();
    if (v !== L.ABI_VERSION) throw new GibbonError('E_KERNEL', `gibbon.wasm: ABI version ${v}; this host speaks ${L.ABI_VERSION}: rebuild with npm run build`);
  }

  /** A scratch region of at least `bytes` bytes in WASM memory, reused across calls. */
  #reserve(bytes: number): number {
    if (bytes > this.#capBytes) {
      if (this.#base) this.exports.gibbon_free(this.#base);
      const cap = Math.max(bytes, this.#capBytes * 2, 1 << 16);
      this.#base = this.exports.gibbon_alloc(cap);
      this.#capBytes = cap;
    }
    return this.#base;
  }

  /** Runs a packed batch in this thread; returns the raw result slots (copied out of WASM memory). */
  runPacked(batch: PackedBatch): Float64Array {
    const nJobs = batch.jobs.length / 4;
    const jobBytes = nJobs * L.BATCH_JOB_LEN * 8, dataBytes = batch.data.length * 8, resBytes = batch.resultSlots * 8;
    const base = this.#reserve(jobBytes + dataBytes + resBytes);
    const dataAt = base + jobBytes, resAt = dataAt + dataBytes;
    // Views are made after #reserve: a memory.grow detaches earlier ones.
    const mem = this.exports.memory.buffer;
    new Float64Array(mem, dataAt, batch.data.length).set(batch.data);
    const jobs = new Float64Array(mem, base, nJobs * L.BATCH_JOB_LEN);
    for (let i = 0; i < nJobs; i++) {
      jobs[i * 4 + L.J_ARCH_PTR] = dataAt + batch.jobs[i * 4] * 8;
      jobs[i * 4 + L.J_LAYERS_PTR] = dataAt + batch.jobs[i * 4 + 1] * 8;
      jobs[i * 4 + L.J_N_LAYERS] = batch.jobs[i * 4 + 2];
      jobs[i * 4 + L.J_OUT_PTR] = resAt + batch.jobs[i * 4 + 3] * 8;
    }
    if (batch.totalsOnly) this.exports.gibbon_simulate_batch_totals(base, nJobs, resAt);
    else this.exports.gibbon_simulate_batch(base, nJobs);
    return new Float64Array(this.exports.memory.buffer, resAt, batch.resultSlots).slice();
  }

  simulate(layers: readonly ResolvedLayer[], arch: ArchConfig, options?: SimOptionsAdvanced, sources?: { network?: string; arch?: string }): SimResult {
    return this.simulateBatch([{ layers, arch, options, networkSource: sources?.network, archSource: sources?.arch }])[0];
  }

  /**
   * Evaluates many (network, architecture) pairs in one WASM call; throws on the first failed job.
   * `detail: 'totals'` returns summaries only (no per-layer records): what a search reads, and cheaper.
   */
  simulateBatch(jobs: readonly SimJob[]): SimResult[];
  simulateBatch(jobs: readonly SimJob[], options: { detail: 'full' }): SimResult[];
  simulateBatch(jobs: readonly SimJob[], options: { detail: 'totals' }): SimSummary[];
  simulateBatch(jobs: readonly SimJob[], options?: { detail?: SimDetail }): SimResult[] | SimSummary[];
  simulateBatch(jobs: readonly SimJob[], options?: { detail?: SimDetail }): SimResult[] | SimSummary[] {
    const totalsOnly = options?.detail === 'totals';
    const packed = packBatch(jobs, totalsOnly);
    const results = this.runPacked(packed);
    return totalsOnly
      ? jobs.map((j, i) => decodeJobSummary(j, results, packed.jobs[i * 4 + 3]))
      : jobs.map((j, i) => decodeJob(j, results, packed.jobs[i * 4 + 3]));
  }
}

export type WasmSource = WebAssembly.Module | BufferSource | URL | string | Response;

/** Compiles (or accepts) the module and instantiates it. Only import: env.abort (docs/abi.md). */
export async function loadSimulator(source: WasmSource): Promise<Simulator> {
  const module = await compileModule(source);
  const instance = await WebAssembly.instantiate(module, kernelImports());
  return new Simulator(instance);
}

/** The imports of gibbon.wasm. */
export function kernelImports(): WebAssembly.Imports {
  return { env: { abort: abortHandler } };
}

/** The first gibbon.wasm module compiled (or accepted) in this thread; the layer plan instantiates it synchronously. */
let threadModule: WebAssembly.Module | undefined;
export function registeredKernelModule(): WebAssembly.Module | undefined {
  return threadModule;
}

/** Compiles (or accepts) gibbon.wasm; the first module of this thread is kept for the layer plan (src/hw/layer-plan.ts). */
export async function compileModule(source: WasmSource): Promise<WebAssembly.Module> {
  const module = await compile(source);
  threadModule ??= module;
  return module;
}

async function compile(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (typeof source === 'string' || source instanceof URL) source = await fetch(source);
  if (typeof Response !== 'undefined' && source instanceof Response) return WebAssembly.compile(await source.arrayBuffer());
  return WebAssembly.compile(source as BufferSource);
}

function abortHandler(_msg: number, _file: number, line: number, col: number): never {
  throw new GibbonError('E_KERNEL', `gibbon.wasm aborted at ${line}:${col}: this is a bug in the simulator kernel`);
}
