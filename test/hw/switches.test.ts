// The `gibbon` model's corrections, one switch at a time (docs/model.md, assembly/layout.ts SW_*). Each test
// runs a one- or two-layer network with `switches` = that bit only and checks tiles, one layer's area and
// energy (and latency where the switch moves it) against values worked out by hand from the formulas of
// mnsim-model.md §2-§3. No project code computes an expected value: every constant below is a number from
// the spec's tables, and the arithmetic is written out with its derivation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simulator, zooLayers, arch, close } from '../helpers.ts';
import { resolveNetwork } from '../../src/hw/network.ts';
import { applySets, MNSIM_DEFAULT_ARCH } from '../../src/hw/arch.ts';
import { GibbonError } from '../../src/util/errors.ts';
import * as L from '../../assembly/layout.ts';
import type { LayerSpec, ResolvedLayer, SimResult } from '../../src/hw/types.ts';

const TOL = 1e-12; // hand arithmetic and the kernel sum the same terms in a different order

function net(layers: LayerSpec[]): ResolvedLayer[] {
  return resolveNetwork({ name: 'hand', layers }, 'network hand').layers;
}

// ===== Technology constants of the mnsim-default preset, per instance (mnsim-model.md §3) =====
// §3.1: V_eff² = 0.9·0² + 0.1·0.15² V², G_eff = 0.67/1 MΩ + 0.33/10 kΩ  ->  P_cell = 7.57575e-8 W
const P_CELL = (0.9 * 0 ** 2 + 0.1 * 0.15 ** 2) * (0.67 / 1e6 + 0.33 / 1e4);
// §3.2: area R·C·1.44 + 1150·R µm²; latency 3.16 + 0.001·(2e-4·S² + 5e-6·S + 4e-14) ns, S = R·C/8192
const A_XBAR256 = 256 * 256 * 1.44 + 1150 * 256; // 388 771.84 µm²
const A_XBAR128 = 128 * 128 * 1.44 + 1150 * 128; // 170 792.96 µm²
const A_XBAR32 = 32 * 32 * 1.44 + 1150 * 32; // 38 274.56 µm²
const T_XBAR256 = 3.16 + 0.001 * (2e-4 * 8 ** 2 + 5e-6 * 8 + 4e-14); // S = 8 KB: 3.16001284 ns
const T_XBAR128 = 3.16 + 0.001 * (2e-4 * 2 ** 2 + 5e-6 * 2 + 4e-14); // S = 2 KB
const T_XBAR32 = 3.16 + 0.001 * (2e-4 * 0.125 ** 2 + 5e-6 * 0.125 + 4e-14); // S = 0.125 KB
// §3.3 DAC choice 1 (1 bit): 0.166 µm², 3.9e-6 W, (1+2)/1 = 3 ns. Choice 6 (8 bit): 21.248 µm², 0.4992 W, 10 ns.
// §3.4 ADC choice 6 (6 bit): 1650 µm², 1.26e-3 W, (6+2)/1 = 8 ns.
// §3.5 digital, s(t) = (t/65)²: reg 45 nm, shift register 65 nm, 8-bit joint module 45 nm, adder 45 nm.
const S45 = (45 / 65) ** 2;
const REG_A = 1.4256 * S45, REG_P = 18.8e-9 * S45;
const SHIFT_A = 1.42, SHIFT_P = 8.1e-7;
const JM_A = 353.76 * S45, JM_P = 2.64e-4 * S45;
const ADDER_A_BIT = 0.2835, ADDER_P_BIT = 2.5e-9; // per bit
// 2:1 mux/demux (also used for a 1:1 ratio) at 130 nm: 8 transistors, 8·10·130²/1e6 µm², 8·1.2e-8 W
const MUX_A = 8 * 10 * 130 ** 2 / 1e6, MUX_P = 8 * 1.2e-8;
// §3.11: m = 1 + base-8 digits of ceil(subarray/DAC_Num) (2 or 1 here) = 2 levels, per analog operation
const DEC_NS = 2 * 0.27933, MUX_NS = 2 * 0.032744;
const CLK = 2; // 500 MHz
// §3.7 pooling module: 64 units, 3x3 window, 65 nm
const POOL_A = 91917.1562, POOL_P = 3.082e-3;
// §3.6 / Appendix B: SRAM <= 2 KB, 64-bit bus, 90 nm. Every PE and tile buffer below is <= 2 KB.
const BUF_A = 0.0405803e6;
const BUF_R = (0.0075695 / 20 * 1e3 + 1.006428) * 1e-3; // 1.384903 mW
const BUF_W = (0.0131361 / 20 * 1e3 + 1.006428) * 1e-3; // 1.663233 mW

// §3.9: the default PE (256x256, polarity 2, 1 group, 128 DACs and 128 ADCs) and tile (2x2 PEs,
// 3·128 = 384 joint modules, tile buffer, pooling module).
const PE256 = 2 * A_XBAR256 + 128 * 1650 + 128 * 0.166 + 128 * SHIFT_A + (128 + 128) * REG_A + (128 + 128) * MUX_A + BUF_A;
const TILE256 = 4 * PE256 + 384 * JM_A + BUF_A + POOL_A;

test('hand constants reproduce the spec unit checks (mnsim-model.md §6.2)', () => {
  close(P_CELL, 7.57575e-8, 1e-12, 'P_cell');
  close(T_XBAR256, 3.16001284, 1e-12, 't_xbar');
  close(A_XBAR256, 388771.84, 1e-12, 'A_xbar');
  close(PE256, 1030048.0186, 1e-10, 'A_PE');
  close(TILE256, 4317798.1166, 1e-10, 'A_tile');
  close(BUF_R, 1.384903e-3, 1e-12, 'PE buffer read power');
  close(BUF_W, 1.663233e-3, 1e-12, 'PE buffer write power');
});

function only(r: SimResult, i = 0) {
  return r.layers[i];
}

