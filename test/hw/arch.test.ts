import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ADC_BITS_TO_CHOICE,
  ARCH_PRESETS,
  DAC_BITS_TO_CHOICE,
  GIBBON_BASE_ARCH,
  MNSIM_2022_ARCH,
  MNSIM_DEFAULT_ARCH,
  SETTABLE_PATHS,
  applySets,
  pimDeviceOptions,
  resolveArch,
} from '../../src/hw/arch.ts';
import type { ArchConfig } from '../../src/hw/types.ts';
import type { PimDeviceOptions } from '../../src/pim/types.ts';
import { GibbonError, fieldError, formatValue } from '../../src/util/errors.ts';
import { throwsGibbon } from '../helpers.ts';


/** Dotted paths of every leaf (number, string or array) of a plain object. */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, item]) => leafPaths(item, prefix ? `${prefix}.${key}` : key));
}

function leafValue(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], value);
}

// ===== Errors =====

test('formatValue: JSON, except NaN/Infinity by name and a missing value as "nothing"', () => {
  assert.is(formatValue(NaN), 'NaN');
  assert.is(formatValue(-Infinity), '-Infinity');
  assert.is(formatValue(undefined), 'nothing');
  assert.is(formatValue('a"b'), '"a\\"b"');
  assert.is(formatValue([1, NaN, 'x']), '[1,NaN,"x"]');
  assert.is(formatValue({ a: [2] }), '{"a":[2]}');
  assert.is(formatValue('x'.repeat(200)).length, 80);
});

test('fieldError: one message shape, code, source and path attached', () => {
  const error = fieldError('E_ARCH', 'arch.json', 'xbar.rows', 300, 'an integer in 8..4096');
  assert.instance(error, Error);
  assert.is(error.name, 'GibbonError');
  assert.is(error.code, 'E_ARCH');
  assert.is(error.source, 'arch.json');
  assert.is(error.path, 'xbar.rows');
  assert.is(error.message, 'arch.json: xbar.rows: got 300; allowed: an integer in 8..4096');
});

// ===== Presets =====

test('MNSIM default preset carries SimConfig.ini defaults (mnsim-model.md §1)', () => {
  const a = MNSIM_DEFAULT_ARCH;
  assert.equal(
    [a.device.type, a.device.techNm, a.device.areaUm2, a.device.readLatencyNs, a.device.cellBits, a.device.sramReadEnergyJ],
    ['NVM', 130, 1.44, 3.16, 1, 1.12e-15],
  );
  assert.equal(a.device.readVoltagesV, [0, 0.15]);
  assert.equal(a.device.resistancesOhm, [1e6, 1e4]);
  assert.equal(a.xbar, { rows: 256, cols: 256, subarrayRows: 256, polarity: 2, cellType: '1T1R', transistorTechNm: 130, areaCalculation: 0 });
  assert.equal([a.dac.choice, a.adc.choice, a.adc.logicOp], [1, 6, -1]);
  assert.equal(a.pe, { pimType: 'analog', subPosition: 0, groups: 1, dacNum: 128, adcNum: 128, inBufSizeKB: 0, inBufAreaUm2: 0 });
  assert.equal(
    [a.digital.frequencyMHz, a.digital.adder.techNm, a.digital.shiftReg.techNm, a.digital.reg.techNm, a.digital.jointModule.techNm],
    [500, 45, 65, 45, 45],
  );
  assert.equal(a.tile.poolingWindow, [3, 3]);
  assert.equal(
    [a.tile.peRows, a.tile.peCols, a.tile.poolingUnits, a.tile.poolingTechNm, a.tile.interTileBandwidthGbps, a.tile.intraTileBandwidthGbps],
    [2, 2, 64, 65, 20, 1024],
  );
  assert.equal(a.chip, { tileRows: 64, tileCols: 64, tileConnection: 2, bufferTechNm: 90, bufferBitwidth: 64 });
  assert.is(a.sim.level, 0);
  // Functional simulator only: the worst-case ADC range and ideal devices.
  assert.is(a.adc.rangeMode, 'fixed');
  assert.equal(a.nonideal, { safHrsPct: 0, safLrsPct: 0, variationSigmaPctOfR: 0, hrsLrsRatio: null, readNoiseSigma: 0 });
});

