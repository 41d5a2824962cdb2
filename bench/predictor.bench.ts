// bench:predictor — held-out quality, training time and inference speed of the RNN predictor
// (docs/predictor.md §6), through the same code as `gibbon predictor train` / `eval`:
//   mnist:        10000 hardware-labelled candidates, 300 of them with pimLoss (cached supernet, 100 images)
//   gibbon-cifar: 10000 hardware-labelled candidates (no CIFAR files: hardware heads only)
// 30 epochs (the CLI defaults).
// Then predictions per second of the trained predictor, tfjs and our WASM kernel side by side, with and
// without tokenization (bench/predictor-speed.ts). --speed-only skips training and times an untrained
// predictor (default sizes, seed 1): a minute instead of several.
// Held out: 400 uniform candidates (100 with pimLoss) disjoint from training, and 200 one-mutation
// neighbours of a late ESAPP population (60 with pimLoss). pimLoss labels are cached in
// .gibbon-cache/predictor-labels/ (the first mnist run spends ~8 min on them).
//
// --cost-max-pool 0|1, --cost-token-input 0|1, --cost-hidden-size N, --tile-features 0|1 and --latency-features 0|1 set those predictor options
// (docs/predictor.md §2); they reach `gibbon predictor train --options '<json>'` (and the --speed-only predictor).
//
//   node --import tsx bench/predictor.bench.ts [--space mnist|gibbon-cifar] [--seed S] [--epochs E] [--samples N] [--accuracy-samples N] [--layer-weight W]
//     [--cost-max-pool 0|1] [--cost-token-input 0|1] [--cost-hidden-size N] [--tile-features 0|1] [--latency-features 0|1] [--keep DIR] [--layer-diagnostics [--predictor DIR]] [--speed-only] [--json]
// --seed S (default 1) seeds the candidates, the held-out sets and the predictor (another seed draws new
// pimLoss labels on mnist: add --accuracy-samples 0 to train and evaluate the hardware heads only).
// --keep DIR writes the trained predictor to DIR/<space> (default: a temporary directory, removed).
// --layer-diagnostics then compares the per-layer cost channels with the simulator's per-layer labels on
// the uniform held-out candidates (docs/predictor.md §8); --predictor DIR prints only that, for a saved
// predictor (no training, no eval).
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPredictorCommand, type PredictorEvalResult, type PredictorTrainResult } from '../src/cli/predictor.ts';
import { loadPredictorFile } from '../src/node/predictor-files.ts';
import { loadSimulatorNode } from '../src/node/simulator.ts';
import { setupTfjs } from '../src/node/tfjs-setup.ts';
import { resolveSpace } from '../src/space/space.ts';
import { spacePreset, type SpacePresetName } from '../src/space/presets.ts';
import * as tf from '@tensorflow/tfjs';
import { createPredictor, PREDICTOR_DEFAULTS, stateOptions } from '../src/predictor/predictor.ts';
import { createNodePool } from '../src/node/pool.ts';
import { hardwareSamples, sampleDistinct } from '../src/predictor/labels.ts';
import { forwardWithCosts, weightShapes, type Weights } from '../src/predictor/model.ts';
import { decodeFloats } from '../src/predictor/tensor-data.ts';
import { layerFeatureCount, tokenizeBatch, tokenLayout } from '../src/predictor/tokens.ts';
import { kendallTauB } from '../src/nn/standalone.ts';
import type { PredictorSample } from '../src/predictor/types.ts';
import { predictorSpeed, speedLines, type SpeedReport } from './predictor-speed.ts';