// ===== The hand-analyzable conv used by several tests =====
// conv 8 -> 64, 3x3, pad 0, on a 3x3 input: one output pixel. On 256x256 crossbars:
//   channels per crossbar floor(256/9) = 28 -> 1 row block; rows used 8·9 = 72; columns used 64.
//   MNSIM: 9-bit weights, polarity 2 -> 8 one-bit slices -> mx = 8, PEs 8, tiles ceil(8/4) = 2, max_PE 4.
// Per pixel with n analog cycles (mt = n · ceil(72/128) · ceil(64/128) = n):
//   t_xbar = n·T_XBAR, t_DAC = 3n, t_ADC = 8n, t_demux = n·DEC_NS, t_mux = n·MUX_NS,
//   t_iReg = 1·1·2 + 2n, t_shift = 2n, t_oReg = 2, t_JM = ceil(log2 4)·2 = 4.
// Per PE (demux 256/128 = 2, mux 256/128 = 2): DACs ceil(72/2) = 36, ADCs ceil(64/2) = 32,
//   P_xbar = 2·72·64·P_cell/(2·2).
// Buffers, pipelined first pixel: PE write 8 ch·9 bit/8 = 9 B x 3x3 = 81 B -> ceil(648/64)·20 = 220 ns; PE read
//   72·9/8 = 81 B -> 220 ns; tile write (6+2)·64·4/8 = 256 B -> 640 ns; tile read 64·9·4/8 = 288 B -> 720 ns.
const CONV8x64: LayerSpec = { type: 'conv', inChannels: 8, inSize: [3, 3], outChannels: 64, kernel: 3, padding: 0 };

/** Energy of one PE of the conv8x64 layer over its pixel, for n input cycles (nJ = W·ns). */
function conv8x64PeEnergy(n: number): number {
  const pXbar = 2 * 72 * 64 * P_CELL / (2 * 2);
  return pXbar * n * T_XBAR256 + 36 * 3.9e-6 * 3 * n + 32 * 1.26e-3 * 8 * n
    + 36 * MUX_P * n * DEC_NS + 32 * MUX_P * n * MUX_NS
    + 36 * REG_P * (2 + 2 * n) + 32 * REG_P * 2 + 32 * SHIFT_P * 2 * n;
}
/** Layer energy: PEs, joint modules ((4-1)·32 per tile, 4 ns) and buffers (5 per tile: 4 PE + 1 tile buffer). */
function conv8x64Energy(n: number, tiles: number): number {
  return tiles * 4 * conv8x64PeEnergy(n) + tiles * 3 * 32 * JM_P * 4
    + tiles * 5 * BUF_R * (220 + 720) + tiles * 5 * BUF_W * (220 + 640);
}
/** One-pixel latency: analog + digital + H-tree + tile buffer + merge (hops·(2 + 64·4·9/20)) + PE buffers. */
function conv8x64Latency(n: number, hopsIn: number): number {
  const tIntra = (2 * (6 + 2) - 2 * 3 / 2) * 64 / 1024; // L = log2 4 = 2, merge = 2
  return n * T_XBAR256 + 3 * n + 8 * n + (2 + 2 * n) + 2 * n + n * DEC_NS + n * MUX_NS + 2
    + 4 + tIntra + 640 + 720 + hopsIn * (2 + 64 * 4 * 9 / 20) + 220 + 220;
}

test('switches = 0: the hand-worked conv8x64 baseline (MNSIM-2.0 exactly)', async () => {
  const r = (await simulator()).simulate(net([CONV8x64]), arch(), { switches: 0 });
  const l = only(r);
  assert.equal([l.tiles, l.pes, l.weightSlices, l.inputCycles, l.rowsUsed, l.colsUsed, l.hopsIn], [2, 8, 8, 9, 72, 64, 1]);
  close(l.areaUm2, 2 * TILE256, TOL, 'area');
  close(l.energyNj, conv8x64Energy(9, 2), TOL, 'energy');
  // 2 tiles at (0,0) and (0,1) of the growing square: inLayer = 1 hop.
  close(r.totals.latencyNs, conv8x64Latency(9, 1), TOL, 'latency');
});

// ===== SW_CELL_BITS =====

test('SW_CELL_BITS: 2-bit cells hold 9-bit weights in ceil(8/2) = 4 slices, not 8: PEs and tiles halve', async () => {
  const a = arch('mnsim-default', ['device.cellBits=2']);
  const sim = await simulator();
  const on = sim.simulate(net([CONV8x64]), a, { switches: L.SW_CELL_BITS });
  const off = sim.simulate(net([CONV8x64]), a, { switches: 0 });
  const l = only(on);
  // mx = 4 slices x ceil(64/256) = 4 PEs -> 1 tile (max_PE still 4), a single tile: inLayer 0.
  assert.equal([l.weightSlices, l.colTiles, l.rowTiles, l.pes, l.tiles, l.hopsIn], [4, 4, 1, 4, 1, 0]);
  assert.equal([only(off).weightSlices, only(off).pes, only(off).tiles], [8, 8, 2], 'MNSIM ignores the cell bits');
  close(l.areaUm2, 1 * TILE256, TOL, 'area: one default tile');
  // Same tile power, half the tiles: every term of the energy halves.
  close(l.energyNj, conv8x64Energy(9, 1), TOL, 'energy');
  close(l.energyNj, only(off).energyNj / 2, TOL, 'energy is half of MNSIM\'s');
  close(on.totals.latencyNs, conv8x64Latency(9, 0), TOL, 'latency: no merge hop with one tile');
  assert.ok(on.totals.latencyNs < off.totals.latencyNs && l.areaUm2 < only(off).areaUm2);
  assert.is(on.totals.xbars, 8); // 1 tile x 4 PEs x 1 group x 2 (polarity): 4 crossbar pairs
  assert.is(off.totals.xbars, 16); // 8 crossbar pairs
});

