// An evaluator with memory: each distinct genome is evaluated once by the inner evaluator, then served from
// the cache. Benchmarks share one cache between algorithms and seeds (docs/search.md §8), so equal budgets
// cost each distinct candidate once. Web-standard; `onEvaluated` lets a caller persist new entries.
import { GibbonError } from '../util/errors.ts';
import type { Evaluator, Genome, Metrics } from './problem.ts';
import { genomeKey } from './problem.ts';

export interface CachedEvaluator extends Evaluator {
  readonly hits: number;
  readonly misses: number;
  readonly cache: ReadonlyMap<string, Metrics>;
}

export function cachedEvaluator(inner: Evaluator, cache = new Map<string, Metrics>(), onEvaluated?: (genome: Genome, metrics: Metrics) => void): CachedEvaluator {
  let hits = 0, misses = 0;
  return {
    get hits() { return hits; },
    get misses() { return misses; },
    cache,
    async evaluate(genomes: Genome[]): Promise<Metrics[]> {
      const keys = genomes.map(genomeKey);
      const todo: Genome[] = [];
      const pending = new Set<string>();
      keys.forEach((k, i) => {
        if (cache.has(k) || pending.has(k)) return;
        pending.add(k);
        todo.push(genomes[i]);
      });
      if (todo.length > 0) {
        const fresh = await inner.evaluate(todo);
        if (fresh.length !== todo.length) throw new GibbonError('E_OPTION', `cached evaluator: results: got ${fresh.length}; allowed: one per genome (${todo.length})`);
        todo.forEach((g, i) => { cache.set(genomeKey(g), fresh[i]); onEvaluated?.(g, fresh[i]); });
      }
      misses += todo.length;
      hits += genomes.length - todo.length;
      return keys.map((k) => structuredClone(cache.get(k)!));
    },
  };
}
