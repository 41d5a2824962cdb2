// bench:predictor — held-out quality, training time and inference speed of the RNN predictor
// (docs/predictor.md §6), through the same code as `gibbon predictor train` / `eval`:
//   mnist:        10000 hardware-labelled candidates, 300 of them with pimLoss (cached supernet, 100 images)
//   gibbon-cifar: 10000 hardware-labelled candidates (no CIFAR files: hardware heads only)
// 30 epochs (the CLI defaults).
// Held out: 400 uniform candidates (100 with pimLoss) disjoint from training, and 200 one-mutation
// neighbours of a late ESAPP population (60 with pimLoss). pimLoss labels are cached in
// .gibbon-cache/predictor-labels/ (the first mnist run spends ~8 min on them).
//
//   node --import tsx bench/predictor.bench.ts [--space mnist|gibbon-cifar] [--epochs E] [--samples N] [--json]
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPredictorCommand, type PredictorEvalResult, type PredictorTrainResult } from '../src/cli/predictor.ts';

const { values } = parseArgs({ options: { space: { type: 'string' }, epochs: { type: 'string' }, samples: { type: 'string' }, 'accuracy-samples': { type: 'string' }, json: { type: 'boolean' } } });
const spaces = values.space ? [values.space] : ['mnist', 'gibbon-cifar'];
const quiet = () => {};
const fmt = (x: number | null) => (x === null ? '   -  ' : x.toFixed(3).padStart(6));
const results: Record<string, unknown>[] = [];

for (const space of spaces) {
  const dir = mkdtempSync(join(tmpdir(), `gibbon-bench-predictor-${space}-`));
  try {
    const trainArgs = ['train', '--space', space, '--seed', '1', '--out', dir];
    if (values.epochs) trainArgs.push('--epochs', values.epochs);
    if (values.samples) trainArgs.push('--samples', values.samples);
    if (values['accuracy-samples']) trainArgs.push('--accuracy-samples', values['accuracy-samples']);
    const train = (await runPredictorCommand(trainArgs, quiet)) as PredictorTrainResult;
    const ev = (await runPredictorCommand(['eval', '--predictor', dir, '--json'], quiet)) as PredictorEvalResult;
    const row = { ...ev, fitSeconds: Number(train.fitSeconds.toFixed(1)) };
    results.push(row);
    if (!values.json) {
      console.log(`\n${space}: trained on ${train.samples} samples (${train.pimLossSamples} with pimLoss) in ${train.fitSeconds.toFixed(1)} s (fit only)`);
      console.log('                     tau pimLoss    area  energy latency   power | MAPE area energy latency power | MAE pimLoss');
      for (const [name, q] of [['uniform held-out', ev.uniform], ['late neighbours', ev.neighbours]] as const) {
        console.log(`${name.padEnd(20)} ${fmt(q.kendall.pimLoss)}  ${fmt(q.kendall.area)}  ${fmt(q.kendall.energy)}  ${fmt(q.kendall.latency)}  ${fmt(q.kendall.power)} | ` +
          `${fmt(q.mape.area)} ${fmt(q.mape.energy)} ${fmt(q.mape.latency)} ${fmt(q.mape.power)} | ${q.mae.pimLoss === null ? '-' : q.mae.pimLoss.toFixed(4)}`);
      }
      console.log(`predictions/s (batched, 4096 fresh candidates, median of 3): ${ev.predictions_per_s}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (values.json) console.log(JSON.stringify(results));
