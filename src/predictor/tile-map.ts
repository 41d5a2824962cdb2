// The hardware simulator's mapping of a candidate onto the chip, in TypeScript, without running it
// (docs/predictor.md §1, tile features): tiles per layer (assembly/mapping.ts, mnsim-model.md §2.2), each
// layer's first tile (the tiles of all layers before it), and the hops into and out of the layer from the
// tile placement (assembly/chip.ts computeHops, mnsim-model.md §2.5). Only the arch fields the mapping
// reads enter; test/predictor/tile-map.test.ts checks every number against the simulator's per-layer records.

import * as L from '../../assembly/layout.ts';
import { MODEL_SWITCHES } from '../hw/abi.ts';
import type { ArchConfig, LayerType } from '../hw/types.ts';
import { groupBlocks, weightSlices } from '../pim/mapping.ts';

/** The arch fields the mapping and the placement read. */
export interface TileArch {
  xbarRows: number;
  xbarCols: number;
  polarity: number;
  cellBits: number;
  /** Crossbar groups per PE. */
  peGroups: number;
  pesPerTile: number;
  tileRows: number;
  tileCols: number;
  /** 0 row-major, 1 snake, 2 growing square, 3 zig-zag. */
  tileConnection: number;
  /** SW_* bitmask of the simulator model (the gibbon model: all). */
  switches: number;
  /** Inter-tile bandwidth in Gbit/s, i.e. bits per ns. */
  interTileGbps: number;
  /** Digital clock period in ns. */
  clockNs: number;
}

export function tileArchOf(arch: ArchConfig, switches: number = MODEL_SWITCHES.gibbon): TileArch {
  return {
    xbarRows: arch.xbar.rows, xbarCols: arch.xbar.cols, polarity: arch.xbar.polarity, cellBits: arch.device.cellBits,
    peGroups: arch.pe.groups, pesPerTile: arch.tile.peRows * arch.tile.peCols,
    tileRows: arch.chip.tileRows, tileCols: arch.chip.tileCols, tileConnection: arch.chip.tileConnection, switches,
    interTileGbps: arch.tile.interTileBandwidthGbps, clockNs: 1000 / arch.digital.frequencyMHz,
  };
}

/** The layer fields the mapping reads. */
export interface MappedLayer {
  type: LayerType;
  inChannels: number;
  outChannels: number;
  kernel: number;
  convGroups: number;
  weightBits: number;
}

export interface LayerPlacement {
  pes: number;
  /** Crossbar rows used (per crossbar; 0 for pool and add). */
  rowsUsed: number;
  /** Crossbar columns used (per crossbar; 0 for pool and add). */
  colsUsed: number;
  tiles: number;
  /** Order number of the layer's first tile: the tiles of all layers before it. */
  firstTile: number;
  hopsIn: number;
  hopsOut: number;
}

/** Weight slices per weight (assembly/pe.ts weightSlices); a simulator model without the cell-bits switch stores one bit per cell. */
function slicesOf(a: TileArch, weightBits: number): number {
  return weightSlices(weightBits, a.polarity, (a.switches & L.SW_CELL_BITS) !== 0 ? a.cellBits : 1);
}

/**
 * Crossbar row and column blocks of a K x K conv and the rows and columns it uses per crossbar
 * (assembly/mapping.ts packGroups: the cheaper of dense and block-diagonal; b groups of a block-diagonal
 * crossbar use b x (its channels) rows, a group too large to share one uses min(channels per crossbar, its channels)).
 */
function convBlocks(R: number, C: number, k: number, cin: number, cout: number, g: number, grouped: boolean): { rowTiles: number; colTiles: number; rowsUsed: number; colsUsed: number } {
  const dense = groupBlocks(R, C, k, cin, cout, 1);
  if (grouped) {
    const b = groupBlocks(R, C, k, cin, cout, g);
    if (b.rowTiles * b.colTiles <= dense.rowTiles * dense.colTiles) {
      return { rowTiles: b.rowTiles, colTiles: b.colTiles, rowsUsed: b.groupsPerXbar * Math.min(b.ch, cin / g) * k * k, colsUsed: Math.min(b.groupsPerXbar * (cout / g), C) };
    }
  }
  return { rowTiles: dense.rowTiles, colTiles: dense.colTiles, rowsUsed: Math.min(dense.ch, cin) * k * k, colsUsed: Math.min(cout, C) };
}

