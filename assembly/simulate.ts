// One evaluation of (network, architecture): validate, map, size buffers, place, schedule, then
// area / power / energy per layer and per component (mnsim-model.md §2–§3). Writes the result record.
import * as L from './layout';
import * as E from './errors';
import { archPtr, a, checkArch, clearError, setError, errCode, errLayer, errField, errValue, errMin, errMax, errInteger } from './arch';
import * as A from './arch';
import { dac, adc, resolveDac, resolveAdc } from './converters';
import { DIGITAL_PIM_DAC_CHOICE, DIGITAL_PIM_ADC_CHOICE } from './converter-tables';
import { Buffer, sizeBuffer, bufferAccessNs, pow2KB } from './buffer';
import * as PE from './pe';
import * as P from './plan';
import { mapLayer } from './mapping';
import { computeHops } from './chip';
import * as S from './schedule';
import * as X from './pixel';
import { adderAreaUm2, adderPowerW } from './digital';

const peInBuf = new Buffer();
const tileOutBuf = new Buffer();
const globalBuf = new Buffer();

// Per-component accumulators (area, power, energy) for the current layer and for the totals.
const lArea = new StaticArray<f64>(L.N_COMPONENTS);
const lPower = new StaticArray<f64>(L.N_COMPONENTS);
const lEnergy = new StaticArray<f64>(L.N_COMPONENTS);
const tileArea = new StaticArray<f64>(L.N_COMPONENTS);

@inline function lf(lp: usize, field: i32): f64 { return load<f64>(lp + (<usize>field << 3)); }
@inline function layerPtr(layersPtr: usize, l: i32): usize { return layersPtr + (<usize>(l * L.LAYER_LEN) << 3); }
@inline function isInt(v: f64): bool { return v == Math.floor(v); }

function checkField(l: i32, lp: usize, field: i32, lo: f64, hi: f64): bool {
  const v = lf(lp, field);
  if (!(v >= lo && v <= hi) || !isInt(v)) return setError(E.E_LAYER_FIELD, l, field, v, lo, hi, true);
  return true;
}

const MAX_DIM: f64 = <f64>(1 << 24);

