// Predictions per second of the RNN predictor, tfjs forward against our WASM kernel
// (docs/predictor.md §6): batched, on fresh candidates (a new predictor per timed call, so the token memo
// starts empty), median of several calls; with tokenization (`predict`) and without (the forward pass
// alone on pre-padded batches of 1024, sorted by length as predict does).
import * as tf from '@tensorflow/tfjs';
import type { Space } from '../src/space/space.ts';
import type { Candidate } from '../src/space/types.ts';
import type { Simulator } from '../src/hw/simulator.ts';
import { predictorFromState, rnnShapeOf, stateOptions } from '../src/predictor/predictor.ts';
import { forward, weightShapes, type WeightName, type Weights } from '../src/predictor/model.ts';
import { decodeFloats } from '../src/predictor/tensor-data.ts';
import { sampleDistinct } from '../src/predictor/labels.ts';
import { candidateTokens, hardwareFeatures, layerFeatureCount, tokenLayout } from '../src/predictor/tokens.ts';
import { WasmPredictorKernel, type PaddedBatch } from '../src/predictor/wasm-infer.ts';
import type { PredictorState } from '../src/predictor/types.ts';

/** Predictions per wall-clock second and per CPU second of this process (other jobs on the cores inflate wall time only). */
export interface Rate {
  per_s: number;
  per_cpu_s: number;
}

export interface SpeedFigures {
  /** `predict` on fresh candidates (tokenization included). */
  withTokens: Rate;
  /** The forward pass alone. */
  forwardOnly: Rate;
}

export interface SpeedReport {
  space: string;
  batch: number;
  runs: number;
  tokenizeOnly: Rate;
  tfjs: SpeedFigures;
  wasm: SpeedFigures;
}

const FORWARD_BATCH = 1024;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Timing { wallMs: number; cpuMs: number }
function time(f: () => void): Timing {
  const c = process.cpuUsage(), t = performance.now();
  f();
  const wallMs = performance.now() - t, dc = process.cpuUsage(c);
  return { wallMs, cpuMs: (dc.user + dc.system) / 1000 };
}
/** The median rate of `n` predictions per timing, by wall clock and by CPU time. */
function medianRate(n: number, ts: readonly Timing[]): Rate {
  return { per_s: Math.round(median(ts.map((t) => n / (t.wallMs / 1000)))), per_cpu_s: Math.round(median(ts.map((t) => n / (t.cpuMs / 1000)))) };
}

function tokenize(space: Space, candidates: readonly Candidate[], withTiles: number, withLatency: number): PaddedBatch[] {
  const layout = tokenLayout(space);
  const items = candidates.map((c) => ({ ...candidateTokens(space, c, withTiles, withLatency), hardware: Float32Array.from(hardwareFeatures(layout, c)) }));
  items.sort((a, b) => a.count - b.count);
  const out: PaddedBatch[] = [];
  const F = layerFeatureCount(withTiles, withLatency), H = layout.hardwareFeatureCount;
  for (let s = 0; s < items.length; s += FORWARD_BATCH) {
    const chunk = items.slice(s, s + FORWARD_BATCH);
    const T = Math.max(...chunk.map((c) => c.count));
    const tokens = new Float32Array(chunk.length * T * F), hardware = new Float32Array(chunk.length * H);
    chunk.forEach((c, i) => { tokens.set(c.layers, i * T * F); hardware.set(c.hardware, i * H); });
    out.push({ n: chunk.length, steps: T, tokens, hardware });
  }
  return out;
}

/** Times tfjs and WASM on `runs` sets of `batch` fresh candidates each (plus a warm-up set). */
export function predictorSpeed(space: Space, state: PredictorState, sim: Simulator, batch = 4096, runs = 5): SpeedReport {
  const all = sampleDistinct(space, (runs + 1) * batch, 1, 'predictor-speed-wasm');
  const options = stateOptions(state);
  const sets = Array.from({ length: runs + 1 }, (_, k) => all.slice(k * batch, (k + 1) * batch));
  const tokenizeTimes: Timing[] = [];
  const padded = sets.map((set, k) => {
    let b: PaddedBatch[] = [];
    const t = time(() => { b = tokenize(space, set, options.tileFeatures, options.latencyFeatures); });
    if (k > 0) tokenizeTimes.push(t);
    return b;
  });

  const withTokens = (wasm: boolean) => medianRate(batch, sets.map((set) => {
    const p = predictorFromState(space, state); // an empty token memo per call
    if (wasm) p.useWasm(sim.exports);
    p.predict(set.slice(0, 8)); // uploads the weights (wasm) outside the timing
    const t = time(() => p.predict(set));
    p.dispose();
    return t;
  }).slice(1));

  const H = tokenLayout(space).hardwareFeatureCount;
  const values = new Map(Object.entries(state.weights).map(([n, d]) => [n as WeightName, decodeFloats(d, n)]));
  const weights: Weights = new Map();
  for (const [name, shape] of weightShapes(options, H)) weights.set(name, tf.tensor(values.get(name)!, shape) as tf.Variable);
  const tfjsForward = medianRate(batch, padded.map((bs) => time(() => {
    for (const b of bs) {
      tf.tidy(() => forward(weights, options, {
        tokens: tf.tensor3d(b.tokens, [b.n, b.steps, layerFeatureCount(options.tileFeatures, options.latencyFeatures)]), hardware: tf.tensor2d(b.hardware, [b.n, H]),
      }).dataSync());
    }
  })).slice(1));
  for (const w of weights.values()) w.dispose();

  const kernel = new WasmPredictorKernel(sim.exports);
  kernel.upload(rnnShapeOf(options, H), values);
  const wasmForward = medianRate(batch, padded.map((bs) => time(() => { for (const b of bs) kernel.forward(b); })).slice(1));
  kernel.dispose();

  return {
    space: space.name, batch, runs, tokenizeOnly: medianRate(batch, tokenizeTimes),
    tfjs: { withTokens: withTokens(false), forwardOnly: tfjsForward },
    wasm: { withTokens: withTokens(true), forwardOnly: wasmForward },
  };
}

/** The report as a few lines: tfjs and WASM side by side, with the ratio. */
export function speedLines(r: SpeedReport): string[] {
  const row = (name: string, a: Rate, b: Rate) => `  ${name.padEnd(28)} ${String(a.per_s).padStart(9)} ${String(b.per_s).padStart(9)} ${(b.per_s / a.per_s).toFixed(2).padStart(7)}x` +
    ` | ${String(a.per_cpu_s).padStart(9)} ${String(b.per_cpu_s).padStart(9)} ${(b.per_cpu_s / a.per_cpu_s).toFixed(2).padStart(7)}x`;
  const head = `${'tfjs'.padStart(9)} ${'wasm'.padStart(9)} ${'ratio'.padStart(8)}`;
  return [
    `predictions/s on ${r.space} (one thread, batched, ${r.batch} fresh candidates per call, median of ${r.runs}):`,
    `  ${'per second of'.padEnd(28)} ${'wall clock'.padEnd(28)} | CPU time of this process`,
    `  ${''.padEnd(28)} ${head} | ${head}`,
    row('predict (with tokenization)', r.tfjs.withTokens, r.wasm.withTokens),
    row('forward pass only', r.tfjs.forwardOnly, r.wasm.forwardOnly),
    `  tokenization alone: ${r.tokenizeOnly.per_s}/s wall, ${r.tokenizeOnly.per_cpu_s}/s CPU`,
  ];
}