test('gibbon-base differs from the MNSIM default only in crossbar size, ADC choice and ADC range mode', () => {
  const differing = leafPaths(MNSIM_DEFAULT_ARCH).filter(
    (path) => JSON.stringify(leafValue(MNSIM_DEFAULT_ARCH, path)) !== JSON.stringify(leafValue(GIBBON_BASE_ARCH, path)),
  );
  assert.equal(differing.sort(), ['adc.choice', 'adc.rangeMode', 'xbar.cols', 'xbar.rows', 'xbar.subarrayRows']);
  assert.equal([GIBBON_BASE_ARCH.xbar.rows, GIBBON_BASE_ARCH.xbar.subarrayRows, GIBBON_BASE_ARCH.adc.choice], [128, 128, 2]);
  assert.is(GIBBON_BASE_ARCH.adc.rangeMode, 'calibrated');
  assert.equal(GIBBON_BASE_ARCH.nonideal, MNSIM_DEFAULT_ARCH.nonideal);
  assert.equal(leafPaths(GIBBON_BASE_ARCH).sort(), leafPaths(MNSIM_DEFAULT_ARCH).sort());
});

test('mnsim-2022 differs from the MNSIM default exactly in the keys of SimConfig.ini at bc94294 that changed (issue 17)', () => {
  // The values the issue lists for MNSIM-2.0 commit bc94294 (2022-01-05), by .ini key.
  const want: Record<string, unknown> = {
    'device.techNm': 45, // Device_Tech
    'device.readVoltagesV': [0, 0.5], // Read_Voltage
    'device.cellBits': 2, // Device_Level 4
    'device.resistancesOhm': [1e7, 10000, 5000, 3333], // Device_Resistance
    'xbar.transistorTechNm': 65, // Transistor_Tech
    'dac.choice': 2, // DAC_Choice
    'adc.choice': 3, // ADC_Choice
    'pe.groups': 8, // Group_Num
    'pe.dacNum': 64, // DAC_Num
    'pe.adcNum': 4, // ADC_Num
  };
  const differing = leafPaths(MNSIM_DEFAULT_ARCH).filter(
    (path) => JSON.stringify(leafValue(MNSIM_DEFAULT_ARCH, path)) !== JSON.stringify(leafValue(MNSIM_2022_ARCH, path)),
  );
  assert.equal(differing.sort(), Object.keys(want).sort());
  for (const [path, value] of Object.entries(want)) assert.equal(leafValue(MNSIM_2022_ARCH, path), value, path);
  // Device_Variation 5 and Device_SAF 9,1 are not turned on (docs/model.md §8).
  assert.equal(MNSIM_2022_ARCH.nonideal, MNSIM_DEFAULT_ARCH.nonideal);
  assert.equal(resolveArch({ base: 'mnsim-2022' }, 'arch.json'), MNSIM_2022_ARCH);
  assert.ok(Object.isFrozen(MNSIM_2022_ARCH.device.resistancesOhm));
});

test('presets resolve to themselves, as fresh unfrozen copies', () => {
  assert.equal(resolveArch({}, 'arch.json'), MNSIM_DEFAULT_ARCH);
  assert.equal(resolveArch({ base: 'mnsim-default' }, 'arch.json'), MNSIM_DEFAULT_ARCH);
  assert.equal(resolveArch({ base: 'gibbon-base' }, 'arch.json'), GIBBON_BASE_ARCH);
  assert.equal(resolveArch(MNSIM_DEFAULT_ARCH, 'arch.json'), MNSIM_DEFAULT_ARCH);
  assert.equal(resolveArch({ ...GIBBON_BASE_ARCH, base: 'gibbon-base' }, 'arch.json'), GIBBON_BASE_ARCH);
  const copy = resolveArch({}, 'arch.json');
  assert.is.not(copy, MNSIM_DEFAULT_ARCH);
  assert.is.not(copy.device.readVoltagesV, MNSIM_DEFAULT_ARCH.device.readVoltagesV);
  copy.xbar.rows = 64;
  copy.device.readVoltagesV.push(1);
  assert.is(MNSIM_DEFAULT_ARCH.xbar.rows, 256);
  assert.equal(MNSIM_DEFAULT_ARCH.device.readVoltagesV, [0, 0.15]);
  assert.ok(Object.isFrozen(MNSIM_DEFAULT_ARCH.xbar) && Object.isFrozen(GIBBON_BASE_ARCH.device.resistancesOhm));
  assert.equal(Object.keys(ARCH_PRESETS), ['mnsim-default', 'gibbon-base', 'mnsim-2022']);
});

