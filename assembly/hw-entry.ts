// The hardware-simulator-only module, build/gibbon-hw.wasm (docs/abi.md §13): exactly the exports of
// sections 1-8, 11 and 12 (the same functions as gibbon.wasm, re-exported from hw-abi.ts and rng.ts), compiled without SIMD so
// that any WebAssembly host takes it, wasm2c 1.0.32 included (examples/c, python/). The functional
// simulator and the predictor, whose kernels use v128, are not in it.
export {
  gibbon_abi_version, gibbon_arch_len, gibbon_layer_len, gibbon_result_len, gibbon_batch_job_len,
  gibbon_alloc, gibbon_free, gibbon_simulate, gibbon_simulate_batch, gibbon_simulate_batch_totals,
  gibbon_plan, gibbon_plan_len, gibbon_pe,
} from './hw-abi';
export { gibbon_rng_hash5, gibbon_rng_normal } from './rng';
