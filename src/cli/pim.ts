// `gibbon pim`: accuracy of a quantized model on PIM hardware (the functional simulator).
import { parseArgs } from 'node:util';
import { basename } from 'node:path';
import { applySets } from '../hw/arch.ts';
import { parsePimModel } from '../pim/model-file.ts';
import { runPim, type RunPimResult } from '../pim/run.ts';
import { InThreadPimExecutor } from '../pim/executor.ts';
import { SPLIT_NAMES, type SplitName } from '../data/types.ts';
import { loadDataset } from '../node/dataset-files.ts';
import { loadSimulatorNode } from '../node/simulator.ts';
import { GibbonError } from '../util/errors.ts';
import { readJsonFile } from './io.ts';
import { loadArch } from './simulate.ts';
import { countLine } from './progress.ts';
import { numberFlag } from './flags.ts';

export const PIM_HELP = `gibbon pim --model-file <file> [options]

Runs a quantized model (format gibbon-pim-model, docs/functional.md) the way memristor crossbars would:
weights sliced over cells, inputs in DAC cycles, every partial sum through the ADC. Prints accuracy and,
per layer, the ADC saturation rate and the mean partial-sum error that explain an accuracy loss.

  --model-file <file>    the model file (required)
  --arch <preset|file>   mnsim-default (default), gibbon-base, or an architecture JSON file
  --set <path=value>     override an architecture field, repeatable (adc.bits, device.cellBits,
                         adc.rangeMode, nonideal.safHrsPct, nonideal.variationSigmaPctOfR, ...)
  --dataset <spec>       mnist (default), idx:<dir>, cifar10:<dir>, cifar100:<dir>
  --split <name>         test (default), validation or train
  --limit <n>            only the first n images of the split
  --seed <s>             chip-instance seed for faults and variation (default 1)
  --trials <n>           Monte-Carlo chip instances: accuracy mean and std (default 1)
  --json                 print one JSON object
`;

export interface PimReport {
  model: string;
  arch: string;
  dataset: string;
  split: SplitName;
  images: number;
  seed: number;
  trials: number;
  accuracy: number;
  accuracy_std: number;
  trial_accuracies: number[];
  hardware: RunPimResult['hardware'];
  layers: Array<{ index: number; name: string; row_tiles: number; weight_slices: number; input_cycles: number; conversions: number; adc_saturation: number; psum_mae: number; psum_range: number | null }>;
}

export function formatPim(r: PimReport): string {
  const lines = [
    `model ${r.model} | arch ${r.arch} | ${r.dataset} ${r.split} (${r.images} images) | seed ${r.seed}, ${r.trials} trial(s)`,
    `hardware: ${r.hardware.xbarRows}x${r.hardware.xbarCols} crossbars, ${r.hardware.cellBits}-bit cells, ${r.hardware.dacBits}-bit DAC, ` +
      `${r.hardware.adcBits}-bit ADC (${r.hardware.device.rangeMode} range), ${r.hardware.rowsPerConversion} rows per conversion`,
    '',
    `accuracy on PIM: ${(100 * r.accuracy).toFixed(2)} %` + (r.trials > 1 ? ` (std ${(100 * r.accuracy_std).toFixed(2)} over ${r.trials} chips)` : ''),
    '',
    `${'#'.padEnd(4)}${'layer'.padEnd(10)}${'row tiles'.padStart(10)}${'slices'.padStart(8)}${'cycles'.padStart(8)}${'conversions'.padStart(14)}${'ADC sat.'.padStart(10)}${'psum MAE'.padStart(10)}`,
  ];
  for (const l of r.layers) {
    lines.push(`${String(l.index).padEnd(4)}${l.name.padEnd(10)}${String(l.row_tiles).padStart(10)}${String(l.weight_slices).padStart(8)}` +
      `${String(l.input_cycles).padStart(8)}${String(l.conversions).padStart(14)}${(100 * l.adc_saturation).toFixed(2).padStart(9)}%${l.psum_mae.toFixed(3).padStart(10)}`);
  }
  return lines.join('\n');
}

export async function runPimCommand(argv: string[], print: (s: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'model-file': { type: 'string' }, arch: { type: 'string' }, set: { type: 'string', multiple: true },
      dataset: { type: 'string' }, split: { type: 'string' }, limit: { type: 'string' }, seed: { type: 'string' },
      trials: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true, allowPositionals: false,
  });
  if (values.help) { print(PIM_HELP); return; }
  const file = values['model-file'];
  if (!file) throw new GibbonError('E_OPTION', '--model-file: missing; allowed: a gibbon-pim-model JSON file (docs/functional.md)');
  const model = parsePimModel(readJsonFile(file, 'model'), basename(file));
  let { arch, name: archName } = loadArch(values.arch);
  if (values.set?.length) arch = applySets(arch, values.set);
  const split = (values.split ?? 'test') as SplitName;
  if (!SPLIT_NAMES.includes(split)) throw new GibbonError('E_OPTION', `--split: got ${JSON.stringify(values.split)}; allowed: ${SPLIT_NAMES.join(', ')}`);
  const seed = numberFlag(values.seed, 'seed', 1, 0, 0xffffffff);
  const trials = numberFlag(values.trials, 'trials', 1, 1, 10000);
  const dataset = await loadDataset(values.dataset ?? 'mnist', '--dataset');
  const [c, h, w] = dataset.shape;
  const spec = model.input;
  if (spec.channels !== c || spec.height !== h || spec.width !== w) {
    throw new GibbonError('E_MODEL', `${basename(file)}: input: the model reads ${spec.channels}x${spec.height}x${spec.width} images but ${dataset.name} has ${c}x${h}x${w}`);
  }
  // An accuracy against labels the model cannot output (or outputs that are no label) would be a number without a meaning.
  if (model.classes !== dataset.classes) {
    throw new GibbonError('E_MODEL', `${basename(file)}: classes: got ${model.classes} (the last layer's outputs); allowed: ${dataset.classes}, the class count of ${dataset.name}`);
  }
  const data = dataset[split];
  const n = Math.min(data.count, numberFlag(values.limit, 'limit', data.count, 1, data.count));
  const size = c * h * w;
  const exec = new InThreadPimExecutor(await loadSimulatorNode());
  const progress = countLine(`pim ${split}`, { bar: true });
  let finished = 0;
  const result = await runPim(exec, model, arch, data.images.subarray(0, n * size), {
    seed, trials, labels: data.labels.subarray(0, n),
    onProgress: (e) => { finished = e.trial * n + e.done; progress.update(finished, n * trials); },
  });
  progress.update(finished, n * trials);
  progress.end();
  exec.dispose();
  const report: PimReport = {
    model: model.name, arch: archName, dataset: dataset.name, split, images: n, seed, trials,
    accuracy: result.accuracyMean!, accuracy_std: result.accuracyStd!, trial_accuracies: result.trials.map((t) => t.accuracy!),
    hardware: result.hardware,
    layers: result.stats.filter((s) => s.conversions > 0).map((s) => ({
      index: s.index, name: s.name, row_tiles: s.rowTiles, weight_slices: s.weightSlices, input_cycles: s.inputCycles,
      conversions: s.conversions, adc_saturation: s.adcSaturationFrac, psum_mae: s.psumMae, psum_range: s.psumRange >= 0 ? s.psumRange : null,
    })),
  };
  print(values.json ? JSON.stringify(report, (_k, v) => (v === Infinity ? 'Infinity' : v), 2) : formatPim(report));
}