test('SW_CELL_BITS with 1-bit cells changes nothing (the switch is a no-op at the MNSIM default)', async () => {
  const sim = await simulator();
  const on = sim.simulate(net([CONV8x64]), arch(), { switches: L.SW_CELL_BITS });
  const off = sim.simulate(net([CONV8x64]), arch(), { switches: 0 });
  assert.equal(on.totals, off.totals);
});

// ===== SW_SIGNED_INPUT_CYCLES =====

test('SW_SIGNED_INPUT_CYCLES: 9-bit activations with a 1-bit DAC take ceil(8/1) = 8 cycles, not 9', async () => {
  const sim = await simulator();
  const on = sim.simulate(net([CONV8x64]), arch(), { switches: L.SW_SIGNED_INPUT_CYCLES });
  const off = sim.simulate(net([CONV8x64]), arch(), { switches: 0 });
  const l = only(on);
  assert.equal([l.inputCycles, only(off).inputCycles], [8, 9]);
  assert.equal([l.tiles, l.pes], [2, 8], 'the mapping does not change');
  close(l.areaUm2, 2 * TILE256, TOL, 'area unchanged');
  close(l.energyNj, conv8x64Energy(8, 2), TOL, 'energy');
  close(on.totals.latencyNs, conv8x64Latency(8, 1), TOL, 'latency');
  // Every per-cycle term of the pixel latency scales by 8/9: the difference is one cycle's worth.
  const oneCycle = T_XBAR256 + 3 + 8 + 2 + 2 + DEC_NS + MUX_NS;
  close(off.totals.latencyNs - on.totals.latencyNs, oneCycle, 1e-9, 'latency saved = one analog cycle');
  // The ADC energy (the dominant per-cycle term) scales by exactly 8/9.
  close(l.energyNjByComponent.adc, only(off).energyNjByComponent.adc * 8 / 9, TOL, 'ADC energy x 8/9');
  close(l.energyNjByComponent.adc, 8 * 32 * 1.26e-3 * 8 * 8, TOL, 'ADC energy: 8 PEs x 32 ADCs x 1.26 mW x 8 cycles x 8 ns');
  assert.ok(l.energyNj < only(off).energyNj);
});

test('SW_SIGNED_INPUT_CYCLES with a 2-bit DAC: ceil(8/2) = 4 cycles instead of ceil(9/2) = 5', async () => {
  const sim = await simulator();
  const a = arch('mnsim-default', ['dac.bits=2']);
  assert.is(only(sim.simulate(net([CONV8x64]), a, { switches: L.SW_SIGNED_INPUT_CYCLES })).inputCycles, 4);
  assert.is(only(sim.simulate(net([CONV8x64]), a, { switches: 0 })).inputCycles, 5);
});

// ===== SW_COUNT_ADDERS =====

test('SW_COUNT_ADDERS: the cross-group adder energy is in the layer energy (2 crossbar groups per PE)', async () => {
  const a = arch('mnsim-default', ['pe.groups=2']);
  const sim = await simulator();
  const on = sim.simulate(net([CONV8x64]), a, { switches: L.SW_COUNT_ADDERS });
  const off = sim.simulate(net([CONV8x64]), a, { switches: 0 });
  const l = only(on);
  // 8 slices over 2 groups per PE: mx = ceil(8/2) = 4 PEs -> 1 tile, max_group 2.
  assert.equal([l.pes, l.tiles, l.weightSlices], [4, 1, 8]);
  // PE: 2 groups x 2 crossbars, 256 DACs, 256 ADCs, adder tree of 1 adder per ADC of a group (128 x 8 bit),
  // 256 shift registers, 512 registers, 512 muxes, input buffer. Tile: 3 x 256 = 768 joint modules.
  const pe = 4 * A_XBAR256 + 256 * 1650 + 256 * 0.166 + 128 * 1 * 8 * ADDER_A_BIT + 256 * SHIFT_A
    + 512 * REG_A + 512 * MUX_A + BUF_A;
  const tile = 4 * pe + 768 * JM_A + BUF_A + POOL_A;
  close(l.areaUm2, tile, TOL, 'area');
  close(only(off).areaUm2, tile, TOL, 'the adders\' area is counted by MNSIM too');
  // Per PE (g = 2): DACs 2·36 = 72, ADCs 2·32 = 64, P_xbar = 2·2·72·64·P_cell/4,
  // P_adder = (2-1)·ceil(64/2)·8·2.5e-9 W over t_adder = ceil(64/128)·ceil(log2 2)·2 = 2 ns.
  const pXbar = 2 * 2 * 72 * 64 * P_CELL / 4;
  const pAdder = 1 * 32 * 8 * ADDER_P_BIT;
  const ePeNoAdder = pXbar * 9 * T_XBAR256 + 72 * 3.9e-6 * 27 + 64 * 1.26e-3 * 72
    + 72 * MUX_P * 9 * DEC_NS + 64 * MUX_P * 9 * MUX_NS + 72 * REG_P * 20 + 64 * REG_P * 2 + 64 * SHIFT_P * 18;
  // Buffers: PE buffer 81 B / 4 PEs -> 32 B, tile buffer 2·72 B -> 256 B, both <= 2 KB; same traffic as above.
  const rest = 3 * 32 * JM_P * 4 + 5 * BUF_R * (220 + 720) + 5 * BUF_W * (220 + 640);
  close(l.energyNj, 4 * (ePeNoAdder + pAdder * 2) + rest, TOL, 'energy with the adders');
  close(only(off).energyNj, 4 * ePeNoAdder + rest, TOL, 'MNSIM: adder energy left out');
  close(l.energyNjByComponent.adder, 4 * pAdder * 2, TOL, 'adder energy: 4 PEs x 32 adders x 20 nW x 2 ns');
  assert.is(only(off).energyNjByComponent.adder, 0);
  assert.ok(l.energyNj > only(off).energyNj);
  // The adder's latency is in both models: t_adder = 2 ns.
  close(on.totals.latencyNs, off.totals.latencyNs, 0, 'latency unchanged');
});

