// Host side of the ABI: packs an ArchConfig and a resolved layer list into the f64 records of
// assembly/layout.ts, decodes result records, and turns kernel status codes into messages.
import * as L from '../../assembly/layout.ts';
import * as CT from '../../assembly/converter-tables.ts';
import * as E from '../../assembly/errors.ts';
import type { ArchConfig, ComponentBreakdown, LayerResult, ModelName, ResolvedLayer, SimResult, SimSummary, SimTotals, SimOptionsAdvanced } from './types.ts';
import { GibbonError } from '../util/errors.ts';

const LAYER_TYPES = ['conv', 'fc', 'pool', 'add'] as const;

/** Architecture fields by record offset, with the JSON path a user knows them by. */
export const ARCH_FIELDS: ReadonlyArray<readonly [number, string, (a: ArchConfig) => number]> = [
  [L.A_DEVICE_TYPE, 'device.type', (a) => (a.device.type === 'SRAM' ? 1 : 0)],
  [L.A_DEVICE_TECH_NM, 'device.techNm', (a) => a.device.techNm],
  [L.A_DEVICE_AREA_UM2, 'device.areaUm2', (a) => a.device.areaUm2],
  [L.A_READ_V_FIRST, 'device.readVoltagesV', (a) => a.device.readVoltagesV[0]],
  [L.A_READ_V_LAST, 'device.readVoltagesV', (a) => a.device.readVoltagesV[a.device.readVoltagesV.length - 1]],
  [L.A_READ_LATENCY_NS, 'device.readLatencyNs', (a) => a.device.readLatencyNs],
  [L.A_R_HRS_OHM, 'device.resistancesOhm', (a) => a.device.resistancesOhm[0]],
  [L.A_R_LRS_OHM, 'device.resistancesOhm', (a) => a.device.resistancesOhm[a.device.resistancesOhm.length - 1]],
  [L.A_CELL_BITS, 'device.cellBits', (a) => a.device.cellBits],
  [L.A_SRAM_READ_ENERGY_J, 'device.sramReadEnergyJ', (a) => a.device.sramReadEnergyJ],
  [L.A_XBAR_ROWS, 'xbar.rows', (a) => a.xbar.rows],
  [L.A_XBAR_COLS, 'xbar.cols', (a) => a.xbar.cols],
  [L.A_SUBARRAY_ROWS, 'xbar.subarrayRows', (a) => a.xbar.subarrayRows],
  [L.A_CELL_TYPE, 'xbar.cellType', (a) => (a.xbar.cellType === '0T1R' ? 1 : 0)],
  [L.A_TRANSISTOR_TECH_NM, 'xbar.transistorTechNm', (a) => a.xbar.transistorTechNm],
  [L.A_AREA_CALCULATION, 'xbar.areaCalculation', (a) => a.xbar.areaCalculation],
  [L.A_DAC_CHOICE, 'dac.choice', (a) => a.dac.choice],
  [L.A_DAC_AREA_UM2, 'dac.customAreaUm2', (a) => a.dac.customAreaUm2],
  [L.A_DAC_BITS, 'dac.customBits', (a) => a.dac.customBits],
  [L.A_DAC_POWER_W, 'dac.customPowerW', (a) => a.dac.customPowerW],
  [L.A_DAC_RATE_GSPS, 'dac.customSampleRateGsps', (a) => a.dac.customSampleRateGsps],
  [L.A_ADC_CHOICE, 'adc.choice', (a) => a.adc.choice],
  [L.A_ADC_AREA_UM2, 'adc.customAreaUm2', (a) => a.adc.customAreaUm2],
  [L.A_ADC_BITS, 'adc.customBits', (a) => a.adc.customBits],
  [L.A_ADC_POWER_W, 'adc.customPowerW', (a) => a.adc.customPowerW],
  [L.A_ADC_RATE_GSPS, 'adc.customSampleRateGsps', (a) => a.adc.customSampleRateGsps],
  [L.A_LOGIC_OP, 'adc.logicOp', (a) => a.adc.logicOp],
  [L.A_PIM_TYPE, 'pe.pimType', (a) => (a.pe.pimType === 'digital' ? 1 : 0)],
  [L.A_POLARITY, 'xbar.polarity', (a) => a.xbar.polarity],
  [L.A_SUB_POSITION, 'pe.subPosition', (a) => a.pe.subPosition],
  [L.A_PE_GROUPS, 'pe.groups', (a) => a.pe.groups],
  [L.A_DAC_NUM, 'pe.dacNum', (a) => a.pe.dacNum],
  [L.A_ADC_NUM, 'pe.adcNum', (a) => a.pe.adcNum],
  [L.A_PE_INBUF_KB, 'pe.inBufSizeKB', (a) => a.pe.inBufSizeKB],
  [L.A_PE_INBUF_AREA_UM2, 'pe.inBufAreaUm2', (a) => a.pe.inBufAreaUm2],
  [L.A_TILE_OUTBUF_KB, 'tile.outBufSizeKB', (a) => a.tile.outBufSizeKB],
  [L.A_TILE_OUTBUF_AREA_UM2, 'tile.outBufAreaUm2', (a) => a.tile.outBufAreaUm2],
  [L.A_DIGITAL_FREQ_MHZ, 'digital.frequencyMHz', (a) => a.digital.frequencyMHz],
  [L.A_ADDER_TECH_NM, 'digital.adder.techNm', (a) => a.digital.adder.techNm],
  [L.A_ADDER_AREA_UM2, 'digital.adder.areaUm2', (a) => a.digital.adder.areaUm2],
  [L.A_ADDER_POWER_W, 'digital.adder.powerW', (a) => a.digital.adder.powerW],
  [L.A_SHIFTREG_TECH_NM, 'digital.shiftReg.techNm', (a) => a.digital.shiftReg.techNm],
  [L.A_SHIFTREG_AREA_UM2, 'digital.shiftReg.areaUm2', (a) => a.digital.shiftReg.areaUm2],
  [L.A_SHIFTREG_POWER_W, 'digital.shiftReg.powerW', (a) => a.digital.shiftReg.powerW],
  [L.A_REG_TECH_NM, 'digital.reg.techNm', (a) => a.digital.reg.techNm],
  [L.A_REG_AREA_UM2, 'digital.reg.areaUm2', (a) => a.digital.reg.areaUm2],
  [L.A_REG_POWER_W, 'digital.reg.powerW', (a) => a.digital.reg.powerW],
  [L.A_JM_TECH_NM, 'digital.jointModule.techNm', (a) => a.digital.jointModule.techNm],
  [L.A_JM_AREA_UM2, 'digital.jointModule.areaUm2', (a) => a.digital.jointModule.areaUm2],
  [L.A_JM_POWER_W, 'digital.jointModule.powerW', (a) => a.digital.jointModule.powerW],
  [L.A_PE_ROWS, 'tile.peRows', (a) => a.tile.peRows],
  [L.A_PE_COLS, 'tile.peCols', (a) => a.tile.peCols],
  [L.A_POOL_WINDOW_X, 'tile.poolingWindow', (a) => a.tile.poolingWindow[0]],
  [L.A_POOL_WINDOW_Y, 'tile.poolingWindow', (a) => a.tile.poolingWindow[1]],
  [L.A_POOL_UNITS, 'tile.poolingUnits', (a) => a.tile.poolingUnits],
  [L.A_POOL_TECH_NM, 'tile.poolingTechNm', (a) => a.tile.poolingTechNm],
  [L.A_INTER_TILE_BW_GBPS, 'tile.interTileBandwidthGbps', (a) => a.tile.interTileBandwidthGbps],
  [L.A_INTRA_TILE_BW_GBPS, 'tile.intraTileBandwidthGbps', (a) => a.tile.intraTileBandwidthGbps],
  [L.A_BUFFER_TECH_NM, 'chip.bufferTechNm', (a) => a.chip.bufferTechNm],
  [L.A_BUFFER_BITWIDTH, 'chip.bufferBitwidth', (a) => a.chip.bufferBitwidth],
  [L.A_TILE_CONNECTION, 'chip.tileConnection', (a) => a.chip.tileConnection],
  [L.A_TILE_ROWS, 'chip.tileRows', (a) => a.chip.tileRows],
  [L.A_TILE_COLS, 'chip.tileCols', (a) => a.chip.tileCols],
  [L.A_SIM_LEVEL, 'sim.level', (a) => a.sim.level],
];

