// The architecture file: presets, converter tables, validation, and `--set path=value` overrides.
// An arch file is a nested JSON object shaped like ArchConfig with every field optional, merged over a
// preset (`"base"`, default mnsim-default). Shorthands: `xbar.size` (square crossbar), `dac.bits` and
// `adc.bits` (a table converter by resolution). Defaults and ranges: mnsim-model.md §1.

import type { ArchConfig, ConverterConfig } from './types.ts';
import { fieldError, formatValue, unknownKeyError } from '../util/errors.ts';
import * as CT from '../../assembly/converter-tables.ts';

// ===== Converter tables (assembly/converter-tables.ts) =====

/** Resolution -> the first table choice of that resolution, skipping `except` (choice numbers). */
function firstChoiceByBits(bits: readonly number[], except: readonly number[] = []): Readonly<Partial<Record<number, number>>> {
  const out: Partial<Record<number, number>> = {};
  bits.forEach((b, k) => { if (out[b] === undefined && !except.includes(k + 1)) out[b] = k + 1; });
  return Object.freeze(out);
}

/** ADC resolution (bits) -> MNSIM `ADC_Choice`: the first table ADC of that resolution, not the sense amplifier (gibbon.md §2.2, mnsim-model.md §3.4). */
export const ADC_BITS_TO_CHOICE = firstChoiceByBits(CT.ADC_TABLE_BITS, [CT.ADC_SENSE_AMP_CHOICE]);

/** DAC resolution (bits) -> MNSIM `DAC_Choice`: the first table DAC of that resolution (mnsim-model.md §3.3; choice 7 repeats 1 bit). */
export const DAC_BITS_TO_CHOICE = firstChoiceByBits(CT.DAC_TABLE_BITS);

/** -1 (user-defined) or a table choice 1..n. */
const choices = (n: number): number[] => [-1, ...Array.from({ length: n }, (_, k) => k + 1)];

// ===== Presets =====

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/** MNSIM-2.0 HEAD `SimConfig.ini` (snapshot ca39ccb), mnsim-model.md §1. Frozen; resolveArch copies it. */
export const MNSIM_DEFAULT_ARCH: ArchConfig = deepFreeze<ArchConfig>({
  device: {
    type: 'NVM',
    techNm: 130,
    areaUm2: 1.44,
    readVoltagesV: [0, 0.15],
    readLatencyNs: 3.16,
    resistancesOhm: [1e6, 1e4],
    cellBits: 1, // Device_Level 2
    sramReadEnergyJ: 1.12e-15,
  },
  xbar: { rows: 256, cols: 256, subarrayRows: 256, polarity: 2, cellType: '1T1R', transistorTechNm: 130, areaCalculation: 0 },
  dac: { choice: 1, customAreaUm2: 0, customBits: 0, customPowerW: 0, customSampleRateGsps: 0 },
  adc: { choice: 6, customAreaUm2: 0, customBits: 0, customPowerW: 0, customSampleRateGsps: 0, logicOp: -1, rangeMode: 'fixed' },
  pe: { pimType: 'analog', subPosition: 0, groups: 1, dacNum: 128, adcNum: 128, inBufSizeKB: 0, inBufAreaUm2: 0 },
  digital: {
    frequencyMHz: 500,
    adder: { techNm: 45, areaUm2: 0, powerW: 0 },
    shiftReg: { techNm: 65, areaUm2: 0, powerW: 0 },
    reg: { techNm: 45, areaUm2: 0, powerW: 0 },
    jointModule: { techNm: 45, areaUm2: 0, powerW: 0 },
  },
  tile: {
    peRows: 2,
    peCols: 2,
    poolingWindow: [3, 3],
    poolingUnits: 64,
    poolingTechNm: 65,
    outBufSizeKB: 0,
    outBufAreaUm2: 0,
    interTileBandwidthGbps: 20,
    intraTileBandwidthGbps: 1024,
  },
  chip: { tileRows: 64, tileCols: 64, tileConnection: 2, bufferTechNm: 90, bufferBitwidth: 64 },
  sim: { level: 0 },
  // Functional simulator only (docs/functional.md §5): ideal devices unless asked for.
  nonideal: { safHrsPct: 0, safLrsPct: 0, variationSigmaPctOfR: 0, hrsLrsRatio: null, readNoiseSigma: 0 },
});