test('SW_COUNT_ADDERS: an element-wise add and the global accumulator enter the totals', async () => {
  // conv 8->16 1x1 and conv 16->16 1x1 on 2x2, then add [-1, -2]: 4 pixels of 16 channels, 2 inputs.
  const layers = net([
    { type: 'conv', inChannels: 8, inSize: [2, 2], outChannels: 16, kernel: 1 },
    { type: 'conv', inChannels: 16, inSize: [2, 2], outChannels: 16, kernel: 1 },
    { type: 'add', inputs: [-1, -2] },
  ]);
  const sim = await simulator();
  const on = sim.simulate(layers, arch(), { switches: L.SW_COUNT_ADDERS });
  const off = sim.simulate(layers, arch(), { switches: 0 });
  // §2.6: global buffer 16 ch·9 bit·2 inputs/8 = 36 B -> 64 B = 0.0625 KB; adders floor(16·2/2) = 16 of max(8, 9) = 9 bits.
  assert.equal([on.totals.globalBufKB, on.totals.globalAdders], [0.0625, 16]);
  const globalArea = 16 * 9 * ADDER_A_BIT + BUF_A;
  // Per pixel: 16 adders x 9 bits x 2.5 nW for one 2 ns clock, and global-buffer read + write of
  // 2·9·16/8 = 36 B -> ceil(288/64)·20 = 100 ns each, at the <= 2 KB read/write powers. 4 pixels.
  const addEnergy = 16 * 9 * ADDER_P_BIT * CLK * 4 + (BUF_R + BUF_W) * 100 * 4;
  const add = on.layers[2];
  assert.equal([add.tiles, add.areaUm2], [0, 0]);
  close(add.energyNj, addEnergy, TOL, 'add-layer energy');
  close(add.powerW, 16 * 9 * ADDER_P_BIT + BUF_R + BUF_W, TOL, 'add-layer power');
  close(add.pixelLatencyNs, 10 + 2 * 100, TOL, 'add pixel: 10 ns + buffer read + write');
  assert.equal([off.layers[2].energyNj, off.layers[2].powerW], [0, 0], 'MNSIM: the add costs nothing');
  close(on.totals.areaUm2, off.totals.areaUm2 + globalArea, TOL, 'total area + global accumulator');
  close(on.totals.energyNj, off.totals.energyNj + addEnergy, TOL, 'total energy + add energy');
  // Both models show the accumulator in the breakdown (MNSIM prints it there).
  close(off.areaUm2ByComponent.globalAccumulator, globalArea, TOL, 'MNSIM breakdown');
  close(off.energyNjByComponent.globalAccumulator, addEnergy, TOL, 'MNSIM breakdown energy');
  for (const i of [0, 1]) {
    close(on.layers[i].areaUm2, off.layers[i].areaUm2, 0, `layer ${i} area`);
    close(on.layers[i].energyNj, off.layers[i].energyNj, 0, `layer ${i} energy (groups = 1: no adder tree)`);
  }
});

test('SW_COUNT_ADDERS on resnet18: global buffer 7.5 KB and 1920 adders in the total area (spec §2.6)', async () => {
  const sim = await simulator();
  const on = sim.simulate(zooLayers('resnet18'), arch(), { switches: L.SW_COUNT_ADDERS });
  const off = sim.simulate(zooLayers('resnet18'), arch(), { switches: 0 });
  for (const r of [on, off]) assert.equal([r.totals.globalBufKB, r.totals.globalAdders], [7.5, 1920]);
  // 1920 adders of 9 bits at 45 nm, and a <= 8 KB 64-bit 90 nm SRAM of 0.156974886 mm².
  const globalArea = 1920 * 9 * ADDER_A_BIT + 0.156974886e6;
  const sumLayers = (r: SimResult) => r.layers.reduce((s, l) => s + l.areaUm2, 0);
  close(on.totals.areaUm2, sumLayers(on) + globalArea, TOL, 'gibbon: layers + global accumulator');
  close(off.totals.areaUm2, sumLayers(off), TOL, 'MNSIM: layers only');
  close(on.areaUm2ByComponent.globalAccumulator, globalArea, TOL, 'breakdown');
  assert.is(on.totals.tiles, off.totals.tiles);
  assert.ok(on.totals.energyNj > off.totals.energyNj);
});

// ===== SW_GROUPED_CONV =====