const LAYER_FIELD_NAMES: Record<number, string> = {
  [L.L_TYPE]: 'type', [L.L_IN_CHANNELS]: 'inChannels', [L.L_IN_H]: 'inSize[0]', [L.L_IN_W]: 'inSize[1]',
  [L.L_OUT_CHANNELS]: 'outChannels', [L.L_OUT_H]: 'output height', [L.L_OUT_W]: 'output width',
  [L.L_KERNEL]: 'kernel', [L.L_STRIDE]: 'stride', [L.L_PAD_TOP]: 'padding[0]', [L.L_PAD_LEFT]: 'padding[1]',
  [L.L_PAD_BOTTOM]: 'padding[2]', [L.L_PAD_RIGHT]: 'padding[3]', [L.L_CONV_GROUPS]: 'convGroups',
  [L.L_POOL_MODE]: 'poolMode', [L.L_WEIGHT_BITS]: 'weightBits', [L.L_INPUT_BITS]: 'activationBits',
  [L.L_OUTPUT_BITS]: 'outputBits', [L.L_N_INPUTS]: 'inputs',
};
for (let k = 0; k < L.MAX_INPUTS; k++) LAYER_FIELD_NAMES[L.L_INPUT0 + k] = `inputs[${k}]`;

export const MODEL_SWITCHES: Record<ModelName, number> = { 'gibbon': L.SW_ALL, 'mnsim-2.0': 0 };

