// The latency of one output pixel of a placed layer (mnsim-model.md §3.11), without the input-buffer
// traffic of its pixel class (schedule.ts adds that): for conv and fc the analog steps (input cycles x
// row steps x column steps) through crossbar, DAC and ADC, the digital stages, the intra-tile and
// output-buffer traffic and the merge of the PEs' partial outputs; for pooling and adds their own terms;
// plus the NoC transfer to the successors. pixelTerms() fills the globals below, which the schedule, the
// energy model (simulate.ts) and the layer plan (layer-plan.ts) read. Needs the mapping and the hops.
import * as L from './layout';
import { a } from './arch';
import { dac, adc } from './converters';
import { bufferAccessNs } from './buffer';
import * as P from './plan';
import * as PE from './pe';

const DEMUX_NS_PER_LEVEL: f64 = 0.27933;
const MUX_NS_PER_LEVEL: f64 = 0.032744;
const ADD_NS: f64 = 10; // one element-wise add on the global accumulator
const POOL_NS: f64 = 100; // one pooling-unit operation

/** The pixel latency without the input-buffer traffic (what scheduleLayer takes as fixedNs). */
export let fixedNs: f64 = 0;
/** NoC time per output pixel: the transfer to the successors, plus (conv, fc) the merge of the PEs' outputs over hopsIn. */
export let nocNs: f64 = 0;
// conv and fc: the component latencies per output pixel (ns), for the energy model
export let tXbar: f64 = 0;
export let tDac: f64 = 0;
export let tAdc: f64 = 0;
export let tDemux: f64 = 0;
export let tMux: f64 = 0;
export let tIReg: f64 = 0;
export let tShift: f64 = 0;
export let tAdder: f64 = 0;
export let tOReg: f64 = 0;
export let tJm: f64 = 0;
/** conv and fc: the ADC steps per analog operation, ceil(used columns / ADCs per crossbar). */
export let colSteps: f64 = 0;
// conv, fc and pooling: output-buffer write and read
export let tOutW: f64 = 0;
export let tOutR: f64 = 0;
// pooling: the pooling module; add: the global buffer access
export let tPool: f64 = 0;
export let tBuf: f64 = 0;

@inline function lf(lp: usize, field: i32): f64 { return load<f64>(lp + (<usize>field << 3)); }

/** Fills the terms of layer `l` (record at `lp`). PE.resolvePe, the mapping and computeHops come first. */
export function pixelTerms(l: i32, lp: usize): void {
  const type = <i32>lf(lp, L.L_TYPE);
  const ob = lf(lp, L.L_OUTPUT_BITS);
  const cout = lf(lp, L.L_OUT_CHANNELS);
  const hopsIn = P.pg(l, P.PL_HOPS_IN), hopsOut = P.pg(l, P.PL_HOPS_OUT);
  const clk = PE.clkNs, bwInter = a(L.A_INTER_TILE_BW_GBPS), bw = PE.bufferBitwidth;
  const transferNs = hopsOut * (cout * ob / bwInter);
  if (type == L.LT_CONV || type == L.LT_FC) {
    const r = P.pg(l, P.PL_ROWS), c = P.pg(l, P.PL_COLS), pn = P.pg(l, P.PL_MAX_PE);
    const rowSteps = Math.ceil(r / PE.dacPerGroup);
    colSteps = Math.ceil(c / PE.adcNum);
    const mt = P.pg(l, P.PL_CYCLES) * rowSteps * colSteps; // analog operations per output pixel
    tXbar = mt * PE.xbarLatencyNs; tDac = mt * dac.latencyNs; tAdc = mt * adc.latencyNs;
    tDemux = mt * PE.demuxLevels * DEMUX_NS_PER_LEVEL; tMux = mt * PE.muxLevels * MUX_NS_PER_LEVEL;
    tIReg = rowSteps * colSteps * clk + mt * clk;
    tShift = mt * clk;
    tAdder = colSteps * Math.ceil(Math.log2(PE.groups)) * clk;
    tOReg = colSteps * clk;
    const merge = Math.ceil(Math.log2(pn));
    tJm = merge * clk;
    const adcBits = adc.bits, tileLevels = Math.ceil(Math.log2(PE.pesPerTile));
    const tIntra = (tileLevels * (adcBits + merge) - merge * (merge + 1) / 2) * c / a(L.A_INTRA_TILE_BW_GBPS);
    tOutW = bufferAccessNs((adcBits + merge) * c * pn / 8, bw);
    tOutR = bufferAccessNs(c * ob * pn / 8, bw);
    const nocMergeNs = hopsIn * (clk + c * pn * ob / bwInter);
    const mergeNs = tOutR + nocMergeNs;
    nocNs = transferNs + nocMergeNs;
    fixedNs = tXbar + tDac + tAdc + tIReg + tShift + tDemux + tAdder + tMux + tOReg + tJm + tIntra + tOutW + mergeNs + transferNs;
  } else if (type == L.LT_POOL) {
    const cin = lf(lp, L.L_IN_CHANNELS), K = lf(lp, L.L_KERNEL);
    const window = a(L.A_POOL_WINDOW_X) * a(L.A_POOL_WINDOW_Y);
    tPool = POOL_NS * Math.ceil(cin / a(L.A_POOL_UNITS)) * Math.ceil(K * K / window);
    tOutR = bufferAccessNs(cout * ob / 8, bw);
    tOutW = bufferAccessNs(cin * ob / 8, bw);
    // MNSIM reads the output buffer twice per pooled pixel (spec §7.7); SW_POOL_SINGLE_READ once.
    const reads: f64 = (PE.switches & L.SW_POOL_SINGLE_READ) != 0 ? 1 : 2;
    nocNs = transferNs;
    fixedNs = tPool + reads * tOutR + tOutW + transferNs;
  } else { // element-wise add on the global accumulator
    const c = lf(lp, L.L_IN_CHANNELS), nIn = lf(lp, L.L_N_INPUTS);
    tBuf = bufferAccessNs(nIn * ob * c / 8, bw);
    nocNs = transferNs;
    fixedNs = ADD_NS + transferNs + 2 * tBuf;
  }
}