test('SW_GROUPED_CONV: conv 32->256, 8 groups, 128x128 crossbars: 3 groups per crossbar, block-diagonal', async () => {
  const layer: LayerSpec = { type: 'conv', inChannels: 32, inSize: [3, 3], outChannels: 256, kernel: 3, padding: 0, convGroups: 8 };
  const a = arch('mnsim-default', ['xbar.size=128']);
  const sim = await simulator();
  const on = sim.simulate(net([layer]), a, { switches: L.SW_GROUPED_CONV });
  const off = sim.simulate(net([layer]), a, { switches: 0 });
  // A group is 4 input channels (36 rows) -> 32 outputs. floor(128/9) = 14 channels per crossbar:
  // b = min(floor(14/4), floor(128/32), 8) = 3 groups per crossbar, on the diagonal: 108 rows x 96 columns.
  // Row blocks ceil(8/3) = 3; column blocks = 8 slices x 1 -> 24 PEs, 6 tiles.
  const l = only(on);
  assert.equal([l.rowTiles, l.colTiles, l.pes, l.tiles, l.rowsUsed, l.colsUsed], [3, 8, 24, 6, 108, 96]);
  // Dense (MNSIM): row blocks ceil(32/14) = 3, columns ceil(256/128) = 2 x 8 slices -> 48 PEs, 12 tiles.
  const d = only(off);
  assert.equal([d.rowTiles, d.colTiles, d.pes, d.tiles, d.rowsUsed, d.colsUsed], [3, 16, 48, 12, 126, 128]);
  // Tile with 128x128 crossbars, 128 DACs and 128 ADCs (ratios 1:1), buffers <= 2 KB.
  const tile128 = 4 * (2 * A_XBAR128 + 128 * 1650 + 128 * 0.166 + 128 * SHIFT_A + 256 * REG_A + 256 * MUX_A + BUF_A)
    + 384 * JM_A + BUF_A + POOL_A;
  close(l.areaUm2, 6 * tile128, TOL, 'area: 6 tiles');
  close(d.areaUm2, 12 * tile128, TOL, 'dense area: 12 tiles');
  // Energy, 1 pixel, mt = 9·ceil(108/128)·ceil(96/128) = 9. Per PE: DACs ceil(108/1) = 108, ADCs 96,
  // P_xbar = 2·108·96·P_cell. Buffers: 12 ch per PE x 9 bit/8 = 13.5 B x 3x3 = 121.5 B -> 16 cycles = 320 ns
  // (write), 108·9/8 = 121.5 B -> 320 ns (read); tile write (6+2)·96·4/8 = 384 B -> 960 ns, read 96·9·4/8 = 432 B -> 1080 ns.
  const ePe = 2 * 108 * 96 * P_CELL * 9 * T_XBAR128 + 108 * 3.9e-6 * 27 + 96 * 1.26e-3 * 72
    + 108 * MUX_P * 9 * DEC_NS + 96 * MUX_P * 9 * MUX_NS + 108 * REG_P * 20 + 96 * REG_P * 2 + 96 * SHIFT_P * 18;
  const energy = 24 * ePe + 6 * 3 * 96 * JM_P * 4 + 6 * 5 * BUF_R * (320 + 1080) + 6 * 5 * BUF_W * (320 + 960);
  close(l.energyNj, energy, TOL, 'energy');
  // 6 tiles (0,0),(0,1),(1,1),(1,0),(2,0),(2,1): the best aggregation tile is 2 hops from the farthest.
  const tIntra = (2 * (6 + 2) - 3) * 96 / 1024;
  const latency = 9 * T_XBAR128 + 27 + 72 + 20 + 18 + 9 * DEC_NS + 9 * MUX_NS + 2 + 4 + tIntra + 960
    + 1080 + 2 * (2 + 96 * 4 * 9 / 20) + 320 + 320;
  assert.is(l.hopsIn, 2);
  close(on.totals.latencyNs, latency, TOL, 'latency');
  assert.ok(l.energyNj < d.energyNj && l.areaUm2 < d.areaUm2 && on.totals.latencyNs < off.totals.latencyNs);
  // Same weights (9·4·256 per slice and polarity), half the crossbars: utilization doubles.
  close(l.utilizationFrac, 9 * 4 * 256 * 8 * 2 / (6 * 4 * 2 * 128 * 128), TOL, 'utilization');
  close(l.utilizationFrac, 2 * d.utilizationFrac, TOL, 'utilization x 2');
});

test('SW_GROUPED_CONV: a group wider than a crossbar is mapped alone (conv 32->512, 2 groups, 128x128)', async () => {
  const layer: LayerSpec = { type: 'conv', inChannels: 32, inSize: [3, 3], outChannels: 512, kernel: 3, padding: 0, convGroups: 2 };
  const a = arch('mnsim-default', ['xbar.size=128']);
  const sim = await simulator();
  // A group is 16 channels > 14 per crossbar: each group alone, ceil(16/14) = 2 row blocks x ceil(256/128) = 2
  // column blocks x 8 slices: 2·2 x 16 = 64 PEs (16 tiles); rows min(14,16)·9 = 126, columns 128.
  const l = only(sim.simulate(net([layer]), a, { switches: L.SW_GROUPED_CONV }));
  assert.equal([l.rowTiles, l.colTiles, l.pes, l.tiles, l.rowsUsed, l.colsUsed], [4, 16, 64, 16, 126, 128]);
  // Dense: ceil(32/14) = 3 row blocks x 4 column blocks x 8 slices = 96 PEs (24 tiles).
  const d = only(sim.simulate(net([layer]), a, { switches: 0 }));
  assert.equal([d.rowTiles, d.colTiles, d.pes, d.tiles], [3, 32, 96, 24]);
});

test('SW_GROUPED_CONV falls back to dense when the blocks would need more crossbars (conv 64->64, 4 groups, 128x128)', async () => {
  const layer: LayerSpec = { type: 'conv', inChannels: 64, inSize: [4, 4], outChannels: 64, kernel: 3, padding: 1, convGroups: 4 };
  const a = arch('mnsim-default', ['xbar.size=128']);
  const sim = await simulator();
  // Blocks: a group has 16 channels > 14 per crossbar, so 4 groups x ceil(16/14) = 8 row blocks (64 PEs).
  // Dense: ceil(64/14) = 5 row blocks x 1 column block x 8 slices = 40 PEs (10 tiles): dense is taken.
  const l = only(sim.simulate(net([layer]), a, { switches: L.SW_GROUPED_CONV }));
  assert.equal([l.rowTiles, l.colTiles, l.pes, l.tiles, l.rowsUsed, l.colsUsed], [5, 8, 40, 10, 126, 64]);
  // ... and exactly what the dense (MNSIM) mapping gives, apart from used cells (real weights only).
  const d = only(sim.simulate(net([layer]), a, { switches: 0 }));
  assert.equal([d.rowTiles, d.colTiles, d.pes, d.tiles, d.areaUm2, d.energyNj], [l.rowTiles, l.colTiles, l.pes, l.tiles, l.areaUm2, l.energyNj]);
});

// ===== SW_CONVERTERS_FOLLOW_XBAR =====