export function switchesFor(options: SimOptionsAdvanced | undefined): number {
  if (options?.switches !== undefined) return options.switches;
  return MODEL_SWITCHES[options?.model ?? 'gibbon'];
}

/**
 * Writes the architecture record into `out` (ARCH_LEN f64 starting at `offset`). Straight-line writes:
 * this runs once per evaluated architecture in a search. ARCH_FIELDS (the same mapping, as a table)
 * names fields in messages; test/hw/abi.test.ts checks that both agree.
 */
export function packArch(a: ArchConfig, options: SimOptionsAdvanced | undefined, out: Float64Array, o = 0): void {
  const d = a.device, x = a.xbar, dac = a.dac, adc = a.adc, pe = a.pe, dg = a.digital, t = a.tile, c = a.chip;
  out[o + L.A_DEVICE_TYPE] = d.type === 'SRAM' ? 1 : 0;
  out[o + L.A_DEVICE_TECH_NM] = d.techNm;
  out[o + L.A_DEVICE_AREA_UM2] = d.areaUm2;
  out[o + L.A_READ_V_FIRST] = d.readVoltagesV[0];
  out[o + L.A_READ_V_LAST] = d.readVoltagesV[d.readVoltagesV.length - 1];
  out[o + L.A_READ_LATENCY_NS] = d.readLatencyNs;
  out[o + L.A_R_HRS_OHM] = d.resistancesOhm[0];
  out[o + L.A_R_LRS_OHM] = d.resistancesOhm[d.resistancesOhm.length - 1];
  out[o + L.A_CELL_BITS] = d.cellBits;
  out[o + L.A_SRAM_READ_ENERGY_J] = d.sramReadEnergyJ;
  out[o + L.A_XBAR_ROWS] = x.rows;
  out[o + L.A_XBAR_COLS] = x.cols;
  out[o + L.A_SUBARRAY_ROWS] = x.subarrayRows;
  out[o + L.A_CELL_TYPE] = x.cellType === '0T1R' ? 1 : 0;
  out[o + L.A_TRANSISTOR_TECH_NM] = x.transistorTechNm;
  out[o + L.A_AREA_CALCULATION] = x.areaCalculation;
  out[o + L.A_DAC_CHOICE] = dac.choice;
  out[o + L.A_DAC_AREA_UM2] = dac.customAreaUm2;
  out[o + L.A_DAC_BITS] = dac.customBits;
  out[o + L.A_DAC_POWER_W] = dac.customPowerW;
  out[o + L.A_DAC_RATE_GSPS] = dac.customSampleRateGsps;
  out[o + L.A_ADC_CHOICE] = adc.choice;
  out[o + L.A_ADC_AREA_UM2] = adc.customAreaUm2;
  out[o + L.A_ADC_BITS] = adc.customBits;
  out[o + L.A_ADC_POWER_W] = adc.customPowerW;
  out[o + L.A_ADC_RATE_GSPS] = adc.customSampleRateGsps;
  out[o + L.A_LOGIC_OP] = adc.logicOp;
  out[o + L.A_PIM_TYPE] = pe.pimType === 'digital' ? 1 : 0;
  out[o + L.A_POLARITY] = x.polarity;
  out[o + L.A_SUB_POSITION] = pe.subPosition;
  out[o + L.A_PE_GROUPS] = pe.groups;
  out[o + L.A_DAC_NUM] = pe.dacNum;
  out[o + L.A_ADC_NUM] = pe.adcNum;
  out[o + L.A_PE_INBUF_KB] = pe.inBufSizeKB;
  out[o + L.A_PE_INBUF_AREA_UM2] = pe.inBufAreaUm2;
  out[o + L.A_TILE_OUTBUF_KB] = t.outBufSizeKB;
  out[o + L.A_TILE_OUTBUF_AREA_UM2] = t.outBufAreaUm2;
  out[o + L.A_DIGITAL_FREQ_MHZ] = dg.frequencyMHz;
  out[o + L.A_ADDER_TECH_NM] = dg.adder.techNm;
  out[o + L.A_ADDER_AREA_UM2] = dg.adder.areaUm2;
  out[o + L.A_ADDER_POWER_W] = dg.adder.powerW;
  out[o + L.A_SHIFTREG_TECH_NM] = dg.shiftReg.techNm;
  out[o + L.A_SHIFTREG_AREA_UM2] = dg.shiftReg.areaUm2;
  out[o + L.A_SHIFTREG_POWER_W] = dg.shiftReg.powerW;
  out[o + L.A_REG_TECH_NM] = dg.reg.techNm;
  out[o + L.A_REG_AREA_UM2] = dg.reg.areaUm2;
  out[o + L.A_REG_POWER_W] = dg.reg.powerW;
  out[o + L.A_JM_TECH_NM] = dg.jointModule.techNm;
  out[o + L.A_JM_AREA_UM2] = dg.jointModule.areaUm2;
  out[o + L.A_JM_POWER_W] = dg.jointModule.powerW;
  out[o + L.A_PE_ROWS] = t.peRows;
  out[o + L.A_PE_COLS] = t.peCols;
  out[o + L.A_POOL_WINDOW_X] = t.poolingWindow[0];
  out[o + L.A_POOL_WINDOW_Y] = t.poolingWindow[1];
  out[o + L.A_POOL_UNITS] = t.poolingUnits;
  out[o + L.A_POOL_TECH_NM] = t.poolingTechNm;
  out[o + L.A_INTER_TILE_BW_GBPS] = t.interTileBandwidthGbps;
  out[o + L.A_INTRA_TILE_BW_GBPS] = t.intraTileBandwidthGbps;
  out[o + L.A_BUFFER_TECH_NM] = c.bufferTechNm;
  out[o + L.A_BUFFER_BITWIDTH] = c.bufferBitwidth;
  out[o + L.A_TILE_CONNECTION] = c.tileConnection;
  out[o + L.A_TILE_ROWS] = c.tileRows;
  out[o + L.A_TILE_COLS] = c.tileCols;
  out[o + L.A_SIM_LEVEL] = a.sim.level;
  out[o + L.A_PIPELINE] = options?.pipeline === false ? 0 : 1;
  out[o + L.A_MODEL_SWITCHES] = switchesFor(options);
}

