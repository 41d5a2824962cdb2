// The functional (accuracy) simulator's WASM kernel from TypeScript (web-standard, no node:* imports).
// PimKernel reuses a Simulator's instance of gibbon.wasm: prepare() packs a PimModel and a PimHardware
// into the records of docs/abi.md §9 and lets the kernel validate, map, slice and draw one chip;
// run() pushes quantized images through it and decodes logits, predictions and per-layer statistics.
// The semantics are docs/functional.md; src/pim/reference.ts is the plain twin it must equal bit for bit.
import * as F from '../../assembly/funcsim-layout.ts';
import * as CT from '../../assembly/converter-tables.ts';
import { defaultLayerPlanner } from '../hw/layer-plan.ts';
import type { Simulator } from '../hw/simulator.ts';
import type { ArchConfig } from '../hw/types.ts';
import type { PimBatchResult, PimDeviceOptions, PimHardware, PimLayer, PimLayerStats, PimModel } from './types.ts';
import { GibbonError, fieldError, formatValue } from '../util/errors.ts';

/** The functional simulator's raw exports of gibbon.wasm (docs/abi.md §9). */
export interface PimExports {
  memory: WebAssembly.Memory;
  gibbon_alloc(bytes: number): number;
  gibbon_free(ptr: number): void;
  gibbon_pim_abi_version(): number;
  gibbon_pim_prepare(modelPtr: number, hwPtr: number, seed: number, trial: number): number;
  gibbon_pim_run(handle: number, inputsPtr: number, n: number, imageOffset: number, rangesPtr: number, logitsPtr: number, statsPtr: number): number;
  gibbon_pim_run_baseline(handle: number, inputsPtr: number, n: number, imageOffset: number, rangesPtr: number, logitsPtr: number, statsPtr: number): number;
  gibbon_pim_free(handle: number): number;
  gibbon_pim_error(outPtr: number): void;
}

/** A chip instance prepared in the kernel: one model on one hardware for one (seed, trial). */
export interface PreparedPim {
  readonly handle: number;
  readonly model: PimModel;
  readonly hw: PimHardware;
  readonly seed: number;
  readonly trial: number;
}

export interface PimRunOptions {
  /** Per layer index: the ADC full scale in calibrated mode (overrides the model's psumRange). */
  psumRanges?: Float64Array;
}

export type PimRunResult = PimBatchResult & { psumMax: Float64Array };

// ===== Hardware from an architecture =====

/** The smallest ADC resolution Q whose top code T(Q) = 2^(Q-1) - 1 is at least `largest`. */
function losslessAdcBits(largest: number): number {
  let q = CT.FUNC_ADC_BITS_MIN;
  while (2 ** (q - 1) - 1 < largest) q++;
  return q;
}

/** Whether the ADC range mode gives the kernel per-layer full scales (both calibrated modes) rather than the fixed worst case. */
export function calibratedRange(mode: PimDeviceOptions['rangeMode']): boolean {
  return mode === 'calibrated' || mode === 'least-error';
}

/**
 * The crossbar parameters the functional simulator reads from an architecture (docs/functional.md §4,
 * §5): the converters a PE of it works with and the rows one conversion sums (DACs per group), as the
 * hardware simulator resolves them (the kernel's gibbon_pe, src/hw/layer-plan.ts: the converter tables,
 * the digital-PIM rule, the DAC count capped by the sub-array). A digital PIM (pe.pimType 'digital')
 * reads each column with a sense amplifier: no ADC quantization, i.e. an ADC resolution whose top code
 * holds the largest ideal partial sum, (2^d - 1)(2^b - 1) x rowsPerConversion, so that every conversion
 * is exact on ideal devices. Needs gibbon.wasm compiled in this thread (loadSimulator, compileModule).
 */
