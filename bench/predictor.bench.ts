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
//   node --import tsx bench/predictor.bench.ts [--space mnist|gibbon-cifar] [--epochs E] [--samples N] [--layer-weight W] [--speed-only] [--json]
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
import { createPredictor } from '../src/predictor/predictor.ts';
import { predictorSpeed, speedLines, type SpeedReport } from './predictor-speed.ts';

const { values } = parseArgs({ options: { space: { type: 'string' }, epochs: { type: 'string' }, samples: { type: 'string' }, 'accuracy-samples': { type: 'string' }, 'layer-weight': { type: 'string' }, 'speed-only': { type: 'boolean' }, json: { type: 'boolean' } } });
const spaces = values.space ? [values.space] : ['mnist', 'gibbon-cifar'];
const quiet = () => {};
const fmt = (x: number | null) => (x === null ? '   -  ' : x.toFixed(3).padStart(6));
const results: Record<string, unknown>[] = [];

await setupTfjs();
const sim = await loadSimulatorNode();

for (const space of spaces) {
  if (values['speed-only']) {
    const p = createPredictor(spacePreset(space as SpacePresetName), { seed: 1 });
    const speed: SpeedReport = predictorSpeed(p.space, p.state(), sim);
    p.dispose();
    results.push({ space, speed });
    if (!values.json) console.log(`\n${space} (untrained, default sizes)\n${speedLines(speed).join('\n')}`);
    continue;
  }
  const dir = mkdtempSync(join(tmpdir(), `gibbon-bench-predictor-${space}-`));
  try {
    const trainArgs = ['train', '--space', space, '--seed', '1', '--out', dir];
    if (values.epochs) trainArgs.push('--epochs', values.epochs);
    if (values.samples) trainArgs.push('--samples', values.samples);
    if (values['accuracy-samples']) trainArgs.push('--accuracy-samples', values['accuracy-samples']);
    if (values['layer-weight']) trainArgs.push('--layer-weight', values['layer-weight']);
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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (values.json) console.log(JSON.stringify(results));
