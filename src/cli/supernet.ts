// `gibbon supernet train`: trains the weight-sharing supernet of a space in a worker thread, with a
// progress line (epoch, loss, accuracy, ETA) and a checkpoint after every epoch; rerunning with the same
// --out resumes (docs/supernet.md).
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { SPACE_PRESETS, type SpacePresetName } from '../space/presets.ts';
import { type Space, resolveSpace } from '../space/space.ts';
import { GibbonError } from '../util/errors.ts';
import type { SupernetProgress } from '../nn/supernet.ts';
import { startTrainWorker, type TrainDone } from '../node/train-worker.ts';
import { lockRunDirectory } from '../node/run-lock.ts';
import { mkdirSync } from 'node:fs';
import { readJsonFile } from './io.ts';
import { numberFlag } from './flags.ts';
import { statusLine } from './progress.ts';
import { clock } from '../util/clock.ts';

export const SUPERNET_HELP = `gibbon supernet train --out <dir> [options]

Trains the one-shot weight-sharing supernet of a co-exploration space (docs/supernet.md): every step
trains the largest, the smallest and random sub-networks (sandwich rule) with fake quantization at their
bits. Runs in a worker thread; writes <dir>/supernet.ckpt (atomically, after every epoch) and
<dir>/supernet.json. If <dir> already holds a checkpoint, training resumes from it (its seed and
options win; --epochs may extend the run).

  --space <name|file>     mnist (default), gibbon-cifar, or a space JSON file (docs/space.md)
  --dataset <spec>        mnist (default), idx:<dir>, cifar10:<dir>, cifar100:<dir>
  --epochs <n>            total epochs (default 10)
  --seed <s>              initialisation, shuffling, augmentation and sub-network sampling (default 1)
  --out <dir>             the run directory (required)
  --limit <n>             train on the first n training images only (quick runs, tests)
  --batch-size <n>        default 64; a batch whose training step would not fit tfjs-wasm's memory is
                          refused before training, naming the batch size that fits
  --lr <x>                peak Adam learning rate, cosine decay to 0 (default 0.003)
  --random-subnets <n>    random sub-networks per step besides the largest and smallest (default 2)
  --no-smallest           leave the smallest sub-network out of each step (largest + random ones only)
  --distill <d>           in-place distillation: weight d in [0, 1] of the largest sub-network's soft
                          predictions in the other sub-networks' loss (default 0, off; docs/supernet.md §2)
  --no-quant              train in float (no fake quantization)
  --threads <n>           training threads: each step's sub-networks are split between them (default:
                          one per core, at most the sub-networks of a step); the weights do not depend on it
  --restart               ignore an existing checkpoint in --out
  --json                  print a JSON summary at the end
`;

/** A preset name or a space JSON file. */
export function loadSpace(spec: string | undefined): Space {
  const name = spec ?? 'mnist';
  if (Object.hasOwn(SPACE_PRESETS, name)) return resolveSpace(SPACE_PRESETS[name as SpacePresetName], `space ${name}`);
  if (!existsSync(name)) throw new GibbonError('E_OPTION', `--space: got ${JSON.stringify(name)}; allowed: ${Object.keys(SPACE_PRESETS).join(', ')} or a space JSON file`);
  return resolveSpace(readJsonFile(name, 'space'), name);
}

/** One progress line: epoch, step, loss and training accuracy of the largest sub-network, ETA. */
export function formatTrainProgress(p: SupernetProgress): string {
  return `epoch ${p.epoch}/${p.epochs} step ${p.step}/${p.steps} loss ${p.loss.toFixed(4)} acc ${(100 * p.trainAccuracy).toFixed(1)}% ` +
    `lr ${p.learningRate.toExponential(2)} ${p.epochSeconds.toFixed(1)}s eta ${clock(p.etaSeconds)}`;
}

