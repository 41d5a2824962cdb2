// The search in a module Web Worker (bundled to dist/app/search-worker.js): runGibbonSearch, the library
// call `gibbon search` makes, with the browser's parts: the run in IndexedDB (src/web/idb-run-store.ts,
// one tab per run by Web Locks), the Web Worker pool of simulators (nested workers: sim-worker.js), the
// supernet trained here and kept in IndexedDB (./browser-supernet-trainer.ts), the packed MNIST or the
// picked files of an idx:/cifar10:/cifar100: dataset (./picked-dataset.ts), tfjs set up
// as Node sets it up. Posts progress events and every journaled record to the page; 'stop' aborts the run
// after the evaluations in flight (its results are written, and resuming continues it).
import { gibbonSearchConfig } from '../cli/search-args.ts';
import { compileModule, loadSimulator } from '../hw/simulator.ts';
import { runGibbonSearch } from '../run/gibbon-search.ts';
import type { RunStore } from '../run/store.ts';
import { supernetCacheName } from '../run/supernet-cache.ts';
import { supernetCacheKey } from '../run/pins.ts';
import type { EvaluationRecord } from '../search/run-search.ts';
import { resolveSpace } from '../space/space.ts';
import { GibbonError } from '../util/errors.ts';
import { indexedDbRunStore } from '../web/idb-run-store.ts';
import { fetchEmbeddedMnist } from '../web/mnist-pack.ts';
import { createWebPool } from '../web/pool.ts';
import { browserSupernetTrainer } from './browser-supernet-trainer.ts';
import type { SearchFromWorker, SearchStart, SearchToWorker } from './search-protocol.ts';
import { setupBrowserTfjs } from './tfjs-browser.ts';
import { pickedDataset } from './picked-dataset.ts';

const scope = globalThis as unknown as DedicatedWorkerGlobalScope;
const post = (m: SearchFromWorker) => scope.postMessage(m);
const base = new URL('./', import.meta.url);

/** The store, telling the page about each record once the journal holds it. */
function reportingStore(store: RunStore, onRecord: (r: EvaluationRecord) => void): RunStore {
  return {
    ...store,
    openJournal: async () => {
      const journal = await store.openJournal();
      return { records: journal.records, close: () => journal.close(), append: async (r) => { await journal.append(r); onRecord(r); } };
    },
  };
}

async function search(job: SearchStart, signal: AbortSignal): Promise<void> {
  const { args } = job;
  const space = resolveSpace(job.spaceSpec, `space ${args.spaceArg ?? 'mnist'}`);
  await setupBrowserTfjs(base);
  const data = args.dataset === 'mnist' ? await fetchEmbeddedMnist(new URL('./mnist-digits.bin', base)) : await pickedDataset(args.dataset, job.datasetFiles ?? {});
  const module = await compileModule(new URL('./gibbon.wasm', base));
  const pool = await createWebPool({ module, workers: args.workers, workerUrl: new URL('./sim-worker.js', base) });
  try {
    // the CLI's cache name, content key included (the page trains at the default batch size: no --batch-size field)
    const name = supernetCacheName(space.name, args.dataset, args.seed, args.supernetEpochs,
      await supernetCacheKey(space.spec, data, { distill: args.supernetDistill }), args.supernetLimit, args.supernetDistill);
    const result = await runGibbonSearch(gibbonSearchConfig(args, space), {
      store: reportingStore(indexedDbRunStore(job.run), (record) => post({ type: 'record', record })),
      pool, data, simulator: await loadSimulator(module), signal,
      trainer: browserSupernetTrainer(name, data.train, new URL('./grad-helper.js', base)),
      progress: (event) => post({ type: 'event', event }),
    });
    post({ type: 'done', summary: result.summary, newEvaluations: result.newEvaluations, supernetEpochs: result.supernetEpochs });
  } finally {
    await pool.destroy();
  }
}

const abort = new AbortController();
let started = false;
scope.addEventListener('message', (event: MessageEvent<SearchToWorker>) => {
  const m = event.data;
  if (m?.type === 'stop') { abort.abort(); return; }
  if (m?.type !== 'start' || started) return; // one search per worker
  started = true;
  search(m, abort.signal).catch((e: unknown) => {
    if (!(e instanceof GibbonError)) console.error(e);
    post({
      type: 'error', code: e instanceof GibbonError ? e.code : null,
      message: e instanceof GibbonError ? e.message : `internal error: ${e instanceof Error ? e.message : String(e)}`,
    });
  });
});
