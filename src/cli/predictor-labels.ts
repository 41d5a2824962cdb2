// Label sets for `gibbon predictor` and bench/predictor.bench.ts (docs/predictor.md §4): seeded
// candidates labelled by the real simulators, cached in draw order under .gibbon-cache/predictor-labels/
// so that a later call with the same producer reuses any prefix.

import { join } from 'node:path';
import type { EvalPool } from '../pool/eval-pool.ts';
import type { Evaluator } from '../search/problem.ts';
import type { Space } from '../space/space.ts';
import type { Candidate } from '../space/types.ts';
import { candidateKey, evaluatorSamples, hardwareSamples } from '../predictor/labels.ts';
import type { PredictorSample } from '../predictor/types.ts';
import { readLabelCache, writeLabelCache, type CachedLabel } from '../node/predictor-files.ts';

export const LABEL_CACHE_DIR = join('.gibbon-cache', 'predictor-labels');

export interface LabelSource {
  space: Space;
  pool: EvalPool;
  /** The accuracy evaluator (search evaluator over a supernet); none: hardware labels only. */
  evaluator?: Evaluator;
  /** Identifies the evaluator's settings (supernet dir, dataset, limit) in the cache. */
  evaluatorId?: string;
}

export interface LabelProgress {
  done: number;
  total: number;
  seconds: number;
}

const sanitize = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');

/**
 * Samples of `candidates`: the first `accuracyCount` with pimLoss (evaluator), the rest hardware only.
 * Designs that do not fit are dropped. Every sample carries its per-layer labels (`layers`). `cacheName`
 * names the cache file (one per candidate stream).
 */
export async function labelCandidates(src: LabelSource, candidates: readonly Candidate[], accuracyCount: number, cacheName: string,
  onProgress?: (p: LabelProgress) => void): Promise<PredictorSample[]> {
  const t0 = performance.now();
  const withAcc = src.evaluator === undefined ? 0 : Math.min(accuracyCount, candidates.length);
  const keys = candidates.map((c) => candidateKey(src.space, c));
  const out: (PredictorSample | null)[] = new Array(candidates.length).fill(null);
  const report = (done: number) => onProgress?.({ done, total: candidates.length, seconds: (performance.now() - t0) / 1000 });

  // Accuracy part: cached prefix first, then the evaluator chunk by chunk (the cache grows with it).
  if (withAcc > 0) {
    const producer = `${src.space.name}|${src.evaluatorId ?? 'evaluator'}`;
    const path = join(LABEL_CACHE_DIR, `${sanitize(cacheName)}-acc-${sanitize(producer)}.json`);
    const cached = readLabelCache(path, producer);
    let reuse = 0;
    while (reuse < withAcc && reuse < cached.length && cached[reuse].key === keys[reuse]) reuse++;
    const kept: CachedLabel[] = cached.slice(0, Math.max(reuse, 0));
    for (let i = 0; i < reuse; i++) out[i] = cached[i].labels && { candidate: candidates[i], labels: cached[i].labels! };
    report(reuse);
    if (reuse < withAcc) {
      const rest = candidates.slice(reuse, withAcc);
      let at = reuse;
      await evaluatorSamples(src.space, src.evaluator!, rest, {
        chunk: 4,
        onChunk: (done, fresh) => {
          const end = reuse + done;
          const byKey = new Map(fresh.map((s) => [candidateKey(src.space, s.candidate), s]));
          for (; at < end; at++) {
            const s = byKey.get(keys[at]) ?? null;
            out[at] = s;
            kept.push({ key: keys[at], labels: s && s.labels });
          }
          writeLabelCache(path, producer, kept);
          report(end);
        },
      });
    }
  }
  // Hardware part, with the per-layer labels (the full detail): cheap, never cached. The accuracy-labelled
  // candidates are simulated again for their per-layer labels (their totals come from the evaluator).
  const hw = await hardwareSamples(src.space, src.pool, candidates);
  const byKey = new Map(hw.map((s) => [candidateKey(src.space, s.candidate), s]));
  for (let i = 0; i < candidates.length; i++) {
    const s = byKey.get(keys[i]);
    if (i >= withAcc) out[i] = s ?? null;
    else if (out[i] !== null && s?.layers !== undefined) out[i] = { ...out[i]!, layers: s.layers };
  }
  report(candidates.length);
  return out.filter((s): s is PredictorSample => s !== null);
}