test('SW_CONVERTERS_FOLLOW_XBAR: a 32x32 crossbar with DAC_Num = ADC_Num = 128 gets 32 DACs and 32 ADCs', async () => {
  // conv 3->16 3x3 pad 0 on 3x3: floor(32/9) = 3 channels per crossbar -> 1 row block, 27 rows, 16 columns;
  // 8 slices -> 8 PEs, 2 tiles.
  const layer: LayerSpec = { type: 'conv', inChannels: 3, inSize: [3, 3], outChannels: 16, kernel: 3, padding: 0 };
  const a = arch('mnsim-default', ['xbar.size=32']);
  const sim = await simulator();
  const on = sim.simulate(net([layer]), a, { switches: L.SW_CONVERTERS_FOLLOW_XBAR });
  const off = sim.simulate(net([layer]), a, { switches: 0 });
  const l = only(on), d = only(off);
  assert.equal([l.tiles, l.pes, l.rowsUsed, l.colsUsed], [2, 8, 27, 16]);
  // PE: 2 crossbars, 32 DACs, 32 ADCs, 32 shift registers, 64 registers, 64 muxes (ratios 1:1), buffer.
  // Tile: 3 x 32 = 96 joint modules.
  const tileOn = 4 * (2 * A_XBAR32 + 32 * 1650 + 32 * 0.166 + 32 * SHIFT_A + 64 * REG_A + 64 * MUX_A + BUF_A)
    + 96 * JM_A + BUF_A + POOL_A;
  const tileOff = 4 * (2 * A_XBAR32 + 128 * 1650 + 128 * 0.166 + 128 * SHIFT_A + 256 * REG_A + 256 * MUX_A + BUF_A)
    + 384 * JM_A + BUF_A + POOL_A;
  close(l.areaUm2, 2 * tileOn, TOL, 'area');
  close(d.areaUm2, 2 * tileOff, TOL, 'MNSIM area: 128 ADCs per 32-column array');
  close(l.areaUm2ByComponent.adc, 2 * 4 * 32 * 1650, TOL, 'ADC area: 32 per PE');
  close(d.areaUm2ByComponent.adc, 2 * 4 * 128 * 1650, TOL, 'MNSIM ADC area: 128 per PE');
  close(l.areaUm2ByComponent.dac, 2 * 4 * 32 * 0.166, TOL, 'DAC area: 32 per PE');
  // Energy: only the active converters are powered in both models (DACs ceil(27/1) = 27, ADCs 16), and the
  // time-multiplexing steps are 1 either way: the energy is the same. mt = 9.
  // Buffers: 3 ch·9/8 = 3.375 B x 9 = 30.375 B -> 4 cycles = 80 ns (write and read); tile write 8·16·4/8 = 64 B
  // -> 160 ns, read 16·9·4/8 = 72 B -> 180 ns.
  const ePe = 2 * 27 * 16 * P_CELL * 9 * T_XBAR32 + 27 * 3.9e-6 * 27 + 16 * 1.26e-3 * 72
    + 27 * MUX_P * 9 * DEC_NS + 16 * MUX_P * 9 * MUX_NS + 27 * REG_P * 20 + 16 * REG_P * 2 + 16 * SHIFT_P * 18;
  const energy = 8 * ePe + 2 * 3 * 16 * JM_P * 4 + 2 * 5 * BUF_R * (80 + 180) + 2 * 5 * BUF_W * (80 + 160);
  close(l.energyNj, energy, TOL, 'energy');
  close(d.energyNj, energy, TOL, 'MNSIM energy is the same');
  close(on.totals.latencyNs, off.totals.latencyNs, 0, 'latency unchanged');
  assert.ok(l.areaUm2 < d.areaUm2);
});

test('SW_CONVERTERS_FOLLOW_XBAR does not bind when pe.dacNum is below the rows (32 rows, 16 DACs)', async () => {
  // 16 < 32 rows: both models give 16 DACs per group and a 2:1 input demux.
  const layer: LayerSpec = { type: 'conv', inChannels: 3, inSize: [3, 3], outChannels: 16, kernel: 3, padding: 0 };
  const a = arch('mnsim-default', ['xbar.size=32', 'pe.dacNum=16']);
  const sim = await simulator();
  const on = sim.simulate(net([layer]), a, { switches: L.SW_CONVERTERS_FOLLOW_XBAR });
  const off = sim.simulate(net([layer]), a, { switches: 0 });
  close(only(on).areaUm2ByComponent.dac, 2 * 4 * 16 * 0.166, TOL, 'DAC area: 16 per PE');
  close(only(on).areaUm2ByComponent.dac, only(off).areaUm2ByComponent.dac, 0, 'same DACs');
});

// ===== SW_POOL_SINGLE_READ =====

test('SW_POOL_SINGLE_READ: a pooled pixel reads the tile output buffer once, not twice', async () => {
  // conv 8->16 1x1 on 2x2 (2 tiles), then max pool 2x2/2 of 16 channels: one output pixel.
  const layers = net([
    { type: 'conv', inChannels: 8, inSize: [2, 2], outChannels: 16, kernel: 1 },
    { type: 'pool', inChannels: 16, inSize: [2, 2], kernel: 2, stride: 2 },
  ]);
  const sim = await simulator();
  const on = sim.simulate(layers, arch(), { switches: L.SW_POOL_SINGLE_READ });
  const off = sim.simulate(layers, arch(), { switches: 0 });
  const p = on.layers[1], q = off.layers[1];
  assert.is(p.tiles, 1);
  // Buffers: PE 2·1·8·9/8 = 18 B / 8 PEs -> 4 B, tile 2·16·9/8 = 36 B / 2 tiles -> 32 B: both <= 2 KB.
  close(p.areaUm2, TILE256, TOL, 'area: one default tile');
  // Pixel: pooling 100·ceil(16/64)·ceil(4/9) = 100 ns; output-buffer read 16·9/8 = 18 B -> 3 cycles = 60 ns;
  // write 16·9/8 = 18 B -> 60 ns; input traffic 16·9/8 = 18 B x 2x2 = 72 B -> 9 cycles = 180 ns, read 72 B -> 180 ns.
  close(p.pixelLatencyNs, 100 + 1 * 60 + 60 + 180 + 180, TOL, 'pixel latency, one read');
  close(q.pixelLatencyNs, 100 + 2 * 60 + 60 + 180 + 180, TOL, 'MNSIM pixel latency, two reads');
  close(off.totals.latencyNs - on.totals.latencyNs, 60, 1e-12, 'the network finishes one buffer read earlier');
  // Energy charges the read once in both models: pooling power x 100 ns + buffer powers x their times.
  const energy = POOL_P * 100 + BUF_R * (180 + 60) + BUF_W * (180 + 60);
  close(p.energyNj, energy, TOL, 'energy');
  close(q.energyNj, energy, TOL, 'MNSIM energy is the same');
  close(p.powerW, POOL_P + BUF_R + BUF_W, TOL, 'power');
});