export function hardwareFor(arch: ArchConfig, device: PimDeviceOptions): PimHardware {
  const pe = defaultLayerPlanner().pe(arch, undefined, 'arch');
  const dacBits = pe.dacBits, rowsPerConversion = pe.dacPerGroup;
  let adcBits = pe.adcBits;
  if (arch.pe.pimType === 'digital' && pe.adcChoice === CT.ADC_SENSE_AMP_CHOICE) {
    const largest = (2 ** dacBits - 1) * (2 ** arch.device.cellBits - 1) * rowsPerConversion;
    adcBits = losslessAdcBits(largest);
    if (adcBits > CT.CONVERTER_BITS_MAX) {
      throw fieldError('E_ARCH', 'arch', 'dac.customBits', arch.dac.customBits,
        `a DAC narrow enough that a digital PIM's exact partial sums fit ${CT.CONVERTER_BITS_MAX} bits: (2^d - 1)(2^cellBits - 1) x ${rowsPerConversion} rows per conversion <= ${2 ** (CT.CONVERTER_BITS_MAX - 1) - 1}`);
    }
  } else if (adcBits < CT.FUNC_ADC_BITS_MIN) {
    // A 1-bit converter (choice 8, the sense amplifier of digital PIM) has no signed grid to round onto.
    throw fieldError('E_ARCH', 'arch', arch.adc.choice === -1 ? 'adc.customBits' : 'adc.choice', arch.adc.choice === -1 ? adcBits : arch.adc.choice,
      `an ADC of at least ${CT.FUNC_ADC_BITS_MIN} bits for the functional simulator of analog PIM (choice ${CT.ADC_SENSE_AMP_CHOICE} is a 1-bit sense amplifier: pe.pimType "digital" reads with it exactly)`);
  }
  return {
    xbarRows: arch.xbar.rows,
    xbarCols: arch.xbar.cols,
    cellBits: arch.device.cellBits,
    dacBits,
    adcBits,
    polarity: arch.xbar.polarity,
    subPosition: arch.pe.subPosition,
    rowsPerConversion,
    device: { ...device },
  };
}

// ===== Error messages =====

const HW_FIELDS: Readonly<Record<number, [string, string]>> = {
  [F.FH_XBAR_ROWS]: ['xbarRows', 'an integer in 1..65536'],
  [F.FH_XBAR_COLS]: ['xbarCols', 'an integer in 1..65536'],
  [F.FH_CELL_BITS]: ['cellBits', 'an integer in 1..8'],
  [F.FH_DAC_BITS]: ['dacBits', `an integer in 1..${CT.FUNC_DAC_BITS_MAX}`],
  [F.FH_ADC_BITS]: ['adcBits', `an integer in ${CT.FUNC_ADC_BITS_MIN}..${CT.CONVERTER_BITS_MAX}`],
  [F.FH_POLARITY]: ['polarity', '1 or 2'],
  [F.FH_SUB_POSITION]: ['subPosition', '0 or 1'],
  [F.FH_ROWS_PER_CONVERSION]: ['rowsPerConversion', 'an integer in 1..1048576'],
  [F.FH_RANGE_MODE]: ['device.rangeMode', '"fixed", "calibrated" or "least-error"'],
  [F.FH_SAF_HRS_PCT]: ['device.safHrsPct', 'a number in 0..100 (%)'],
  [F.FH_SAF_LRS_PCT]: ['device.safLrsPct', 'a number in 0..100 (%) with device.safHrsPct + device.safLrsPct <= 100'],
  [F.FH_VARIATION_SIGMA_PCT]: ['device.variationSigmaPctOfR', 'a finite number >= 0 (% of R)'],
  [F.FH_HRS_LRS_RATIO]: ['device.hrsLrsRatio', 'a number > 1, or Infinity (ideal)'],
  [F.FH_READ_NOISE_SIGMA]: ['device.readNoiseSigma', 'a finite number >= 0'],
};

const MODEL_FIELDS: Readonly<Record<number, [string, string]>> = {
  [F.FM_VERSION]: ['(record version)', `${F.PIM_ABI_VERSION}`],
  [F.FM_N_LAYERS]: ['layers.length', 'an integer in 1..65536'],
  [F.FM_IN_C]: ['input.channels', 'an integer in 1..16777216 (at most 2^28 input values)'],
  [F.FM_IN_H]: ['input.height', 'an integer in 1..16384'],
  [F.FM_IN_W]: ['input.width', 'an integer in 1..16384'],
  [F.FM_IN_BITS]: ['input.bits', 'an integer in 2..16'],
  [F.FM_IN_SIGNED]: ['input.signed', 'true or false'],
  [F.FM_CLASSES]: ['classes', "the last layer's outC x outH x outW"],
  [F.FM_LAYERS_PTR]: ['(layers pointer)', 'a byte address'],
};

