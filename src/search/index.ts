// The search library's public surface (docs/search.md): problems, algorithms (ask/tell), the run loop,
// Pareto sets and hypervolume. Web-standard and free of the Gibbon evaluation (src/evaluate/).
export * from './problem.ts';
export * from './pareto.ts';
export * from './hypervolume.ts';
export * from './algorithm.ts';
export { runSearch, memoryStore, frontOf } from './run-search.ts';
export type { SearchStore, Checkpoint, EvaluationRecord, Progress, RunSearchOptions, SearchResult } from './run-search.ts';
export { RandomSearch, RANDOM_DEFAULTS } from './algorithms/random.ts';
export { RegularizedEvolution, EVOLUTION_DEFAULTS } from './algorithms/evolution.ts';
export { Nsga2, NSGA2_DEFAULTS } from './algorithms/nsga2.ts';
export { Esapp, ESAPP_DEFAULTS } from './algorithms/esapp.ts';
export { createAlgorithm, ALGORITHM_NAMES } from './registry.ts';
export { selectByPrediction, type Screen, type Predicted } from './screen.ts';
export { cachedEvaluator, type CachedEvaluator } from './cached-evaluator.ts';
export { syntheticProblem, syntheticEvaluator, syntheticDecisions, zdt1Metrics, SYNTHETIC_SIZES } from './synthetic.ts';
export { resolveOptions, type NumberRule } from '../util/options.ts';
