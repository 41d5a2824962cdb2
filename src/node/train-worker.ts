// Supernet training in a worker thread, so the CLI's thread stays free to draw progress (docs/supernet.md
// §3). The same file is both sides: startTrainWorker() (main thread) starts it; in the worker it trains,
// checkpoints after every epoch (src/node/supernet-files.ts, atomic) and posts progress events.
// Bundled to dist/node/train-worker.js (scripts/build.mjs); under tsx the worker loads this TypeScript
// through tsx's API, since tsx's hooks do not reach worker threads.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { GibbonError, type ErrorCode } from '../util/errors.ts';
import { fileSystemError } from './fs-errors.ts';
import { availableParallelism } from 'node:os';
import { startGradientHelpers } from './grad-helpers.ts';
import { workerScript } from './worker-script.ts';
import type { SupernetEpochRecord, SupernetProgress } from '../nn/supernet.ts';

export interface TrainJob {
  kind: 'gibbon-supernet-train';
  /** The space document (resolved spec). */
  spaceSpec: unknown;
  dataset: string;
  out: string;
  epochs: number;
  seed: number;
  limit?: number;
  batchSize?: number;
  learningRate?: number;
  randomSubnets?: number;
  /** Train the smallest sub-network every step (default true). */
  smallest?: boolean;
  /** In-place distillation weight in [0, 1] (trainSupernet's `distill`; default 0). */
  distill?: number;
  quant?: boolean;
  /** Resume from out/supernet.ckpt when it exists (default true). */
  resume?: boolean;
  /**
   * Threads that train, this one included (default: one per core). Each step's sub-networks are split
   * between them (src/node/grad-helpers.ts); the weights are the same for any count.
   */
  threads?: number;
}

export interface TrainDone {
  /** Epoch the run started from (0 = fresh). */
  resumedFrom: number;
  epochs: number;
  history: SupernetEpochRecord[];
  paramCount: number;
  backend: string;
  simd: boolean;
}

type WorkerMessage =
  | { type: 'progress'; progress: SupernetProgress }
  | { type: 'started'; resumedFrom: number; backend: string; simd: boolean; paramCount: number; threads: number }
  | { type: 'done'; result: TrainDone }
  | { type: 'error'; code: ErrorCode | null; message: string };

export interface TrainWorkerHandle {
  result: Promise<TrainDone>;
  /** Stops the worker (the last checkpoint stays). */
  stop(): Promise<void>;
}

/** Starts a training worker; `onStart` and `onProgress` receive its events. */
export function startTrainWorker(job: TrainJob, on: { onStart?: (e: { resumedFrom: number; backend: string; simd: boolean; paramCount: number; threads: number }) => void; onProgress?: (p: SupernetProgress) => void } = {}): TrainWorkerHandle {
  const src = workerScript(import.meta.url, 'train-worker.js', 'supernet train');
  // The worker's stderr is forwarded line by line, except emscripten's own `Aborted()` line: the abort
  // reaches the user as the one-line error of outOfMemory instead.
  const worker = new Worker(src.code, { eval: src.eval, workerData: job, stderr: true });
  let pending = '';
  worker.stderr.setEncoding('utf8');
  worker.stderr.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop()!;
    for (const l of lines) if (!ABORT_LINE.test(l)) process.stderr.write(`${l}\n`);
  });
  worker.stderr.on('end', () => { if (pending !== '' && !ABORT_LINE.test(pending)) process.stderr.write(pending); });
  let stopping = false;
  let keptEpoch = 0; // the last epoch on disk (checkpoints are written after every epoch)
  const result = new Promise<TrainDone>((resolve, reject) => {
    let settled = false;
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') { if (m.progress.kind === 'epoch') keptEpoch = m.progress.epoch; on.onProgress?.(m.progress); }
      else if (m.type === 'started') { keptEpoch = m.resumedFrom; on.onStart?.(m); }
      else if (m.type === 'done') { settled = true; resolve(m.result); }
      else if (m.type === 'error') { settled = true; reject(m.code ? new GibbonError(m.code, m.message) : new Error(m.message)); }
    });
    worker.on('error', (e) => { if (!settled) { settled = true; reject(outOfMemory(e, job) ?? e); } });
    worker.on('exit', (code) => {
      if (settled) return;
      settled = true;
      // A stop (Ctrl-C) is no failure: say what is kept and how to go on.
      reject(stopping
        ? new GibbonError('E_ABORTED', `supernet ${job.out}: training stopped ${keptEpoch > 0 ? `after epoch ${keptEpoch} of ${job.epochs}, which is kept` : `before its first epoch ended (nothing kept)`}; the same command${job.resume === false ? ' without --restart' : ''} continues it`)
        : new GibbonError('E_KERNEL', `supernet ${job.out}: training: got its worker's exit with code ${code} and no error (tfjs's wasm backend aborts the process when its 4 GiB run out); allowed: a smaller --batch-size (the checkpoint of the last complete epoch is kept; the same command continues it)`));
    });
  });
  return { result, stop: async () => { stopping = true; await worker.terminate(); } };
}

