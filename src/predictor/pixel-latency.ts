// The hardware simulator's steady per-output-pixel latency of every layer, in TypeScript, without running
// it (docs/predictor.md §1, latency features): the analog steps of a conv or fc per output pixel (input
// cycles x row steps x column steps) times the crossbar, DAC and ADC latencies, the digital stages
// (registers, shift-and-add, adder tree, joint modules), the intra-tile and output-buffer traffic, the
// merge of the PEs' partial outputs and the NoC transfer; a pooling or an add layer's own terms; plus the
// input-buffer traffic of the steady pixel class (mnsim-model.md §3.11, assembly/simulate.ts and
// assembly/schedule.ts). test/predictor/pixel-latency.test.ts checks every layer's number against the
// simulator's per-layer records (pixelLatencyNs).

import * as L from '../../assembly/layout.ts';
import { MODEL_SWITCHES } from '../hw/abi.ts';
import type { ArchConfig, LayerType } from '../hw/types.ts';
import { converterBits } from '../pim/kernel.ts';
import { tileArchOf, type LayerPlacement, type TileArch } from './tile-map.ts';

/** The arch fields the pixel latency reads, resolved (converters from their tables, counts capped). */
export interface PixelArch extends TileArch {
  /** DACs per crossbar group (all sub-arrays): the rows one analog step drives. */
  dacPerGroup: number;
  /** ADCs per sub-array per group: the columns one analog step converts. */
  adcNum: number;
  dacBits: number;
  adcBits: number;
  xbarNs: number;
  dacNs: number;
  adcNs: number;
  /** Decoder levels of the input demux and of the output mux. */
  demuxLevels: number;
  muxLevels: number;
  /** Intra-tile bandwidth, bits per ns. */
  intraTileGbps: number;
  /** Buffer port width in bits. */
  bufferBits: number;
  /** Inter-layer pipeline (the simulator's default) or layer by layer. */
  pipeline: boolean;
  poolWindow: number;
  poolUnits: number;
}

// The ADC table's sample rate (GS/s) per choice (mnsim-model.md §3.4); the resolutions are the functional simulator's tables.
const ADC_TABLE_GSPS = [1.5, 1.28, 1.1, 1.0, 1.1, 1.0, 1.0, 1.0, 6];
const DEMUX_NS_PER_LEVEL = 0.27933;
const MUX_NS_PER_LEVEL = 0.032744;
const BUFFER_CYCLE_NS = 20;

/** 1 + the base-8 digits of x: the depth of a decoder over x inputs. */
function decoderLevels(x: number): number {
  let m = 1;
  for (let v = Math.trunc(x); v > 0; v = Math.trunc(v / 8)) m++;
  return m;
}

/** Time to move `bytes` through a buffer port of `bits` bits, ns (20 ns per access). */
const bufferNs = (bytes: number, bits: number): number => Math.ceil(8 * bytes / bits) * BUFFER_CYCLE_NS;

export function pixelArchOf(arch: ArchConfig, switches: number = MODEL_SWITCHES.gibbon, pipeline = true): PixelArch {
  const digital = arch.pe.pimType === 'digital';
  // Digital PIM uses the 1-bit DAC and the sense amplifier unless the converter is user-defined.
  const dacChoice = digital && arch.dac.choice !== -1 ? 1 : arch.dac.choice;
  const adcChoice = digital && arch.adc.choice !== -1 ? 8 : arch.adc.choice;
  const dacBits = converterBits('dac', dacChoice, arch.dac.customBits);
  const dacNs = (dacBits + 2) / (dacChoice === -1 ? arch.dac.customSampleRateGsps : 1.0);
  const adcBits = converterBits('adc', adcChoice, arch.adc.customBits);
  const adcRate = adcChoice === -1 ? arch.adc.customSampleRateGsps : ADC_TABLE_GSPS[adcChoice - 1];
  const adcNs = adcBits === 1 ? 1 / adcRate : adcChoice === 9 ? 2 ** adcBits / adcRate : (adcBits + 2) / adcRate;
  const rows = arch.xbar.rows, cols = arch.xbar.cols, sub = arch.xbar.subarrayRows;
  let dacNum = arch.pe.dacNum, adcNum = arch.pe.adcNum;
  if ((switches & L.SW_CONVERTERS_FOLLOW_XBAR) !== 0) {
    dacNum = Math.min(dacNum, sub);
    adcNum = Math.min(adcNum, cols * (arch.pe.subPosition + 1));
  }
  const kb = rows * cols / 8192; // the array's size in KB enters the wire term of its read latency
  return {
    ...tileArchOf(arch, switches),
    dacPerGroup: dacNum * (rows / sub), adcNum, dacBits, adcBits,
    xbarNs: arch.device.readLatencyNs + 0.001 * (2e-4 * kb * kb + 5e-6 * kb + 4e-14), dacNs, adcNs,
    demuxLevels: decoderLevels(Math.ceil(sub / dacNum)), muxLevels: decoderLevels(Math.ceil(cols / adcNum)),
    intraTileGbps: arch.tile.intraTileBandwidthGbps, bufferBits: arch.chip.bufferBitwidth === 0 ? 256 : arch.chip.bufferBitwidth,
    pipeline, poolWindow: arch.tile.poolingWindow[0] * arch.tile.poolingWindow[1], poolUnits: arch.tile.poolingUnits,
  };
}

