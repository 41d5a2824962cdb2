// What a `gibbon worker` does with one job (Node-only): resolve the job's content hashes to the things they
// name (context from Redis, supernet from Redis or the shared directory through the local cache, dataset
// loaded here and checked against its hash), then run the very evaluator the local search runs
// (createGibbonEvaluator on a local pool) on the job's one genome. Prepared contexts are kept, so only the
// first job of a search pays for the supernet and the dataset.
import type { Redis } from 'ioredis';
import type { Dataset } from '../../data/types.ts';
import type { EvalPool } from '../../pool/eval-pool.ts';
import { decodeCheckpoint } from '../../nn/checkpoint.ts';
import type { Supernet } from '../../nn/supernet.ts';
import { createGibbonEvaluator, type GibbonEvaluator } from '../../evaluate/gibbon-evaluator.ts';
import type { Metrics } from '../../search/problem.ts';
import { resolveSpace } from '../../space/space.ts';
import { GibbonError } from '../../util/errors.ts';
import { loadDataset } from '../dataset-files.ts';
import { createNodePool } from '../pool.ts';
import { fetchBlob } from './content-store.ts';
import { checkJobData, datasetHash, fetchContext, type EvalContext, type EvalSplit } from './eval-context.ts';
import { Refusal } from './refusal.ts';

export interface JobEvaluationOptions {
  redis: Redis;
  /** Key prefix of the queue's content (contexts, blobs). */
  prefix: string;
  /** Local cache of fetched blobs, by hash. */
  cacheDir: string;
  /** This machine's path of the search's shared directory (when the search publishes there). */
  share?: string;
  /** Simulator threads of the local pool. */
  threads: number;
}

interface Prepared {
  context: EvalContext;
  supernet: Supernet;
  evaluators: Map<EvalSplit, GibbonEvaluator>;
  inFlight: number;
}

/** Contexts kept prepared at once (a worker serving two searches keeps both). */
const MAX_PREPARED = 4;

export interface JobEvaluation {
  /** The metrics of one job (throws Refusal when its inputs do not match their hashes). */
  evaluate(data: unknown): Promise<Metrics>;
  dispose(): Promise<void>;
}

export function createJobEvaluation(o: JobEvaluationOptions): JobEvaluation {
  const prepared = new Map<string, Promise<Prepared>>();
  const datasets = new Map<string, Promise<Dataset>>();
  let pool: Promise<EvalPool> | undefined;
  let tfjs: Promise<void> | undefined;

  async function datasetOf(context: EvalContext, what: string): Promise<Dataset> {
    const key = `${context.dataset.spec}\n${context.dataset.hash}`;
    let ds = datasets.get(key);
    if (ds === undefined) {
      ds = (async () => {
        let loaded: Dataset;
        try { loaded = await loadDataset(context.dataset.spec, `${what} dataset`); } catch (e) {
          if (e instanceof GibbonError) throw new Refusal(`${what}: this machine cannot load the dataset ${JSON.stringify(context.dataset.spec)} (${e.message}); put the same dataset files at that path here`);
          throw e;
        }
        const got = datasetHash(loaded);
        if (got !== context.dataset.hash) {
          throw new Refusal(`${what}: the dataset ${JSON.stringify(context.dataset.spec)} here hashes to ${got.slice(0, 12)}, the search's to ${context.dataset.hash.slice(0, 12)}; copy the search's dataset files to this machine`);
        }
        return loaded;
      })();
      datasets.set(key, ds);
      ds.catch(() => datasets.delete(key));
    }
    return ds;
  }

  async function prepare(hash: string): Promise<Prepared> {
    const what = `context ${hash.slice(0, 12)}`;
    const context = await fetchContext(o.redis, o.prefix, hash);
    const bytes = await fetchBlob(o.redis, o.prefix, context.supernet, o.cacheDir, 'supernet', o.share);
    const state = decodeCheckpoint(bytes, `supernet ${context.supernet.hash.slice(0, 12)}`);
    const space = resolveSpace(context.space, `${what} (space)`);
    const dataset = await datasetOf(context, what);
    // tfjs loads only in a process that evaluates (as in gibbon search)
    tfjs ??= import('../tfjs-setup.ts').then((m) => m.setupTfjs()).then(() => {});
    await tfjs;
    const { Supernet } = await import('../../nn/supernet.ts');
    const supernet = new Supernet(space, state.initSeed);
    supernet.setWeights(state.weights);
    pool ??= createNodePool({ workers: o.threads });
    const p = await pool;
    const a = context.accuracy;
    const evaluators = new Map<EvalSplit, GibbonEvaluator>();
    const { FinetuneCache } = await import('../../nn/accuracy.ts');
    const finetuneCache = new FinetuneCache(); // both splits, this context's supernet (empty without finetuneSteps)
    for (const split of ['validation', 'test'] as const) {
      evaluators.set(split, createGibbonEvaluator({ space, supernet, pool: p, dataset, split, trials: a.trials, nonideal: a.nonideal, finetuneSteps: a.finetuneSteps, finetuneCache, ...(split === 'test' ? { limit: a.testLimit, accuracyOnly: true } : { limit: a.limit }) }));
    }
    return { context, supernet, evaluators, inFlight: 0 };
  }

  /** Drops the oldest prepared contexts beyond MAX_PREPARED that no job is using. */
  async function evict(): Promise<void> {
    for (const [hash, p] of prepared) {
      if (prepared.size <= MAX_PREPARED) return;
      const ready = await p.catch(() => undefined);
      if (ready === undefined || ready.inFlight === 0) {
        prepared.delete(hash);
        ready?.supernet.dispose();
      }
    }
  }

  return {
    async evaluate(raw: unknown): Promise<Metrics> {
      const data = checkJobData(raw);
      let p = prepared.get(data.context);
      if (p === undefined) {
        p = prepare(data.context);
        prepared.set(data.context, p);
        p.catch(() => prepared.delete(data.context));
        await evict();
      }
      const ready = await p;
      if (ready.context.supernet.hash !== data.supernet) {
        throw new Refusal(`job: names supernet ${data.supernet.slice(0, 12)}, its context ${data.context.slice(0, 12)} names ${ready.context.supernet.hash.slice(0, 12)}; a job from another search build (update both)`);
      }
      ready.inFlight++;
      try {
        const [metrics] = await ready.evaluators.get(data.split)!.evaluate([data.genome]);
        return metrics;
      } finally { ready.inFlight--; }
    },
    async dispose(): Promise<void> {
      for (const p of prepared.values()) (await p.catch(() => undefined))?.supernet.dispose();
      prepared.clear();
      if (pool !== undefined) await (await pool).destroy();
    },
  };
}