/** What emscripten prints when the wasm module aborts (then it throws a RuntimeError). */
const ABORT_LINE = /^Aborted\(.*\)$/;

/**
 * tfjs-wasm's own failures when its heap runs out (emscripten's `Aborted()`, a RuntimeError such as
 * `memory access out of bounds`, a failed allocation) as one line saying what to change, else undefined.
 * The memory check before training should refuse such a batch first; this is the net under it.
 */
export function outOfMemory(e: unknown, job: Pick<TrainJob, 'out' | 'batchSize'>): GibbonError | undefined {
  const message = e instanceof Error ? e.message : String(e);
  const wasm = e instanceof WebAssembly.RuntimeError || /Aborted\(|memory access out of bounds|out of memory|Cannot allocate Wasm memory|Array buffer allocation failed/i.test(message);
  if (!wasm) return undefined;
  const batch = job.batchSize ?? 64;
  const smaller = Math.max(1, Math.floor(batch / 4));
  return new GibbonError('E_OPTION', `supernet ${job.out}: batch size: got ${batch}, and training ran out of tfjs's wasm memory (${message.split('\n')[0].slice(0, 80)}); allowed: a smaller batch (--batch-size ${smaller}) or a smaller space (stages[].blocks, decisions.channels)`);
}

/** The worker's body. */
async function runJob(job: TrainJob): Promise<void> {
  const post = (m: WorkerMessage) => parentPort!.postMessage(m);
  try {
    const { setupTfjs } = await import('./tfjs-setup.ts');
    const { loadDataset } = await import('./dataset-files.ts');
    const { resolveSpace } = await import('../space/space.ts');
    const { Supernet, subnetsPerStep, trainSupernet } = await import('../nn/supernet.ts');
    const { hasSupernet, loadSupernetState, saveSupernet } = await import('./supernet-files.ts');
    const setup = await setupTfjs();
    const space = resolveSpace(job.spaceSpec, 'space');
    const ds = await loadDataset(job.dataset, '--dataset');
    const state = job.resume !== false && hasSupernet(job.out) ? loadSupernetState(job.out) : undefined;
    const sn = new Supernet(space, state?.initSeed ?? job.seed);
    const threads = Math.max(1, Math.min(job.threads ?? availableParallelism(), subnetsPerStep(job, state)));
    const helpers = threads > 1 ? await startGradientHelpers(job.spaceSpec, threads - 1) : [];
    post({ type: 'started', resumedFrom: state?.epoch ?? 0, backend: setup.backend, simd: setup.simd, paramCount: sn.paramCount(), threads });
    const final = await trainSupernet(sn, ds.train, {
      epochs: job.epochs, seed: job.seed, limit: job.limit, batchSize: job.batchSize, learningRate: job.learningRate,
      randomSubnets: job.randomSubnets, smallest: job.smallest, distill: job.distill, quant: job.quant, progressEvery: 5, checkMemory: true, helpers,
      onProgress: (progress) => post({ type: 'progress', progress }),
      onEpoch: (s) => saveSupernet(job.out, s),
    }, state).finally(() => Promise.all(helpers.map((h) => h.close())));
    if (final.epoch === 0 || (state && final.epoch === state.epoch)) saveSupernet(job.out, final);
    post({ type: 'done', result: { resumedFrom: state?.epoch ?? 0, epochs: final.epoch, history: final.history, paramCount: sn.paramCount(), backend: setup.backend, simd: setup.simd } });
    sn.dispose();
  } catch (e) {
    // a file-system fault (a full disk while checkpointing) is one E_FILE line too, not a worker's stack
    const failure = outOfMemory(e, job) ?? fileSystemError(e) ?? e;
    post({ type: 'error', code: failure instanceof GibbonError ? failure.code : null, message: failure instanceof GibbonError ? failure.message : failure instanceof Error ? failure.stack ?? failure.message : String(failure) });
  }
}

const data = workerData as Partial<TrainJob> | null;
if (!isMainThread && data?.kind === 'gibbon-supernet-train') await runJob(data as TrainJob);
