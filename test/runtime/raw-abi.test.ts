// gibbon.wasm through its raw ABI only (docs/abi.md), as a C or Rust host would use it: instantiate with
// the one documented import, allocate with gibbon_alloc, write f64 records through Float64Array views,
// call the entry points, read the result record. No project code but the offsets of assembly/layout.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import * as L from '../../assembly/layout.ts';
import * as E from '../../assembly/errors.ts';

interface Raw {
  memory: WebAssembly.Memory;
  gibbon_abi_version(): number;
  gibbon_arch_len(): number;
  gibbon_layer_len(): number;
  gibbon_result_len(nLayers: number): number;
  gibbon_batch_job_len(): number;
  gibbon_alloc(bytes: number): number;
  gibbon_free(ptr: number): void;
  gibbon_simulate(archPtr: number, layersPtr: number, nLayers: number, outPtr: number): number;
  gibbon_simulate_batch(jobsPtr: number, nJobs: number): number;
}

const bytes = await readFile(new URL('../../build/gibbon.wasm', import.meta.url));
const aborts: number[][] = [];
const { instance } = await WebAssembly.instantiate(bytes, {
  env: { abort: (msg: number, file: number, line: number, col: number) => { aborts.push([msg, file, line, col]); throw new Error(`abort at ${line}:${col}`); } },
});
const W = instance.exports as unknown as Raw;
/** A fresh view: any call may have grown the memory, which detaches older views. */
const f64 = (ptr: number, n: number): Float64Array => new Float64Array(W.memory.buffer, ptr >>> 0, n);

/** MNSIM-2.0's SimConfig.ini defaults, field by field (mnsim-model.md §1). */
function mnsimDefaultArch(switches: number, pipeline: number): Float64Array {
  const a = new Float64Array(L.ARCH_LEN);
  a[L.A_DEVICE_TYPE] = 0; a[L.A_DEVICE_TECH_NM] = 130; a[L.A_DEVICE_AREA_UM2] = 1.44;
  a[L.A_READ_V_FIRST] = 0; a[L.A_READ_V_LAST] = 0.15; a[L.A_READ_LATENCY_NS] = 3.16;
  a[L.A_R_HRS_OHM] = 1e6; a[L.A_R_LRS_OHM] = 1e4; a[L.A_CELL_BITS] = 1; a[L.A_SRAM_READ_ENERGY_J] = 1.12e-15;
  a[L.A_XBAR_ROWS] = 256; a[L.A_XBAR_COLS] = 256; a[L.A_SUBARRAY_ROWS] = 256; a[L.A_CELL_TYPE] = 0;
  a[L.A_TRANSISTOR_TECH_NM] = 130; a[L.A_AREA_CALCULATION] = 0;
  a[L.A_DAC_CHOICE] = 1; a[L.A_ADC_CHOICE] = 6; a[L.A_LOGIC_OP] = -1;
  a[L.A_PIM_TYPE] = 0; a[L.A_POLARITY] = 2; a[L.A_SUB_POSITION] = 0; a[L.A_PE_GROUPS] = 1;
  a[L.A_DAC_NUM] = 128; a[L.A_ADC_NUM] = 128;
  a[L.A_DIGITAL_FREQ_MHZ] = 500;
  a[L.A_ADDER_TECH_NM] = 45; a[L.A_SHIFTREG_TECH_NM] = 65; a[L.A_REG_TECH_NM] = 45; a[L.A_JM_TECH_NM] = 45;
  a[L.A_PE_ROWS] = 2; a[L.A_PE_COLS] = 2; a[L.A_POOL_WINDOW_X] = 3; a[L.A_POOL_WINDOW_Y] = 3;
  a[L.A_POOL_UNITS] = 64; a[L.A_POOL_TECH_NM] = 65; a[L.A_INTER_TILE_BW_GBPS] = 20; a[L.A_INTRA_TILE_BW_GBPS] = 1024;
  a[L.A_BUFFER_TECH_NM] = 90; a[L.A_BUFFER_BITWIDTH] = 64; a[L.A_TILE_CONNECTION] = 2;
  a[L.A_TILE_ROWS] = 64; a[L.A_TILE_COLS] = 64; a[L.A_SIM_LEVEL] = 0;
  a[L.A_PIPELINE] = pipeline; a[L.A_MODEL_SWITCHES] = switches;
  return a; // custom converter fields, buffer sizes/areas and digital areas/powers stay 0 (= from the tables)
}