// ===== SW_ADC_EVERY_COLUMN =====

test('SW_ADC_EVERY_COLUMN: 64 used columns on a 256-column crossbar with 128 ADCs are 64 conversions, not 32', async () => {
  const sim = await simulator();
  const on = sim.simulate(net([CONV8x64]), arch(), { switches: L.SW_ADC_EVERY_COLUMN });
  const off = sim.simulate(net([CONV8x64]), arch(), { switches: 0 });
  const l = only(on), d = only(off);
  // Mapping, area and time as the baseline (2 tiles, 8 PEs, 9 cycles; mux 256/128 = 2, colSteps ceil(64/128) = 1).
  assert.equal([l.tiles, l.pes, l.inputCycles, l.colsUsed], [2, 8, 9, 64]);
  close(l.areaUm2, 2 * TILE256, TOL, 'area');
  close(on.totals.latencyNs, off.totals.latencyNs, 0, 'latency unchanged');
  // MNSIM powers ceil(64/2) = 32 ADCs for one step: 32 conversions per analog operation. Converting every
  // used column once takes 64 / 1 = 64 ADCs (and their output muxes, registers and shift registers).
  close(d.powerWByComponent.adc, 8 * 32 * 1.26e-3, TOL, 'MNSIM ADC power: 8 PEs x 32 ADCs');
  close(l.powerWByComponent.adc, 8 * 64 * 1.26e-3, TOL, 'ADC power: 8 PEs x 64 ADCs');
  close(l.energyNjByComponent.adc, 8 * 64 * 1.26e-3 * 8 * 9, TOL, 'ADC energy: 8 PEs x 64 x 1.26 mW x 8 ns x 9 cycles');
  const n = 9;
  const extra = 32 * 1.26e-3 * 8 * n + 32 * MUX_P * n * MUX_NS + 32 * REG_P * 2 + 32 * SHIFT_P * 2 * n; // 32 more per PE
  close(l.energyNj, conv8x64Energy(n, 2) + 8 * extra, TOL, 'energy: the ADC side doubles');
  close(d.energyNj, conv8x64Energy(n, 2), TOL, 'MNSIM energy');
});

test('SW_ADC_EVERY_COLUMN changes nothing when a layer fills the columns or one ADC serves one column', async () => {
  const sim = await simulator();
  // 128x128 with 128 ADCs: mux 1, ceil(c/1)·ceil(c/128) = c already.
  const a128 = arch('gibbon-base');
  const e = (a: typeof a128, sw: number) => sim.simulate(net([CONV8x64]), a, { switches: sw }).totals.energyNj;
  close(e(a128, L.SW_ADC_EVERY_COLUMN), e(a128, 0), 0, 'mux 1');
  // conv 8 -> 256 fills the 256 columns: ceil(256/2)·ceil(256/128) = 256.
  const full: LayerSpec = { ...CONV8x64, outChannels: 256 };
  const r = (sw: number) => sim.simulate(net([full]), arch(), { switches: sw }).totals.energyNj;
  close(r(L.SW_ADC_EVERY_COLUMN), r(0), 1e-15, 'all columns used');
});

// ===== SW_DAC8_POWER_MW =====

test('SW_DAC8_POWER_MW: DAC choice 6 (8 bit) draws 0.4992 mW, not 0.4992 W', async () => {
  const a = arch('mnsim-default', ['dac.bits=8']);
  assert.is(a.dac.choice, 6);
  const sim = await simulator();
  const on = sim.simulate(net([CONV8x64]), a, { switches: L.SW_DAC8_POWER_MW });
  const off = sim.simulate(net([CONV8x64]), a, { switches: 0 });
  const l = only(on), d = only(off);
  // Cycles ceil(9/8) = 2 (MNSIM's count: this switch alone). Mapping as the baseline: 8 PEs, 2 tiles.
  assert.equal([l.inputCycles, l.pes, l.tiles], [2, 8, 2]);
  // PE with 128 DACs of 21.248 µm².
  const pe = 2 * A_XBAR256 + 128 * 1650 + 128 * 21.248 + 128 * SHIFT_A + 256 * REG_A + 256 * MUX_A + BUF_A;
  close(l.areaUm2, 2 * (4 * pe + 384 * JM_A + BUF_A + POOL_A), TOL, 'area');
  // mt = 2: t_xbar 2·T, t_DAC 2·10, t_ADC 2·8, t_demux 2·DEC, t_mux 2·MUX, t_iReg 2 + 4, t_shift 4, t_oReg 2.
  const ePe = (pDac: number) => 2 * 72 * 64 * P_CELL / 4 * 2 * T_XBAR256 + 36 * pDac * 20 + 32 * 1.26e-3 * 16
    + 36 * MUX_P * 2 * DEC_NS + 32 * MUX_P * 2 * MUX_NS + 36 * REG_P * 6 + 32 * REG_P * 2 + 32 * SHIFT_P * 4;
  const rest = 2 * 3 * 32 * JM_P * 4 + 10 * BUF_R * (220 + 720) + 10 * BUF_W * (220 + 640);
  close(l.energyNj, 8 * ePe(0.4992e-3) + rest, TOL, 'energy');
  close(d.energyNj, 8 * ePe(0.4992) + rest, TOL, 'MNSIM energy');
  close(l.powerWByComponent.dac, 8 * 36 * 0.4992e-3, TOL, 'DAC power: 8 PEs x 36 active DACs x 0.4992 mW');
  close(d.powerWByComponent.dac, 8 * 36 * 0.4992, TOL, 'MNSIM DAC power: 143.8 W');
  assert.ok(l.energyNj < d.energyNj && l.powerW < d.powerW);
  close(on.totals.latencyNs, off.totals.latencyNs, 0, 'latency unchanged');
});