/** Field ranges, derived output shapes and producer shapes of every layer. */
function checkLayers(layersPtr: usize, n: i32): bool {
  for (let l = 0; l < n; l++) {
    const lp = layerPtr(layersPtr, l);
    if (!checkField(l, lp, L.L_TYPE, 0, 3)) return false;
    const type = <i32>lf(lp, L.L_TYPE);
    if (!checkField(l, lp, L.L_N_INPUTS, 1, L.MAX_INPUTS)) return false;
    const nIn = <i32>lf(lp, L.L_N_INPUTS);
    if (type != L.LT_ADD && nIn != 1) return setError(E.E_LAYER_FIELD, l, L.L_N_INPUTS, nIn);
    for (let k = 0; k < nIn; k++) {
      const q = lf(lp, L.L_INPUT0 + k);
      if (!(q >= -1 && q < <f64>l) || !isInt(q)) return setError(E.E_INPUT_INDEX, l, L.L_INPUT0 + k, q);
    }
    if (!checkField(l, lp, L.L_IN_CHANNELS, 1, MAX_DIM)) return false;
    if (!checkField(l, lp, L.L_IN_H, 1, MAX_DIM)) return false;
    if (!checkField(l, lp, L.L_IN_W, 1, MAX_DIM)) return false;
    if (!checkField(l, lp, L.L_OUT_CHANNELS, 1, MAX_DIM)) return false;
    if (!checkField(l, lp, L.L_INPUT_BITS, 1, 32)) return false;
    if (!checkField(l, lp, L.L_OUTPUT_BITS, 1, 32)) return false;
    let expH: f64 = 1, expW: f64 = 1, expC = lf(lp, L.L_OUT_CHANNELS);
    if (type == L.LT_CONV || type == L.LT_POOL) {
      if (!checkField(l, lp, L.L_KERNEL, 1, 4096)) return false;
      if (!checkField(l, lp, L.L_STRIDE, 1, 4096)) return false;
      for (let f = L.L_PAD_TOP; f <= L.L_PAD_RIGHT; f++) if (!checkField(l, lp, f, 0, 4096)) return false;
      const K = lf(lp, L.L_KERNEL), s = lf(lp, L.L_STRIDE);
      expH = Math.floor((lf(lp, L.L_IN_H) + lf(lp, L.L_PAD_TOP) + lf(lp, L.L_PAD_BOTTOM) - K) / s) + 1;
      expW = Math.floor((lf(lp, L.L_IN_W) + lf(lp, L.L_PAD_LEFT) + lf(lp, L.L_PAD_RIGHT) - K) / s) + 1;
      if (type == L.LT_POOL) expC = lf(lp, L.L_IN_CHANNELS);
      if (expH < 1) return setError(E.E_LAYER_FIELD, l, L.L_OUT_H, expH);
      if (expW < 1) return setError(E.E_LAYER_FIELD, l, L.L_OUT_W, expW);
    }
    if (type == L.LT_CONV) {
      if (!checkField(l, lp, L.L_CONV_GROUPS, 1, MAX_DIM)) return false;
      const g = lf(lp, L.L_CONV_GROUPS);
      if (lf(lp, L.L_IN_CHANNELS) % g != 0 || lf(lp, L.L_OUT_CHANNELS) % g != 0) return setError(E.E_LAYER_FIELD, l, L.L_CONV_GROUPS, g);
    }
    if (type == L.LT_CONV || type == L.LT_FC) {
      if (!checkField(l, lp, L.L_WEIGHT_BITS, PE.polarity == 2 ? 2 : 1, 32)) return false;
      // A sign and at least one magnitude bit: fewer would leave no input cycle to convert.
      if (!checkField(l, lp, L.L_INPUT_BITS, 2, 32)) return false;
    }
    if (type == L.LT_FC) {
      if (lf(lp, L.L_IN_H) != 1) return setError(E.E_LAYER_FIELD, l, L.L_IN_H, lf(lp, L.L_IN_H));
      if (lf(lp, L.L_IN_W) != 1) return setError(E.E_LAYER_FIELD, l, L.L_IN_W, lf(lp, L.L_IN_W));
    }
    if (type == L.LT_ADD) {
      expH = lf(lp, L.L_IN_H); expW = lf(lp, L.L_IN_W); expC = lf(lp, L.L_IN_CHANNELS);
    }
    if (lf(lp, L.L_OUT_H) != expH) return setError(E.E_LAYER_FIELD, l, L.L_OUT_H, lf(lp, L.L_OUT_H));
    if (lf(lp, L.L_OUT_W) != expW) return setError(E.E_LAYER_FIELD, l, L.L_OUT_W, lf(lp, L.L_OUT_W));
    if (lf(lp, L.L_OUT_CHANNELS) != expC) return setError(E.E_LAYER_FIELD, l, L.L_OUT_CHANNELS, lf(lp, L.L_OUT_CHANNELS));
    // Producer shapes: an fc flattens its producer; every other type reads it as C x H x W.
    for (let k = 0; k < nIn; k++) {
      const q = <i32>lf(lp, L.L_INPUT0 + k);
      if (q < 0) continue;
      const qp = layerPtr(layersPtr, q);
      const qc = lf(qp, L.L_OUT_CHANNELS), qh = lf(qp, L.L_OUT_H), qw = lf(qp, L.L_OUT_W);
      if (type == L.LT_FC) {
        if (qc * qh * qw != lf(lp, L.L_IN_CHANNELS)) return setError(E.E_SHAPE, l, L.L_IN_CHANNELS, lf(lp, L.L_IN_CHANNELS));
      } else if (qc != lf(lp, L.L_IN_CHANNELS) || qh != lf(lp, L.L_IN_H) || qw != lf(lp, L.L_IN_W)) {
        return setError(E.E_SHAPE, l, L.L_INPUT0 + k, q);
      }
    }
  }
  return true;
}

