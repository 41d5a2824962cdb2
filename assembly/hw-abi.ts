// The hardware simulator's exported ABI (docs/abi.md §1-8), shared by both modules: gibbon.wasm
// (assembly/index.ts) and the SIMD-free gibbon-hw.wasm (assembly/hw-entry.ts). Everything crosses as f64 records in linear memory: the host
// allocates with gibbon_alloc, writes records at the returned byte addresses (re-creating its views
// after any call that may grow memory), calls an entry point and reads the result record back.
import { ABI_VERSION, ARCH_LEN, LAYER_LEN, BATCH_JOB_LEN, J_ARCH_PTR, J_LAYERS_PTR, J_N_LAYERS, J_OUT_PTR, MAX_LAYERS, SUMMARY_LEN } from './layout';
import { simulateOne, resultLen } from './simulate';
import { planOne, planLen, peOne } from './layer-plan';
import { E_BAD_CALL } from './errors';

export function gibbon_abi_version(): i32 { return ABI_VERSION; }
export function gibbon_arch_len(): i32 { return ARCH_LEN; }
export function gibbon_layer_len(): i32 { return LAYER_LEN; }
export function gibbon_result_len(nLayers: i32): i32 { return resultLen(nLayers); }
export function gibbon_batch_job_len(): i32 { return BATCH_JOB_LEN; }

/** Allocates `bytes` bytes (8-byte aligned) outside the garbage collector; 0 if bytes <= 0. */
export function gibbon_alloc(bytes: i32): usize {
  if (bytes <= 0) return 0;
  return heap.alloc(<usize>bytes);
}
export function gibbon_free(ptr: usize): void {
  if (ptr != 0) heap.free(ptr);
}

/** Simulates one network on one architecture; returns the status (0 = ok), also written to the result. */
export function gibbon_simulate(archPtr: usize, layersPtr: usize, nLayers: i32, outPtr: usize): i32 {
  if (archPtr == 0 || layersPtr == 0 || outPtr == 0) return E_BAD_CALL;
  return simulateOne(archPtr, layersPtr, nLayers, outPtr);
}

/**
 * The layer plan of one network on one architecture (docs/abi.md §11): mapping, placement, hops, steady
 * pixel latency and NoC time per layer, no energy. `outPtr` holds gibbon_plan_len(nLayers) f64. Returns
 * the status (0 = ok), also written to the header.
 */
export function gibbon_plan(archPtr: usize, layersPtr: usize, nLayers: i32, outPtr: usize): i32 {
  if (archPtr == 0 || layersPtr == 0 || outPtr == 0) return E_BAD_CALL;
  return planOne(archPtr, layersPtr, nLayers, outPtr);
}
export function gibbon_plan_len(nLayers: i32): i32 { return planLen(nLayers); }

/**
 * The converters and conversion steps a PE of the architecture works with (docs/abi.md §12): a result
 * header, then PE_LEN f64 at `outPtr`. Returns the status (0 = ok).
 */
export function gibbon_pe(archPtr: usize, outPtr: usize): i32 {
  if (archPtr == 0 || outPtr == 0) return E_BAD_CALL;
  return peOne(archPtr, outPtr);
}

/** Field `field` (a J_* offset) of the batch job record at byte address `jp`. */
@inline function jobField(jp: usize, field: i32): f64 { return load<f64>(jp + (<usize>field << 3)); }

/**
 * Evaluates nJobs (network, architecture) pairs. Each job is BATCH_JOB_LEN f64: the byte addresses of
 * its arch record, its layer records and its result, and its layer count. Returns the number of jobs
 * whose status is not 0 (each job's status is in its own result header).
 */
export function gibbon_simulate_batch(jobsPtr: usize, nJobs: i32): i32 {
  let failed = 0;
  for (let j = 0; j < nJobs; j++) {
    const jp = jobsPtr + (<usize>(j * BATCH_JOB_LEN) << 3);
    const archP = <usize>jobField(jp, J_ARCH_PTR), layersP = <usize>jobField(jp, J_LAYERS_PTR);
    const n = <i32>jobField(jp, J_N_LAYERS), outP = <usize>jobField(jp, J_OUT_PTR);
    if (archP == 0 || layersP == 0 || outP == 0) { failed++; continue; }
    if (simulateOne(archP, layersP, n, outP) != 0) failed++;
  }
  return failed;
}
/**
 * Like gibbon_simulate_batch, but writes only each job's summary (header + totals, SUMMARY_LEN f64)
 * to `outPtr + j * SUMMARY_LEN * 8`; the jobs' J_OUT_PTR is not used. The full records go to an internal
 * scratch buffer: a search that reads only totals moves 12x less data per job.
 */
export function gibbon_simulate_batch_totals(jobsPtr: usize, nJobs: i32, outPtr: usize): i32 {
  let failed = 0;
  for (let j = 0; j < nJobs; j++) {
    const jp = jobsPtr + (<usize>(j * BATCH_JOB_LEN) << 3);
    const archP = <usize>jobField(jp, J_ARCH_PTR), layersP = <usize>jobField(jp, J_LAYERS_PTR);
    const n = <i32>jobField(jp, J_N_LAYERS);
    const dst = outPtr + (<usize>(j * SUMMARY_LEN) << 3);
    const scratch = summaryScratch(n);
    if (archP == 0 || layersP == 0 || scratch == 0) { failed++; store<f64>(dst, E_BAD_CALL); continue; }
    if (simulateOne(archP, layersP, n, scratch) != 0) failed++;
    memory.copy(dst, scratch, <usize>SUMMARY_LEN << 3);
  }
  return failed;
}

let scratchPtr: usize = 0;
let scratchSlots: i32 = 0;
function summaryScratch(n: i32): usize {
  const need = n >= 1 && n <= MAX_LAYERS ? resultLen(n) : SUMMARY_LEN;
  if (need > scratchSlots) {
    if (scratchPtr != 0) heap.free(scratchPtr);
    scratchSlots = max(need, 4096);
    scratchPtr = heap.alloc(<usize>scratchSlots << 3);
  }
  return scratchPtr;
}