test('SW_DAC8_POWER_MW leaves the other DAC choices alone', async () => {
  const sim = await simulator();
  for (const bits of [1, 2, 4, 6]) {
    const a = arch('mnsim-default', [`dac.bits=${bits}`]);
    const on = sim.simulate(net([CONV8x64]), a, { switches: L.SW_DAC8_POWER_MW });
    const off = sim.simulate(net([CONV8x64]), a, { switches: 0 });
    assert.equal(on.totals, off.totals, `dac.bits=${bits}`);
  }
});

// ===== The two presets =====

test('every switch bit is covered, and gibbon = all of them', () => {
  const bits = [L.SW_CELL_BITS, L.SW_SIGNED_INPUT_CYCLES, L.SW_COUNT_ADDERS, L.SW_GROUPED_CONV,
    L.SW_CONVERTERS_FOLLOW_XBAR, L.SW_POOL_SINGLE_READ, L.SW_DAC8_POWER_MW, L.SW_ADC_EVERY_COLUMN];
  assert.is(bits.reduce((s, b) => s | b, 0), L.SW_ALL);
  assert.is(bits.reduce((s, b) => s + b, 0), L.SW_ALL, 'distinct bits');
});

test('gibbon and mnsim-2.0 agree where no switch matters', async () => {
  // 1-bit cells, a 6-bit DAC (ceil(9/6) = ceil(8/6) = 2 cycles), one group per PE, no add, no grouped conv,
  // no pooling, DAC/ADC_Num 128/256 <= 256 rows/columns, one ADC per column (mux 1), DAC choice 5.
  const layers = net([
    { type: 'conv', inChannels: 3, inSize: [8, 8], outChannels: 32, kernel: 3, padding: 1 },
    { type: 'conv', inChannels: 32, inSize: [8, 8], outChannels: 64, kernel: 3, stride: 2, padding: 1 },
    { type: 'fc', inFeatures: 64 * 4 * 4, outFeatures: 10 },
  ]);
  const a = arch('mnsim-default', ['dac.bits=6', 'pe.adcNum=256']);
  const sim = await simulator();
  const g = sim.simulate(layers, a, { model: 'gibbon' });
  const m = sim.simulate(layers, a, { model: 'mnsim-2.0' });
  assert.equal(g.totals, m.totals);
  assert.equal(g.layers, m.layers);
  assert.equal([g.areaUm2ByComponent, g.powerWByComponent, g.energyNjByComponent],
    [m.areaUm2ByComponent, m.powerWByComponent, m.energyNjByComponent]);
  // ... and they differ as soon as one switch matters (the default 1-bit DAC: 8 vs 9 cycles).
  const g1 = sim.simulate(layers, arch('mnsim-default', ['pe.adcNum=256']), { model: 'gibbon' });
  const m1 = sim.simulate(layers, arch('mnsim-default', ['pe.adcNum=256']), { model: 'mnsim-2.0' });
  assert.ok(g1.totals.energyNj < m1.totals.energyNj);
});

test('model presets map to the switch masks; an explicit mask overrides the model', async () => {
  const sim = await simulator();
  const a = arch('mnsim-default', ['device.cellBits=2']);
  assert.is(only(sim.simulate(net([CONV8x64]), a)).weightSlices, 4, 'gibbon is the default model');
  assert.is(only(sim.simulate(net([CONV8x64]), a, { model: 'mnsim-2.0' })).weightSlices, 8);
  assert.is(only(sim.simulate(net([CONV8x64]), a, { model: 'gibbon', switches: 0 })).weightSlices, 8);
  assert.is(only(sim.simulate(net([CONV8x64]), a, { model: 'mnsim-2.0', switches: L.SW_CELL_BITS })).weightSlices, 4);
});

// ===== adc.bits -> ADC choice (gibbon map) =====

test('applySets: adc.bits picks the table entry 10->1, 8->2, 6->4, 4->7', () => {
  for (const [bits, choice] of [[10, 1], [8, 2], [6, 4], [4, 7]]) {
    assert.is(applySets(MNSIM_DEFAULT_ARCH, [`adc.bits=${bits}`]).adc.choice, choice, `adc.bits=${bits}`);
  }
  assert.is(applySets(MNSIM_DEFAULT_ARCH, ['adc.bits=8', 'adc.choice=2']).adc.choice, 2, 'both naming one converter');
});

test('applySets: adc.bits with a different adc.choice is an error', () => {
  try {
    applySets(MNSIM_DEFAULT_ARCH, ['adc.bits=8', 'adc.choice=6']);
  } catch (e) {
    assert.instance(e, GibbonError);
    assert.is((e as GibbonError).code, 'E_ARCH');
    assert.is((e as GibbonError).message,
      '--set: adc.bits: got 8; allowed: either adc.bits or adc.choice, or both naming one converter (adc.bits 8 is adc.choice 2, not 6)');
    return;
  }
  assert.unreachable('adc.bits=8 with adc.choice=6 must throw');
});

test.run();
