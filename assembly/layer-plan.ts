// The layer plan and the resolved PE (docs/abi.md §11, §12): checks, converters, mapping, placement and hops, and each layer's
// steady pixel latency and NoC time, the very code a simulation runs (simulate.ts prepareNetwork,
// chip.ts, pixel.ts, schedule.ts), without buffer sizing, the pixel-by-pixel schedule or energy. The
// predictor's tile and latency features read it (src/hw/layer-plan.ts). A network with more tiles than
// the chip is planned too (PT_FITS 0; its extra tiles sit at the grid's last cell).
import * as L from './layout';
import * as E from './errors';
import * as A from './arch';
import { a, clearError, errCode } from './arch';
import * as P from './plan';
import { computeHops } from './chip';
import * as X from './pixel';
import * as S from './schedule';
import { startEvaluation, resolveArchitecture, writeHeader, mappedTiles } from './simulate';
import { dac, adc } from './converters';
import * as PE from './pe';

export function planLen(nLayers: i32): i32 {
  return L.RESULT_HEADER_LEN + L.PLAN_TOTALS_LEN + nLayers * L.LAYER_PLAN_LEN;
}

@inline function put(base: usize, field: i32, v: f64): void { store<f64>(base + (<usize>field << 3), v); }

/** Plans one (network, architecture) pair into `out`; returns the status (also in the header). */
export function planOne(archP: usize, layersPtr: usize, n: i32, out: usize): i32 {
  if (!startEvaluation(archP, layersPtr, n, out, L.RESULT_HEADER_LEN + L.PLAN_TOTALS_LEN, L.LAYER_PLAN_LEN)) return errCode;
  computeHops(layersPtr, n);
  const totals = out + (<usize>L.RESULT_HEADER_LEN << 3);
  put(totals, L.PT_TILES, mappedTiles);
  put(totals, L.PT_FITS, mappedTiles <= a(L.A_TILE_ROWS) * a(L.A_TILE_COLS) ? 1 : 0);
  const pipeline = a(L.A_PIPELINE) == 1;
  for (let l = 0; l < n; l++) {
    const lp = layersPtr + (<usize>(l * L.LAYER_LEN) << 3);
    X.pixelTerms(l, lp);
    const o = out + (<usize>(L.RESULT_HEADER_LEN + L.PLAN_TOTALS_LEN + l * L.LAYER_PLAN_LEN) << 3);
    put(o, L.LP_TILES, P.pg(l, P.PL_TILES));
    put(o, L.LP_PES, P.pg(l, P.PL_PES));
    put(o, L.LP_FIRST_TILE, P.pg(l, P.PL_START));
    put(o, L.LP_HOPS_IN, P.pg(l, P.PL_HOPS_IN));
    put(o, L.LP_HOPS_OUT, P.pg(l, P.PL_HOPS_OUT));
    put(o, L.LP_ROWS_USED, P.pg(l, P.PL_ROWS));
    put(o, L.LP_COLS_USED, P.pg(l, P.PL_COLS));
    put(o, L.LP_ROW_TILES, P.pg(l, P.PL_MY));
    put(o, L.LP_COL_TILES, P.pg(l, P.PL_MX));
    put(o, L.LP_WEIGHT_SLICES, P.pg(l, P.PL_SLICES));
    put(o, L.LP_INPUT_CYCLES, P.pg(l, P.PL_CYCLES));
    put(o, L.LP_PIXEL_NS, S.steadyPixelLatencyNs(l, lp, X.fixedNs, pipeline));
    put(o, L.LP_NOC_NS, X.nocNs);
  }
  writeHeader(out, n);
  return E.E_OK;
}

/**
 * The converters and conversion steps of the architecture's PE into `out` (a result header, then PE_LEN
 * f64): what the functional simulator reads (src/pim/kernel.ts hardwareFor). Returns the status.
 */
export function peOne(archP: usize, out: usize): i32 {
  clearError();
  A.archPtr = archP;
  memory.fill(out, 0, <usize>(L.RESULT_HEADER_LEN + L.PE_LEN) << 3);
  if (!resolveArchitecture()) { writeHeader(out, 0); return errCode; }
  const o = out + (<usize>L.RESULT_HEADER_LEN << 3);
  put(o, L.PE_DAC_CHOICE, dac.choice);
  put(o, L.PE_DAC_BITS, dac.bits);
  put(o, L.PE_ADC_CHOICE, adc.choice);
  put(o, L.PE_ADC_BITS, adc.bits);
  put(o, L.PE_DAC_PER_GROUP, PE.dacPerGroup);
  put(o, L.PE_ADC_NUM, PE.adcNum);
  put(o, L.PE_DAC_LATENCY_NS, dac.latencyNs);
  put(o, L.PE_ADC_LATENCY_NS, adc.latencyNs);
  writeHeader(out, 0);
  return E.E_OK;
}