const { values } = parseArgs({ options: { space: { type: 'string' }, seed: { type: 'string' }, epochs: { type: 'string' }, samples: { type: 'string' }, 'accuracy-samples': { type: 'string' }, 'layer-weight': { type: 'string' }, 'cost-max-pool': { type: 'string' }, 'cost-token-input': { type: 'string' }, 'cost-hidden-size': { type: 'string' }, 'tile-features': { type: 'string' }, 'latency-features': { type: 'string' }, keep: { type: 'string' }, 'layer-diagnostics': { type: 'boolean' }, predictor: { type: 'string' }, 'speed-only': { type: 'boolean' }, json: { type: 'boolean' } } });
const spaces = values.space ? [values.space] : ['mnist', 'gibbon-cifar'];
const quiet = () => {};
const fmt = (x: number | null) => (x === null ? '   -  ' : x.toFixed(3).padStart(6));
const results: Record<string, unknown>[] = [];
/** The predictor options set by flags (the rest stay at their defaults). */
const predictorOptions: Record<string, number> = {};
for (const [flag, key] of [['cost-max-pool', 'costMaxPool'], ['cost-token-input', 'costTokenInput'], ['tile-features', 'tileFeatures'], ['latency-features', 'latencyFeatures']] as const) {
  const raw = values[flag];
  if (raw === undefined) continue;
  if (raw !== '0' && raw !== '1') throw new Error(`--${flag}: got ${JSON.stringify(raw)}; allowed: 0 or 1`);
  predictorOptions[key] = Number(raw);
}
if (values['cost-hidden-size'] !== undefined) {
  const n = Number(values['cost-hidden-size']);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--cost-hidden-size: got ${JSON.stringify(values['cost-hidden-size'])}; allowed: an integer >= 0`);
  predictorOptions.costHiddenSize = n;
}
const shown = { ...PREDICTOR_DEFAULTS, ...predictorOptions };
if (!values.json) console.log(`options: costMaxPool ${shown.costMaxPool}, costTokenInput ${shown.costTokenInput}, costHiddenSize ${shown.costHiddenSize}, tileFeatures ${shown.tileFeatures}, latencyFeatures ${shown.latencyFeatures}`);

/**
 * The per-layer cost channels of a saved predictor against the simulator's per-layer labels of its
 * uniform held-out candidates (the eval command's set): how well the busiest layer's predicted busy time
 * ranks latency, how often it is the right layer, and the per-layer rankings of busy time and energy.
 */
async function layerDiagnostics(dir: string): Promise<string[]> {
  const file = loadPredictorFile(dir);
  const space = resolveSpace(file.train.spaceSpec, dir);
  const pool = await createNodePool({ workers: 1 });
  let samples: PredictorSample[];
  try {
    const candidates = sampleDistinct(space, 400, file.train.seed, 'predictor-eval', new Set(file.train.trainKeys));
    samples = await hardwareSamples(space, pool, candidates, { layers: true });
  } finally { await pool.destroy(); }
  const o = stateOptions(file.state), layout = tokenLayout(space), H = layout.hardwareFeatureCount, T = layout.maxLayers;
  const batch = tokenizeBatch(space, layout, samples.map((s) => s.candidate), o.tileFeatures, o.latencyFeatures);
  const [pred, costs] = tf.tidy(() => {
    const w: Weights = new Map();
    for (const [name, shape] of weightShapes(o, H)) w.set(name, tf.tensor(decodeFloats(file.state.weights[name], name), shape) as tf.Variable);
    const r = forwardWithCosts(w, o, { tokens: tf.tensor3d(batch.layers, [batch.n, T, layerFeatureCount(o.tileFeatures, o.latencyFeatures)]), hardware: tf.tensor2d(batch.hardware, [batch.n, H]) });
    return [r.out.arraySync(), r.costs.arraySync()];
  });
  const layersOf = (i: number) => samples[i].layers!;
  const channel = (i: number, k: number) => costs[i].slice(0, layersOf(i).busy_ms.length).map((v) => v[k]);
  const latency = samples.map((s) => s.labels.latency_ms), energy = samples.map((s) => s.labels.energy_uJ);
  const busiestPredicted = samples.map((_, i) => Math.max(...channel(i, 4)));
  const energyLse = samples.map((_, i) => Math.log(channel(i, 1).reduce((a, v) => a + Math.exp(v), 0)));
  let found = 0;
  const busiestErr: number[] = [], busyP: number[] = [], busyY: number[] = [], energyP: number[] = [], energyY: number[] = [];
  samples.forEach((s, i) => {
    const busy = layersOf(i).busy_ms, e = layersOf(i).energy_uJ, c4 = channel(i, 4), c1 = channel(i, 1);
    const top = Math.max(...busy), eTotal = e.reduce((a, v) => a + v, 0);
    const at = busy.indexOf(top);
    if (c4.indexOf(Math.max(...c4)) === at) found++;
    busiestErr.push(c4[at] - Math.log(top)); // channel 4 is log busy minus the latency's log-mean: only its spread matters
    busy.forEach((v, l) => { if (v > 0.05 * top) { busyP.push(c4[l]); busyY.push(Math.log(v)); } });
    e.forEach((v, l) => { if (v > 0.05 * eTotal) { energyP.push(c1[l]); energyY.push(Math.log(v)); } });
  });
  const sd = (xs: number[]) => { const m = xs.reduce((a, v) => a + v, 0) / xs.length; return Math.sqrt(xs.reduce((a, v) => a + (v - m) ** 2, 0) / xs.length); };
  const f = (x: number) => x.toFixed(3);
  return [
    `per-layer diagnostics (${samples.length} uniform held-out candidates; costMaxPool ${o.costMaxPool}, costTokenInput ${o.costTokenInput}, costHiddenSize ${o.costHiddenSize}, tileFeatures ${o.tileFeatures}, latencyFeatures ${o.latencyFeatures})`,
    `  latency tau: predicted ${f(kendallTauB(pred.map((r) => r[4]), latency))}, max of the busy channel ${f(kendallTauB(busiestPredicted, latency))}, max of the true busy times ${f(kendallTauB(samples.map((_, i) => Math.max(...layersOf(i).busy_ms)), latency))}`,
    `  busiest layer found ${f(found / samples.length)}; its log busy time: error sd ${f(sd(busiestErr))} (log latency over the set: sd ${f(sd(latency.map(Math.log)))})`,
    `  per-layer tau: busy (layers > 5 % of the max) ${f(kendallTauB(busyP, busyY))} over ${busyP.length}; energy (layers > 5 % of the total) ${f(kendallTauB(energyP, energyY))} over ${energyP.length}`,
    `  energy tau: predicted ${f(kendallTauB(pred.map((r) => r[3]), energy))}, log-sum-exp of the energy channel ${f(kendallTauB(energyLse, energy))}`,
  ];
}

await setupTfjs();
const sim = await loadSimulatorNode();
if (values.predictor !== undefined) {
  console.log((await layerDiagnostics(values.predictor)).join('\n'));
  process.exit(0);
}

for (const space of spaces) {
  if (values['speed-only']) {
    const p = createPredictor(spacePreset(space as SpacePresetName), { seed: 1, ...predictorOptions });
    const speed: SpeedReport = predictorSpeed(p.space, p.state(), sim);
    p.dispose();
    results.push({ space, speed });
    if (!values.json) console.log(`\n${space} (untrained, default sizes)\n${speedLines(speed).join('\n')}`);
    continue;
  }
  const dir = values.keep ? join(values.keep, space) : mkdtempSync(join(tmpdir(), `gibbon-bench-predictor-${space}-`));
  try {
    const trainArgs = ['train', '--space', space, '--seed', values.seed ?? '1', '--out', dir];
    if (values.epochs) trainArgs.push('--epochs', values.epochs);
    if (values.samples) trainArgs.push('--samples', values.samples);
    if (values['accuracy-samples']) trainArgs.push('--accuracy-samples', values['accuracy-samples']);
    if (values['layer-weight']) trainArgs.push('--layer-weight', values['layer-weight']);
    if (Object.keys(predictorOptions).length > 0) trainArgs.push('--options', JSON.stringify(predictorOptions));
    const train = (await runPredictorCommand(trainArgs, quiet)) as PredictorTrainResult;
    const ev = (await runPredictorCommand(['eval', '--predictor', dir, '--json'], quiet)) as PredictorEvalResult;
    const file = loadPredictorFile(dir);
    const speed = predictorSpeed(resolveSpace(file.train.spaceSpec, dir), file.state, sim);
    const row = { ...ev, fitSeconds: Number(train.fitSeconds.toFixed(1)), speed };
    results.push(row);
    if (!values.json) {
      console.log(`\n${space}: trained on ${train.samples} samples (${train.pimLossSamples} with pimLoss) in ${train.fitSeconds.toFixed(1)} s (fit only)`);
      console.log('                     tau pimLoss    area  energy latency   power | MAPE area energy latency power | MAE pimLoss');
      for (const [name, q] of [['uniform held-out', ev.uniform], ['late neighbours', ev.neighbours]] as const) {
        console.log(`${name.padEnd(20)} ${fmt(q.kendall.pimLoss)}  ${fmt(q.kendall.area)}  ${fmt(q.kendall.energy)}  ${fmt(q.kendall.latency)}  ${fmt(q.kendall.power)} | ` +
          `${fmt(q.mape.area)} ${fmt(q.mape.energy)} ${fmt(q.mape.latency)} ${fmt(q.mape.power)} | ${q.mae.pimLoss === null ? '-' : q.mae.pimLoss.toFixed(4)}`);
      }
      console.log(`predictions/s (gibbon predictor eval: tfjs, batched, 4096 fresh candidates, median of 3): ${ev.predictions_per_s}`);
      console.log(speedLines(speed).join('\n'));
    }
    if (values['layer-diagnostics'] && !values.json) console.log((await layerDiagnostics(dir)).join('\n'));
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
}
if (values.json) console.log(JSON.stringify(results));
