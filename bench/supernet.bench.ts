// Supernet bench (docs/supernet.md §5): seconds per epoch of the largest sub-network (trained alone, QAT at
// its 9/9 bits, 7,000 digits), and from a trained supernet (bench/out/sn-mnist, written by
// `gibbon supernet train --epochs 10 --seed 1 --out bench/out/sn-mnist`; trained here if missing) the
// float / quantized / PIM test accuracy of the largest and smallest sub-networks at 10-bit ADCs, and a
// PIM accuracy table over ADC bits 4/6/8/10 for three candidates.
//   node --import tsx bench/supernet.bench.ts [--supernet <dir>] [--epochs N] [--limit n] [--table-limit n] [--skip-timing]
import { parseArgs } from 'node:util';
import { setupTfjs } from '../src/node/tfjs-setup.ts';
import { loadDataset } from '../src/node/dataset-files.ts';
import { hasSupernet, loadSupernetState, saveSupernet } from '../src/node/supernet-files.ts';
import { createNodePool } from '../src/node/pool.ts';
import { pimExecutor } from '../src/pool/eval-pool.ts';
import { spacePreset } from '../src/space/presets.ts';
import { toArch, toModelSkeleton } from '../src/space/convert.ts';
import { applySets } from '../src/hw/arch.ts';
import { runPim } from '../src/pim/run.ts';
import { Supernet, largestCandidate, smallestCandidate, trainSupernet } from '../src/nn/supernet.ts';
import { evaluateAccuracy, losslessArch } from '../src/nn/accuracy.ts';
import { Rng } from '../src/util/rng.ts';
import type { Candidate } from '../src/space/types.ts';

const { values } = parseArgs({ options: {
  supernet: { type: 'string' }, epochs: { type: 'string' }, limit: { type: 'string' }, 'table-limit': { type: 'string' }, 'skip-timing': { type: 'boolean' },
} });
const dir = values.supernet ?? 'bench/out/sn-mnist';
const epochs = Number(values.epochs ?? 10);
const limit = Number(values.limit ?? 1500);
const tableLimit = Number(values['table-limit'] ?? 500);

const setup = await setupTfjs();
console.log(`backend ${setup.backend}${setup.simd ? ' (SIMD)' : ''}, node ${process.version}`);
const space = spacePreset('mnist');
const ds = await loadDataset('mnist');
const pct = (v: number) => `${(100 * v).toFixed(2)}`;

if (!values['skip-timing']) {
  for (const quant of [true, false]) {
    const sn = new Supernet(space, 1);
    const st = await trainSupernet(sn, ds.train, { epochs: 1, largestOnly: true, quant });
    console.log(`largest sub-network alone, ${quant ? 'QAT 9/9' : 'float'}: ${st.history[0].seconds.toFixed(1)} s/epoch (7,000 digits, batch 64)`);
    sn.dispose();
  }
}

let state;
if (hasSupernet(dir)) state = loadSupernetState(dir);
else {
  const sn = new Supernet(space, 1);
  state = await trainSupernet(sn, ds.train, { epochs, seed: 1, onEpoch: (s) => saveSupernet(dir, s),
    onProgress: (p) => { if (p.kind === 'epoch') console.log(`epoch ${p.epoch}: loss ${p.loss.toFixed(4)} acc ${pct(p.trainAccuracy)} ${p.epochSeconds.toFixed(1)} s`); } });
  sn.dispose();
}
const secs = state.history.map((h) => h.seconds).sort((a, b) => a - b);
console.log(`supernet: ${state.epoch} epochs, sandwich of ${2 + state.options.randomSubnets}, median ${secs[Math.floor((secs.length - 1) / 2)].toFixed(1)} s/epoch, total ${secs.reduce((a, b) => a + b, 0).toFixed(0)} s`);
const sn = new Supernet(space, state.initSeed);
sn.setWeights(state.weights);
const pool = await createNodePool({ workers: 2 });
const exec = pimExecutor(pool);
const HW = { 'xbar.size': 128, 'adc.bits': 10, 'dac.bits': 1, 'device.cellBits': 1 };
const withHw = (c: Candidate, hw: Record<string, number> = HW): Candidate => ({ ...c, hardware: { ...hw } });
const mid = space.sample(new Rng(2024));
const named: Array<[string, Candidate]> = [['largest', withHw(largestCandidate(space))], ['random', withHw(mid)], ['smallest', withHw(smallestCandidate(space))]];
const describe = (c: Candidate) => {
  const sk = toModelSkeleton(space, c);
  const convs = sk.layers.filter((l) => l.type === 'conv').map((l) => `${l.outChannels}k${l.kernel}g${l.convGroups}w${l.weightBits}`);
  return `${sk.layers.length} layers, convs ${convs.join(' ')}, input ${sk.input.bits} b`;
};

console.log(`\ntest accuracy (${limit} images), hardware ${JSON.stringify(HW)}:`);
console.log('candidate | float % | quantized % (lossless ADC) | PIM % (10-bit ADC) | pimLoss pp | s');
const models = new Map<string, Awaited<ReturnType<typeof evaluateAccuracy>>>();
for (const [name, c] of named) {
  const t = performance.now();
  const r = await evaluateAccuracy(c, sn, ds.test, { executor: exec, calibration: ds.train, limit });
  models.set(name, r);
  console.log(`${name} (${describe(c)}) | ${pct(r.float)} | ${pct(r.quantized)} | ${pct(r.pim)} | ${(100 * r.pimLoss).toFixed(2)} | ${((performance.now() - t) / 1000).toFixed(1)}`);
}

console.log(`\nPIM test accuracy % by ADC bits (${tableLimit} images; xbar 128, 1-bit DAC, 1-bit cells, gibbon-base):`);
console.log('candidate | lossless | 4 | 6 | 8 | 10');
for (const [name, c] of named) {
  const model = models.get(name)!.model;
  const images = ds.test.images.subarray(0, tableLimit * 784), labels = ds.test.labels.subarray(0, tableLimit);
  const row = [pct((await runPim(exec, model, losslessArch(toArch(space, c)), images, { labels })).accuracyMean!)];
  for (const bits of [4, 6, 8, 10]) {
    const arch = applySets(toArch(space, c), [`adc.bits=${bits}`]);
    row.push(pct((await runPim(exec, model, arch, images, { labels })).accuracyMean!));
  }
  console.log(`${name} | ${row.join(' | ')}`);
}
await pool.destroy();
sn.dispose();