/** The layer fields the kernel reads (a ResolvedLayer without its name; poolMode defaults to max). */
export type PackableLayer = Omit<ResolvedLayer, 'name' | 'poolMode'> & { poolMode?: ResolvedLayer['poolMode'] };

/** Writes the layer records (LAYER_LEN f64 each starting at `offset`). */
export function packLayers(layers: readonly PackableLayer[], out: Float64Array, offset = 0): void {
  layers.forEach((ly, i) => {
    const o = offset + i * L.LAYER_LEN;
    out[o + L.L_TYPE] = LAYER_TYPES.indexOf(ly.type);
    out[o + L.L_IN_CHANNELS] = ly.inChannels;
    out[o + L.L_IN_H] = ly.inH;
    out[o + L.L_IN_W] = ly.inW;
    out[o + L.L_OUT_CHANNELS] = ly.outChannels;
    out[o + L.L_OUT_H] = ly.outH;
    out[o + L.L_OUT_W] = ly.outW;
    out[o + L.L_KERNEL] = ly.kernel;
    out[o + L.L_STRIDE] = ly.stride;
    out[o + L.L_PAD_TOP] = ly.padding[0];
    out[o + L.L_PAD_LEFT] = ly.padding[1];
    out[o + L.L_PAD_BOTTOM] = ly.padding[2];
    out[o + L.L_PAD_RIGHT] = ly.padding[3];
    out[o + L.L_CONV_GROUPS] = ly.convGroups;
    out[o + L.L_POOL_MODE] = ly.poolMode === 'avg' ? 1 : 0;
    out[o + L.L_WEIGHT_BITS] = ly.weightBits;
    out[o + L.L_INPUT_BITS] = ly.inputBits;
    out[o + L.L_OUTPUT_BITS] = ly.outputBits;
    out[o + L.L_N_INPUTS] = ly.inputs.length;
    for (let k = 0; k < L.MAX_INPUTS; k++) out[o + L.L_INPUT0 + k] = k < ly.inputs.length ? ly.inputs[k] : -1;
  });
}