test('converter maps agree with the MNSIM tables (mnsim-model.md §3.3, §3.4)', () => {
  // Resolution of each table entry, from the spec.
  const dacBitsByChoice: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8, 7: 1 };
  const adcBitsByChoice: Record<number, number> = { 1: 10, 2: 8, 3: 8, 4: 6, 5: 8, 6: 6, 7: 4, 8: 1, 9: 8 };
  assert.equal({ ...ADC_BITS_TO_CHOICE }, { 10: 1, 8: 2, 6: 4, 4: 7 });
  assert.equal({ ...DAC_BITS_TO_CHOICE }, { 1: 1, 2: 2, 3: 3, 4: 4, 6: 5, 8: 6 });
  for (const [bits, choice] of Object.entries(ADC_BITS_TO_CHOICE)) assert.is(adcBitsByChoice[choice as number], Number(bits));
  for (const [bits, choice] of Object.entries(DAC_BITS_TO_CHOICE)) assert.is(dacBitsByChoice[choice as number], Number(bits));
});

// ===== Arch files =====

test('file shorthands: xbar.size, adc.bits, dac.bits', () => {
  assert.equal(resolveArch({ xbar: { size: 64 } }, 'a.json').xbar, { ...MNSIM_DEFAULT_ARCH.xbar, rows: 64, cols: 64, subarrayRows: 64 });
  const split = resolveArch({ xbar: { size: 128, subarrayRows: 32 } }, 'a.json').xbar;
  assert.equal([split.rows, split.cols, split.subarrayRows], [128, 128, 32]);
  const adc4 = resolveArch({ adc: { bits: 4 } }, 'a.json').adc;
  assert.is(adc4.choice, 7);
  assert.not.ok('bits' in adc4);
  assert.is(resolveArch({ adc: { bits: 8, choice: 2 } }, 'a.json').adc.choice, 2);
  assert.is(resolveArch({ dac: { bits: 2 } }, 'a.json').dac.choice, 2);
  assert.is(resolveArch({ base: 'gibbon-base', adc: { bits: 10 } }, 'a.json').adc.choice, 1);
});

test('a user-defined converter (choice -1) with its custom fields', () => {
  const custom = { choice: -1, customAreaUm2: 900, customBits: 7, customPowerW: 2e-3, customSampleRateGsps: 1.2 };
  assert.equal(resolveArch({ adc: custom }, 'a.json').adc, { ...custom, logicOp: -1, rangeMode: 'fixed' });
});

test('unknown keys list the valid keys at that level', () => {
  throwsGibbon(() => resolveArch({ xbar: { rowz: 256 } }, 'arch.json'), 'E_ARCH',
    'arch.json: xbar.rowz: got an unknown key; allowed: the keys of xbar: size, rows, cols, subarrayRows, polarity, cellType, transistorTechNm, areaCalculation');
  throwsGibbon(() => resolveArch({ crossbar: {} }, 'arch.json'), 'E_ARCH',
    'arch.json: crossbar: got an unknown key; allowed: the top-level keys: base, device, xbar, dac, adc, pe, digital, tile, chip, sim, nonideal');
  throwsGibbon(() => resolveArch({ nonideal: { safPct: 1 } }, 'arch.json'), 'E_ARCH',
    'arch.json: nonideal.safPct: got an unknown key; allowed: the keys of nonideal: safHrsPct, safLrsPct, variationSigmaPctOfR, hrsLrsRatio, readNoiseSigma');
  throwsGibbon(() => resolveArch({ digital: { adder: { tech: 45 } } }, 'arch.json'), 'E_ARCH',
    'arch.json: digital.adder.tech: got an unknown key; allowed: the keys of digital.adder: techNm, areaUm2, powerW');
  throwsGibbon(() => resolveArch({ xbar: { constructor: 1 } }, 'arch.json'), 'E_ARCH',
    'arch.json: xbar.constructor: got an unknown key; allowed: the keys of xbar: size, rows, cols, subarrayRows, polarity, cellType, transistorTechNm, areaCalculation');
});