function zero(arr: StaticArray<f64>): void { memory.fill(changetype<usize>(arr), 0, <usize>arr.length << 3); }

export function writeHeader(out: usize, n: i32): void {
  store<f64>(out + (<usize>L.R_STATUS << 3), errCode);
  store<f64>(out + (<usize>L.R_ERR_LAYER << 3), errLayer);
  store<f64>(out + (<usize>L.R_ERR_FIELD << 3), errField);
  store<f64>(out + (<usize>L.R_ERR_VALUE << 3), errValue);
  store<f64>(out + (<usize>L.R_N_LAYERS << 3), n);
  store<f64>(out + (<usize>L.R_ERR_MIN << 3), errMin);
  store<f64>(out + (<usize>L.R_ERR_MAX << 3), errMax);
  store<f64>(out + (<usize>L.R_ERR_INTEGER << 3), errInteger ? 1 : 0);
}

export function resultLen(nLayers: i32): i32 {
  return L.RESULT_HEADER_LEN + L.TOTALS_LEN + nLayers * L.LAYER_OUT_LEN;
}

/** Tiles of all layers (after prepareNetwork). */
export let mappedTiles: f64 = 0;

/** Checks the architecture at A.archPtr and resolves its converters and PE. False on an error (recorded). */
export function resolveArchitecture(): bool {
  if (!checkArch()) return false;
  const digitalPim = a(L.A_PIM_TYPE) == 1;
  // Digital PIM forces the 1-bit DAC and the sense amplifier unless the user defined converters.
  const dacChoice = <i32>a(L.A_DAC_CHOICE), adcChoice = <i32>a(L.A_ADC_CHOICE);
  resolveDac(digitalPim && dacChoice != -1 ? DIGITAL_PIM_DAC_CHOICE : dacChoice, a(L.A_DAC_AREA_UM2), a(L.A_DAC_BITS), a(L.A_DAC_POWER_W), a(L.A_DAC_RATE_GSPS), <i32>a(L.A_MODEL_SWITCHES));
  resolveAdc(digitalPim && adcChoice != -1 ? DIGITAL_PIM_ADC_CHOICE : adcChoice, a(L.A_ADC_AREA_UM2), a(L.A_ADC_BITS), a(L.A_ADC_POWER_W), a(L.A_ADC_RATE_GSPS), <i32>a(L.A_LOGIC_OP));
  PE.resolvePe();
  return true;
}

/**
 * Checks the architecture at A.archPtr and the n layers, resolves the converters and the PE, and maps
 * every layer into the plan (tiles, first tile, finish-time offsets). False on an error (recorded).
 */
export function prepareNetwork(layersPtr: usize, n: i32): bool {
  if (!resolveArchitecture()) return false;
  if (!checkLayers(layersPtr, n)) return false;

  P.reservePlan(n);
  let tiles: f64 = 0, finishLen: i32 = 0;
  for (let l = 0; l < n; l++) {
    const lp = layerPtr(layersPtr, l);
    if (!mapLayer(l, lp)) return false;
    P.ps(l, P.PL_START, tiles);
    tiles += P.pg(l, P.PL_TILES);
    const type = <i32>lf(lp, L.L_TYPE);
    const npix: i32 = type == L.LT_FC ? 1 : <i32>(lf(lp, L.L_OUT_H) * lf(lp, L.L_OUT_W));
    P.ps(l, P.PL_FIN_OFF, finishLen);
    P.ps(l, P.PL_N_PIX, npix);
    finishLen += npix;
  }
  mappedTiles = tiles;
  P.reserveFinish(finishLen);
  return true;
}

