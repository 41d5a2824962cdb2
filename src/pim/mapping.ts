// How a conv/fc layer of a PimModel sits on the crossbars (docs/functional.md §4): the same rule as
// the hardware simulator's packGroups() (assembly/mapping.ts); test/pim/mapping.test.ts checks that
// both simulators count the same row tiles and weight slices.
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

/** True when a grouped conv is cheaper dense (the block placement would need more crossbars). */
export function prefersDense(layer: PimMatrixLayer, hw: PimHardware): boolean {
  const g = layer.convGroups;
  if (g === 1) return false;
  const k2 = layer.kernel * layer.kernel, ch = Math.floor(hw.xbarRows / k2);
  const gin = layer.inC / g, gout = layer.outC / g;
  let grouped: number;
  if (gin <= ch && gout <= hw.xbarCols) {
    const b = Math.min(Math.floor(ch / gin), Math.floor(hw.xbarCols / gout), g);
    grouped = Math.ceil(g / b);
  } else grouped = g * Math.ceil(gin / ch) * Math.ceil(gout / hw.xbarCols);
  return grouped > Math.ceil(layer.inC / ch) * Math.ceil(layer.outC / hw.xbarCols);
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
  const ch = Math.floor(hw.xbarRows / (k * k));
  let groupsPerXbar = 1, rowTiles: number;
  if (g > 1 && gin <= ch && gout <= hw.xbarCols) {
    groupsPerXbar = Math.min(Math.floor(ch / gin), Math.floor(hw.xbarCols / gout), g);
    rowTiles = Math.ceil(g / groupsPerXbar);
  } else rowTiles = g * Math.ceil(gin / ch);
  const w = layer.weightBits, a = layer.input.bits;
  return {
    groups: g, gin, gout, k, ch, tilesPerGroup: Math.ceil(gin / ch), groupsPerXbar, rowsPerGroup: gin * k * k,
    slices: hw.polarity === 2 ? Math.ceil((w - 1) / hw.cellBits) : Math.ceil(w / hw.cellBits),
    cycles: Math.ceil((a - 1) / hw.dacBits), rowTiles,
  };
}
