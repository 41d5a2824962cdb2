// `gibbon dataset`: load a dataset by spec and show what was loaded, per split and class.
import { parseArgs } from 'node:util';
import { datasetSummary, type DatasetSummary } from '../data/datasets.ts';
import { SPLIT_NAMES } from '../data/types.ts';
import { loadDataset } from '../node/dataset-files.ts';

export const DATASET_HELP = `gibbon dataset [--dataset <spec>] [--json]

Load a dataset and show its splits: images per split and per class, the image shape, the classes.

  --dataset <spec>   mnist (default: the 10,000 digits of the mnist package, split 7,000 / 1,500 / 1,500),
                     idx:<dir> (MNIST-format IDX files, plain or .gz: MNIST, Fashion-MNIST),
                     cifar10:<dir> or cifar100:<dir> (the binary versions); see docs/datasets.md
  --json             print {"train": {count, classCounts}, "validation": ..., "test": ..., "shape", "classes"}
`;

/** Classes listed one by one up to this many; beyond, a min..max range. */
const MAX_LISTED_CLASSES = 20;

export function formatDatasetSummary(name: string, s: DatasetSummary): string {
  const [c, h, w] = s.shape;
  const lines = [`dataset ${name}: ${s.classes} classes, images ${c}x${h}x${w} (pixel = byte / 255)`];
  lines.push(`${'split'.padEnd(10)} ${'count'.padStart(7)}  per class`);
  for (const split of SPLIT_NAMES) {
    const { count, classCounts } = s[split];
    const per = s.classes <= MAX_LISTED_CLASSES
      ? classCounts.join(' ')
      : `${Math.min(...classCounts)}..${Math.max(...classCounts)} (over ${s.classes} classes)`;
    lines.push(`${split.padEnd(10)} ${String(count).padStart(7)}  ${per}`);
  }
  return lines.join('\n');
}

export async function runDataset(argv: string[], print: (s: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { dataset: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    strict: true, allowPositionals: false,
  });
  if (values.help) { print(DATASET_HELP); return; }
  const dataset = await loadDataset(values.dataset ?? 'mnist', '--dataset');
  const summary = datasetSummary(dataset);
  print(values.json ? JSON.stringify(summary, null, 2) : formatDatasetSummary(dataset.name, summary));
}
