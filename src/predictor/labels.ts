// Labelled samples for the predictor (docs/predictor.md §4), web-standard: distinct seeded candidates of a
// space, their hardware labels from the real hardware simulator (pool batches with the full per-layer
// detail, kept as the samples' per-layer labels; or totals only, as the search evaluator runs it) and,
// optionally, their pimLoss from the search evaluator (supernet accuracy on the functional simulator).
// Candidates that do not fit the chip are dropped.

import type { SimResult, SimSummary } from '../hw/types.ts';
import type { EvalPool } from '../pool/eval-pool.ts';
import { hardwareMetrics, simJobOf, simulateFitting, simulateTotals } from '../evaluate/gibbon-evaluator.ts';
import type { Evaluator, Metrics } from '../search/problem.ts';
import { genomeKey } from '../search/problem.ts';
import type { Space } from '../space/space.ts';
import type { Candidate } from '../space/types.ts';
import { Rng } from '../util/rng.ts';
import type { HardwareLabels, LayerLabels, PredictorSample, SampleLabels } from './types.ts';

/** The genome key of a candidate (what makes two candidates the same design). */
export const candidateKey = (space: Space, c: Candidate): string => genomeKey(space.encode(c));

/**
 * `count` distinct candidates drawn uniformly (one value index per decision) from stream (seed, label),
 * none of whose keys is in `exclude`. Gives up after 50 x count draws (small spaces).
 */
export function sampleDistinct(space: Space, count: number, seed: number, label: string, exclude: ReadonlySet<string> = new Set()): Candidate[] {
  const rng = new Rng(seed).fork(label);
  const seen = new Set(exclude);
  const out: Candidate[] = [];
  for (let tries = 0; out.length < count && tries < 50 * count; tries++) {
    const c = space.sample(rng);
    const key = candidateKey(space, c);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  return out;
}

/** The hardware labels of a metrics record (journal keys), or undefined when the design does not fit. */
export function hardwareLabelsOf(m: Metrics): HardwareLabels | undefined {
  if (m.fits === 0) return undefined;
  return { area_mm2: m.area_mm2, energy_uJ: m.energy_uJ, latency_ms: m.latency_ms, power_W: m.power_W };
}

/** A predictor sample from a metrics record of the search journal; undefined when it does not fit. */
export function sampleOfMetrics(candidate: Candidate, m: Metrics): PredictorSample | undefined {
  const hw = hardwareLabelsOf(m);
  if (hw === undefined) return undefined;
  const labels: SampleLabels = { ...hw };
  if (typeof m.pimLoss === 'number' && Number.isFinite(m.pimLoss)) labels.pimLoss = m.pimLoss;
  if (typeof m.quantized === 'number' && Number.isFinite(m.quantized)) labels.quantized = m.quantized;
  return { candidate, labels };
}

/** Unit conversions of hardwareMetrics (nJ -> uJ, µm² -> mm², ns -> ms). */
const NJ_TO_UJ = 1e-3, UM2_TO_MM2 = 1e-6, NS_TO_MS = 1e-6;

/**
 * The per-layer labels of a full simulation result (LayerLabels): each layer's area, energy and power,
 * its latency share, the increase of the running maximum of the layers' last-done times (the total
 * latency is their maximum, so the shares sum to it), and its busy time, output pixels x steady pixel latency.
 */
export function layerLabelsOf(r: SimResult): LayerLabels {
  const out: LayerLabels = { area_mm2: [], energy_uJ: [], latency_ms: [], power_W: [], busy_ms: [] };
  let done = 0;
  for (const l of r.layers) {
    out.area_mm2.push(l.areaUm2 * UM2_TO_MM2);
    out.energy_uJ.push(l.energyNj * NJ_TO_UJ);
    out.power_W.push(l.powerW);
    const next = Math.max(done, l.lastDoneNs);
    out.latency_ms.push((next - done) * NS_TO_MS);
    out.busy_ms.push(l.outputPixels * l.pixelLatencyNs * NS_TO_MS);
    done = next;
  }
  return out;
}

/** Candidates per full-detail pool call (a full result holds ~60 numbers per layer: keep few at a time). */
const FULL_CHUNK = 500;

/**
 * Hardware-only samples (no pimLoss) of the candidates that fit. With `layers` (the default) the
 * simulator runs with the full detail and each sample keeps its per-layer labels (`layers`); without,
 * totals only (the search evaluator's path, cheaper).
 */
export async function hardwareSamples(space: Space, pool: EvalPool, candidates: readonly Candidate[], opts: { layers?: boolean } = {}): Promise<PredictorSample[]> {
  const out: PredictorSample[] = [];
  const push = (c: Candidate, s: SimSummary, layers?: LayerLabels) => {
    const sample: PredictorSample = { candidate: c, labels: hardwareLabelsOf(hardwareMetrics(s))! }; // hardwareMetrics has no `fits`: always defined
    if (layers) sample.layers = layers;
    out.push(sample);
  };
  if (opts.layers === false) {
    const totals = await simulateTotals(pool, candidates.map((c) => simJobOf(space, c)));
    totals.forEach((s, i) => { if (s !== undefined) push(candidates[i], s); });
    return out;
  }
  for (let start = 0; start < candidates.length; start += FULL_CHUNK) {
    const part = candidates.slice(start, start + FULL_CHUNK);
    const full = await simulateFitting(pool, part.map((c) => simJobOf(space, c)), 'full');
    full.forEach((r, i) => { if (r !== undefined) push(part[i], r, layerLabelsOf(r)); });
  }
  return out;
}

/**
 * Full samples (pimLoss and hardware) through the search evaluator, `chunk` candidates per call;
 * onSample after every chunk (progress, incremental caching). Candidates that do not fit are dropped.
 */
export async function evaluatorSamples(
  space: Space, evaluator: Evaluator, candidates: readonly Candidate[],
  opts: { chunk?: number; onChunk?: (done: number, samples: readonly PredictorSample[]) => void } = {},
): Promise<PredictorSample[]> {
  const chunk = opts.chunk ?? 8;
  const out: PredictorSample[] = [];
  for (let i = 0; i < candidates.length; i += chunk) {
    const part = candidates.slice(i, i + chunk);
    const metrics = await evaluator.evaluate(part.map((c) => space.encode(c)));
    const fresh: PredictorSample[] = [];
    metrics.forEach((m, k) => { const s = sampleOfMetrics(part[k], m); if (s) fresh.push(s); });
    out.push(...fresh);
    opts.onChunk?.(Math.min(candidates.length, i + chunk), fresh);
  }
  return out;
}
