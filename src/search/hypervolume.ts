// Exact hypervolume of minimized objective vectors, 2 and 3 objectives (docs/search.md §2), with an
// explicit reference point and a normalization by given ideal and nadir points (pymoo's Hypervolume
// contract): each objective becomes (f - ideal) / (nadir - ideal), and the reference point is given in
// that normalized space. Points not strictly better than the reference in every objective add nothing.
// An objective flagged in `log` is normalized on a log scale, (ln f - ln ideal) / (ln nadir - ln ideal):
// hardware costs span orders of magnitude, and on a linear scale the cheap designs all crowd near 0.

import { fieldError } from '../util/errors.ts';

export interface HypervolumeSpec {
  /** Reference point in normalized units (e.g. [1.1, 1.1]). */
  ref: number[];
  /** Objective values that map to 0 (default: 0 each). */
  ideal?: number[];
  /** Objective values that map to 1 (default: ideal + 1, i.e. no scaling). */
  nadir?: number[];
  /** Per objective: normalize on a log scale (ideal must then be > 0). Default: linear for all. */
  log?: boolean[];
}

/** Normalizes points by ideal/nadir (log scale for the objectives flagged in `log`; values <= 0 map to -Infinity). */
export function normalize(points: readonly (readonly number[])[], ideal: readonly number[], nadir: readonly number[], log?: readonly boolean[]): number[][] {
  return points.map((p) => p.map((v, o) => (log?.[o]
    ? (v > 0 ? Math.log(v / ideal[o]) / Math.log(nadir[o] / ideal[o]) : -Infinity)
    : (v - ideal[o]) / (nadir[o] - ideal[o]))));
}

/** Hypervolume of points (raw objective units) under spec. */
export function hypervolume(points: readonly (readonly number[])[], spec: HypervolumeSpec): number {
  const m = spec.ref.length;
  if (m !== 2 && m !== 3) throw fieldError('E_OPTION', 'hypervolume', 'ref', spec.ref, 'a reference point of 2 or 3 objectives');
  const ideal = spec.ideal ?? new Array<number>(m).fill(0);
  const nadir = spec.nadir ?? ideal.map((v) => v + 1);
  ideal.forEach((v, o) => {
    if (!(nadir[o] > v)) throw fieldError('E_OPTION', 'hypervolume', `nadir[${o}]`, nadir[o], `a number above ideal[${o}] (${v})`);
    if (spec.log?.[o] && !(v > 0)) throw fieldError('E_OPTION', 'hypervolume', `ideal[${o}]`, v, `a number > 0 (objective ${o} is on a log scale)`);
  });
  if (spec.log !== undefined && spec.log.length !== m) throw fieldError('E_OPTION', 'hypervolume', 'log', spec.log, `${m} flags, one per objective`);
  points.forEach((p, i) => { if (p.length !== m) throw fieldError('E_OPTION', 'hypervolume', `points[${i}]`, p, `${m} objectives, as the reference point`); });
  const inside = normalize(points, ideal, nadir, spec.log).filter((p) => p.every((v, o) => v < spec.ref[o]));
  return m === 2 ? hv2(inside, spec.ref) : hv3(inside, spec.ref);
}

/** 2-D sweep: sort by f0, add the strip each new minimum of f1 covers. */
function hv2(points: number[][], ref: readonly number[]): number {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let volume = 0, bestY = ref[1];
  for (const [x, y] of sorted) {
    if (y < bestY) { volume += (ref[0] - x) * (bestY - y); bestY = y; }
  }
  return volume;
}

/** 3-D slicing along f2: between consecutive f2 levels, the 2-D volume of the points at or below. */
function hv3(points: number[][], ref: readonly number[]): number {
  const sorted = [...points].sort((a, b) => a[2] - b[2]);
  let volume = 0;
  for (let k = 0; k < sorted.length; k++) {
    const top = k + 1 < sorted.length ? sorted[k + 1][2] : ref[2];
    const depth = top - sorted[k][2];
    if (depth > 0) volume += depth * hv2(sorted.slice(0, k + 1), ref);
  }
  return volume;
}

/** Brute force by inclusion–exclusion over subsets (tests only; n <= ~15), any dimension, normalized units. */
export function hypervolumeInclusionExclusion(points: readonly (readonly number[])[], ref: readonly number[]): number {
  const inside = points.filter((p) => p.every((v, o) => v < ref[o]));
  const n = inside.length;
  let volume = 0;
  for (let mask = 1; mask < 1 << n; mask++) {
    const corner = ref.map(() => -Infinity);
    let bits = 0;
    for (let i = 0; i < n; i++) {
      if (mask & (1 << i)) { bits++; inside[i].forEach((v, o) => { corner[o] = Math.max(corner[o], v); }); }
    }
    const box = corner.reduce((acc, v, o) => acc * (ref[o] - v), 1);
    volume += bits % 2 === 1 ? box : -box;
  }
  return volume;
}