test('NaN, Infinity, strings and negative sizes are rejected with their value', () => {
  throwsGibbon(() => resolveArch({ xbar: { rows: NaN } }, 'arch.json'), 'E_ARCH', 'arch.json: xbar.rows: got NaN; allowed: an integer in 8..4096');
  throwsGibbon(() => resolveArch({ digital: { frequencyMHz: Infinity } }, 'arch.json'), 'E_ARCH',
    'arch.json: digital.frequencyMHz: got Infinity; allowed: a number > 0 and <= 100000 (MHz)');
  throwsGibbon(() => resolveArch({ xbar: { size: -64 } }, 'arch.json'), 'E_ARCH', 'arch.json: xbar.size: got -64; allowed: an integer in 8..4096');
  throwsGibbon(() => resolveArch({ pe: { groups: '2' } }, 'arch.json'), 'E_ARCH', 'arch.json: pe.groups: got "2"; allowed: an integer in 1..64');
  throwsGibbon(() => resolveArch({ device: { cellBits: 1.5 } }, 'arch.json'), 'E_ARCH', 'arch.json: device.cellBits: got 1.5; allowed: an integer in 1..8');
  throwsGibbon(() => resolveArch({ xbar: { polarity: 3 } }, 'arch.json'), 'E_ARCH', 'arch.json: xbar.polarity: got 3; allowed: one of 1, 2');
  throwsGibbon(() => resolveArch({ dac: { choice: 0 } }, 'arch.json'), 'E_ARCH',
    'arch.json: dac.choice: got 0; allowed: -1 (user-defined) or an integer in 1..7');
  throwsGibbon(() => resolveArch({ device: { readVoltagesV: [0, -0.1] } }, 'arch.json'), 'E_ARCH',
    'arch.json: device.readVoltagesV[1]: got -0.1; allowed: a number in 0..10 (V)');
  throwsGibbon(() => resolveArch({ tile: { poolingWindow: [3] } }, 'arch.json'), 'E_ARCH',
    'arch.json: tile.poolingWindow: got [3]; allowed: a list of 2 numbers, each an integer in 1..16');
  throwsGibbon(() => resolveArch({ xbar: 256 }, 'arch.json'), 'E_ARCH',
    'arch.json: xbar: got 256; allowed: an object with keys size, rows, cols, subarrayRows, polarity, cellType, transistorTechNm, areaCalculation');
  throwsGibbon(() => resolveArch('mnsim', 'arch.json'), 'E_ARCH',
    'arch.json: (root): got "mnsim"; allowed: an object with keys base, device, xbar, dac, adc, pe, digital, tile, chip, sim, nonideal');
  throwsGibbon(() => resolveArch({ base: 'isaac' }, 'arch.json'), 'E_ARCH', 'arch.json: base: got "isaac"; allowed: one of "mnsim-default", "gibbon-base", "mnsim-2022"');
});

test('subarrayRows must divide rows; the field the file set is blamed', () => {
  throwsGibbon(() => resolveArch({ xbar: { rows: 300 } }, 'arch.json'), 'E_ARCH',
    'arch.json: xbar.rows: got 300; allowed: an integer in 8..4096 that is a multiple of xbar.subarrayRows (256)');
  throwsGibbon(() => resolveArch({ xbar: { subarrayRows: 100 } }, 'arch.json'), 'E_ARCH',
    'arch.json: xbar.subarrayRows: got 100; allowed: an integer in 1..256 that divides xbar.rows (256)');
  throwsGibbon(() => resolveArch({ xbar: { size: 96, subarrayRows: 64 } }, 'arch.json'), 'E_ARCH',
    'arch.json: xbar.size: got 96; allowed: an integer in 8..4096 that is a multiple of xbar.subarrayRows (64)');
  throwsGibbon(() => resolveArch({ xbar: { size: 64, rows: 64 } }, 'arch.json'), 'E_ARCH',
    'arch.json: xbar.size: got 64; allowed: either xbar.size or xbar.rows/xbar.cols, not both (xbar.size sets rows and cols)');
});

