// ESAPP's adaptive parameter priority (docs/search.md §4 has the formulas and their justification).
// Per decision d, from data already at hand (no probe evaluations):
//   H_d  normalized Shannon entropy of d's values in the current population, in [0, 1];
//   I_d  intensity: mean over evaluated parent->child pairs in which d changed of
//        sum_o |ΔF_o| / range_o (range over the current population), each pair's change shared equally
//        among the decisions it changed; a decision never seen changing gets the largest known intensity
//        (optimism: it is tried before it is judged); with priorPairs κ > 0 instead the shrunk mean
//        (S_d + κ m) / (n_d + κ), m the mean over all pairs (an unseen decision gets m), so that a few noisy
//        pairs cannot make the priority sharp;
//   s_d = wIntensity * I_d / max(I) + wEntropy * H_d;
//   q   = softmax(s / temperature) over the ceil(subspaceFrac * D_mutable) highest-scoring mutable decisions
//        (0 elsewhere);
//   p_d = floor / D_mutable + (1 - floor) * q_d   (every mutable decision keeps a chance).
// Children mutate k decisions drawn from p without replacement.

import type { Rng } from '../util/rng.ts';
import type { Member } from './algorithm.ts';

export interface PriorityOptions {
  wIntensity: number;
  wEntropy: number;
  temperature: number;
  floor: number;
  /** The sub-space: the fraction of mutable decisions, highest scores first, that share the softmax mass (1 = all). */
  subspaceFrac: number;
  /** Shrinkage of each decision's intensity toward the mean over all pairs, in pseudo-pairs (0 = none; docs/search.md §4). */
  priorPairs?: number;
}

export interface PriorityState {
  /** Per decision, per signal dimension: the summed shared |ΔF| (and |Δcv| last when constrained). */
  sumAbs: number[][];
  /** Per decision: the number of pairs in which it changed. */
  count: number[];
  entropy: number[];
  intensity: number[];
  priority: number[];
}

const EPS = 1e-12;

export function initialPriority(sizes: readonly number[], dims: number): PriorityState {
  const mutable = sizes.filter((n) => n > 1).length;
  return {
    sumAbs: sizes.map(() => new Array<number>(dims).fill(0)),
    count: sizes.map(() => 0),
    entropy: sizes.map((n) => (n > 1 ? 1 : 0)),
    intensity: sizes.map(() => 0),
    priority: sizes.map((n) => (n > 1 ? 1 / mutable : 0)),
  };
}

/** Adds one parent->child pair: the change in each signal dimension, shared among the changed decisions. */
export function recordPair(state: PriorityState, changed: readonly number[], delta: readonly number[]): void {
  if (changed.length === 0) return;
  for (const d of changed) {
    state.count[d]++;
    delta.forEach((x, o) => { state.sumAbs[d][o] += Math.abs(x) / changed.length; });
  }
}

/** Normalized entropy of each decision's values over the population (1 = uniform over all values). */
export function populationEntropy(sizes: readonly number[], population: readonly Member[]): number[] {
  return sizes.map((n, d) => {
    if (n < 2 || population.length === 0) return 0;
    const counts = new Array<number>(n).fill(0);
    for (const m of population) counts[m.genome[d]]++;
    let h = 0;
    for (const c of counts) if (c > 0) { const p = c / population.length; h -= p * Math.log(p); }
    return h / Math.log(n);
  });
}

/** Recomputes entropy, intensity and priority for the current population. */
export function updatePriority(state: PriorityState, sizes: readonly number[], population: readonly Member[], withCv: boolean, o: PriorityOptions): void {
  const dims = state.sumAbs[0]?.length ?? 0;
  const range = new Array<number>(dims).fill(1);
  for (let k = 0; k < dims; k++) {
    const vals = population.map((m) => (withCv && k === dims - 1 ? m.cv : m.F[k]));
    const r = vals.length > 0 ? Math.max(...vals) - Math.min(...vals) : 0;
    range[k] = r > EPS ? r : 1;
  }
  const summed = sizes.map((_, d) => state.sumAbs[d].reduce((s, x, k) => s + x / range[k], 0));
  let intensity: number[];
  const kappa = o.priorPairs ?? 0;
  const pairs = state.count.reduce((s, n, d) => s + (sizes[d] > 1 ? n : 0), 0);
  if (kappa > 0 && pairs > 0) {
    const mean = summed.reduce((s, x, d) => s + (sizes[d] > 1 ? x : 0), 0) / pairs;
    intensity = summed.map((x, d) => (x + kappa * mean) / (state.count[d] + kappa));
  } else {
    const raw = summed.map((x, d) => (state.count[d] > 0 ? x / state.count[d] : NaN));
    const known = raw.filter((x) => !Number.isNaN(x));
    const optimistic = known.length > 0 ? Math.max(...known) : 1;
    intensity = raw.map((x) => (Number.isNaN(x) ? optimistic : x));
  }
  const maxI = Math.max(...intensity.filter((_, d) => sizes[d] > 1), 0);
  state.intensity = intensity.map((x) => (maxI > EPS ? x / maxI : 1));
  state.entropy = populationEntropy(sizes, population);

  const mutable = sizes.flatMap((n, d) => (n > 1 ? [d] : []));
  const score = sizes.map((_, d) => o.wIntensity * state.intensity[d] + o.wEntropy * state.entropy[d]);
  const ordered = [...mutable].sort((a, b) => score[b] - score[a] || a - b);
  const sub = ordered.slice(0, Math.max(1, Math.ceil(o.subspaceFrac * ordered.length)));
  const top = Math.max(...sub.map((d) => score[d]));
  const q = new Array<number>(sizes.length).fill(0);
  let z = 0;
  for (const d of sub) { q[d] = Math.exp((score[d] - top) / o.temperature); z += q[d]; }
  state.priority = sizes.map((n, d) => (n > 1 ? o.floor / mutable.length + (1 - o.floor) * q[d] / z : 0));
}

/** k distinct decisions drawn from the priority distribution without replacement. */
export function drawDecisions(priority: readonly number[], k: number, rng: Rng): number[] {
  const w = [...priority];
  const out: number[] = [];
  for (let j = 0; j < k; j++) {
    const total = w.reduce((s, x) => s + x, 0);
    if (total <= 0) break;
    let u = rng.next() * total;
    let pick = -1;
    for (let d = 0; d < w.length; d++) {
      if (w[d] <= 0) continue;
      pick = d;
      u -= w[d];
      if (u < 0) break;
    }
    out.push(pick);
    w[pick] = 0;
  }
  return out;
}
