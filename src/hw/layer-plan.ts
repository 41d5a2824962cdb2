// The layer plan of gibbon.wasm (docs/abi.md §11) from TypeScript: each layer's tiles, first tile, hops,
// crossbar use, steady pixel latency and NoC time per output pixel, computed by the kernel's own mapping,
// placement and latency code (no buffers, schedule or energy), and the resolved PE (§12: the converters
// and conversion steps). The predictor's tile and latency features read the plan (src/predictor/tokens.ts),
// the functional simulator's hardwareFor the PE (src/pim/kernel.ts). Web-standard.
import * as L from '../../assembly/layout.ts';
import { packArch, packLayers, throwIfFailed, type PackableLayer } from './abi.ts';
import { kernelImports, registeredKernelModule, type GibbonExports } from './simulator.ts';
import type { ArchConfig, SimOptionsAdvanced } from './types.ts';
import { GibbonError } from '../util/errors.ts';

/** One layer's plan (the LP_* fields). */
export interface LayerPlan {
  tiles: number;
  pes: number;
  /** Order number of the layer's first tile (tiles past the chip sit at its last cell). */
  firstTile: number;
  hopsIn: number;
  hopsOut: number;
  /** Crossbar rows and columns used per crossbar (0 for pool and add). */
  rowsUsed: number;
  colsUsed: number;
  rowTiles: number;
  colTiles: number;
  weightSlices: number;
  inputCycles: number;
  /** Latency of a steady-state output pixel, ns (a simulation's pixelLatencyNs). */
  pixelNs: number;
  /** NoC time per output pixel, ns: the transfer to the successors, plus for conv and fc the merge of the PEs' outputs. */
  nocNs: number;
}

/** The converters and conversion steps a PE works with (the PE_* fields): after the digital-PIM rule and the model switches. */
export interface ResolvedPe {
  /** The table converter used (1-based), or -1 for the user-defined one. */
  dacChoice: number;
  dacBits: number;
  adcChoice: number;
  adcBits: number;
  /** DACs per crossbar group: the rows one analog step drives. */
  dacPerGroup: number;
  /** ADCs per sub-array per group: the columns one analog step converts. */
  adcNum: number;
  dacLatencyNs: number;
  adcLatencyNs: number;
}

export interface NetworkPlan {
  /** Tiles of all layers. */
  tiles: number;
  /** Whether they fit the chip's tile grid (a simulation of a network that does not fit fails). */
  fits: boolean;
  layers: LayerPlan[];
}

/** The exports the plan needs (a Simulator's `exports` has them). */
export type PlanExports = Pick<GibbonExports, 'memory' | 'gibbon_alloc' | 'gibbon_free' | 'gibbon_abi_version' | 'gibbon_plan' | 'gibbon_pe'>;

const planSlots = (n: number) => L.RESULT_HEADER_LEN + L.PLAN_TOTALS_LEN + n * L.LAYER_PLAN_LEN;

/** Plans networks on one instance of gibbon.wasm (one call at a time). */
export class LayerPlanner {
  readonly #exports: PlanExports;
  #ptr = 0;
  #bytes = 0;

  constructor(exports: PlanExports) {
    if (typeof exports.gibbon_plan !== 'function' || typeof exports.gibbon_pe !== 'function') throw new GibbonError('E_KERNEL', 'gibbon.wasm has no gibbon_plan: rebuild with npm run build');
    const v = exports.gibbon_abi_version();
    if (v !== L.ABI_VERSION) throw new GibbonError('E_KERNEL', `gibbon.wasm: ABI version ${v}; this host speaks ${L.ABI_VERSION}: rebuild with npm run build`);
    this.#exports = exports;
  }

  #reserve(bytes: number): number {
    if (bytes > this.#bytes) {
      if (this.#ptr !== 0) this.#exports.gibbon_free(this.#ptr);
      this.#bytes = Math.max(bytes, 1 << 14);
      this.#ptr = this.#exports.gibbon_alloc(this.#bytes);
    }
    return this.#ptr;
  }