test('adc.bits outside the map, conflicting with adc.choice, or with a user-defined ADC', () => {
  throwsGibbon(() => resolveArch({ adc: { bits: 5 } }, 'arch.json'), 'E_ARCH',
    'arch.json: adc.bits: got 5; allowed: one of 4, 6, 8, 10 (for another converter set adc.choice)');
  throwsGibbon(() => resolveArch({ dac: { bits: 5 } }, 'arch.json'), 'E_ARCH',
    'arch.json: dac.bits: got 5; allowed: one of 1, 2, 3, 4, 6, 8 (for another converter set dac.choice)');
  throwsGibbon(() => resolveArch({ adc: { bits: 8, choice: 6 } }, 'arch.json'), 'E_ARCH',
    'arch.json: adc.bits: got 8; allowed: either adc.bits or adc.choice, or both naming one converter (adc.bits 8 is adc.choice 2, not 6)');
  throwsGibbon(() => resolveArch({ adc: { bits: 8, choice: -1, customAreaUm2: 1, customBits: 8, customPowerW: 1, customSampleRateGsps: 1 } }, 'arch.json'),
    'E_ARCH', 'arch.json: adc.bits: got 8; allowed: no adc.bits when adc.choice is -1 (the user-defined converter takes adc.customBits)');
  throwsGibbon(() => resolveArch({ dac: { choice: -1, customAreaUm2: 1, customBits: 0, customPowerW: 1, customSampleRateGsps: 1 } }, 'arch.json'),
    'E_ARCH', 'arch.json: dac.customBits: got 0; allowed: an integer in 1..32 when dac.choice is -1');
  throwsGibbon(() => resolveArch({ adc: { choice: -1, customAreaUm2: 1, customBits: 6, customPowerW: 0, customSampleRateGsps: 1 } }, 'arch.json'),
    'E_ARCH', 'arch.json: adc.customPowerW: got 0; allowed: a number > 0 and <= 100 (W) when adc.choice is -1');
});

test('cross-field rules: HRS above LRS, a square grid for tile connection 2', () => {
  throwsGibbon(() => resolveArch({ device: { resistancesOhm: [1e4, 1e6] } }, 'arch.json'), 'E_ARCH',
    'arch.json: device.resistancesOhm: got [10000,1000000]; allowed: resistances in Ω from HRS to LRS: the first must exceed the last');
  throwsGibbon(() => resolveArch({ chip: { tileCols: 32 } }, 'arch.json'), 'E_ARCH',
    'arch.json: chip.tileCols: got 32; allowed: 64, equal to chip.tileRows, because chip.tileConnection 2 (growing square) needs a square grid; or set chip.tileConnection to 0, 1 or 3');
  const snake = resolveArch({ chip: { tileCols: 32, tileConnection: 1 } }, 'arch.json').chip;
  assert.equal([snake.tileRows, snake.tileCols, snake.tileConnection], [64, 32, 1]);
});

// ===== --set =====

test('SETTABLE_PATHS: the shorthands and every leaf of ArchConfig', () => {
  const required = ['xbar.size', 'xbar.subarrayRows', 'xbar.polarity', 'dac.choice', 'adc.choice', 'dac.bits', 'adc.bits',
    'device.cellBits', 'pe.groups', 'pe.dacNum', 'pe.adcNum', 'tile.peRows', 'tile.peCols', 'chip.tileRows', 'chip.tileCols', 'sim.level'];
  for (const path of [...required, ...leafPaths(MNSIM_DEFAULT_ARCH)]) assert.ok(SETTABLE_PATHS.includes(path), path);
  // 70 = 67 leaves of ArchConfig (61 of the hardware model, adc.rangeMode, 5 of nonideal) + 3 shorthands.
  assert.is(leafPaths(MNSIM_DEFAULT_ARCH).length, 67);
  assert.is(SETTABLE_PATHS.length, 70);
  for (const path of ['adc.rangeMode', 'nonideal.safHrsPct', 'nonideal.safLrsPct', 'nonideal.variationSigmaPctOfR', 'nonideal.hrsLrsRatio', 'nonideal.readNoiseSigma']) {
    assert.ok(SETTABLE_PATHS.includes(path), path);
  }
});

test('--set xbar.size=64 sets rows, cols and subarrayRows; the input is not mutated', () => {
  const arch = applySets(MNSIM_DEFAULT_ARCH, ['xbar.size=64']);
  assert.equal([arch.xbar.rows, arch.xbar.cols, arch.xbar.subarrayRows], [64, 64, 64]);
  assert.is(MNSIM_DEFAULT_ARCH.xbar.rows, 256);
  const both = applySets(MNSIM_DEFAULT_ARCH, ['xbar.subarrayRows=32', 'xbar.size=128']);
  assert.equal([both.xbar.rows, both.xbar.cols, both.xbar.subarrayRows], [128, 128, 32]);
});