/** The layer fields the pixel latency reads. */
export interface PixelLayer {
  type: LayerType;
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number;
  inputBits: number;
  outputBits: number;
}

/**
 * The steady per-output-pixel latency of one placed layer in ns (the simulator's pixelLatencyNs): for a
 * conv the pixel class that is neither in the first output row nor a row start, for an fc its one
 * output. `nInputs`: the layer's producers (an add's operands). Needs the placement's rowsUsed, colsUsed,
 * pes and hops.
 */
export function pixelLatencyNs(a: PixelArch, l: PixelLayer, p: LayerPlacement, nInputs: number): number {
  const bw = a.bufferBits, ob = l.outputBits, ib = l.inputBits;
  const transfer = p.hopsOut * (l.outChannels * ob / a.interTileGbps);
  if (l.type === 'add') {
    return 10 + transfer + 2 * bufferNs(nInputs * ob * l.inChannels / 8, bw);
  }
  if (l.type === 'pool') {
    const K = l.kernel, s = l.stride, cin = l.inChannels;
    const pool = 100 * Math.ceil(cin / a.poolUnits) * Math.ceil(K * K / a.poolWindow);
    const reads = (a.switches & L.SW_POOL_SINGLE_READ) !== 0 ? 1 : 2;
    const fixed = pool + reads * bufferNs(l.outChannels * ob / 8, bw) + bufferNs(cin * ob / 8, bw) + transfer;
    const B = cin * ib / 8; // bytes per input pixel
    return fixed + bufferNs(a.pipeline ? B * s * s : B * s, bw) + bufferNs(B * s * K, bw);
  }
  const clk = a.clockNs, r = p.rowsUsed, c = p.colsUsed, pn = Math.min(p.pes, a.pesPerTile);
  const cycles = (a.switches & L.SW_SIGNED_INPUT_CYCLES) !== 0 ? Math.ceil((ib - 1) / a.dacBits) : Math.ceil(ib / a.dacBits);
  const rowSteps = Math.ceil(r / a.dacPerGroup), colSteps = Math.ceil(c / a.adcNum);
  const mt = cycles * rowSteps * colSteps; // analog operations per output pixel
  const analog = mt * a.xbarNs + mt * a.dacNs + mt * a.adcNs;
  const registers = rowSteps * colSteps * clk + mt * clk; // input registers
  const shift = mt * clk;
  const demux = mt * a.demuxLevels * DEMUX_NS_PER_LEVEL, mux = mt * a.muxLevels * MUX_NS_PER_LEVEL;
  const adderTree = colSteps * Math.ceil(Math.log2(a.peGroups)) * clk;
  const outRegisters = colSteps * clk;
  const merge = Math.ceil(Math.log2(pn));
  const joint = merge * clk;
  const tileLevels = Math.ceil(Math.log2(a.pesPerTile));
  const intra = (tileLevels * (a.adcBits + merge) - merge * (merge + 1) / 2) * c / a.intraTileGbps;
  const outWrite = bufferNs((a.adcBits + merge) * c * pn / 8, bw);
  const mergeNs = bufferNs(c * ob * pn / 8, bw) + p.hopsIn * (clk + c * pn * ob / a.interTileGbps);
  const fixed = analog + registers + shift + demux + adderTree + mux + outRegisters + joint + intra + outWrite + mergeNs + transfer;
  if (l.type === 'fc') return fixed + 2 * bufferNs(r * ib / 8, bw);
  const K = l.kernel, s = l.stride;
  const B = (r / (K * K)) * ib / 8; // bytes per input pixel of the channels one PE holds
  return fixed + bufferNs(a.pipeline ? B * s * s : B * s, bw) + bufferNs(B * s * K, bw);
}

/** The steady pixel latency (ns) of every layer; `inputs[l]` are layer l's producers (as tile-map's layerPlacements takes them). */
export function layerPixelLatencies(a: PixelArch, layers: readonly PixelLayer[], inputs: readonly (readonly number[])[], placed: readonly LayerPlacement[]): Float64Array {
  const out = new Float64Array(layers.length);
  for (let l = 0; l < layers.length; l++) out[l] = pixelLatencyNs(a, layers[l], placed[l], inputs[l].length);
  return out;
}