export async function runSupernetCommand(argv: string[], print: (s: string) => void): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') { print(SUPERNET_HELP); return; }
  if (sub !== 'train') throw new GibbonError('E_OPTION', `supernet: unknown sub-command ${JSON.stringify(sub)}; allowed: train`);
  const { values } = parseArgs({
    args: rest,
    options: {
      space: { type: 'string' }, dataset: { type: 'string' }, epochs: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' },
      limit: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' }, 'random-subnets': { type: 'string' }, distill: { type: 'string' }, threads: { type: 'string' },
      'no-quant': { type: 'boolean' }, 'no-smallest': { type: 'boolean' }, restart: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true, allowPositionals: false,
  });
  if (values.help) { print(SUPERNET_HELP); return; }
  if (!values.out) throw new GibbonError('E_OPTION', '--out: missing; allowed: a directory for the checkpoint');
  const space = loadSpace(values.space);
  const job = {
    kind: 'gibbon-supernet-train' as const, spaceSpec: space.spec, dataset: values.dataset ?? 'mnist', out: values.out,
    epochs: numberFlag(values.epochs, 'epochs', 10, 1, 100000), seed: numberFlag(values.seed, 'seed', 1, 0, 0xffffffff),
    limit: values.limit === undefined ? undefined : numberFlag(values.limit, 'limit', 0, 1, 1 << 30),
    batchSize: numberFlag(values['batch-size'], 'batch-size', 64, 1, 65536), learningRate: numberFlag(values.lr, 'lr', 3e-3, 1e-8, 10, false),
    // absent stays absent, as --distill below: trainSupernet's DEFAULT_RANDOM_SUBNETS is the one home of the default
    randomSubnets: values['random-subnets'] === undefined ? undefined : numberFlag(values['random-subnets'], 'random-subnets', 0, 0, 64), smallest: !values['no-smallest'],
    // an absent --distill stays absent: trainSupernet's DEFAULT_DISTILL is the one home of the default
    distill: values.distill === undefined ? undefined : numberFlag(values.distill, 'distill', 0, 0, 1, false),
    quant: !values['no-quant'], resume: !values.restart,
    threads: values.threads === undefined ? undefined : numberFlag(values.threads, 'threads', 1, 1, 64),
  };
  mkdirSync(values.out, { recursive: true });
  const lease = lockRunDirectory(values.out, 'gibbon supernet train'); // one trainer per checkpoint
  const line = statusLine();
  const handle = startTrainWorker(job, {
    onStart: (e) => process.stderr.write(`supernet ${space.name}: ${e.paramCount} shared weights, backend ${e.backend}${e.simd ? ' (SIMD)' : ''}, ${e.threads} thread${e.threads === 1 ? '' : 's'}` +
      `${e.resumedFrom > 0 ? `, resuming after epoch ${e.resumedFrom}` : ''}\n`),
    onProgress: (p) => line.show(formatTrainProgress(p), p.kind === 'epoch' ? 'line' : 'redraw'),
  });
  const stop = () => { void handle.stop(); };
  process.once('SIGINT', stop);
  let done: TrainDone;
  try {
    done = await handle.result;
  } finally {
    process.off('SIGINT', stop);
    lease.release();
  }
  const times = done.history.map((h) => h.seconds).sort((a, b) => a - b);
  const median = times.length ? times[Math.floor((times.length - 1) / 2)] : 0;
  const last = done.history[done.history.length - 1];
  if (values.json) {
    print(JSON.stringify({ space: space.name, out: values.out, epochs: done.epochs, resumedFrom: done.resumedFrom, paramCount: done.paramCount,
      backend: done.backend, simd: done.simd, secondsPerEpoch: median, history: done.history }, null, 2));
  } else {
    print(`supernet ${space.name}: ${done.epochs} epoch(s) in ${values.out} (median ${median.toFixed(1)} s/epoch)` +
      (last ? `; last epoch: loss ${last.loss.toFixed(4)}, largest sub-network train accuracy ${(100 * last.trainAccuracy).toFixed(2)} %` : ''));
  }
}
