// Supernet trainers for runGibbonSearch (the contract: src/run/gibbon-search.ts) on disk: a cache
// directory the trainer fills in a worker thread (tfjs off the main thread), or a given directory it
// only reads.
import { mkdirSync } from 'node:fs';
import type { SupernetTrainer } from '../run/gibbon-search.ts';
import { GibbonError } from '../util/errors.ts';
import { hasSupernet, loadSupernetState } from './supernet-files.ts';
import { startTrainWorker } from './train-worker.ts';
import { lockRunDirectory } from './run-lock.ts';

/**
 * The supernet of `dir`, trained there (or finished) in a worker thread when it has fewer epochs than asked,
 * on `threads` threads (default one per core; the weights do not depend on it).
 */
export function cachedSupernetTrainer(dir: string, threads?: number): SupernetTrainer {
  return {
    location: dir,
    load: async (epochs) => (hasSupernet(dir) && loadSupernetState(dir).epoch >= epochs ? loadSupernetState(dir) : undefined),
    async train(job, on) {
      mkdirSync(dir, { recursive: true });
      // Two searches sharing this cache must not train into one checkpoint at once.
      const lease = lockRunDirectory(dir, 'gibbon supernet training');
      const handle = startTrainWorker(
        { kind: 'gibbon-supernet-train', spaceSpec: job.space.spec, dataset: job.dataset, out: dir, epochs: job.epochs, seed: job.seed, batchSize: job.batchSize, limit: job.limit, distill: job.distill, resume: true, threads },
        { onProgress: on.progress },
      );
      const stop = () => { void handle.stop(); };
      on.signal?.addEventListener('abort', stop, { once: true });
      try {
        await handle.result;
      } catch (e) {
        if (on.signal?.aborted) throw new GibbonError('E_ABORTED', `supernet ${dir}: training stopped; its last complete epoch is kept, and the next run continues it`);
        throw e;
      } finally {
        on.signal?.removeEventListener('abort', stop);
        lease.release();
      }
    },
  };
}

/** A supernet trained beforehand (`gibbon supernet train --out dir`): loaded whatever its epochs, never trained. */
export function storedSupernet(dir: string): SupernetTrainer {
  return {
    location: dir,
    load: async () => loadSupernetState(dir),
    train: async () => { throw new GibbonError('E_FILE', `${dir}: the given supernet is never trained here; train it with \`gibbon supernet train --out ${dir}\``); },
  };
}
