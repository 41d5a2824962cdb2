// `gibbon accuracy`: float, quantized and PIM accuracy of a candidate from a trained supernet
// (docs/supernet.md §4).
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { SPLIT_NAMES, type SplitName } from '../data/types.ts';
import { loadDataset } from '../node/dataset-files.ts';
import { loadSupernetState } from '../node/supernet-files.ts';
import { createNodePool } from '../node/pool.ts';
import { pimExecutor } from '../pool/eval-pool.ts';
import { resolveSpace } from '../space/space.ts';
import { toArch } from '../space/convert.ts';
import { applySets } from '../hw/arch.ts';
import { serializePimModel } from '../pim/model-file.ts';
import { GibbonError } from '../util/errors.ts';
import { readJsonFile } from './io.ts';
import { numberFlag, workersFlag } from './flags.ts';

export const ACCURACY_HELP = `gibbon accuracy --supernet <dir> --candidate <file> [options]

Accuracy of a candidate (docs/space.md §7) from a trained supernet (gibbon supernet train): its
sub-network is exported as a model file (batch norm recalibrated and folded, activation ranges calibrated
on training images) and evaluated three ways:
  float       the sub-network in tfjs, unquantized
  quantized   the model file on the functional simulator, lossless ADC and ideal devices
  pim         the model file on the candidate's own hardware (its ADC bits, the space's architecture)
  pimLoss     quantized - pim

  --supernet <dir>      the run directory holding supernet.ckpt (required)
  --candidate <file>    a candidate JSON file of the supernet's space (required)
  --split <name>        validation (default) or test
  --dataset <spec>      mnist (default), idx:<dir>, cifar10:<dir>, cifar100:<dir>
  --limit <n>           only the first n images of the split
  --set <path=value>    override a field of the pim figure's architecture, repeatable (as gibbon pim
                        --set), e.g. --set adc.rangeMode=least-error (docs/functional.md §5)
  --finetune-steps <n>  first fine-tune the sub-network alone for n steps (batches of 64 training images)
                        from a copy of the supernet's weights (default 0: as trained; docs/supernet.md §7.2)
  --model-out <file>    also write the exported model file
  --workers <n>         functional-simulator threads (default: one per core)
  --json                print {"float", "quantized", "pim", "pimLoss", ...}
`;

export async function runAccuracyCommand(argv: string[], print: (s: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      supernet: { type: 'string' }, candidate: { type: 'string' }, split: { type: 'string' }, dataset: { type: 'string' },
      limit: { type: 'string' }, 'finetune-steps': { type: 'string' }, set: { type: 'string', multiple: true }, 'model-out': { type: 'string' }, workers: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true, allowPositionals: false,
  });
  if (values.help) { print(ACCURACY_HELP); return; }
  if (!values.supernet) throw new GibbonError('E_OPTION', '--supernet: missing; allowed: a directory written by `gibbon supernet train`');
  if (!values.candidate) throw new GibbonError('E_OPTION', '--candidate: missing; allowed: a candidate JSON file (docs/space.md §7)');
  const split = (values.split ?? 'validation') as SplitName;
  if (!SPLIT_NAMES.includes(split) || split === 'train') throw new GibbonError('E_OPTION', `--split: got ${JSON.stringify(values.split)}; allowed: validation, test`);
  const state = loadSupernetState(values.supernet);
  const space = resolveSpace(state.spaceSpec, `${values.supernet} (space)`);
  const candidate = space.validateCandidate(readJsonFile(values.candidate, 'candidate'), values.candidate);
  const ds = await loadDataset(values.dataset ?? 'mnist', '--dataset');
  const data = ds[split];
  const limit = values.limit === undefined ? undefined : numberFlag(values.limit, 'limit', 0, 1, 1 << 30);
  const finetuneSteps = numberFlag(values['finetune-steps'], 'finetune-steps', 0, 0, 100000);
  const workers = workersFlag(values.workers, availableParallelism());
  const sets = values.set ?? [];
  // the candidate's architecture with the --set changes (checked here, before tfjs loads)
  const arch = sets.length > 0 ? applySets(toArch(space, candidate), sets) : undefined;
  // tfjs loads only for this command (not at every CLI start)
  const { setupTfjs } = await import('../node/tfjs-setup.ts');
  const { Supernet } = await import('../nn/supernet.ts');
  const { evaluateAccuracy } = await import('../nn/accuracy.ts');
  await setupTfjs();
  const sn = new Supernet(space, state.initSeed);
  sn.setWeights(state.weights);
  const pool = await createNodePool({ workers });
  try {
    const r = await evaluateAccuracy(candidate, sn, data, { executor: pimExecutor(pool), calibration: ds.train, limit, finetuneSteps, arch });
    if (values['model-out']) writeFileSync(values['model-out'], `${JSON.stringify(serializePimModel(r.model))}\n`);
    if (values.json) {
      print(JSON.stringify({ float: r.float, quantized: r.quantized, pim: r.pim, pimLoss: r.pimLoss, split, images: r.images, space: space.name, supernetEpochs: state.epoch, finetuneSteps, ...(sets.length > 0 ? { sets } : {}) }, null, 2));
    } else {
      const pct = (v: number) => `${(100 * v).toFixed(2)} %`;
      print([
        `candidate ${values.candidate} | supernet ${values.supernet} (${state.epoch} epochs${finetuneSteps > 0 ? `, fine-tuned ${finetuneSteps} steps` : ''}) | ${ds.name} ${split} (${r.images} images)`,
        `float      ${pct(r.float)}`,
        `quantized  ${pct(r.quantized)}   (functional simulator, lossless ADC, ideal devices)`,
        `pim        ${pct(r.pim)}   (the candidate's hardware: ${Object.entries(candidate.hardware).map(([k, v]) => `${k}=${v}`).join(', ')}${sets.length > 0 ? `; --set ${sets.join(', ')}` : ''})`,
        `pimLoss    ${(100 * r.pimLoss).toFixed(2)} pp`,
      ].join('\n'));
    }
  } finally {
    await pool.destroy();
    sn.dispose();
  }
}