/** MNSIM-2.0's VGG8 for CIFAR-10 as 12 layer records (conv 3x3 pad 1 unless told, max pool 2x2 s2, 9 bits). */
function vgg8Layers(): Float64Array {
  const rows: number[][] = [];
  const layer = (type: number, cin: number, h: number, cout: number, oh: number, k: number, s: number, pad: number): void => {
    const r = new Array<number>(L.LAYER_LEN).fill(0);
    r[L.L_TYPE] = type; r[L.L_IN_CHANNELS] = cin; r[L.L_IN_H] = h; r[L.L_IN_W] = h;
    r[L.L_OUT_CHANNELS] = cout; r[L.L_OUT_H] = oh; r[L.L_OUT_W] = oh; r[L.L_KERNEL] = k; r[L.L_STRIDE] = s;
    r[L.L_PAD_TOP] = r[L.L_PAD_LEFT] = r[L.L_PAD_BOTTOM] = r[L.L_PAD_RIGHT] = pad;
    r[L.L_CONV_GROUPS] = 1; r[L.L_POOL_MODE] = 0;
    r[L.L_WEIGHT_BITS] = 9; r[L.L_INPUT_BITS] = 9; r[L.L_OUTPUT_BITS] = 9;
    r[L.L_N_INPUTS] = 1;
    for (let k2 = 0; k2 < L.MAX_INPUTS; k2++) r[L.L_INPUT0 + k2] = -1;
    r[L.L_INPUT0] = rows.length - 1; // the previous layer; -1 (network input) for layer 0
    rows.push(r);
  };
  const conv = (cin: number, cout: number, h: number, pad = 1): void => layer(L.LT_CONV, cin, h, cout, h + 2 * pad - 2, 3, 1, pad);
  const pool = (c: number, h: number): void => layer(L.LT_POOL, c, h, c, h / 2, 2, 2, 0);
  conv(3, 128, 32); conv(128, 128, 32); pool(128, 32);
  conv(128, 256, 16); conv(256, 256, 16); pool(256, 16);
  conv(256, 512, 8); conv(512, 512, 8); pool(512, 8);
  conv(512, 1024, 4, 0); pool(1024, 2);
  layer(L.LT_FC, 1024, 1, 10, 1, 1, 1, 0);
  return Float64Array.from(rows.flat());
}

const N_LAYERS = 12;
const RESULT_LEN = W.gibbon_result_len(N_LAYERS);
const layersPtr = W.gibbon_alloc(N_LAYERS * L.LAYER_LEN * 8);
f64(layersPtr, N_LAYERS * L.LAYER_LEN).set(vgg8Layers());

/** Copies `arch` into fresh WASM memory; returns its address. */
function putArch(arch: Float64Array): number {
  const p = W.gibbon_alloc(L.ARCH_LEN * 8);
  f64(p, L.ARCH_LEN).set(arch);
  return p;
}

function close(got: number, want: number, what: string): void {
  assert.ok(Math.abs(got - want) <= 1e-6 * Math.abs(want), `${what}: got ${got}, want ${want}`);
}

test('only import env.abort; the documented exports; version and record lengths match assembly/layout.ts', () => {
  const module = new WebAssembly.Module(bytes);
  assert.equal(WebAssembly.Module.imports(module), [{ module: 'env', name: 'abort', kind: 'function' }]);
  const exported = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  for (const name of ['gibbon_abi_version', 'gibbon_alloc', 'gibbon_arch_len', 'gibbon_batch_job_len', 'gibbon_free',
    'gibbon_layer_len', 'gibbon_result_len', 'gibbon_simulate', 'gibbon_simulate_batch', 'memory']) {
    assert.ok(exported.has(name), `export ${name}`);
  }
  assert.is(W.gibbon_abi_version(), L.ABI_VERSION);
  assert.is(W.gibbon_arch_len(), L.ARCH_LEN);
  assert.is(W.gibbon_layer_len(), L.LAYER_LEN);
  assert.is(W.gibbon_batch_job_len(), L.BATCH_JOB_LEN);
  assert.is(RESULT_LEN, L.RESULT_HEADER_LEN + L.TOTALS_LEN + N_LAYERS * L.LAYER_OUT_LEN);
  assert.is(W.gibbon_alloc(0), 0);
  assert.is(W.gibbon_alloc(-8), 0);
});