const LAYER_FIELDS: Readonly<Record<number, [string, string]>> = {
  [F.FL_TYPE]: ['type', '"conv", "fc", "pool" or "add"; the last layer a conv or fc'],
  [F.FL_IN_C]: ['inC', "the producer's channels (fc: its outC x outH x outW)"],
  [F.FL_IN_H]: ['inH', "the producer's height"],
  [F.FL_IN_W]: ['inW', "the producer's width"],
  [F.FL_OUT_C]: ['outC', 'an integer >= 1 (pool and add: inC)'],
  [F.FL_OUT_H]: ['outH', 'floor((inH + top + bottom - kernel) / stride) + 1 >= 1 (fc: 1)'],
  [F.FL_OUT_W]: ['outW', 'floor((inW + left + right - kernel) / stride) + 1 >= 1 (fc: 1)'],
  [F.FL_KERNEL]: ['kernel', 'an integer in 1..15 (conv) or 1..64 (pool)'],
  [F.FL_STRIDE]: ['stride', 'an integer in 1..64'],
  [F.FL_PAD_TOP]: ['padding[0]', 'an integer in 0..64'],
  [F.FL_PAD_LEFT]: ['padding[1]', 'an integer in 0..64'],
  [F.FL_PAD_BOTTOM]: ['padding[2]', 'an integer in 0..64'],
  [F.FL_PAD_RIGHT]: ['padding[3]', 'an integer in 0..64'],
  [F.FL_CONV_GROUPS]: ['convGroups', 'a divisor of both inC and outC'],
  [F.FL_POOL_MODE]: ['mode', '"max" or "avg"'],
  [F.FL_WEIGHT_BITS]: ['weightBits', 'an integer in 2..16'],
  [F.FL_IN_BITS]: ['input.bits', 'an integer in 2..16, at least the bits of the producer grid'],
  [F.FL_IN_SCALE]: ['input.scale', 'a finite number > 0'],
  [F.FL_OUT_BITS]: ['out.bits', 'an integer in 2..16'],
  [F.FL_OUT_SCALE]: ['out.scale', 'a finite number > 0'],
  [F.FL_RELU]: ['relu', 'true or false'],
  [F.FL_WEIGHTS_PTR]: ['weights', 'integers in -T(weightBits)..T(weightBits)'],
  [F.FL_WEIGHT_SCALE_PTR]: ['weightScale', 'finite numbers'],
  [F.FL_BIAS_PTR]: ['bias', 'integers (accumulator units)'],
  [F.FL_N_INPUTS]: ['inputs.length', `1 (add: 2..${F.FMAX_INPUTS})`],
};

function layerFieldPath(field: number): [string, string] {
  if (field >= F.FL_INPUT0 && field < F.FL_INPUT0 + F.FMAX_INPUTS) return [`inputs[${field - F.FL_INPUT0}]`, 'an earlier layer or -1 (the network input) of the same shape'];
  if (field >= F.FL_ADD_SCALE0 && field < F.FL_ADD_SCALE0 + F.FMAX_INPUTS) return [`inputScales[${field - F.FL_ADD_SCALE0}]`, 'a finite number > 0'];
  return LAYER_FIELDS[field] ?? [`(field ${field})`, 'see docs/abi.md §9'];
}

interface ErrorRecord { status: number; layer: number; field: number; value: number; index: number }

