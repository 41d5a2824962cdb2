// One-mutation neighbours of a late search population (docs/predictor.md §6): what a search asks the
// predictor to rank. A cheap late population comes from ESAPP on a hardware-only evaluator (energy and
// area from the real simulator), then every neighbour changes one decision of one member.

import type { EvalPool } from '../pool/eval-pool.ts';
import { hardwareMetrics, infeasibleMetrics, simJobOf, simulateTotals } from '../evaluate/gibbon-evaluator.ts';
import { decisionsOfSpace, type Evaluator, type Genome, type Metrics, type Problem } from '../search/problem.ts';
import { createAlgorithm } from '../search/registry.ts';
import { memoryStore, runSearch } from '../search/run-search.ts';
import type { Space } from '../space/space.ts';
import type { Candidate } from '../space/types.ts';
import { Rng } from '../util/rng.ts';
import { candidateKey } from './labels.ts';

/** Energy, area and the rest of the hardware metrics; designs that do not fit get the evaluator's penalty. */
export function hardwareEvaluator(space: Space, pool: EvalPool): Evaluator {
  return {
    async evaluate(genomes: Genome[]): Promise<Metrics[]> {
      const totals = await simulateTotals(pool, genomes.map((g) => simJobOf(space, space.decode(g))));
      return totals.map((s): Metrics => (s === undefined ? infeasibleMetrics() : { ...hardwareMetrics(s), fits: 1 }));
    },
  };
}

/** The final population (genomes) of ESAPP minimizing energy and area for `budget` evaluations. */
export async function latePopulation(space: Space, pool: EvalPool, seed: number, budget = 300, populationSize = 50): Promise<Genome[]> {
  const problem: Problem = { decisions: decisionsOfSpace(space.decisions), objectives: ['energy', 'area'], constraints: [] };
  const algorithm = createAlgorithm('esapp', problem, seed, { populationSize });
  await runSearch(algorithm, problem, hardwareEvaluator(space, pool), { budget, store: memoryStore() });
  return algorithm.state().population.map((m) => m.genome);
}

/**
 * Up to `count` distinct neighbours: member (round robin), decision and new value drawn from
 * Rng(seed).fork('neighbour'); none equals a member or has a key in `exclude`.
 */
export function oneMutationNeighbours(space: Space, population: readonly Genome[], count: number, seed: number, exclude: ReadonlySet<string>): Candidate[] {
  const rng = new Rng(seed).fork('neighbour');
  const seen = new Set(exclude);
  for (const g of population) seen.add(candidateKey(space, space.decode(g)));
  const out: Candidate[] = [];
  for (let tries = 0; out.length < count && tries < 50 * count && population.length > 0; tries++) {
    const g = [...population[tries % population.length]];
    const d = rng.int(g.length);
    const size = space.decisions[d].values.length;
    g[d] = (g[d] + 1 + rng.int(size - 1)) % size;
    const c = space.decode(g);
    const key = candidateKey(space, c);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  return out;
}