export function resultLength(nLayers: number): number {
  return L.RESULT_HEADER_LEN + L.TOTALS_LEN + nLayers * L.LAYER_OUT_LEN;
}

function breakdown(r: ArrayLike<number>, at: number): ComponentBreakdown {
  return {
    xbar: r[at + L.C_XBAR], dac: r[at + L.C_DAC], adc: r[at + L.C_ADC], buffer: r[at + L.C_BUFFER],
    pooling: r[at + L.C_POOLING], adder: r[at + L.C_ADDER], shiftReg: r[at + L.C_SHIFTREG], reg: r[at + L.C_REG],
    mux: r[at + L.C_MUX], jointModule: r[at + L.C_JOINT_MODULE], globalAccumulator: r[at + L.C_GLOBAL],
  };
}

export interface DecodeContext {
  layers: readonly ResolvedLayer[];
  model: ModelName;
  pipeline: boolean;
  /** Names the inputs in error messages, e.g. `network vgg8` and `arch mnsim-default`. */
  networkSource?: string;
  archSource?: string;
  /** The chip's tile grid, for the too-many-tiles message. */
  chip?: { tileRows: number; tileCols: number };
}

/** Throws the GibbonError for a non-zero status in the result header at `at`. */
export function throwIfFailed(r: ArrayLike<number>, at: number, ctx: DecodeContext): void {
  const status = r[at + L.R_STATUS];
  if (status !== E.E_OK) {
    throw statusError(status, r[at + L.R_ERR_LAYER], r[at + L.R_ERR_FIELD], r[at + L.R_ERR_VALUE], ctx,
      { min: r[at + L.R_ERR_MIN], max: r[at + L.R_ERR_MAX], integer: r[at + L.R_ERR_INTEGER] === 1 });
  }
}

export interface AllowedRange { min: number; max: number; integer: boolean }

function rangeText(range: AllowedRange | undefined): string | undefined {
  if (!range || Number.isNaN(range.min) || Number.isNaN(range.max)) return undefined;
  return `${range.integer ? 'an integer' : 'a number'} in ${range.min}..${range.max}`;
}