function kernelError(e: ErrorRecord, model: PimModel | undefined, what: string): GibbonError {
  const src = model ? `model ${model.name}` : 'pim kernel';
  const layerPath = (l: number): string => {
    const layer = model?.layers[l];
    return layer ? `layers[${l}] (${layer.name})` : `layers[${l}]`;
  };
  const at = e.index >= 0 ? `[${e.index}]` : '';
  switch (e.status) {
    case F.PS_HW_FIELD: {
      const [path, allowed] = HW_FIELDS[e.field] ?? [`(hardware field ${e.field})`, 'see docs/abi.md §9'];
      return fieldError('E_MODEL', 'pim hardware', path, e.value, allowed);
    }
    case F.PS_MODEL_FIELD: {
      const [path, allowed] = MODEL_FIELDS[e.field] ?? [`(model field ${e.field})`, 'see docs/abi.md §9'];
      return fieldError('E_MODEL', src, path, e.value, allowed);
    }
    case F.PS_LAYER_FIELD: case F.PS_SHAPE: case F.PS_INPUT_INDEX: {
      const [path, allowed] = layerFieldPath(e.field);
      const why = e.status === F.PS_SHAPE ? ' (shape mismatch with the producer)' : '';
      return fieldError('E_MODEL', src, `${layerPath(e.layer)}.${path}${at}`, e.value, allowed + why);
    }
    case F.PS_KERNEL_TOO_LARGE:
      return fieldError('E_MODEL', src, `${layerPath(e.layer)}.kernel`, e.value, 'a kernel whose K*K rows fit in one crossbar (hw.xbarRows)');
    case F.PS_WEIGHT_RANGE: {
      const layer = model?.layers[e.layer];
      const bits = layer && (layer.type === 'conv' || layer.type === 'fc') ? layer.weightBits : NaN;
      const top = 2 ** (bits - 1) - 1;
      return fieldError('E_MODEL', src, `${layerPath(e.layer)}.weights${at}`, e.value, `an integer in ${-top}..${top} (weightBits ${bits})`);
    }
    case F.PS_BIT_WIDTH:
      return fieldError('E_MODEL', src, `${layerPath(e.layer)}.input.bits`, e.value, 'at least the bits of the tensor it reads (its producer grid), so no input digit is lost');
    case F.PS_INPUT_RANGE:
      return fieldError('E_MODEL', src, `inputs${at}`, e.value,
        `an integer on the input grid, ${model?.input.signed ? -(2 ** ((model?.input.bits ?? 2) - 1) - 1) : 0}..${2 ** ((model?.input.bits ?? 2) - 1) - 1}`);
    case F.PS_PSUM_RANGE:
      return fieldError('E_MODEL', src, `${layerPath(e.layer)}.psumRange`, e.value, 'a finite ADC full scale in calibrated mode (from the model file, opts.psumRanges or a calibration run)');
    case F.PS_TOO_LARGE:
      return new GibbonError('E_MODEL', `${src}: ${layerPath(e.layer)}: the prepared chip needs ${formatValue(e.value)} more bytes than WASM memory can hold; allowed: a smaller model, or ideal devices (no conductance table)`);
    case F.PS_UNSUPPORTED:
      return new GibbonError('E_MODEL', `${src}: the f32 baseline runs only ideal conductances; allowed: device.variationSigmaPctOfR 0 and device.hrsLrsRatio Infinity`);
    default:
      return new GibbonError('E_KERNEL', `pim kernel: ${what} failed with status ${e.status} (layer ${e.layer}, field ${e.field}, value ${formatValue(e.value)}): this is a bug in the caller or the kernel`);
  }
}

// ===== Packing =====

const B8 = 8;
const align8 = (bytes: number): number => Math.ceil(bytes / B8) * B8;
const flag = (v: boolean): number => (v ? 1 : 0);

function typeCode(l: PimLayer): number {
  return l.type === 'conv' ? F.FT_CONV : l.type === 'fc' ? F.FT_FC : l.type === 'pool' ? F.FT_POOL : F.FT_ADD;
}

function checkArrays(model: PimModel): void {
  const src = `model ${model.name}`;
  model.layers.forEach((l, i) => {
    if (l.type !== 'conv' && l.type !== 'fc') return;
    const rows = (l.inC / l.convGroups) * l.kernel * l.kernel;
    const want = l.outC * rows;
    if (!(l.weights instanceof Int32Array) || l.weights.length !== want) {
      throw fieldError('E_MODEL', src, `layers[${i}].weights.length`, l.weights?.length, `${want} (outC x inC/convGroups x kernel^2) in an Int32Array`);
    }
    if (!(l.weightScale instanceof Float64Array) || l.weightScale.length !== l.outC) {
      throw fieldError('E_MODEL', src, `layers[${i}].weightScale.length`, l.weightScale?.length, `${l.outC} (outC) in a Float64Array`);
    }
    if (!(l.bias instanceof Float64Array) || l.bias.length !== l.outC) {
      throw fieldError('E_MODEL', src, `layers[${i}].bias.length`, l.bias?.length, `${l.outC} (outC) in a Float64Array`);
    }
  });
  model.layers.forEach((l, i) => {
    const max = l.type === 'add' ? F.FMAX_INPUTS : 1;
    if (l.inputs.length < 1 || l.inputs.length > max) {
      throw fieldError('E_MODEL', src, `layers[${i}].inputs`, l.inputs, l.type === 'add' ? `2..${F.FMAX_INPUTS} producers` : 'one producer');
    }
  });
}