/**
 * The base design the co-exploration varies (gibbon.md §2). Technology is MNSIM-2.0's default:
 * 130 nm 1T1R NVM cells (1.44 µm², 3.16 ns read, 1 MΩ / 10 kΩ, 0 / 0.15 V), 45/65 nm digital logic at
 * 500 MHz, a 90 nm SRAM buffer, tile links of 20 / 1024 Gbit/s. Fixed here: 128x128 crossbars
 * (subarrayRows 128), 8-bit ADC (choice 2, ISAAC), 1-bit DAC (choice 1), 1 bit per cell, polarity 2,
 * 128 DACs and 128 ADCs per group, 1 group per PE, 2x2 PEs per tile, 64x64 tiles. The functional
 * simulator calibrates the ADC range per layer (adc.rangeMode 'calibrated', docs/functional.md §5).
 */
export const GIBBON_BASE_ARCH: ArchConfig = deepFreeze<ArchConfig>(
  structuredClone({
    ...MNSIM_DEFAULT_ARCH,
    device: { ...MNSIM_DEFAULT_ARCH.device, cellBits: 1 },
    xbar: { ...MNSIM_DEFAULT_ARCH.xbar, rows: 128, cols: 128, subarrayRows: 128 },
    dac: { ...MNSIM_DEFAULT_ARCH.dac, choice: 1 },
    adc: { ...MNSIM_DEFAULT_ARCH.adc, choice: 2, rangeMode: 'calibrated' },
    pe: { ...MNSIM_DEFAULT_ARCH.pe, groups: 1, dacNum: 128, adcNum: 128 },
    tile: { ...MNSIM_DEFAULT_ARCH.tile, peRows: 2, peCols: 2 },
    chip: { ...MNSIM_DEFAULT_ARCH.chip, tileRows: 64, tileCols: 64 },
  }),
);

/**
 * MNSIM-2.0's `SimConfig.ini` of the Gibbon paper's time: commit bc94294 (2022-01-05, the same file as
 * 5a69903 of 2021-05-26; issue 17, gibbon.md §6). Every key that file has and that differs from today's
 * (ca39ccb, MNSIM_DEFAULT_ARCH) is set below with its .ini key; the keys it does not have (Subarray_Size,
 * PIM_Type, Read/Write_Energy, buffer and digital settings added later) keep today's values. Its
 * Device_Variation 5 and Device_SAF 9,1 are left off (`nonideal` stays ideal, as in every preset):
 * docs/model.md §8 says how to turn them on and why they are not on by default.
 */
export const MNSIM_2022_ARCH: ArchConfig = deepFreeze<ArchConfig>(
  structuredClone({
    ...MNSIM_DEFAULT_ARCH,
    device: {
      ...MNSIM_DEFAULT_ARCH.device,
      techNm: 45, // Device_Tech = 45
      readVoltagesV: [0, 0.5], // Read_Voltage = 0,0.5
      cellBits: 2, // Device_Level = 4
      resistancesOhm: [1e7, 10000, 5000, 3333], // Device_Resistance = 1e7,10000,5000,3333 (HRS to LRS)
    },
    xbar: { ...MNSIM_DEFAULT_ARCH.xbar, transistorTechNm: 65 }, // Transistor_Tech = 65
    dac: { ...MNSIM_DEFAULT_ARCH.dac, choice: 2 }, // DAC_Choice = 2 (2 bits)
    adc: { ...MNSIM_DEFAULT_ARCH.adc, choice: 3 }, // ADC_Choice = 3 (8 bits)
    pe: { ...MNSIM_DEFAULT_ARCH.pe, groups: 8, dacNum: 64, adcNum: 4 }, // Group_Num = 8, DAC_Num = 64, ADC_Num = 4
  }),
);

