// The exported ABI of gibbon.wasm (docs/abi.md): the hardware simulator (assembly/hw-abi.ts, also the
// whole of gibbon-hw.wasm), the rng, the functional simulator and the predictor's inference.
export {
  gibbon_abi_version, gibbon_arch_len, gibbon_layer_len, gibbon_result_len, gibbon_batch_job_len,
  gibbon_alloc, gibbon_free, gibbon_simulate, gibbon_simulate_batch, gibbon_simulate_batch_totals,
  gibbon_plan, gibbon_plan_len, gibbon_pe,
} from './hw-abi';
export { gibbon_rng_hash5, gibbon_rng_normal } from './rng';
export {
  gibbon_pim_abi_version, gibbon_pim_model_len, gibbon_pim_layer_len, gibbon_pim_hw_len, gibbon_pim_stats_len, gibbon_pim_error_len,
  gibbon_pim_prepare, gibbon_pim_run, gibbon_pim_run_baseline, gibbon_pim_free, gibbon_pim_error,
} from './funcsim';
export {
  gibbon_rnn_abi_version, gibbon_rnn_shape_len, gibbon_rnn_error_len, gibbon_rnn_forward, gibbon_rnn_error,
} from './predictor';
