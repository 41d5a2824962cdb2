// Labelled samples for the predictor (docs/predictor.md §4), web-standard: distinct seeded candidates of a
// space, their hardware labels from the real hardware simulator (one pool batch, totals only, as the
// search evaluator runs it) and, optionally, their pimLoss from the search evaluator (supernet accuracy on
// the functional simulator). Candidates that do not fit the chip are dropped.

import type { EvalPool } from '../pool/eval-pool.ts';
import { hardwareMetrics, simJobOf, simulateTotals } from '../search/gibbon-evaluator.ts';
import type { Evaluator, Metrics } from '../search/problem.ts';
import { genomeKey } from '../search/problem.ts';
import type { Space } from '../space/space.ts';
import type { Candidate } from '../space/types.ts';
import { Rng } from '../util/rng.ts';
import type { HardwareLabels, PredictorSample, SampleLabels } from './types.ts';

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

/** Hardware-only samples (no pimLoss) of the candidates that fit. */
export async function hardwareSamples(space: Space, pool: EvalPool, candidates: readonly Candidate[]): Promise<PredictorSample[]> {
  const totals = await simulateTotals(pool, candidates.map((c) => simJobOf(space, c)));
  const out: PredictorSample[] = [];
  totals.forEach((s, i) => {
    if (s === undefined) return;
    const m = hardwareMetrics(s);
    out.push({ candidate: candidates[i], labels: { area_mm2: m.area_mm2, energy_uJ: m.energy_uJ, latency_ms: m.latency_ms, power_W: m.power_W } });
  });
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