test('--set adc.bits=10 picks choice 1; numbers, strings and lists parse by field', () => {
  assert.is(applySets(GIBBON_BASE_ARCH, ['adc.bits=10']).adc.choice, 1);
  assert.is(applySets(GIBBON_BASE_ARCH, ['dac.bits=2']).dac.choice, 2);
  const arch = applySets(MNSIM_DEFAULT_ARCH, [
    'device.type=SRAM', 'digital.adder.powerW=2.5e-9', 'device.resistancesOhm=2e6,1e4', 'tile.poolingWindow=[2,2]', ' pe.groups = 4 ',
    'chip.tileConnection=0', 'chip.tileRows=8', 'chip.tileConnection=1',
  ]);
  assert.is(arch.device.type, 'SRAM');
  assert.is(arch.digital.adder.powerW, 2.5e-9);
  assert.equal(arch.device.resistancesOhm, [2e6, 1e4]);
  assert.equal(arch.tile.poolingWindow, [2, 2]);
  assert.is(arch.pe.groups, 4);
  assert.is(arch.chip.tileConnection, 1); // the last of a repeated path wins
  assert.equal(applySets(MNSIM_DEFAULT_ARCH, []), MNSIM_DEFAULT_ARCH);
});

test('--set errors: unknown path lists the valid paths; bad values give the field error', () => {
  try {
    applySets(MNSIM_DEFAULT_ARCH, ['xbar.sise=64']);
    assert.unreachable('expected an error');
  } catch (error) {
    assert.instance(error, GibbonError);
    assert.is((error as GibbonError).code, 'E_OPTION');
    const message = (error as GibbonError).message;
    const prefix = '--set: xbar.sise: got an unknown path; allowed: ';
    assert.ok(message.startsWith(prefix), message);
    const listed = message.slice(prefix.length).split(', ');
    assert.equal([...listed].sort(), [...SETTABLE_PATHS].sort());
    assert.ok(listed.includes('xbar.size') && listed.includes('digital.jointModule.techNm'));
  }
  throwsGibbon(() => applySets(MNSIM_DEFAULT_ARCH, ['xbar.rows=NaN']), 'E_ARCH', '--set: xbar.rows: got NaN; allowed: an integer in 8..4096');
  throwsGibbon(() => applySets(MNSIM_DEFAULT_ARCH, ['xbar.rows=big']), 'E_ARCH', '--set: xbar.rows: got "big"; allowed: an integer in 8..4096');
  throwsGibbon(() => applySets(MNSIM_DEFAULT_ARCH, ['xbar.rows=96']), 'E_ARCH',
    '--set: xbar.rows: got 96; allowed: an integer in 8..4096 that is a multiple of xbar.subarrayRows (256)');
  throwsGibbon(() => applySets(MNSIM_DEFAULT_ARCH, ['adc.bits=8', 'adc.choice=6']), 'E_ARCH',
    '--set: adc.bits: got 8; allowed: either adc.bits or adc.choice, or both naming one converter (adc.bits 8 is adc.choice 2, not 6)');
  throwsGibbon(() => applySets(MNSIM_DEFAULT_ARCH, ['adc.bits=12']), 'E_ARCH',
    '--set: adc.bits: got 12; allowed: one of 4, 6, 8, 10 (for another converter set adc.choice)');
  throwsGibbon(() => applySets(MNSIM_DEFAULT_ARCH, ['device.type=PCM']), 'E_ARCH', '--set: device.type: got "PCM"; allowed: one of "NVM", "SRAM"');
  throwsGibbon(() => applySets(MNSIM_DEFAULT_ARCH, ['xbar.size']), 'E_OPTION',
    '--set: xbar.size: got nothing; allowed: xbar.size=<value>, an integer in 8..4096');
  throwsGibbon(() => applySets(MNSIM_DEFAULT_ARCH, ['chip.tileRows=32'], 'job.json'), 'E_ARCH',
    'job.json: chip.tileCols: got 64; allowed: 32, equal to chip.tileRows, because chip.tileConnection 2 (growing square) needs a square grid; or set chip.tileConnection to 0, 1 or 3');
});

