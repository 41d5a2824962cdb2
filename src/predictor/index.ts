// The RNN predictor (docs/predictor.md), web-standard.
export * from './types.ts';
export { createPredictor, predictorFromState, stateOptions, rnnShapeOf, PREDICTOR_DEFAULTS, LAYER_FLOOR, type Predictor } from './predictor.ts';
export { WasmPredictorKernel, RNN_WEIGHT_ORDER, RNN_COST_HIDDEN_WEIGHTS, type PredictorWasmExports, type RnnShape, type PaddedBatch } from './wasm-infer.ts';
export { tokenLayout, tokenLayers, tokenNetwork, candidateLayers, candidateTokens, layerFeatures, placementFeatures, hardwareFeatures, tokenizeBatch, layerFeatureCount, LAYER_FEATURES, LAYER_FEATURE_COUNT, TILE_FEATURES, type TokenLayout, type TokenLayer } from './tokens.ts';
export { layerPlacements, layerTiles, tileArchOf, type LayerPlacement, type MappedLayer, type TileArch } from './tile-map.ts';
export { sampleDistinct, sampleOfMetrics, hardwareSamples, layerLabelsOf, evaluatorSamples, candidateKey } from './labels.ts';
export { latePopulation, oneMutationNeighbours, hardwareEvaluator } from './neighbours.ts';
export { quality, type Quality } from './quality.ts';
export { createPredictorScreen, PREDICTOR_SCREEN_DEFAULTS, type PredictorScreenOptions, type PredictorScreenSettings } from './screen.ts';