/** What an architecture field allows when the kernel reports a rule rather than a range. */
function archRule(field: number): string {
  switch (field) {
    case L.A_SUBARRAY_ROWS: return 'a divisor of xbar.rows';
    case L.A_TILE_COLS: return 'chip.tileCols equal to chip.tileRows (tileConnection 2 needs a square grid)';
    case L.A_DAC_CHOICE: return `-1 (user-defined) or an integer in 1..${CT.DAC_CHOICES}`;
    case L.A_ADC_CHOICE: return `-1 (user-defined) or an integer in 1..${CT.ADC_CHOICES}`;
    default: return 'a value the kernel accepts (docs/model.md, section "Ranges")';
  }
}

/** What a layer field allows when the kernel reports a rule rather than a range. */
function layerRule(field: number): string {
  switch (field) {
    case L.L_CONV_GROUPS: return 'a divisor of both inChannels and outChannels';
    case L.L_OUT_H: case L.L_OUT_W: return 'floor((in + padding - kernel) / stride) + 1 (at least 1)';
    case L.L_OUT_CHANNELS: return 'outChannels consistent with the layer type (pool and add keep their input channels)';
    case L.L_N_INPUTS: return 'exactly one producer for conv, pool and fc';
    case L.L_IN_H: case L.L_IN_W: return '1 (an fc layer reads a flattened vector)';
    default: return 'a value consistent with the layer';
  }
}

const KERNEL_FIELD_PATHS: Record<number, string> = { [L.A_PIPELINE]: 'options.pipeline', [L.A_MODEL_SWITCHES]: 'options.switches' };

export function statusError(status: number, layer: number, field: number, value: number, ctx: DecodeContext, range?: AllowedRange): GibbonError {
  const net = ctx.networkSource ?? 'network';
  const arch = ctx.archSource ?? 'arch';
  const lname = layer >= 0 ? `layers[${layer}]` : '';
  const lfield = LAYER_FIELD_NAMES[field] ?? `field ${field}`;
  const v = Number.isNaN(value) ? 'NaN' : String(value);
  switch (status) {
    case E.E_ARCH_FIELD: {
      const path = KERNEL_FIELD_PATHS[field] ?? ARCH_FIELDS.find(([f]) => f === field)?.[1] ?? `field ${field}`;
      const source = KERNEL_FIELD_PATHS[field] ? 'simulate' : arch;
      return new GibbonError('E_ARCH', `${source}: ${path}: got ${v}; allowed: ${rangeText(range) ?? archRule(field)}`);
    }
    case E.E_LAYER_FIELD: {
      if (field === L.L_TYPE) return new GibbonError('E_NETWORK', `${net}: ${lname}.type: got ${v}; allowed: 0 (conv), 1 (fc), 2 (pool), 3 (add)`);
      return new GibbonError('E_NETWORK', `${net}: ${lname}.${lfield}: got ${v}; allowed: ${rangeText(range) ?? layerRule(field)}`);
    }
    case E.E_KERNEL_TOO_LARGE: return new GibbonError('E_NETWORK', `${net}: ${lname}.kernel: got ${v}; allowed: a kernel whose K*K rows fit in one crossbar (kernel larger than the crossbar)`);
    case E.E_TOO_MANY_TILES: {
      const grid = ctx.chip ? `${ctx.chip.tileRows * ctx.chip.tileCols} (${ctx.chip.tileRows} x ${ctx.chip.tileCols})` : 'fewer';
      return new GibbonError('E_ARCH', `${arch}: chip.tileRows x chip.tileCols: ${net} needs ${v} tiles but the chip has ${grid}; allowed: a tile grid of at least ${v} tiles (raise chip.tileRows/chip.tileCols), or a mapping that needs fewer (larger crossbars, more PEs per tile)`);
    }
    case E.E_NO_BUFFER_MACRO: return new GibbonError('E_ARCH', `${arch}: chip.bufferBitwidth: no SRAM buffer of ${v} KB with that bus width in the tables; allowed: a bus of at most 256 bits for buffers of 2 KB or less`);
    case E.E_SHAPE: return new GibbonError('E_NETWORK', `${net}: ${lname}: its input shape differs from the output of its producer (shape mismatch between layers)`);
    case E.E_INPUT_INDEX: return new GibbonError('E_NETWORK', `${net}: ${lname}.${lfield}: got ${v}; allowed: an earlier layer (or the network input)`);
    case E.E_BAD_CALL:
      if (value < 1) return new GibbonError('E_NETWORK', `${net}: layers: got ${v} layers; allowed: at least one layer`);
      return new GibbonError('E_KERNEL', `simulator: bad call (status ${status}, value ${v})`);
    default: return new GibbonError('E_KERNEL', `simulator: unknown status ${status} (value ${v}): a bug in the kernel`);
  }
}

