// The supernet trainer of a search in the browser (the contract: SupernetTrainer, src/run/gibbon-search.ts):
// the supernet is kept in IndexedDB under the CLI's cache name, and trained where this runs (the search
// worker) the way the CLI's train worker trains it (src/node/train-worker.ts): same trainSupernet options,
// a checkpoint after every epoch, a kept one resumed. tfjs must be set up first (setupBrowserTfjs), so the
// weights equal Node's bit for bit. Web-standard.
import type { Split } from '../data/types.ts';
import { Supernet, trainSupernet } from '../nn/supernet.ts';
import type { SupernetTrainer } from '../run/gibbon-search.ts';
import { GibbonError } from '../util/errors.ts';
import { keepSupernet, loadKeptSupernet, supernetLocation } from '../web/idb-supernet.ts';
import { defaultHelperCount, startWebGradientHelpers } from './web-grad-helpers.ts';

/** `helperUrl`: the gradient helpers' script (dist/app/grad-helper.js): training then runs on every core (at most 4). */
export function browserSupernetTrainer(name: string, train: Split, helperUrl?: URL): SupernetTrainer {
  const location = supernetLocation(name);
  return {
    location,
    load: async (epochs) => {
      const kept = await loadKeptSupernet(name);
      return kept !== undefined && kept.epoch >= epochs ? kept : undefined;
    },
    async train(job, on) {
      // Two tabs searching with one supernet: the second waits for the first to train it, then continues
      // (nothing left to do) from what it kept.
      await navigator.locks.request(`gibbon-supernet:${name}`, async () => {
        const kept = await loadKeptSupernet(name);
        const sn = new Supernet(job.space, kept?.initSeed ?? job.seed);
        let last = kept?.epoch ?? 0;
        const helpers = helperUrl ? await startWebGradientHelpers(helperUrl, job.space.spec, defaultHelperCount()) : [];
        try {
          const final = await trainSupernet(sn, train, {
            epochs: job.epochs, seed: job.seed, limit: job.limit, distill: job.distill, helpers, progressEvery: 5, onProgress: on.progress,
            onEpoch: async (state) => {
              await keepSupernet(name, state);
              last = state.epoch;
              if (on.signal?.aborted) throw new GibbonError('E_ABORTED', `${location}: training stopped after epoch ${last} of ${job.epochs}, which is kept; resuming the run continues it`);
            },
          }, kept);
          if (final.epoch === 0 || (kept !== undefined && final.epoch === kept.epoch)) await keepSupernet(name, final);
        } finally {
          sn.dispose();
          await Promise.all(helpers.map((h) => h.close()));
        }
      });
    },
  };
}