// ===== Functional simulator fields: adc.rangeMode and nonideal =====

test('adc.rangeMode and nonideal in a file, over either preset', () => {
  assert.is(resolveArch({ adc: { rangeMode: 'calibrated' } }, 'a.json').adc.rangeMode, 'calibrated');
  assert.is(resolveArch({ adc: { rangeMode: 'least-error' } }, 'a.json').adc.rangeMode, 'least-error');
  assert.is(resolveArch({ base: 'gibbon-base', adc: { rangeMode: 'fixed' } }, 'a.json').adc.rangeMode, 'fixed');
  const nonideal = { safHrsPct: 0.5, safLrsPct: 0.25, variationSigmaPctOfR: 5, hrsLrsRatio: 'device', readNoiseSigma: 0.3 };
  assert.equal(resolveArch({ base: 'gibbon-base', nonideal }, 'a.json').nonideal, nonideal);
  assert.equal(resolveArch({ nonideal: { hrsLrsRatio: 50 } }, 'a.json').nonideal, { ...MNSIM_DEFAULT_ARCH.nonideal, hrsLrsRatio: 50 });
  assert.is(resolveArch({ nonideal: { hrsLrsRatio: null } }, 'a.json').nonideal.hrsLrsRatio, null);
  // The edges of every range.
  const edges = resolveArch({ nonideal: { safHrsPct: 100, variationSigmaPctOfR: 100, hrsLrsRatio: 1.0001, readNoiseSigma: 1e6 } }, 'a.json');
  assert.equal(edges.nonideal, { safHrsPct: 100, safLrsPct: 0, variationSigmaPctOfR: 100, hrsLrsRatio: 1.0001, readNoiseSigma: 1e6 });
});

test('adc.rangeMode and nonideal: exact errors', () => {
  throwsGibbon(() => resolveArch({ adc: { rangeMode: 'auto' } }, 'arch.json'), 'E_ARCH',
    'arch.json: adc.rangeMode: got "auto"; allowed: one of "fixed", "calibrated", "least-error"');
  throwsGibbon(() => resolveArch({ nonideal: { safHrsPct: -1 } }, 'arch.json'), 'E_ARCH',
    'arch.json: nonideal.safHrsPct: got -1; allowed: a number in 0..100 (%)');
  throwsGibbon(() => resolveArch({ nonideal: { safLrsPct: 101 } }, 'arch.json'), 'E_ARCH',
    'arch.json: nonideal.safLrsPct: got 101; allowed: a number in 0..100 (%)');
  throwsGibbon(() => resolveArch({ nonideal: { variationSigmaPctOfR: 150 } }, 'arch.json'), 'E_ARCH',
    'arch.json: nonideal.variationSigmaPctOfR: got 150; allowed: a number in 0..100 (%)');
  throwsGibbon(() => resolveArch({ nonideal: { readNoiseSigma: -0.1 } }, 'arch.json'), 'E_ARCH',
    'arch.json: nonideal.readNoiseSigma: got -0.1; allowed: a number >= 0 (partial-sum units)');
  throwsGibbon(() => resolveArch({ nonideal: { readNoiseSigma: Infinity } }, 'arch.json'), 'E_ARCH',
    'arch.json: nonideal.readNoiseSigma: got Infinity; allowed: a number >= 0 (partial-sum units)');
  const ratioAllowed = 'allowed: null (ideal), "device" (device.resistancesOhm first / last) or a number > 1';
  throwsGibbon(() => resolveArch({ nonideal: { hrsLrsRatio: 1 } }, 'arch.json'), 'E_ARCH', `arch.json: nonideal.hrsLrsRatio: got 1; ${ratioAllowed}`);
  throwsGibbon(() => resolveArch({ nonideal: { hrsLrsRatio: 'Device' } }, 'arch.json'), 'E_ARCH', `arch.json: nonideal.hrsLrsRatio: got "Device"; ${ratioAllowed}`);
  throwsGibbon(() => resolveArch({ nonideal: { hrsLrsRatio: Infinity } }, 'arch.json'), 'E_ARCH', `arch.json: nonideal.hrsLrsRatio: got Infinity; ${ratioAllowed}`);
  throwsGibbon(() => resolveArch({ nonideal: 0 }, 'arch.json'), 'E_ARCH',
    'arch.json: nonideal: got 0; allowed: an object with keys safHrsPct, safLrsPct, variationSigmaPctOfR, hrsLrsRatio, readNoiseSigma');
  // Stuck-at shares must not overlap: the field the input set is blamed.
  throwsGibbon(() => resolveArch({ nonideal: { safHrsPct: 60, safLrsPct: 50 } }, 'arch.json'), 'E_ARCH',
    'arch.json: nonideal.safLrsPct: got 50; allowed: a number in 0..40 (%), so that nonideal.safHrsPct + nonideal.safLrsPct <= 100');
  const lrs = applySets(MNSIM_DEFAULT_ARCH, ['nonideal.safLrsPct=30']);
  throwsGibbon(() => applySets(lrs, ['nonideal.safHrsPct=80']), 'E_ARCH',
    '--set: nonideal.safHrsPct: got 80; allowed: a number in 0..70 (%), so that nonideal.safHrsPct + nonideal.safLrsPct <= 100');
});