test('gibbon_simulate: VGG8, mnsim-2.0 model (switches 0, pipeline 1) gives MNSIM-2.0\'s totals', () => {
  const archPtr = putArch(mnsimDefaultArch(0, 1));
  const outPtr = W.gibbon_alloc(RESULT_LEN * 8);
  assert.is(W.gibbon_simulate(archPtr, layersPtr, N_LAYERS, outPtr), 0);
  const r = f64(outPtr, RESULT_LEN);
  assert.is(r[L.R_STATUS], 0);
  assert.is(r[L.R_N_LAYERS], N_LAYERS);
  const t = L.RESULT_HEADER_LEN;
  assert.is(r[t + L.T_TILES], 322);
  close(r[t + L.T_LATENCY_NS], 5151851.4457, 'latency ns');
  close(r[t + L.T_AREA_UM2], 1390330993.54, 'area µm²');
  close(r[t + L.T_POWER_W], 219.722183, 'power W');
  close(r[t + L.T_ENERGY_NJ], 4448843.521, 'energy nJ');
  // The last layer's last output is the latency; layer 0 holds 2 tiles (the fc 8).
  const layer = (i: number, f: number): number => r[t + L.TOTALS_LEN + i * L.LAYER_OUT_LEN + f];
  assert.is(layer(0, L.O_TILES), 2);
  assert.is(layer(11, L.O_TILES), 8);
  assert.is(layer(11, L.O_LAST_DONE_NS), r[t + L.T_LATENCY_NS]);
  W.gibbon_free(archPtr);
  W.gibbon_free(outPtr);
});

test('gibbon_simulate_batch: three jobs sharing one layer block, each equal to its single call', () => {
  const archs = [putArch(mnsimDefaultArch(0, 1)), putArch(mnsimDefaultArch(0, 0)), putArch(mnsimDefaultArch(L.SW_ALL, 1))];
  const outs = archs.map(() => W.gibbon_alloc(RESULT_LEN * 8));
  const jobsPtr = W.gibbon_alloc(archs.length * L.BATCH_JOB_LEN * 8);
  const jobs = f64(jobsPtr, archs.length * L.BATCH_JOB_LEN);
  archs.forEach((archPtr, j) => {
    jobs[j * L.BATCH_JOB_LEN + L.J_ARCH_PTR] = archPtr;
    jobs[j * L.BATCH_JOB_LEN + L.J_LAYERS_PTR] = layersPtr;
    jobs[j * L.BATCH_JOB_LEN + L.J_N_LAYERS] = N_LAYERS;
    jobs[j * L.BATCH_JOB_LEN + L.J_OUT_PTR] = outs[j];
  });
  assert.is(W.gibbon_simulate_batch(jobsPtr, archs.length), 0);
  const batch = outs.map((p) => f64(p, RESULT_LEN).slice());
  const single = W.gibbon_alloc(RESULT_LEN * 8);
  archs.forEach((archPtr, j) => {
    assert.is(W.gibbon_simulate(archPtr, layersPtr, N_LAYERS, single), 0);
    assert.equal(Array.from(f64(single, RESULT_LEN)), Array.from(batch[j]), `job ${j}`);
  });
  const t = L.RESULT_HEADER_LEN;
  assert.is(batch[0][t + L.T_TILES], 322);
  close(batch[0][t + L.T_LATENCY_NS], 5151851.4457, 'pipelined latency');
  close(batch[1][t + L.T_LATENCY_NS], 16339742.5057, 'layer-by-layer latency'); // scratch/vgg8.mts: 16.339743 ms
  assert.ok(batch[1][t + L.T_LATENCY_NS] > batch[0][t + L.T_LATENCY_NS]);
});

