// Algorithms by name (the CLI's --algorithm), each with its resolved standard settings.
import { fieldError } from '../util/errors.ts';
import type { Algorithm } from './algorithm.ts';
import { Esapp } from './algorithms/esapp.ts';
import { RegularizedEvolution } from './algorithms/evolution.ts';
import { Nsga2 } from './algorithms/nsga2.ts';
import { RandomSearch } from './algorithms/random.ts';
import type { Problem } from './problem.ts';
import type { Screen } from './screen.ts';

export const ALGORITHM_NAMES = ['esapp', 'nsga2', 'evolution', 'random'] as const;
export type AlgorithmName = (typeof ALGORITHM_NAMES)[number];

/** `screen` (a predictor's first evaluation level) applies to the generational algorithms: esapp and nsga2. */
export function createAlgorithm(name: string, problem: Problem, seed: number, options?: Record<string, number>, screen?: Screen): Algorithm {
  if (screen && name !== 'esapp' && name !== 'nsga2') throw fieldError('E_OPTION', 'search', 'algorithm', name, 'esapp or nsga2 with a predictor screen');
  switch (name) {
    case 'esapp': return new Esapp(problem, seed, options, screen);
    case 'nsga2': return new Nsga2(problem, seed, options, screen);
    case 'evolution': return new RegularizedEvolution(problem, seed, options);
    case 'random': return new RandomSearch(problem, seed, options);
    default: throw fieldError('E_OPTION', 'search', 'algorithm', name, ALGORITHM_NAMES.join(', '));
  }
}
