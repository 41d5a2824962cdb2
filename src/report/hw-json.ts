// The public JSON of a hardware simulation (`gibbon simulate --json`). These snake_case keys, each
// ending in its unit, are a frozen contract: internal camelCase names may change, these may not.
import type { ComponentBreakdown, SimResult } from '../hw/types.ts';

export interface PublicTotals {
  tiles: number;
  pes: number;
  xbars: number;
  area_mm2: number;
  /** MNSIM's power: the sum of per-layer powers. */
  power_W: number;
  /** Energy / latency. */
  avg_power_W: number;
  latency_ms: number;
  energy_uJ: number;
  edp_mJms: number;
  tops_per_W: number;
  gops: number;
  utilization: number;
}

export type PublicComponents = Record<'xbar' | 'dac' | 'adc' | 'buffer' | 'pooling' | 'adder' | 'shift_reg' | 'reg' | 'mux' | 'joint_module' | 'global_accumulator', number>;

export interface PublicLayer {
  index: number; name: string; type: string; tiles: number; pes: number; xbars: number;
  area_mm2: number; power_W: number; energy_uJ: number;
  begin_us: number; first_done_us: number; last_done_us: number; pixel_latency_ns: number; output_pixels: number;
  utilization: number; gops: number; row_tiles: number; col_tiles: number; weight_slices: number; input_cycles: number;
  rows_used: number; cols_used: number; hops_in: number; hops_out: number;
  components: { area_mm2: PublicComponents; power_W: PublicComponents; energy_uJ: PublicComponents };
}

export interface PublicSimulation {
  network: string;
  arch: string;
  model: string;
  pipeline: boolean;
  totals: PublicTotals;
  layers: PublicLayer[];
  components: { area_mm2: PublicComponents; power_W: PublicComponents; energy_uJ: PublicComponents; global_accumulator_in_totals: boolean };
}

function components(c: ComponentBreakdown, scale: number): PublicComponents {
  return {
    xbar: c.xbar * scale, dac: c.dac * scale, adc: c.adc * scale, buffer: c.buffer * scale, pooling: c.pooling * scale,
    adder: c.adder * scale, shift_reg: c.shiftReg * scale, reg: c.reg * scale, mux: c.mux * scale,
    joint_module: c.jointModule * scale, global_accumulator: c.globalAccumulator * scale,
  };
}

const UM2_TO_MM2 = 1e-6, NJ_TO_UJ = 1e-3, NS_TO_MS = 1e-6, NS_TO_US = 1e-3;

export function toPublicJson(r: SimResult, network: string, arch: string): PublicSimulation {
  const t = r.totals;
  const energyMj = t.energyNj * 1e-6;
  const latencyMs = t.latencyNs * NS_TO_MS;
  return {
    network, arch, model: r.model, pipeline: r.pipeline,
    totals: {
      tiles: t.tiles, pes: t.pes, xbars: t.xbars,
      area_mm2: t.areaUm2 * UM2_TO_MM2,
      power_W: t.powerW,
      avg_power_W: t.latencyNs > 0 ? t.energyNj / t.latencyNs : 0, // nJ / ns = W
      latency_ms: latencyMs,
      energy_uJ: t.energyNj * NJ_TO_UJ,
      edp_mJms: energyMj * latencyMs,
      tops_per_W: t.energyNj > 0 ? t.ops / t.energyNj * 1e-3 : 0, // ops/nJ = 1e9 ops/J = 1e-3 TOPS/W
      gops: t.ops * 1e-9,
      utilization: t.utilizationFrac,
    },
    layers: r.layers.map((l) => ({
      index: l.index, name: l.name, type: l.type, tiles: l.tiles, pes: l.pes, xbars: l.xbars,
      area_mm2: l.areaUm2 * UM2_TO_MM2, power_W: l.powerW, energy_uJ: l.energyNj * NJ_TO_UJ,
      begin_us: l.beginNs * NS_TO_US, first_done_us: l.firstDoneNs * NS_TO_US, last_done_us: l.lastDoneNs * NS_TO_US,
      pixel_latency_ns: l.pixelLatencyNs, output_pixels: l.outputPixels,
      utilization: l.utilizationFrac, gops: l.ops * 1e-9, row_tiles: l.rowTiles, col_tiles: l.colTiles,
      weight_slices: l.weightSlices, input_cycles: l.inputCycles, rows_used: l.rowsUsed, cols_used: l.colsUsed,
      hops_in: l.hopsIn, hops_out: l.hopsOut,
      components: {
        area_mm2: components(l.areaUm2ByComponent, UM2_TO_MM2),
        power_W: components(l.powerWByComponent, 1),
        energy_uJ: components(l.energyNjByComponent, NJ_TO_UJ),
      },
    })),
    components: {
      area_mm2: components(r.areaUm2ByComponent, UM2_TO_MM2),
      power_W: components(r.powerWByComponent, 1),
      energy_uJ: components(r.energyNjByComponent, NJ_TO_UJ),
      global_accumulator_in_totals: r.model === 'gibbon',
    },
  };
}
