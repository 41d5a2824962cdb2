// Training side of Gibbon-TS (docs/training.md): tfjs nets with fake quantization on the project's grid,
// a trainer, and export to the functional simulator's model file. Web-standard; in Node call
// setupTfjs() from src/node/tfjs-setup.ts first (in a browser: tf.wasm.setWasmPaths, then useBackend()).
export { type NnBackend, registerNnKernels, useBackend, wasmSimd } from './backend.ts';
export {
  type AddSpec, type ConvSpec, type FcSpec, type GapSpec, type LayerSpec as NetLayerSpec, type LeNetOptions, type NetSpec, type PoolSpec,
  type QuantConfig, type ForwardMode, type FoldedLayer, Net, actScale, foldLayer, inputScale, lenetSpec,
} from './net.ts';
export { type EpochProgress, type EpochRecord, LENET_RECIPE, type TrainOptions, type TrainProgress, type TrainResult, learningRateAt, trainNet } from './train.ts';
export { type EvalResult, argmaxRows, batchPixels, calibrateActivations, evaluate, netLogits, recalibrateBn } from './data.ts';
export { type ExportOptions, exportPimModel, quantizeInputs } from './export.ts';
export { type Pad4, fakeQuantAct, fakeQuantWeights, gridTop, quantizeWeights } from './ops.ts';
export {
  Supernet, trainSupernet, largestCandidate, smallestCandidate,
  type SupernetProgress, type SupernetState, type SupernetTrainOptions, type SupernetEpochRecord,
} from './supernet.ts';
export { evaluateAccuracy, type AccuracyResult } from './accuracy.ts';