function u32Arg(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw fieldError('E_OPTION', 'PimKernel', what, v, 'an integer in 0..4294967295');
  return v >>> 0;
}

function writeHardware(hw: PimHardware, f: Float64Array, at: number): void {
  const d = hw.device;
  f[at + F.FH_XBAR_ROWS] = hw.xbarRows;
  f[at + F.FH_XBAR_COLS] = hw.xbarCols;
  f[at + F.FH_CELL_BITS] = hw.cellBits;
  f[at + F.FH_DAC_BITS] = hw.dacBits;
  f[at + F.FH_ADC_BITS] = hw.adcBits;
  f[at + F.FH_POLARITY] = hw.polarity;
  f[at + F.FH_SUB_POSITION] = hw.subPosition;
  f[at + F.FH_ROWS_PER_CONVERSION] = hw.rowsPerConversion;
  f[at + F.FH_RANGE_MODE] = d.rangeMode === 'fixed' ? 0 : calibratedRange(d.rangeMode) ? 1 : NaN;
  f[at + F.FH_SAF_HRS_PCT] = d.safHrsPct;
  f[at + F.FH_SAF_LRS_PCT] = d.safLrsPct;
  f[at + F.FH_VARIATION_SIGMA_PCT] = d.variationSigmaPctOfR;
  f[at + F.FH_HRS_LRS_RATIO] = d.hrsLrsRatio;
  f[at + F.FH_READ_NOISE_SIGMA] = d.readNoiseSigma;
}

export class PimKernel {
  readonly #x: PimExports;

  constructor(sim: Simulator) {
    const x = sim.exports as unknown as Partial<PimExports>;
    if (typeof x.gibbon_pim_prepare !== 'function' || typeof x.gibbon_pim_abi_version !== 'function') {
      throw new GibbonError('E_KERNEL', 'gibbon.wasm has no functional simulator (gibbon_pim_*): rebuild with npm run build');
    }
    const v = x.gibbon_pim_abi_version();
    if (v !== F.PIM_ABI_VERSION) {
      throw new GibbonError('E_KERNEL', `gibbon.wasm: functional ABI version ${v}; this host speaks ${F.PIM_ABI_VERSION}: rebuild with npm run build`);
    }
    this.#x = x as PimExports;
  }

