// ADC-range bench (docs/supernet.md §7.2): is the seed-to-seed spread of the 4-bit-ADC candidates' PIM
// accuracy a matter of the calibrated ADC range (functional.md §5: full scale F = the largest ideal |partial
// sum| of a layer over the first 64 images), or of the weights themselves?
// For each candidate (default: the ranking rule's candidates with a 4-bit ADC) and each stand-alone seed, the
// candidate is trained alone with the ranking bench's recipe (trainStandalone, --standalone-epochs, 7,000
// digits) and exported once; then the same model file runs on the validation split with
// * max: the calibrated range as every evaluation sets it (the figure of bench/fixtures/standalone);
// * max/2^k: every layer's full scale divided by 2^k (k = 1, 2), i.e. the ADC step k powers of two finer,
//   clipping the largest sums;
// * least error: the least-error range mode (runPim; docs/functional.md §5): per layer the k in 0..4 whose run
//   over the 64 calibration images has the smallest mean |p̂ - p_ideal| (the simulator's psumMae).
// Per layer of the max run it prints the full scale, the share of saturated conversions and psumMae.
// Last line: one JSON object (per candidate and method the PIM accuracy per seed and the spread, max - min).
//   npm run bench:adc-range -- [--candidates m1b1,m3b3] [--seeds 1,2,3] [--limit n] [--standalone-epochs N]
import { parseArgs } from 'node:util';
import { setupTfjs } from '../src/node/tfjs-setup.ts';
import { loadDataset } from '../src/node/dataset-files.ts';
import { createNodePool } from '../src/node/pool.ts';
import { pimExecutor } from '../src/pool/eval-pool.ts';
import { spacePreset } from '../src/space/presets.ts';
import { toArch } from '../src/space/convert.ts';
import { Supernet } from '../src/nn/supernet.ts';
import { trainStandalone } from '../src/nn/standalone.ts';
import { exportPreparedSubnet, prepareSubnet } from '../src/nn/subnet-export.ts';
import { quantizeInputs, runPim } from '../src/pim/run.ts';
import type { PimModel } from '../src/pim/types.ts';
import { rankingCandidates } from './ranking-candidates.ts';

const { values } = parseArgs({ options: {
  candidates: { type: 'string' }, seeds: { type: 'string' }, limit: { type: 'string' }, 'standalone-epochs': { type: 'string' },
} });
const seeds = (values.seeds ?? '1,2,3').split(',').map(Number);
const limit = Number(values.limit ?? 1500);
const standaloneEpochs = Number(values['standalone-epochs'] ?? 4);
/** The ranking bench's candidate seed (bench/ranking.bench.ts --seed default). */
const RANKING_SEED = 7;
/** Images that set the calibrated range (runPim's default), here also the images the least-error choice sees. */
const CALIBRATION_IMAGES = 64;

await setupTfjs();
const space = spacePreset('mnist');
const ds = await loadDataset('mnist');
const shapes = new Supernet(space, 1);
const all = rankingCandidates(space, shapes, RANKING_SEED);
shapes.dispose();
const picked = values.candidates ? values.candidates.split(',').map((n) => {
  const x = all.find((c) => c.name === n);
  if (!x) throw new Error(`--candidates: got ${n}; allowed: ${all.map((c) => c.name).join(', ')}`);
  return x;
}) : all.filter((x) => x.adcBits === 4);
const pool = await createNodePool({ workers: 2 });
const exec = pimExecutor(pool);
const val = ds.validation;
const n = Math.min(limit, val.count);
const pct = (v: number) => (100 * v).toFixed(2);

/** The model with every matrix layer's full scale set to ranges[i] / 2^k. */
const withRanges = (model: PimModel, ranges: Float64Array, k: number): PimModel =>
  ({ ...model, layers: model.layers.map((l, i) => (l.type === 'conv' || l.type === 'fc') ? { ...l, psumRange: ranges[i] / 2 ** k } : l) });

type Method = 'max' | 'max/2' | 'max/4' | 'least error';
const results: Record<string, Record<Method, number[]>> = {};
console.log(`validation split, first ${n} images; stand-alone: ${standaloneEpochs} epochs, seeds ${seeds.join(', ')}`);
for (const x of picked) {
  const r: Record<Method, number[]> = { max: [], 'max/2': [], 'max/4': [], 'least error': [] };
  results[x.name] = r;
  for (const seed of seeds) {
    const t = trainStandalone(space, x.c, ds.train, { epochs: standaloneEpochs, seed }).supernet;
    const net = prepareSubnet(t, x.c, ds.train, {});
    const model = exportPreparedSubnet(t, x.c, net, {});
    net.dispose();
    t.dispose();
    const size = model.input.channels * model.input.height * model.input.width;
    const images = quantizeInputs(model.input, val.images.subarray(0, n * size));
    const labels = val.labels.subarray(0, n);
    const arch = toArch(space, x.c);
    const base = await runPim(exec, model, arch, images, { labels, calibrationImages: CALIBRATION_IMAGES });
    const ranges = base.psumRanges!;
    r.max.push(base.accuracyMean!);
    console.log(`\n${x.name} (${x.adcBits}-bit ADC) seed ${seed}: layer | full scale F | saturated | psumMae`);
    for (const s of base.stats) if (s.conversions > 0) console.log(`  ${s.name} | ${s.psumRange} | ${s.adcSaturationFrac.toFixed(4)} | ${s.psumMae.toFixed(3)}`);
    for (const k of [1, 2] as const) {
      const p = await runPim(exec, withRanges(model, ranges, k), arch, images, { labels });
      r[k === 1 ? 'max/2' : 'max/4'].push(p.accuracyMean!);
    }
    // the least-error range mode itself (runPim), on the same calibration images
    const p = await runPim(exec, model, { ...arch, adc: { ...arch.adc, rangeMode: 'least-error' } }, images, { labels, calibrationImages: CALIBRATION_IMAGES });
    r['least error'].push(p.accuracyMean!);
    const shifts = model.layers.flatMap((l, i) => (l.type === 'conv' || l.type === 'fc') ? [Math.log2(ranges[i] / p.psumRanges![i])] : []);
    console.log(`  PIM %: max ${pct(r.max.at(-1)!)}, max/2 ${pct(r['max/2'].at(-1)!)}, max/4 ${pct(r['max/4'].at(-1)!)}, least error ${pct(p.accuracyMean!)} (k per layer ${shifts.join(',')})`);
  }
}
await pool.destroy();

console.log('\ncandidate | range | PIM % per seed | spread, pts');
const summary: Record<string, Record<string, { pim_pct: number[]; spread_pts: number }>> = {};
for (const [name, r] of Object.entries(results)) {
  summary[name] = {};
  for (const [m, accs] of Object.entries(r)) {
    const spread = 100 * (Math.max(...accs) - Math.min(...accs));
    summary[name][m] = { pim_pct: accs.map((a) => Number(pct(a))), spread_pts: Number(spread.toFixed(2)) };
    console.log(`${name} | ${m} | ${accs.map(pct).join(' / ')} | ${spread.toFixed(2)}`);
  }
}
console.log(JSON.stringify({ bench: 'adc-range', split: 'validation', images: n, standalone_epochs: standaloneEpochs, seeds, candidates: summary }));