export type ArchPresetName = 'mnsim-default' | 'gibbon-base' | 'mnsim-2022';

export const ARCH_PRESETS: Readonly<Record<ArchPresetName, ArchConfig>> = Object.freeze({
  'mnsim-default': MNSIM_DEFAULT_ARCH,
  'gibbon-base': GIBBON_BASE_ARCH,
  'mnsim-2022': MNSIM_2022_ARCH,
});

// ===== Schema: one rule per leaf, in ArchConfig order =====

interface NumberRule {
  kind: 'number';
  integer: boolean;
  min: number;
  max: number;
  /** `min` itself is not allowed (a strictly positive quantity). */
  minExclusive: boolean;
  /** Unit or note, printed in parentheses. */
  unit: string;
}
interface EnumRule {
  kind: 'enum';
  values: readonly (string | number)[];
  /** Replaces the generated `one of ...` text. */
  text: string;
}
interface ListRule {
  kind: 'list';
  minLength: number;
  maxLength: number;
  item: NumberRule;
}
/** A number, or one of a few named values (`null`, `"device"`). */
interface NumberOrRule {
  kind: 'numberOr';
  number: NumberRule;
  values: readonly (string | null)[];
  /** Describes the named values, before `or <the number rule>`. */
  text: string;
}
type Rule = NumberRule | EnumRule | ListRule | NumberOrRule;
interface SectionSchema {
  readonly [key: string]: Rule | SectionSchema;
}

/** Every leaf of T must have a rule: the compiler checks the schema against types.ts. */
type SchemaFor<T> = {
  readonly [K in keyof T]-?: T[K] extends readonly unknown[] ? ListRule : T[K] extends object ? SchemaFor<T[K]> : Rule;
};
type CanonicalConverter = Omit<ConverterConfig, 'bits'>;
type CanonicalArch = Omit<ArchConfig, 'dac' | 'adc'> & { dac: CanonicalConverter; adc: CanonicalConverter & Pick<ArchConfig['adc'], 'logicOp' | 'rangeMode'> };

const int = (min: number, max: number, unit = ''): NumberRule => ({ kind: 'number', integer: true, min, max, minExclusive: false, unit });
const num = (min: number, max: number, unit = ''): NumberRule => ({ kind: 'number', integer: false, min, max, minExclusive: false, unit });
const positive = (max: number, unit = ''): NumberRule => ({ kind: 'number', integer: false, min: 0, max, minExclusive: true, unit });
const oneOf = (values: readonly (string | number)[], text = ''): EnumRule => ({ kind: 'enum', values, text });
const list = (minLength: number, maxLength: number, item: NumberRule): ListRule => ({ kind: 'list', minLength, maxLength, item });
const numberOr = (values: readonly (string | null)[], text: string, number: NumberRule): NumberOrRule => ({ kind: 'numberOr', number, values, text });

const TECH_NM = positive(1000, 'nm');
const XBAR_SIDE = int(8, 4096);
const CUSTOM_CONVERTER = {
  customAreaUm2: num(0, 1e7, 'µm²'),
  customBits: int(0, CT.CONVERTER_BITS_MAX),
  customPowerW: num(0, 100, 'W'),
  customSampleRateGsps: num(0, 1000, 'GS/s'),
};
const DIGITAL_MODULE = {
  techNm: TECH_NM,
  areaUm2: num(0, 1e9, 'µm², 0 = from the technology table'),
  powerW: num(0, 1000, 'W, 0 = from the technology table'),
};
const BUFFER_KB = num(0, 65536, 'KB, 0 = sized from the mapping');
const BUFFER_AREA = num(0, 1e9, 'µm², 0 = from the SRAM table');
const BANDWIDTH = positive(1e6, 'Gbit/s');
const PERCENT = num(0, 100, '%');