/**
 * The start of an evaluation into a record of `fixedSlots + n * slotsPerLayer` f64 at `out` (the result
 * record, or the layer plan's): checks the count, zero-fills the record, then prepareNetwork. False on
 * an error, with the header written.
 */
export function startEvaluation(archP: usize, layersPtr: usize, n: i32, out: usize, fixedSlots: i32, slotsPerLayer: i32): bool {
  clearError();
  A.archPtr = archP;
  // The count first: the record's size depends on it.
  if (n < 1 || n > L.MAX_LAYERS) { setError(E.E_BAD_CALL, -1, -1, n); writeHeader(out, 0); return false; }
  memory.fill(out, 0, <usize>(fixedSlots + n * slotsPerLayer) << 3);
  if (!prepareNetwork(layersPtr, n)) { writeHeader(out, n); return false; }
  return true;
}

/** Evaluates one (network, architecture) pair into `out`; returns the status (also in the header). */
export function simulateOne(archP: usize, layersPtr: usize, n: i32, out: usize): i32 {
  if (!startEvaluation(archP, layersPtr, n, out, L.RESULT_HEADER_LEN + L.TOTALS_LEN, L.LAYER_OUT_LEN)) return errCode;
  const digitalPim = a(L.A_PIM_TYPE) == 1;
  const tiles = mappedTiles;
  const chipTiles = a(L.A_TILE_ROWS) * a(L.A_TILE_COLS);
  if (tiles > chipTiles) { setError(E.E_TOO_MANY_TILES, -1, L.A_TILE_ROWS, tiles); writeHeader(out, n); return errCode; }

  // ===== Buffer sizing from the mapping (spec §2.6) =====
  let inKB: f64 = 0, outKB: f64 = 0, globalKB: f64 = 0, globalAdders: f64 = 0, globalAdderBits: f64 = 8;
  for (let l = 0; l < n; l++) {
    const lp = layerPtr(layersPtr, l);
    const type = <i32>lf(lp, L.L_TYPE);
    if (type == L.LT_CONV || type == L.LT_FC) {
      const ib = lf(lp, L.L_INPUT_BITS), ob = lf(lp, L.L_OUTPUT_BITS);
      const inBytes = type == L.LT_CONV
        ? lf(lp, L.L_IN_W) * lf(lp, L.L_KERNEL) * lf(lp, L.L_IN_CHANNELS) * ib / 8 // a K-row line buffer
        : lf(lp, L.L_IN_CHANNELS) * ib / 8;
      const outBytes = lf(lp, L.L_OUT_CHANNELS) * ob / 8;
      inKB = Math.max(inKB, pow2KB(inBytes / P.pg(l, P.PL_PES)));
      outKB = Math.max(outKB, pow2KB(2 * outBytes / P.pg(l, P.PL_TILES))); // x2: ping-pong
    } else if (type == L.LT_ADD) {
      const q0 = <i32>lf(lp, L.L_INPUT0);
      const prevBits = q0 >= 0 ? lf(layerPtr(layersPtr, q0), L.L_OUTPUT_BITS) : lf(lp, L.L_INPUT_BITS);
      const nIn = lf(lp, L.L_N_INPUTS), c = lf(lp, L.L_IN_CHANNELS);
      globalKB += pow2KB(c * prevBits * nIn / 8);
      globalAdders += Math.floor(c * nIn / 2);
      globalAdderBits = Math.max(globalAdderBits, prevBits);
    }
  }
  if (a(L.A_PE_INBUF_KB) != 0) inKB = a(L.A_PE_INBUF_KB);
  if (a(L.A_TILE_OUTBUF_KB) != 0) outKB = a(L.A_TILE_OUTBUF_KB);
  const bw = PE.bufferBitwidth, btech = PE.bufferTechNm;
  if (!sizeBuffer(peInBuf, inKB, a(L.A_PE_INBUF_AREA_UM2), btech, bw)) { setError(E.E_NO_BUFFER_MACRO, -1, L.A_BUFFER_BITWIDTH, inKB); writeHeader(out, n); return errCode; }
  if (!sizeBuffer(tileOutBuf, outKB, a(L.A_TILE_OUTBUF_AREA_UM2), btech, bw)) { setError(E.E_NO_BUFFER_MACRO, -1, L.A_BUFFER_BITWIDTH, outKB); writeHeader(out, n); return errCode; }
  if (!sizeBuffer(globalBuf, globalKB, 0, btech, bw)) { setError(E.E_NO_BUFFER_MACRO, -1, L.A_BUFFER_BITWIDTH, globalKB); writeHeader(out, n); return errCode; }

  // ===== Tile area per component (every tile of the chip is the same tile, spec §3.9) =====
  const pt = PE.pesPerTile;
  zero(tileArea);
  unchecked(tileArea[L.C_XBAR] = pt * PE.peXbarArea());
  unchecked(tileArea[L.C_DAC] = pt * PE.peDacArea());
  unchecked(tileArea[L.C_ADC] = pt * PE.peAdcArea());
  unchecked(tileArea[L.C_ADDER] = pt * PE.peAdderArea());
  unchecked(tileArea[L.C_SHIFTREG] = pt * PE.peShiftArea());
  unchecked(tileArea[L.C_REG] = pt * PE.peRegArea());
  unchecked(tileArea[L.C_MUX] = pt * PE.peMuxArea());
  unchecked(tileArea[L.C_BUFFER] = pt * peInBuf.areaUm2 + tileOutBuf.areaUm2);
  unchecked(tileArea[L.C_JOINT_MODULE] = PE.jointModules * PE.jmArea);
  unchecked(tileArea[L.C_POOLING] = PE.poolArea);

  computeHops(layersPtr, n);

  // ===== Per layer: power, schedule, energy =====
  const pipeline = a(L.A_PIPELINE) == 1;
  const countAdders = (PE.switches & L.SW_COUNT_ADDERS) != 0;
  const simLevel1 = a(L.A_SIM_LEVEL) == 1;
  const clk = PE.clkNs;
  const subNum = digitalPim ? PE.subarrayNum : 1; // digital PIM: ADC-side powers per sub-array
  const gAdderPower = adderPowerW(a(L.A_ADDER_TECH_NM), globalAdderBits, a(L.A_ADDER_POWER_W));
  const gAdderArea = adderAreaUm2(a(L.A_ADDER_TECH_NM), globalAdderBits, a(L.A_ADDER_AREA_UM2));
  const totalsBase = out + (<usize>L.RESULT_HEADER_LEN << 3);
  let totArea: f64 = 0, totPower: f64 = 0, totEnergy: f64 = 0, latency: f64 = 0, totOps: f64 = 0;
  let usedCells: f64 = 0, allocCells: f64 = 0;
  let globalEnergy: f64 = 0, globalPower: f64 = 0;

  for (let l = 0; l < n; l++) {
    const lp = layerPtr(layersPtr, l);
    const type = <i32>lf(lp, L.L_TYPE);
    const lTiles = P.pg(l, P.PL_TILES);
    const hopsIn = P.pg(l, P.PL_HOPS_IN), hopsOut = P.pg(l, P.PL_HOPS_OUT);
    zero(lArea); zero(lPower); zero(lEnergy);
    for (let c = 0; c < L.N_COMPONENTS; c++) unchecked(lArea[c] = lTiles * unchecked(tileArea[c]));
    X.pixelTerms(l, lp);
    S.scheduleLayer(l, lp, X.fixedNs, pipeline);
    const np = S.nPixels;

    if (type == L.LT_CONV || type == L.LT_FC) {
      const r = P.pg(l, P.PL_ROWS), c = P.pg(l, P.PL_COLS), pn = P.pg(l, P.PL_MAX_PE), g = P.pg(l, P.PL_GROUP);
      const tXbar = X.tXbar, tDac = X.tDac, tAdc = X.tAdc, tDemux = X.tDemux, tMux = X.tMux, tIReg = X.tIReg;
      const tShift = X.tShift, tAdder = X.tAdder, tOReg = X.tOReg, tJm = X.tJm, tOutW = X.tOutW, tOutR = X.tOutR;

      // Powers of one PE (spec §3.10): only 1/(demux x mux) of the array conducts at a time.
      const dacs = g * Math.ceil(r / PE.inputDemux), adcs = PE.activeAdcs(g, c, X.colSteps);
      let xbarCellsW = r * c * PE.cellPowerW + 0.25 * r * (PE.cols - c) * PE.sneakW;
      if (simLevel1) xbarCellsW = PE.rows * PE.cols * PE.cellEstPowerW;
      const pXbar = PE.polarity * g * xbarCellsW / (PE.inputDemux * PE.outputMux);
      const pDac = dacs * dac.powerW, pDemux = dacs * PE.demuxPower, pIReg = dacs * PE.regPower;
      const pAdc = adcs * adc.powerW * subNum, pMux = adcs * PE.muxPower * subNum, pOReg = adcs * PE.regPower * subNum;
      const pShift = adcs * PE.shiftPower * subNum;
      const pAdder = (g - 1) * Math.ceil(c / PE.outputMux) * PE.adderPower8 * subNum;
      const pJm = (pn - 1) * Math.ceil(c / PE.outputMux) * PE.jmPower; // per tile
      const nPe = lTiles * pn;
      unchecked(lPower[L.C_XBAR] = nPe * pXbar);
      unchecked(lPower[L.C_DAC] = nPe * pDac);
      unchecked(lPower[L.C_ADC] = nPe * pAdc);
      unchecked(lPower[L.C_MUX] = nPe * (pDemux + pMux));
      unchecked(lPower[L.C_REG] = nPe * (pIReg + pOReg));
      unchecked(lPower[L.C_SHIFTREG] = nPe * pShift);
      unchecked(lPower[L.C_ADDER] = nPe * pAdder);
      unchecked(lPower[L.C_JOINT_MODULE] = lTiles * pJm);
      const pBufR = lTiles * (pn * peInBuf.readPowerW + tileOutBuf.readPowerW);
      const pBufW = lTiles * (pn * peInBuf.writePowerW + tileOutBuf.writePowerW);
      unchecked(lPower[L.C_BUFFER] = pBufR + pBufW);

      unchecked(lEnergy[L.C_XBAR] = nPe * pXbar * tXbar * np);
      unchecked(lEnergy[L.C_DAC] = nPe * pDac * tDac * np);
      unchecked(lEnergy[L.C_ADC] = nPe * pAdc * tAdc * np);
      unchecked(lEnergy[L.C_MUX] = nPe * (pDemux * tDemux + pMux * tMux) * np);
      unchecked(lEnergy[L.C_REG] = nPe * (pIReg * tIReg + pOReg * tOReg) * np);
      unchecked(lEnergy[L.C_SHIFTREG] = nPe * pShift * tShift * np);
      // MNSIM computes the adder energy but leaves it out of the layer energy (spec §7.6).
      unchecked(lEnergy[L.C_ADDER] = countAdders ? nPe * pAdder * tAdder * np : 0);
      unchecked(lEnergy[L.C_JOINT_MODULE] = lTiles * pJm * tJm * np);
      unchecked(lEnergy[L.C_BUFFER] = pBufR * (S.sumBufReadNs + tOutR * np) + pBufW * (S.sumBufWriteNs + tOutW * np));

      usedCells += P.pg(l, P.PL_USED_CELLS);
      allocCells += lTiles * pt * PE.groups * PE.polarity * PE.rows * PE.cols;
    } else if (type == L.LT_POOL) {
      const tPool = X.tPool, tOutR = X.tOutR, tOutW = X.tOutW;
      unchecked(lPower[L.C_POOLING] = lTiles * PE.poolPower);
      unchecked(lPower[L.C_BUFFER] = lTiles * (tileOutBuf.readPowerW + tileOutBuf.writePowerW));
      unchecked(lEnergy[L.C_POOLING] = lTiles * PE.poolPower * tPool * np);
      unchecked(lEnergy[L.C_BUFFER] = lTiles * (tileOutBuf.readPowerW * (S.sumBufReadNs + tOutR * np)
        + tileOutBuf.writePowerW * (S.sumBufWriteNs + tOutW * np)));
    } else { // element-wise add on the global accumulator
      const c = lf(lp, L.L_IN_CHANNELS), nIn = lf(lp, L.L_N_INPUTS);
      const tBuf = X.tBuf;
      const adders = Math.floor(c * nIn / 2);
      const pAdd = adders * gAdderPower;
      const pBuf = globalBuf.readPowerW + globalBuf.writePowerW;
      const e = pAdd * clk * np + (globalBuf.readPowerW + globalBuf.writePowerW) * tBuf * np;
      globalEnergy += e;
      globalPower += pAdd + pBuf;
      if (countAdders) { unchecked(lPower[L.C_GLOBAL] = pAdd + pBuf); unchecked(lEnergy[L.C_GLOBAL] = e); }
    }
    latency = Math.max(latency, S.lastDoneNs);

    // ===== Write the layer record =====
    const o = out + (<usize>(L.RESULT_HEADER_LEN + L.TOTALS_LEN + l * L.LAYER_OUT_LEN) << 3);
    let areaL: f64 = 0, powerL: f64 = 0, energyL: f64 = 0;
    for (let c = 0; c < L.N_COMPONENTS; c++) {
      areaL += unchecked(lArea[c]); powerL += unchecked(lPower[c]); energyL += unchecked(lEnergy[c]);
      store<f64>(o + (<usize>(L.O_AREA_COMP + c) << 3), unchecked(lArea[c]));
      store<f64>(o + (<usize>(L.O_POWER_COMP + c) << 3), unchecked(lPower[c]));
      store<f64>(o + (<usize>(L.O_ENERGY_COMP + c) << 3), unchecked(lEnergy[c]));
      const tb = totalsBase;
      store<f64>(tb + (<usize>(L.T_AREA_COMP + c) << 3), load<f64>(tb + (<usize>(L.T_AREA_COMP + c) << 3)) + unchecked(lArea[c]));
      store<f64>(tb + (<usize>(L.T_POWER_COMP + c) << 3), load<f64>(tb + (<usize>(L.T_POWER_COMP + c) << 3)) + unchecked(lPower[c]));
      store<f64>(tb + (<usize>(L.T_ENERGY_COMP + c) << 3), load<f64>(tb + (<usize>(L.T_ENERGY_COMP + c) << 3)) + unchecked(lEnergy[c]));
    }
    totArea += areaL; totPower += powerL; totEnergy += energyL;
    const ops = P.pg(l, P.PL_OPS);
    totOps += ops;
    const alloc = lTiles * pt * PE.groups * PE.polarity * PE.rows * PE.cols;
    store<f64>(o + (<usize>L.O_TILES << 3), lTiles);
    store<f64>(o + (<usize>L.O_PES << 3), P.pg(l, P.PL_PES));
    store<f64>(o + (<usize>L.O_XBARS << 3), lTiles * pt * PE.groups * PE.polarity);
    store<f64>(o + (<usize>L.O_AREA_UM2 << 3), areaL);
    store<f64>(o + (<usize>L.O_POWER_W << 3), powerL);
    store<f64>(o + (<usize>L.O_ENERGY_NJ << 3), energyL);
    store<f64>(o + (<usize>L.O_BEGIN_NS << 3), S.beginNs);
    store<f64>(o + (<usize>L.O_FIRST_DONE_NS << 3), S.firstDoneNs);
    store<f64>(o + (<usize>L.O_LAST_DONE_NS << 3), S.lastDoneNs);
    store<f64>(o + (<usize>L.O_PIXEL_NS << 3), S.steadyPixelNs);
    store<f64>(o + (<usize>L.O_PIXELS << 3), S.nPixels);
    store<f64>(o + (<usize>L.O_UTILIZATION << 3), alloc > 0 && (type == L.LT_CONV || type == L.LT_FC) ? P.pg(l, P.PL_USED_CELLS) / alloc : 0);
    store<f64>(o + (<usize>L.O_OPS << 3), ops);
    store<f64>(o + (<usize>L.O_ROW_TILES << 3), P.pg(l, P.PL_MY));
    store<f64>(o + (<usize>L.O_COL_TILES << 3), P.pg(l, P.PL_MX));
    store<f64>(o + (<usize>L.O_WEIGHT_SLICES << 3), P.pg(l, P.PL_SLICES));
    store<f64>(o + (<usize>L.O_INPUT_CYCLES << 3), P.pg(l, P.PL_CYCLES));
    store<f64>(o + (<usize>L.O_ROWS_USED << 3), P.pg(l, P.PL_ROWS));
    store<f64>(o + (<usize>L.O_COLS_USED << 3), P.pg(l, P.PL_COLS));
    store<f64>(o + (<usize>L.O_HOPS_IN << 3), hopsIn);
    store<f64>(o + (<usize>L.O_HOPS_OUT << 3), hopsOut);
    store<f64>(o + (<usize>L.O_FIRST_TILE << 3), P.pg(l, P.PL_START));
  }

  // ===== Global accumulator: in the breakdown always, in the totals only with SW_COUNT_ADDERS =====
  const globalArea = globalAdders * gAdderArea + globalBuf.areaUm2;
  const tb = totalsBase;
  store<f64>(tb + (<usize>(L.T_AREA_COMP + L.C_GLOBAL) << 3), globalArea);
  store<f64>(tb + (<usize>(L.T_POWER_COMP + L.C_GLOBAL) << 3), globalPower);
  store<f64>(tb + (<usize>(L.T_ENERGY_COMP + L.C_GLOBAL) << 3), globalEnergy);
  if (countAdders) totArea += globalArea; // its power and energy are already in the add layers

  store<f64>(tb + (<usize>L.T_TILES << 3), tiles);
  let pes: f64 = 0;
  // MNSIM's "total crossbar number": PEs of the conv and fc layers (pooling tiles hold no weights).
  for (let l = 0; l < n; l++) if (P.pg(l, P.PL_SLICES) > 0) pes += P.pg(l, P.PL_PES);
  store<f64>(tb + (<usize>L.T_PES << 3), pes);
  store<f64>(tb + (<usize>L.T_XBARS << 3), tiles * pt * PE.groups * PE.polarity);
  store<f64>(tb + (<usize>L.T_AREA_UM2 << 3), totArea);
  store<f64>(tb + (<usize>L.T_POWER_W << 3), totPower);
  store<f64>(tb + (<usize>L.T_LATENCY_NS << 3), latency);
  store<f64>(tb + (<usize>L.T_ENERGY_NJ << 3), totEnergy);
  store<f64>(tb + (<usize>L.T_OPS << 3), totOps);
  store<f64>(tb + (<usize>L.T_UTILIZATION << 3), allocCells > 0 ? usedCells / allocCells : 0);
  store<f64>(tb + (<usize>L.T_GLOBAL_BUF_KB << 3), globalKB);
  store<f64>(tb + (<usize>L.T_GLOBAL_ADDERS << 3), globalAdders);
  store<f64>(tb + (<usize>L.T_PE_INBUF_KB << 3), inKB);
  store<f64>(tb + (<usize>L.T_TILE_OUTBUF_KB << 3), outKB);
  writeHeader(out, n);
  return E.E_OK;
}