function decodeLayers(r: ArrayLike<number>, t: number, ctx: DecodeContext): LayerResult[] {
  return ctx.layers.map((ly, i) => {
    const o = t + L.TOTALS_LEN + i * L.LAYER_OUT_LEN;
    return {
      index: i, name: ly.name, type: ly.type,
      tiles: r[o + L.O_TILES], pes: r[o + L.O_PES], xbars: r[o + L.O_XBARS],
      areaUm2: r[o + L.O_AREA_UM2], powerW: r[o + L.O_POWER_W], energyNj: r[o + L.O_ENERGY_NJ],
      beginNs: r[o + L.O_BEGIN_NS], firstDoneNs: r[o + L.O_FIRST_DONE_NS], lastDoneNs: r[o + L.O_LAST_DONE_NS],
      pixelLatencyNs: r[o + L.O_PIXEL_NS], outputPixels: r[o + L.O_PIXELS], utilizationFrac: r[o + L.O_UTILIZATION],
      ops: r[o + L.O_OPS], rowTiles: r[o + L.O_ROW_TILES], colTiles: r[o + L.O_COL_TILES],
      weightSlices: r[o + L.O_WEIGHT_SLICES], inputCycles: r[o + L.O_INPUT_CYCLES],
      rowsUsed: r[o + L.O_ROWS_USED], colsUsed: r[o + L.O_COLS_USED],
      hopsIn: r[o + L.O_HOPS_IN], hopsOut: r[o + L.O_HOPS_OUT], firstTile: r[o + L.O_FIRST_TILE],
      areaUm2ByComponent: breakdown(r, o + L.O_AREA_COMP),
      powerWByComponent: breakdown(r, o + L.O_POWER_COMP),
      energyNjByComponent: breakdown(r, o + L.O_ENERGY_COMP),
    };
  });
}

function decodeTotals(r: ArrayLike<number>, t: number): SimTotals {
  return {
    tiles: r[t + L.T_TILES], pes: r[t + L.T_PES], xbars: r[t + L.T_XBARS], areaUm2: r[t + L.T_AREA_UM2],
    powerW: r[t + L.T_POWER_W], latencyNs: r[t + L.T_LATENCY_NS], energyNj: r[t + L.T_ENERGY_NJ],
    ops: r[t + L.T_OPS], utilizationFrac: r[t + L.T_UTILIZATION], peInBufKB: r[t + L.T_PE_INBUF_KB],
    tileOutBufKB: r[t + L.T_TILE_OUTBUF_KB], globalBufKB: r[t + L.T_GLOBAL_BUF_KB], globalAdders: r[t + L.T_GLOBAL_ADDERS],
  };
}

/** Decodes the full result record at `at` (already checked by throwIfFailed) into plain objects. */
export function decodeResult(r: ArrayLike<number>, at: number, ctx: DecodeContext): SimResult {
  const t = at + L.RESULT_HEADER_LEN;
  return {
    model: ctx.model,
    pipeline: ctx.pipeline,
    totals: decodeTotals(r, t),
    layers: decodeLayers(r, t, ctx),
    areaUm2ByComponent: breakdown(r, t + L.T_AREA_COMP),
    powerWByComponent: breakdown(r, t + L.T_POWER_COMP),
    energyNjByComponent: breakdown(r, t + L.T_ENERGY_COMP),
  };
}

/** Decodes a summary (header + totals, also the start of a full record) at `at`. */
export function decodeSummary(r: ArrayLike<number>, at: number, ctx: DecodeContext): SimSummary {
  return { model: ctx.model, pipeline: ctx.pipeline, totals: decodeTotals(r, at + L.RESULT_HEADER_LEN) };
}