const SCHEMA_TYPED: SchemaFor<CanonicalArch> = {
  device: {
    type: oneOf(['NVM', 'SRAM']),
    techNm: TECH_NM,
    areaUm2: positive(1e4, 'µm² per cell'),
    readVoltagesV: list(2, 16, num(0, 10, 'V')),
    readLatencyNs: positive(1e6, 'ns'),
    resistancesOhm: list(2, 256, positive(1e12, 'Ω')),
    cellBits: int(1, 8),
    sramReadEnergyJ: num(0, 1e-6, 'J per bit'),
  },
  xbar: {
    rows: XBAR_SIDE,
    cols: XBAR_SIDE,
    subarrayRows: int(1, 4096),
    polarity: oneOf([1, 2]),
    cellType: oneOf(['1T1R', '0T1R']),
    transistorTechNm: TECH_NM,
    areaCalculation: oneOf([0, 1], '0 (device area) or 1 (from the technology)'),
  },
  dac: { choice: oneOf(choices(CT.DAC_CHOICES), `-1 (user-defined) or an integer in 1..${CT.DAC_CHOICES}`), ...CUSTOM_CONVERTER },
  adc: {
    choice: oneOf(choices(CT.ADC_CHOICES), `-1 (user-defined) or an integer in 1..${CT.ADC_CHOICES}`),
    ...CUSTOM_CONVERTER,
    logicOp: oneOf([-1, 0, 1, 2], '-1 (none), 0 (AND), 1 (OR) or 2 (XOR)'),
    rangeMode: oneOf(['fixed', 'calibrated', 'least-error']),
  },
  pe: {
    pimType: oneOf(['analog', 'digital']),
    subPosition: oneOf([0, 1], '0 (analog subtraction) or 1 (digital)'),
    groups: int(1, 64),
    dacNum: int(1, 4096),
    adcNum: int(1, 4096),
    inBufSizeKB: BUFFER_KB,
    inBufAreaUm2: BUFFER_AREA,
  },
  digital: {
    frequencyMHz: positive(1e5, 'MHz'),
    adder: DIGITAL_MODULE,
    shiftReg: DIGITAL_MODULE,
    reg: DIGITAL_MODULE,
    jointModule: DIGITAL_MODULE,
  },
  tile: {
    peRows: int(1, 64),
    peCols: int(1, 64),
    poolingWindow: list(2, 2, int(1, 16)),
    poolingUnits: int(1, 4096),
    poolingTechNm: TECH_NM,
    outBufSizeKB: BUFFER_KB,
    outBufAreaUm2: BUFFER_AREA,
    interTileBandwidthGbps: BANDWIDTH,
    intraTileBandwidthGbps: BANDWIDTH,
  },
  chip: {
    tileRows: int(1, 1024),
    tileCols: int(1, 1024),
    tileConnection: oneOf([0, 1, 2, 3], '0 (row-major), 1 (snake), 2 (growing square) or 3 (zig-zag)'),
    bufferTechNm: TECH_NM,
    bufferBitwidth: int(1, 4096),
  },
  sim: { level: oneOf([0, 1], '0 (behavior) or 1 (estimation)') },
  nonideal: {
    safHrsPct: PERCENT,
    safLrsPct: PERCENT,
    variationSigmaPctOfR: PERCENT,
    hrsLrsRatio: numberOr([null, 'device'], 'null (ideal), "device" (device.resistancesOhm first / last)',
      { kind: 'number', integer: false, min: 1, max: Infinity, minExclusive: true, unit: '' }),
    readNoiseSigma: num(0, Infinity, 'partial-sum units'),
  },
};
const SCHEMA: SectionSchema = SCHEMA_TYPED;

/** Shorthand keys per section, accepted in files and by --set. */
const SHORTHANDS: Readonly<Record<string, readonly string[]>> = { xbar: ['size'], dac: ['bits'], adc: ['bits'] };
const SHORTHAND_RULES: Readonly<Record<string, Rule>> = { 'xbar.size': XBAR_SIDE, 'dac.bits': int(CT.CONVERTER_BITS_MIN, CT.CONVERTER_BITS_MAX), 'adc.bits': int(CT.CONVERTER_BITS_MIN, CT.CONVERTER_BITS_MAX) };
const BASE_KEY = 'base';