test('an invalid field returns a status with R_ERR_* set, never a trap', () => {
  const outPtr = W.gibbon_alloc(RESULT_LEN * 8);
  const cases: Array<[number, number]> = [[L.A_XBAR_ROWS, 0], [L.A_ADC_CHOICE, 42], [L.A_MODEL_SWITCHES, 1000], [L.A_PIPELINE, NaN], [L.A_PE_ROWS, 1.5]];
  for (const [field, value] of cases) {
    const arch = mnsimDefaultArch(0, 1);
    arch[field] = value;
    const archPtr = putArch(arch);
    const status = W.gibbon_simulate(archPtr, layersPtr, N_LAYERS, outPtr);
    const r = f64(outPtr, RESULT_LEN);
    assert.is.not(status, 0, `field ${field} = ${value}`);
    assert.is(r[L.R_STATUS], status);
    assert.is(r[L.R_ERR_LAYER], -1);
    assert.is(r[L.R_ERR_FIELD], field);
    assert.ok(Object.is(r[L.R_ERR_VALUE], value), `R_ERR_VALUE ${r[L.R_ERR_VALUE]}`);
    if (field === L.A_XBAR_ROWS) assert.equal([r[L.R_ERR_MIN], r[L.R_ERR_MAX], r[L.R_ERR_INTEGER]], [1, 2 ** 20, 1]);
    if (field === L.A_ADC_CHOICE) assert.ok(Number.isNaN(r[L.R_ERR_MIN]) && Number.isNaN(r[L.R_ERR_MAX]), 'a rule, not a range');
    W.gibbon_free(archPtr);
  }
  // A bad layer field names the layer; a bad job in a batch is counted, the others still run.
  const badLayers = vgg8Layers();
  badLayers[3 * L.LAYER_LEN + L.L_STRIDE] = 0;
  const badPtr = W.gibbon_alloc(badLayers.length * 8);
  f64(badPtr, badLayers.length).set(badLayers);
  const archPtr = putArch(mnsimDefaultArch(0, 1));
  assert.is.not(W.gibbon_simulate(archPtr, badPtr, N_LAYERS, outPtr), 0);
  let r = f64(outPtr, RESULT_LEN);
  assert.equal([r[L.R_ERR_LAYER], r[L.R_ERR_FIELD], r[L.R_ERR_VALUE]], [3, L.L_STRIDE, 0]);
  const out2 = W.gibbon_alloc(RESULT_LEN * 8);
  const jobsPtr = W.gibbon_alloc(2 * L.BATCH_JOB_LEN * 8);
  f64(jobsPtr, 2 * L.BATCH_JOB_LEN).set([archPtr, badPtr, N_LAYERS, outPtr, archPtr, layersPtr, N_LAYERS, out2]);
  assert.is(W.gibbon_simulate_batch(jobsPtr, 2), 1);
  r = f64(outPtr, RESULT_LEN);
  assert.is.not(r[L.R_STATUS], 0);
  assert.is(f64(out2, RESULT_LEN)[L.R_STATUS], 0);
  // Null pointers are a bad call, reported as a status.
  assert.is.not(W.gibbon_simulate(0, layersPtr, N_LAYERS, outPtr), 0);
  assert.equal(aborts, []);
});

test('docs/abi.md lists every constant of assembly/layout.ts and assembly/errors.ts with its value', async () => {
  const doc = await readFile(new URL('../../docs/abi.md', import.meta.url), 'utf8');
  const tableRow = /^(A|L|LT|J|R|T|O|C|SW|E)_/;
  const missing: string[] = [];
  for (const [name, value] of [...Object.entries(L), ...Object.entries(E)]) {
    const ok = tableRow.test(name)
      ? doc.includes(`| ${value} | \`${name}\` |`)
      : doc.includes(`\`${name}\` = ${value}`);
    if (!ok) missing.push(`${name} = ${value}`);
  }
  assert.equal(missing, [], 'document these in docs/abi.md');
});

test.run();
