// How a conv/fc layer of a PimModel sits on the crossbars (docs/functional.md §4), for the plain
// TypeScript reference (reference.ts) only: a deliberately independent restatement of the kernel's
// packGroups() and weight slices (assembly/mapping.ts, assembly/pe.ts), so that test/pim/kernel.test.ts
// can check the functional simulator's kernel against a second implementation bit for bit. The
// simulators themselves share the kernel's rule (test/pim/properties.test.ts: the same row tiles and
// weight slices in both).
import type { PimHardware, PimMatrixLayer } from './types.ts';

export interface LayerGeometry {
  groups: number;
  gin: number;
  gout: number;
  k: number;
  /** Input channels per row tile. */
  ch: number;
  /** Row tiles per group. */
  tilesPerGroup: number;
  /** Groups sharing one crossbar as diagonal blocks (1 = not shared). */
  groupsPerXbar: number;
  /** Unrolled rows per group. */
  rowsPerGroup: number;
  slices: number;
  cycles: number;
  /** Crossbars along the rows, as the hardware model counts them (its `my`). */
  rowTiles: number;
}

/**
 * Crossbars of a grouped K x K conv laid out block-diagonally (assembly/mapping.ts packGroups): when one
 * group fits a crossbar, `groupsPerXbar` of them share one (a single row of crossbars); otherwise every
 * group gets its own row tiles and column tiles. `ch`: input channels per row tile.
 */
export function groupBlocks(xbarRows: number, xbarCols: number, kernel: number, inC: number, outC: number, groups: number): { ch: number; groupsPerXbar: number; rowTiles: number; colTiles: number } {
  const ch = Math.floor(xbarRows / (kernel * kernel));
  const gin = inC / groups, gout = outC / groups;
  if (gin <= ch && gout <= xbarCols) {
    const groupsPerXbar = Math.min(Math.floor(ch / gin), Math.floor(xbarCols / gout), groups);
    return { ch, groupsPerXbar, rowTiles: Math.ceil(groups / groupsPerXbar), colTiles: 1 };
  }
  return { ch, groupsPerXbar: 1, rowTiles: groups * Math.ceil(gin / ch), colTiles: Math.ceil(gout / xbarCols) };
}

/** Crossbar cells per weight: its magnitude bits (one fewer with signed, 2-polarity weights) over the cell bits. */
export function weightSlices(weightBits: number, polarity: number, cellBits: number): number {
  return Math.ceil((polarity === 2 ? weightBits - 1 : weightBits) / cellBits);
}

/** True when a grouped conv is cheaper dense (the block placement would need more crossbars). */
export function prefersDense(layer: PimMatrixLayer, hw: PimHardware): boolean {
  const g = layer.convGroups;
  if (g === 1) return false;
  const b = groupBlocks(hw.xbarRows, hw.xbarCols, layer.kernel, layer.inC, layer.outC, g);
  return b.rowTiles * b.colTiles > Math.ceil(layer.inC / b.ch) * Math.ceil(layer.outC / hw.xbarCols);
}

/**
 * The layer as the crossbars hold it: a grouped conv that is cheaper dense becomes a dense conv whose
 * weights are zero outside the group blocks (those zero cells are real cells: they can fail too).
 */
export function placeMatrixLayer(layer: PimMatrixLayer, hw: PimHardware): PimMatrixLayer {
  if (!prefersDense(layer, hw)) return layer;
  const g = layer.convGroups, k2 = layer.kernel * layer.kernel;
  const gin = layer.inC / g, gout = layer.outC / g;
  const dense = new Int32Array(layer.outC * layer.inC * k2);
  for (let co = 0; co < layer.outC; co++) {
    const gamma = Math.floor(co / gout);
    for (let ci = 0; ci < gin; ci++) for (let e = 0; e < k2; e++) {
      dense[(co * layer.inC + gamma * gin + ci) * k2 + e] = layer.weights[(co * gin + ci) * k2 + e];
    }
  }
  return { ...layer, convGroups: 1, weights: dense };
}

/** The geometry of a placed layer (call placeMatrixLayer first). */
export function layerGeometry(layer: PimMatrixLayer, hw: PimHardware): LayerGeometry {
  const k = layer.kernel, g = layer.convGroups;
  const gin = layer.inC / g, gout = layer.outC / g;
  // a dense layer (g = 1) comes out as one group: groupsPerXbar 1, rowTiles ceil(inC / ch)
  const { ch, groupsPerXbar, rowTiles } = groupBlocks(hw.xbarRows, hw.xbarCols, k, layer.inC, layer.outC, g);
  const w = layer.weightBits, a = layer.input.bits;
  return {
    groups: g, gin, gout, k, ch, tilesPerGroup: Math.ceil(gin / ch), groupsPerXbar, rowsPerGroup: gin * k * k,
    slices: weightSlices(w, hw.polarity, hw.cellBits),
    cycles: Math.ceil((a - 1) / hw.dacBits), rowTiles,
  };
}