/** PEs, crossbar rows and columns used and tiles of one layer (assembly/mapping.ts mapLayer): tiles = ceil(PEs / PEs per tile), PEs = row blocks x column blocks. */
export function layerMapping(a: TileArch, l: MappedLayer): { pes: number; rowsUsed: number; colsUsed: number; tiles: number } {
  let pes = 0, rowsUsed = 0, colsUsed = 0;
  if (l.type === 'conv' || l.type === 'fc') {
    const sliceGroups = Math.ceil(slicesOf(a, l.weightBits) / a.peGroups);
    if (l.type === 'fc') {
      pes = Math.ceil(l.inChannels / a.xbarRows) * sliceGroups * Math.ceil(l.outChannels / a.xbarCols);
      rowsUsed = Math.min(l.inChannels, a.xbarRows);
      colsUsed = Math.min(l.outChannels, a.xbarCols);
    } else {
      const grouped = l.convGroups > 1 && (a.switches & L.SW_GROUPED_CONV) !== 0;
      const b = convBlocks(a.xbarRows, a.xbarCols, l.kernel, l.inChannels, l.outChannels, l.convGroups, grouped);
      pes = b.rowTiles * sliceGroups * b.colTiles;
      rowsUsed = b.rowsUsed;
      colsUsed = b.colsUsed;
    }
  } else if (l.type === 'pool') {
    pes = 1; // a pooling layer takes one whole tile
  }
  return { pes, rowsUsed, colsUsed, tiles: Math.ceil(pes / a.pesPerTile) };
}

export const layerTiles = (a: TileArch, l: MappedLayer): number => layerMapping(a, l).tiles;

/** Grid cell (x: row, y: column) of each tile order number, per grid and order (assembly/chip.ts buildOrder). */
const orders = new Map<string, { x: Int32Array; y: Int32Array }>();

function tileOrder(X: number, Y: number, order: number): { x: Int32Array; y: Int32Array } {
  const key = `${X}x${Y}:${order}`;
  const hit = orders.get(key);
  if (hit) return hit;
  const x = new Int32Array(X * Y), y = new Int32Array(X * Y);
  let o = 0;
  const place = (i: number, j: number) => { x[o] = i; y[o] = j; o++; };
  if (order === 0) {
    for (let i = 0; i < X; i++) for (let j = 0; j < Y; j++) place(i, j);
  } else if (order === 1) {
    for (let i = 0; i < X; i++) for (let k = 0; k < Y; k++) place(i, (i & 1) !== 0 ? Y - 1 - k : k);
  } else if (order === 2) {
    for (let s = 0; s < X; s++) {
      if ((s & 1) !== 0) {
        for (let i = 0; i <= s; i++) place(i, s);
        for (let j = s - 1; j >= 0; j--) place(s, j);
      } else {
        for (let j = 0; j <= s; j++) place(s, j);
        for (let i = s - 1; i >= 0; i--) place(i, s);
      }
    }
  } else {
    for (let d = 0; d <= X + Y - 2; d++) {
      const iLo = Math.max(0, d - (Y - 1)), iHi = Math.min(d, X - 1);
      if ((d & 1) !== 0) { for (let i = iLo; i <= iHi; i++) place(i, d - i); }
      else { for (let i = iHi; i >= iLo; i--) place(i, d - i); }
    }
  }
  const out = { x, y };
  orders.set(key, out);
  return out;
}

/**
 * Tiles, first tile and hops of every layer, as the simulator maps and places them (tiles numbered in
 * layer order; a layer sits at the cell of its tiles that is nearest, in the worst case, to its own tiles
 * and its successors'; an add runs on the global accumulator at (X/2, 0)). `inputs[l]` are layer l's
 * absolute producer indices (-1: the network input). A network that needs more tiles than the chip has
 * does not fit the simulator; here its tiles past the grid sit at the last cell.
 */