  #alloc(bytes: number): number {
    const p = this.#x.gibbon_alloc(Math.max(B8, bytes));
    if (!p) throw new GibbonError('E_KERNEL', `pim kernel: could not allocate ${bytes} bytes of WASM memory`);
    return p;
  }

  #error(model: PimModel | undefined, what: string): GibbonError {
    const p = this.#alloc(F.FE_LEN * B8);
    try {
      this.#x.gibbon_pim_error(p);
      const r = new Float64Array(this.#x.memory.buffer, p, F.FE_LEN);
      return kernelError({ status: r[F.FE_STATUS], layer: r[F.FE_LAYER], field: r[F.FE_FIELD], value: r[F.FE_VALUE], index: r[F.FE_INDEX] }, model, what);
    } finally {
      this.#x.gibbon_free(p);
    }
  }

  /** Validates, maps and slices `model` on `hw`, and draws chip instance (seed, trial). Free it with free(). */
  prepare(model: PimModel, hw: PimHardware, seed: number, trial: number): PreparedPim {
    u32Arg(seed, 'seed');
    u32Arg(trial, 'trial');
    checkArrays(model);
    const nL = model.layers.length;
    // One block: header | layer records | hardware record | per matrix layer: weights, scales, biases.
    const headBytes = (F.FM_LEN + nL * F.FL_LEN + F.FH_LEN) * B8;
    let bytes = headBytes;
    const arraysAt: number[] = [];
    for (const l of model.layers) {
      arraysAt.push(bytes);
      if (l.type === 'conv' || l.type === 'fc') bytes += align8(l.weights.length * 4) + 2 * l.outC * B8;
    }
    const base = this.#alloc(bytes);
    try {
      const buf = this.#x.memory.buffer; // views after the allocation (memory.grow detaches older ones)
      const f = new Float64Array(buf, base, headBytes / B8);
      const inp = model.input;
      const layersAt = F.FM_LEN;
      f[F.FM_VERSION] = F.PIM_ABI_VERSION;
      f[F.FM_N_LAYERS] = nL;
      f[F.FM_IN_C] = inp.channels;
      f[F.FM_IN_H] = inp.height;
      f[F.FM_IN_W] = inp.width;
      f[F.FM_IN_BITS] = inp.bits;
      f[F.FM_IN_SIGNED] = flag(inp.signed);
      f[F.FM_IN_SCALE] = inp.scale;
      f[F.FM_CLASSES] = model.classes;
      f[F.FM_LAYERS_PTR] = base + layersAt * B8;
      model.layers.forEach((l, i) => {
        const o = layersAt + i * F.FL_LEN;
        f[o + F.FL_TYPE] = typeCode(l);
        f[o + F.FL_IN_C] = l.inC; f[o + F.FL_IN_H] = l.inH; f[o + F.FL_IN_W] = l.inW;
        f[o + F.FL_OUT_C] = l.outC; f[o + F.FL_OUT_H] = l.outH; f[o + F.FL_OUT_W] = l.outW;
        f[o + F.FL_OUT_BITS] = l.out.bits;
        f[o + F.FL_OUT_SIGNED] = flag(l.out.signed);
        f[o + F.FL_OUT_SCALE] = l.out.scale;
        f[o + F.FL_N_INPUTS] = l.inputs.length;
        l.inputs.forEach((p, q) => { f[o + F.FL_INPUT0 + q] = p; });
        if (l.type === 'pool' || l.type === 'conv' || l.type === 'fc') {
          f[o + F.FL_KERNEL] = l.kernel; f[o + F.FL_STRIDE] = l.stride;
          f[o + F.FL_PAD_TOP] = l.padding[0]; f[o + F.FL_PAD_LEFT] = l.padding[1];
          f[o + F.FL_PAD_BOTTOM] = l.padding[2]; f[o + F.FL_PAD_RIGHT] = l.padding[3];
        }
        if (l.type === 'pool') f[o + F.FL_POOL_MODE] = l.mode === 'max' ? 0 : l.mode === 'avg' ? 1 : NaN;
        if (l.type === 'add') {
          f[o + F.FL_RELU] = flag(l.relu);
          l.inputScales.forEach((s, q) => { if (q < F.FMAX_INPUTS) f[o + F.FL_ADD_SCALE0 + q] = s; });
        }
        if (l.type === 'conv' || l.type === 'fc') {
          f[o + F.FL_CONV_GROUPS] = l.convGroups;
          f[o + F.FL_WEIGHT_BITS] = l.weightBits;
          f[o + F.FL_IN_BITS] = l.input.bits;
          f[o + F.FL_IN_SIGNED] = flag(l.input.signed);
          f[o + F.FL_IN_SCALE] = l.input.scale;
          f[o + F.FL_RELU] = flag(l.relu);
          f[o + F.FL_IS_LAST] = flag(l.isLast);
          const wAt = base + arraysAt[i];
          const sAt = wAt + align8(l.weights.length * 4);
          const bAt = sAt + l.outC * B8;
          new Int32Array(buf, wAt, l.weights.length).set(l.weights);
          new Float64Array(buf, sAt, l.outC).set(l.weightScale);
          new Float64Array(buf, bAt, l.outC).set(l.bias);
          f[o + F.FL_WEIGHTS_PTR] = wAt;
          f[o + F.FL_WEIGHT_SCALE_PTR] = sAt;
          f[o + F.FL_BIAS_PTR] = bAt;
        }
      });
      const hwAt = layersAt + nL * F.FL_LEN;
      writeHardware(hw, f, hwAt);
      const handle = this.#x.gibbon_pim_prepare(base, base + hwAt * B8, seed >>> 0, trial >>> 0);
      if (handle <= 0) throw this.#error(model, 'prepare');
      return { handle, model, hw, seed, trial };
    } finally {
      this.#x.gibbon_free(base);
    }
  }

  /** The calibrated full scale of every layer (NaN where there is none), as the kernel reads it. */
  #ranges(prep: PreparedPim, opts: PimRunOptions | undefined): Float64Array | undefined {
    if (!calibratedRange(prep.hw.device.rangeMode)) return undefined;
    const out = new Float64Array(prep.model.layers.length);
    prep.model.layers.forEach((l, i) => {
      if (l.type !== 'conv' && l.type !== 'fc') return;
      const r = opts?.psumRanges?.[i] ?? l.psumRange;
      if (r === undefined || !Number.isFinite(r)) {
        throw fieldError('E_MODEL', `model ${prep.model.name}`, `layers[${i}] (${l.name}).psumRange`, r,
          'a finite ADC full scale in calibrated mode (from the model file, opts.psumRanges or a calibration run)');
      }
      out[i] = r;
    });
    return out;
  }

  /** Runs n images (quantized network input, n x C x H x W) through the prepared chip. */
  run(prep: PreparedPim, inputs: Int32Array, n: number, imageOffset: number, opts?: PimRunOptions): PimRunResult {
    return this.#run(prep, inputs, n, imageOffset, opts, false);
  }

  /** run() computed the plain way (one f32 multiply-accumulate per cell per cycle): the benchmark's baseline. */
  runBaseline(prep: PreparedPim, inputs: Int32Array, n: number, imageOffset: number, opts?: PimRunOptions): PimRunResult {
    return this.#run(prep, inputs, n, imageOffset, opts, true);
  }

  #run(prep: PreparedPim, inputs: Int32Array, n: number, imageOffset: number, opts: PimRunOptions | undefined, baseline: boolean): PimRunResult {
    const { model } = prep;
    const inSize = model.input.channels * model.input.height * model.input.width;
    if (!Number.isInteger(n) || n < 0) throw fieldError('E_OPTION', 'PimKernel.run', 'n', n, 'an integer >= 0');
    if (!(inputs instanceof Int32Array) || inputs.length < n * inSize) {
      throw fieldError('E_OPTION', 'PimKernel.run', 'inputs.length', inputs?.length, `at least n x C x H x W = ${n * inSize} in an Int32Array`);
    }
    u32Arg(imageOffset, 'imageOffset');
    const ranges = this.#ranges(prep, opts);
    const nL = model.layers.length, classes = model.classes;
    const inBytes = align8(n * inSize * 4), logitBytes = n * classes * B8, statBytes = nL * F.FS_LEN * B8, rangeBytes = nL * B8;
    const base = this.#alloc(inBytes + logitBytes + statBytes + rangeBytes);
    try {
      const inAt = base, logitAt = base + inBytes, statAt = logitAt + logitBytes, rangeAt = statAt + statBytes;
      let buf = this.#x.memory.buffer;
      new Int32Array(buf, inAt, n * inSize).set(inputs.subarray(0, n * inSize));
      if (ranges) new Float64Array(buf, rangeAt, nL).set(ranges);
      const call = baseline ? this.#x.gibbon_pim_run_baseline : this.#x.gibbon_pim_run;
      const status = call(prep.handle, inAt, n, imageOffset >>> 0, ranges ? rangeAt : 0, logitAt, statAt);
      if (status !== F.PS_OK) throw this.#error(model, baseline ? 'run_baseline' : 'run');
      buf = this.#x.memory.buffer; // the baseline may have grown memory
      const logits = new Float64Array(buf, logitAt, n * classes).slice();
      const raw = new Float64Array(buf, statAt, nL * F.FS_LEN);
      const predictions = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        let best = 0;
        for (let c = 1; c < classes; c++) if (logits[i * classes + c] > logits[i * classes + best]) best = c;
        predictions[i] = best;
      }
      const psumMax = new Float64Array(nL);
      const stats: PimLayerStats[] = model.layers.map((l, i) => {
        const o = i * F.FS_LEN;
        const conversions = raw[o + F.FS_CONVERSIONS], saturated = raw[o + F.FS_SATURATED], absErrorSum = raw[o + F.FS_ABS_ERROR_SUM];
        psumMax[i] = raw[o + F.FS_PSUM_MAX];
        return {
          index: i, name: l.name, conversions, saturated, absErrorSum,
          adcSaturationFrac: conversions ? saturated / conversions : 0,
          psumMae: conversions ? absErrorSum / conversions : 0,
          rowTiles: raw[o + F.FS_ROW_TILES], weightSlices: raw[o + F.FS_WEIGHT_SLICES], inputCycles: raw[o + F.FS_INPUT_CYCLES],
          psumRange: raw[o + F.FS_PSUM_RANGE],
        };
      });
      return { logits, predictions, stats, psumMax };
    } finally {
      this.#x.gibbon_free(base);
    }
  }

  /** Frees a prepared chip (its planes and conductances in WASM memory). */
  free(prep: PreparedPim): void {
    const status = this.#x.gibbon_pim_free(prep.handle);
    if (status !== F.PS_OK) throw this.#error(prep.model, 'free');
  }
}