test('--set reaches every nonideal field and adc.rangeMode; hrsLrsRatio takes null, device or a number', () => {
  const arch = applySets(GIBBON_BASE_ARCH, [
    'adc.rangeMode=fixed', 'nonideal.safHrsPct=0.1', 'nonideal.safLrsPct=0.05', 'nonideal.variationSigmaPctOfR=10',
    'nonideal.hrsLrsRatio=device', 'nonideal.readNoiseSigma=0.5',
  ]);
  assert.is(arch.adc.rangeMode, 'fixed');
  assert.equal(arch.nonideal, { safHrsPct: 0.1, safLrsPct: 0.05, variationSigmaPctOfR: 10, hrsLrsRatio: 'device', readNoiseSigma: 0.5 });
  assert.is(applySets(arch, ['nonideal.hrsLrsRatio=1e3']).nonideal.hrsLrsRatio, 1000);
  assert.is(applySets(arch, ['nonideal.hrsLrsRatio=null']).nonideal.hrsLrsRatio, null);
  throwsGibbon(() => applySets(arch, ['nonideal.hrsLrsRatio=ideal']), 'E_ARCH',
    '--set: nonideal.hrsLrsRatio: got "ideal"; allowed: null (ideal), "device" (device.resistancesOhm first / last) or a number > 1');
  throwsGibbon(() => applySets(arch, ['adc.rangeMode=Calibrated']), 'E_ARCH',
    '--set: adc.rangeMode: got "Calibrated"; allowed: one of "fixed", "calibrated", "least-error"');
  throwsGibbon(() => applySets(arch, ['nonideal.safHrsPct=x']), 'E_ARCH', '--set: nonideal.safHrsPct: got "x"; allowed: a number in 0..100 (%)');
});

test('pimDeviceOptions: hrsLrsRatio resolved to a number (Infinity when ideal), the rest copied', () => {
  const resolve: (a: ArchConfig) => PimDeviceOptions = pimDeviceOptions; // the structural type is PimDeviceOptions
  assert.equal(resolve(MNSIM_DEFAULT_ARCH), {
    rangeMode: 'fixed', safHrsPct: 0, safLrsPct: 0, variationSigmaPctOfR: 0, hrsLrsRatio: Infinity, readNoiseSigma: 0,
  });
  assert.is(resolve(GIBBON_BASE_ARCH).rangeMode, 'calibrated');
  const device = applySets(GIBBON_BASE_ARCH, ['nonideal.hrsLrsRatio=device', 'device.resistancesOhm=2e6,5e5,1e4', 'nonideal.safLrsPct=2']);
  assert.is(resolve(device).hrsLrsRatio, 200);
  assert.is(resolve(device).safLrsPct, 2);
  assert.is(resolve(applySets(GIBBON_BASE_ARCH, ['nonideal.hrsLrsRatio=20'])).hrsLrsRatio, 20);
});

test('applySets re-validates the whole architecture it is given', () => {
  const broken = structuredClone(MNSIM_DEFAULT_ARCH);
  broken.pe.dacNum = 0;
  throwsGibbon(() => applySets(broken, ['xbar.size=128']), 'E_ARCH', '--set: pe.dacNum: got 0; allowed: an integer in 1..4096');
});

test.run();