  /** The plan of `layers` on the architecture record `archRecord` (ARCH_LEN f64, packArch); throws the kernel's error as a GibbonError. */
  planRecord(archRecord: Float64Array, layers: readonly PackableLayer[], sources?: { network?: string; arch?: string }): NetworkPlan {
    const n = layers.length;
    const inSlots = L.ARCH_LEN + n * L.LAYER_LEN, outSlots = planSlots(n);
    const base = this.#reserve((inSlots + outSlots) * 8);
    const mem = this.#exports.memory.buffer; // after #reserve: a memory.grow detaches earlier views
    const input = new Float64Array(mem, base, inSlots);
    input.set(archRecord.subarray(0, L.ARCH_LEN));
    packLayers(layers, input, L.ARCH_LEN);
    const outAt = base + inSlots * 8;
    this.#exports.gibbon_plan(base, base + L.ARCH_LEN * 8, n, outAt);
    const r = new Float64Array(this.#exports.memory.buffer, outAt, outSlots);
    throwIfFailed(r, 0, {
      layers: [], model: 'gibbon', pipeline: archRecord[L.A_PIPELINE] === 1, networkSource: sources?.network, archSource: sources?.arch,
      chip: { tileRows: archRecord[L.A_TILE_ROWS], tileCols: archRecord[L.A_TILE_COLS] },
    });
    const out: LayerPlan[] = new Array(n);
    for (let i = 0, o = L.RESULT_HEADER_LEN + L.PLAN_TOTALS_LEN; i < n; i++, o += L.LAYER_PLAN_LEN) {
      out[i] = {
        tiles: r[o + L.LP_TILES], pes: r[o + L.LP_PES], firstTile: r[o + L.LP_FIRST_TILE], hopsIn: r[o + L.LP_HOPS_IN], hopsOut: r[o + L.LP_HOPS_OUT],
        rowsUsed: r[o + L.LP_ROWS_USED], colsUsed: r[o + L.LP_COLS_USED], rowTiles: r[o + L.LP_ROW_TILES], colTiles: r[o + L.LP_COL_TILES],
        weightSlices: r[o + L.LP_WEIGHT_SLICES], inputCycles: r[o + L.LP_INPUT_CYCLES], pixelNs: r[o + L.LP_PIXEL_NS], nocNs: r[o + L.LP_NOC_NS],
      };
    }
    const t = L.RESULT_HEADER_LEN;
    return { tiles: r[t + L.PT_TILES], fits: r[t + L.PT_FITS] === 1, layers: out };
  }

  /** The converters and conversion steps of a PE of `arch` (options: the simulator model, as for a simulation); throws the kernel's error as a GibbonError. */
  pe(arch: ArchConfig, options?: SimOptionsAdvanced, source?: string): ResolvedPe {
    const base = this.#reserve((L.ARCH_LEN + L.RESULT_HEADER_LEN + L.PE_LEN) * 8);
    packArch(arch, options, new Float64Array(this.#exports.memory.buffer, base, L.ARCH_LEN));
    const outAt = base + L.ARCH_LEN * 8;
    this.#exports.gibbon_pe(base, outAt);
    const r = new Float64Array(this.#exports.memory.buffer, outAt, L.RESULT_HEADER_LEN + L.PE_LEN);
    throwIfFailed(r, 0, { layers: [], model: options?.model ?? 'gibbon', pipeline: options?.pipeline !== false, archSource: source });
    const o = L.RESULT_HEADER_LEN;
    return {
      dacChoice: r[o + L.PE_DAC_CHOICE], dacBits: r[o + L.PE_DAC_BITS], adcChoice: r[o + L.PE_ADC_CHOICE], adcBits: r[o + L.PE_ADC_BITS],
      dacPerGroup: r[o + L.PE_DAC_PER_GROUP], adcNum: r[o + L.PE_ADC_NUM], dacLatencyNs: r[o + L.PE_DAC_LATENCY_NS], adcLatencyNs: r[o + L.PE_ADC_LATENCY_NS],
    };
  }

  /** The plan of `layers` on `arch` (options: the simulator model and pipeline, as for a simulation). */
  plan(arch: ArchConfig, layers: readonly PackableLayer[], options?: SimOptionsAdvanced, sources?: { network?: string; arch?: string }): NetworkPlan {
    const record = new Float64Array(L.ARCH_LEN);
    packArch(arch, options, record);
    return this.planRecord(record, layers, sources);
  }

  /** Frees the planner's block of WASM memory. */
  dispose(): void {
    if (this.#ptr !== 0) this.#exports.gibbon_free(this.#ptr);
    this.#ptr = 0; this.#bytes = 0;
  }
}

let shared: LayerPlanner | undefined;

/**
 * The planner of this thread, on its own instance of the gibbon.wasm module this thread compiled
 * (compileModule, loadSimulator, loadSimulatorNode): synchronous, so that token building stays synchronous.
 */
export function defaultLayerPlanner(): LayerPlanner {
  if (shared !== undefined) return shared;
  const module = registeredKernelModule();
  if (module === undefined) {
    throw new GibbonError('E_KERNEL', 'the layer plan needs gibbon.wasm in this thread: load it first (loadSimulator or compileModule; loadSimulatorNode in Node)');
  }
  shared = new LayerPlanner(new WebAssembly.Instance(module, kernelImports()).exports as unknown as PlanExports);
  return shared;
}