export function layerPlacements(a: TileArch, layers: readonly MappedLayer[], inputs: readonly (readonly number[])[]): LayerPlacement[] {
  const n = layers.length, X = a.tileRows, Y = a.tileCols;
  const { x: posX, y: posY } = tileOrder(X, Y, a.tileConnection);
  const lastCell = X * Y - 1;
  const halfX = X / 2;
  const tiles = new Int32Array(n), first = new Int32Array(n), pes = new Float64Array(n), rows = new Float64Array(n), cols = new Float64Array(n);
  let total = 0;
  for (let l = 0; l < n; l++) {
    const m = layerMapping(a, layers[l]);
    tiles[l] = m.tiles; pes[l] = m.pes; rows[l] = m.rowsUsed; cols[l] = m.colsUsed; first[l] = total; total += m.tiles;
  }
  // Extremes of u = x + y and v = x - y over each layer's tiles (4 per layer: minU, maxU, minV, maxV), then
  // over its successors' tiles: the farthest Manhattan distance from a cell is taken through them.
  // scanFirst: the row-major grid index of the layer's tile that a row-major scan meets first (an add
  // measures its hops from that tile of each successor, as assembly/chip.ts does).
  const own = new Float64Array(4 * n), succ = new Float64Array(4 * n), scanFirst = new Int32Array(n);
  for (let l = 0; l < n; l++) {
    let minU = Infinity, maxU = -Infinity, minV = Infinity, maxV = -Infinity, minIdx = X * Y;
    for (let o = first[l], end = first[l] + tiles[l]; o < end; o++) {
      const c = o < lastCell ? o : lastCell, u = posX[c] + posY[c], v = posX[c] - posY[c];
      if (u < minU) minU = u; if (u > maxU) maxU = u; if (v < minV) minV = v; if (v > maxV) maxV = v;
      minIdx = Math.min(minIdx, posX[c] * Y + posY[c]);
    }
    scanFirst[l] = minIdx;
    own[4 * l] = minU; own[4 * l + 1] = maxU; own[4 * l + 2] = minV; own[4 * l + 3] = maxV;
    succ[4 * l] = Infinity; succ[4 * l + 1] = -Infinity; succ[4 * l + 2] = Infinity; succ[4 * l + 3] = -Infinity;
  }
  const successors = new Int32Array(n), notAllAdd = new Uint8Array(n), globalHops = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const isAdd = layers[j].type === 'add';
    for (const q of inputs[j]) {
      if (q < 0) continue;
      successors[q]++;
      if (!isAdd) notAllAdd[q] = 1;
      if (tiles[j] > 0) {
        succ[4 * q] = Math.min(succ[4 * q], own[4 * j]); succ[4 * q + 1] = Math.max(succ[4 * q + 1], own[4 * j + 1]);
        succ[4 * q + 2] = Math.min(succ[4 * q + 2], own[4 * j + 2]); succ[4 * q + 3] = Math.max(succ[4 * q + 3], own[4 * j + 3]);
        const idx = scanFirst[j];
        globalHops[q] = Math.max(globalHops[q], Math.abs(Math.floor(idx / Y) - halfX) + idx % Y);
      }
    }
  }
  const out: LayerPlacement[] = [];
  for (let l = 0; l < n; l++) {
    const t = tiles[l];
    if (t === 0) { out.push({ pes: 0, rowsUsed: 0, colsUsed: 0, tiles: 0, firstTile: first[l], hopsIn: 0, hopsOut: globalHops[l] }); continue; }
    const last = successors[l] === 0;
    const branchOut = !last && notAllAdd[l] === 0;
    const minU = own[4 * l], maxU = own[4 * l + 1], minV = own[4 * l + 2], maxV = own[4 * l + 3];
    const sMinU = succ[4 * l], sMaxU = succ[4 * l + 1], sMinV = succ[4 * l + 2], sMaxV = succ[4 * l + 3];
    const towardSucc = !last && !branchOut && sMaxU >= sMinU;
    // The simulator scans from a running minimum of 1000 (strict <), ties to the lowest row-major index.
    let best = 1000, bestIdx = -1, bestIn = 0, bestOut = 0;
    for (let o = first[l], end = first[l] + t; o < end; o++) {
      const c = o < lastCell ? o : lastCell, px = posX[c], py = posY[c];
      const u = px + py, v = px - py;
      const din = t === 1 ? 0 : Math.max(maxU - u, u - minU, maxV - v, v - minV);
      let dout = 0;
      if (branchOut) dout = Math.abs(px - halfX) + py;
      else if (towardSucc) dout = Math.max(sMaxU - u, u - sMinU, sMaxV - v, v - sMinV);
      const cost = din + dout, idx = px * Y + py;
      if (cost < best || (cost === best && bestIdx >= 0 && idx < bestIdx)) {
        best = cost; bestIdx = idx; bestIn = din; bestOut = dout;
      }
    }
    out.push({ pes: pes[l], rowsUsed: rows[l], colsUsed: cols[l], tiles: t, firstTile: first[l], hopsIn: bestIn, hopsOut: last ? 0 : bestOut });
  }
  return out;
}

/**
 * NoC time of one output pixel in ns (assembly/simulate.ts): sending the pixel on, hops out x (output
 * channels x bits / bandwidth), plus for conv and fc merging the PEs' partial outputs, hops in x (clock +
 * columns x PEs in a tile x bits / bandwidth).
 */
export function nocNsPerPixel(a: TileArch, l: MappedLayer & { outputBits: number }, p: LayerPlacement): number {
  const transfer = p.hopsOut * (l.outChannels * l.outputBits / a.interTileGbps);
  if (l.type !== 'conv' && l.type !== 'fc') return transfer;
  return transfer + p.hopsIn * (a.clockNs + p.colsUsed * Math.min(p.pes, a.pesPerTile) * l.outputBits / a.interTileGbps);
}