/**
 * The knobs that set how exactly a crossbar column is read, and which way is more exact (+1: larger
 * values, -1: smaller): a finer ADC resolves more levels; a smaller crossbar, 1-bit DACs and 1-bit cells
 * make smaller partial sums for it to resolve (docs/functional.md §5). What a search seeds its most
 * accurate design with (src/evaluate/seeds.ts); a path not listed has no such direction.
 */
export const PRECISION_DIRECTION: Readonly<Record<string, 1 | -1>> = Object.freeze({
  'adc.bits': 1, 'xbar.size': -1, 'xbar.rows': -1, 'dac.bits': -1, 'device.cellBits': -1,
});

function isRule(node: Rule | SectionSchema): node is Rule {
  return typeof node.kind === 'string';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(rule: Rule): string {
  if (rule.kind === 'enum') return rule.text || `one of ${rule.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (rule.kind === 'list') {
    const count = rule.minLength === rule.maxLength ? `${rule.minLength}` : `${rule.minLength} to ${rule.maxLength}`;
    return `a list of ${count} numbers, each ${describe(rule.item)}`;
  }
  if (rule.kind === 'numberOr') return `${rule.text} or ${describe(rule.number)}`;
  const unit = rule.unit ? ` (${rule.unit})` : '';
  const kind = rule.integer ? 'an integer' : 'a number';
  if (rule.max === Infinity) return `${kind} ${rule.minExclusive ? '>' : '>='} ${rule.min}${unit}`;
  if (rule.minExclusive) return `${kind} > ${rule.min} and <= ${rule.max}${unit}`;
  return `${kind} in ${rule.min}..${rule.max}${unit}`;
}

function numberOk(rule: NumberRule, value: unknown): value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (rule.integer && !Number.isInteger(value)) return false;
  return (rule.minExclusive ? value > rule.min : value >= rule.min) && value <= rule.max;
}

function checkRule(rule: Rule, value: unknown, source: string, path: string): void {
  if (rule.kind === 'number') {
    if (!numberOk(rule, value)) throw fieldError('E_ARCH', source, path, value, describe(rule));
  } else if (rule.kind === 'enum') {
    if (!rule.values.includes(value as string | number)) throw fieldError('E_ARCH', source, path, value, describe(rule));
  } else if (rule.kind === 'numberOr') {
    if (!rule.values.includes(value as string | null) && !numberOk(rule.number, value)) throw fieldError('E_ARCH', source, path, value, describe(rule));
  } else {
    if (!Array.isArray(value) || value.length < rule.minLength || value.length > rule.maxLength) {
      throw fieldError('E_ARCH', source, path, value, describe(rule));
    }
    value.forEach((item, k) => checkRule(rule.item, item, source, `${path}[${k}]`));
  }
}

function sectionKeys(schema: SectionSchema, path: string): string[] {
  return [...(SHORTHANDS[path] ?? []), ...Object.keys(schema)];
}

// ===== Merge =====

interface MergeState {
  source: string;
  /** Dotted leaf paths the input set, to blame the right field in a cross-field error. */
  touched: Set<string>;
  /** `xbar.size` when the rows came from the shorthand. */
  rowsPath: string;
}

function mergeSection(target: Record<string, unknown>, schema: SectionSchema, input: unknown, path: string, state: MergeState): void {
  const keys = sectionKeys(schema, path);
  if (!isObject(input)) throw fieldError('E_ARCH', state.source, path, input, `an object with keys ${keys.join(', ')}`);
  const shorthands = SHORTHANDS[path] ?? [];
  for (const [key, value] of Object.entries(input)) {
    if (shorthands.includes(key)) continue;
    const keyPath = `${path}.${key}`;
    if (!Object.hasOwn(schema, key)) {
      throw unknownKeyError('E_ARCH', state.source, keyPath, 'key', `the keys of ${path}: ${keys.join(', ')}`);
    }
    const node = schema[key];
    if (isRule(node)) {
      target[key] = Array.isArray(value) ? [...value] : value;
      state.touched.add(keyPath);
    } else {
      if (!isObject(target[key])) target[key] = {}; // a malformed base; validateArch reports the missing fields
      mergeSection(target[key] as Record<string, unknown>, node, value, keyPath, state);
    }
  }
  if (path === 'xbar' && Object.hasOwn(input, 'size')) applyXbarSize(target, input, state);
  if ((path === 'dac' || path === 'adc') && Object.hasOwn(input, 'bits')) applyBits(target, input, path, state);
  if (path === 'dac' || path === 'adc') delete target.bits;
}

/** `xbar.size`: rows = cols = size, and subarrayRows = size unless given alongside. */
function applyXbarSize(target: Record<string, unknown>, input: Record<string, unknown>, state: MergeState): void {
  const size = input.size;
  checkRule(XBAR_SIDE, size, state.source, 'xbar.size');
  if (Object.hasOwn(input, 'rows') || Object.hasOwn(input, 'cols')) {
    throw fieldError('E_ARCH', state.source, 'xbar.size', size, 'either xbar.size or xbar.rows/xbar.cols, not both (xbar.size sets rows and cols)');
  }
  target.rows = size;
  target.cols = size;
  state.touched.add('xbar.rows').add('xbar.cols');
  state.rowsPath = 'xbar.size';
  if (!Object.hasOwn(input, 'subarrayRows')) {
    target.subarrayRows = size;
    state.touched.add('xbar.subarrayRows');
  }
}

/** `dac.bits` / `adc.bits`: the table converter of that resolution. */
function applyBits(target: Record<string, unknown>, input: Record<string, unknown>, path: 'dac' | 'adc', state: MergeState): void {
  const bits = input.bits;
  const bitsPath = `${path}.bits`;
  if (input.choice === -1) {
    throw fieldError('E_ARCH', state.source, bitsPath, bits, `no ${bitsPath} when ${path}.choice is -1 (the user-defined converter takes ${path}.customBits)`);
  }
  const table = path === 'dac' ? DAC_BITS_TO_CHOICE : ADC_BITS_TO_CHOICE;
  const choice = typeof bits === 'number' ? table[bits] : undefined;
  if (choice === undefined) {
    const allowed = Object.keys(table).map(Number).sort((a, b) => a - b);
    throw fieldError('E_ARCH', state.source, bitsPath, bits, `one of ${allowed.join(', ')} (for another converter set ${path}.choice)`);
  }
  if (Object.hasOwn(input, 'choice') && input.choice !== choice) {
    throw fieldError('E_ARCH', state.source, bitsPath, bits,
      `either ${bitsPath} or ${path}.choice, or both naming one converter (${bitsPath} ${bits} is ${path}.choice ${choice}, not ${formatValue(input.choice)})`);
  }
  target.choice = choice;
  state.touched.add(`${path}.choice`);
}

// ===== Validation of a whole architecture =====

function validateSection(value: unknown, schema: SectionSchema, path: string, source: string): void {
  if (!isObject(value)) throw fieldError('E_ARCH', source, path, value, `an object with keys ${sectionKeys(schema, path).join(', ')}`);
  for (const [key, node] of Object.entries(schema)) {
    const keyPath = `${path}.${key}`;
    if (isRule(node)) checkRule(node, value[key], source, keyPath);
    else validateSection(value[key], node, keyPath, source);
  }
}

function validateCrossFields(arch: ArchConfig, state: MergeState): void {
  const { source, touched } = state;
  const { rows, subarrayRows } = arch.xbar;
  if (rows % subarrayRows !== 0) {
    if (touched.has('xbar.subarrayRows') && !touched.has('xbar.rows')) {
      throw fieldError('E_ARCH', source, 'xbar.subarrayRows', subarrayRows, `an integer in 1..${rows} that divides xbar.rows (${rows})`);
    }
    throw fieldError('E_ARCH', source, state.rowsPath, rows,
      `${describe(XBAR_SIDE)} that is a multiple of xbar.subarrayRows (${subarrayRows})`);
  }
  const ohm = arch.device.resistancesOhm;
  if (ohm[0] <= ohm[ohm.length - 1]) {
    throw fieldError('E_ARCH', source, 'device.resistancesOhm', ohm, 'resistances in Ω from HRS to LRS: the first must exceed the last');
  }
  for (const side of ['dac', 'adc'] as const) {
    const converter = arch[side];
    if (converter.choice !== -1) continue;
    for (const key of ['customAreaUm2', 'customBits', 'customPowerW', 'customSampleRateGsps'] as const) {
      const base = CUSTOM_CONVERTER[key];
      const rule: NumberRule = { ...base, min: key === 'customBits' ? CT.CONVERTER_BITS_MIN : 0, minExclusive: key !== 'customBits' };
      if (!numberOk(rule, converter[key])) {
        throw fieldError('E_ARCH', source, `${side}.${key}`, converter[key], `${describe(rule)} when ${side}.choice is -1`);
      }
    }
  }
  const { safHrsPct, safLrsPct } = arch.nonideal;
  if (safHrsPct + safLrsPct > 100) {
    // Blame the one the input set (both: the LRS share, the later field).
    const [path, value, other] = touched.has('nonideal.safLrsPct') || !touched.has('nonideal.safHrsPct')
      ? ['nonideal.safLrsPct', safLrsPct, safHrsPct] : ['nonideal.safHrsPct', safHrsPct, safLrsPct];
    throw fieldError('E_ARCH', source, path, value,
      `a number in 0..${100 - other} (%), so that nonideal.safHrsPct + nonideal.safLrsPct <= 100`);
  }
  const { tileRows, tileCols, tileConnection } = arch.chip;
  if (tileConnection === 2 && tileRows !== tileCols) {
    throw fieldError('E_ARCH', source, 'chip.tileCols', tileCols,
      `${tileRows}, equal to chip.tileRows, because chip.tileConnection 2 (growing square) needs a square grid; or set chip.tileConnection to 0, 1 or 3`);
  }
}

function validateArch(arch: ArchConfig, state: MergeState): void {
  const record = arch as unknown as Record<string, unknown>;
  for (const [key, node] of Object.entries(SCHEMA)) {
    if (isRule(node)) checkRule(node, record[key], state.source, key);
    else validateSection(record[key], node, key, state.source);
  }
  validateCrossFields(arch, state);
}

function mergeTopLevel(arch: ArchConfig, input: Record<string, unknown>, state: MergeState): ArchConfig {
  const record = arch as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(input)) {
    if (key === BASE_KEY) continue;
    const node = Object.hasOwn(SCHEMA, key) ? SCHEMA[key] : undefined;
    if (node === undefined || isRule(node)) {
      throw unknownKeyError('E_ARCH', state.source, key, 'key', `the top-level keys: ${[BASE_KEY, ...Object.keys(SCHEMA)].join(', ')}`);
    }
    if (!isObject(record[key])) record[key] = {}; // a malformed base; validateArch reports the missing fields
    mergeSection(record[key] as Record<string, unknown>, node, value, key, state);
  }
  validateArch(arch, state);
  return arch;
}

/**
 * Resolve an arch file (already parsed JSON) into a full, validated ArchConfig: a fresh deep copy of the
 * chosen preset with the file's fields merged over it. Throws GibbonError E_ARCH on the first problem.
 */
export function resolveArch(input: unknown, source: string): ArchConfig {
  if (!isObject(input)) {
    throw fieldError('E_ARCH', source, '(root)', input, `an object with keys ${[BASE_KEY, ...Object.keys(SCHEMA)].join(', ')}`);
  }
  const baseName = input[BASE_KEY] ?? 'mnsim-default';
  if (typeof baseName !== 'string' || !Object.hasOwn(ARCH_PRESETS, baseName)) {
    throw fieldError('E_ARCH', source, BASE_KEY, baseName, `one of ${Object.keys(ARCH_PRESETS).map((n) => JSON.stringify(n)).join(', ')}`);
  }
  const arch = structuredClone(ARCH_PRESETS[baseName as ArchPresetName]);
  return mergeTopLevel(arch, input, { source, touched: new Set(), rowsPath: 'xbar.rows' });
}

// ===== --set path=value =====

function leafRules(schema: SectionSchema, prefix: string, out: Map<string, Rule>): Map<string, Rule> {
  for (const [key, node] of Object.entries(schema)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isRule(node)) out.set(path, node);
    else leafRules(node, path, out);
  }
  return out;
}

const SET_RULES: ReadonlyMap<string, Rule> = new Map([...Object.entries(SHORTHAND_RULES), ...leafRules(SCHEMA, '', new Map())]);

/** Every path `--set` accepts: the shorthands, then each leaf of ArchConfig by its dotted path. */
export const SETTABLE_PATHS: readonly string[] = Object.freeze([...SET_RULES.keys()]);

/** A --set number: any numeric literal, `NaN` and `Infinity` included (then rejected with their name); else the text. */
function parseSetNumber(raw: string): number | string {
  const value = Number(raw);
  return raw !== '' && (!Number.isNaN(value) || raw === 'NaN') ? value : raw;
}

function parseSetValue(raw: string, rule: Rule): unknown {
  if (rule.kind === 'list') {
    if (raw.startsWith('[')) {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return raw;
      }
    }
    return raw.split(',').map((part) => parseSetNumber(part.trim()));
  }
  if (rule.kind === 'enum' && typeof rule.values[0] === 'string') return raw;
  if (rule.kind === 'numberOr') {
    if (raw === 'null') return null;
    return rule.values.includes(raw) ? raw : parseSetNumber(raw);
  }
  return parseSetNumber(raw);
}

/**
 * Apply `path=value` overrides (CLI `--set`) to an architecture and re-validate it. `xbar.size` and
 * `adc.bits`/`dac.bits` behave as in a file; a path given twice keeps the last value. Returns a copy.
 */
export function applySets(arch: ArchConfig, sets: readonly string[], source = '--set'): ArchConfig {
  const override: Record<string, unknown> = {};
  for (const set of sets) {
    const eq = set.indexOf('=');
    const path = (eq < 0 ? set : set.slice(0, eq)).trim();
    const rule = SET_RULES.get(path);
    if (rule === undefined) throw unknownKeyError('E_OPTION', source, path, 'path', SETTABLE_PATHS.join(', '));
    if (eq < 0) throw fieldError('E_OPTION', source, path, undefined, `${path}=<value>, ${describe(rule)}`);
    const parts = path.split('.');
    let node = override;
    for (const part of parts.slice(0, -1)) {
      if (!isObject(node[part])) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = parseSetValue(set.slice(eq + 1).trim(), rule);
  }
  return mergeTopLevel(structuredClone(arch), override, { source, touched: new Set(), rowsPath: 'xbar.rows' });
}

// ===== The functional simulator's view =====

export type PimDeviceOptionsOfArch = Pick<ArchConfig['adc'], 'rangeMode'> & Omit<ArchConfig['nonideal'], 'hrsLrsRatio'> & { hrsLrsRatio: number };

/**
 * The device options of the functional simulator (PimDeviceOptions of src/pim/types.ts, docs/functional.md
 * §5), with `nonideal.hrsLrsRatio` resolved to a number: null -> Infinity (ideal), 'device' ->
 * device.resistancesOhm first / last. The type is spelled out structurally so that src/hw imports
 * nothing outside src/hw and src/util (the Deno test's module rule); test/hw/arch.test.ts checks it
 * is assignable to PimDeviceOptions.
 */
export function pimDeviceOptions(arch: ArchConfig): PimDeviceOptionsOfArch {
  const { safHrsPct, safLrsPct, variationSigmaPctOfR, hrsLrsRatio, readNoiseSigma } = arch.nonideal;
  const ohm = arch.device.resistancesOhm;
  const ratio = hrsLrsRatio === null ? Infinity : hrsLrsRatio === 'device' ? ohm[0] / ohm[ohm.length - 1] : hrsLrsRatio;
  return { rangeMode: arch.adc.rangeMode, safHrsPct, safLrsPct, variationSigmaPctOfR, hrsLrsRatio: ratio, readNoiseSigma };
}
