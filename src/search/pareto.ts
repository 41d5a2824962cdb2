// Pareto tools over minimized objectives (docs/search.md §2): constrained domination (Deb 2000: feasible
// beats infeasible; two infeasible compare by total violation; two feasible by Pareto dominance), fast
// non-dominated sorting and crowding distance (NSGA-II, Deb et al. 2002).

/** Anything with minimized objectives F and a total constraint violation cv (0 = feasible). */
export interface Point {
  F: readonly number[];
  cv: number;
}

/** True when a Pareto-dominates b (no worse everywhere, better somewhere). */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] > b[i]) return false;
    if (a[i] < b[i]) better = true;
  }
  return better;
}

/** Constrained domination: feasible beats infeasible; less violation wins among infeasible. */
export function constrainedDominates(a: Point, b: Point): boolean {
  const fa = a.cv <= 0, fb = b.cv <= 0;
  if (fa && !fb) return true;
  if (!fa && fb) return false;
  if (!fa && !fb) return a.cv < b.cv;
  return dominates(a.F, b.F);
}

/** Fronts as lists of indices: front 0 is non-dominated (under constrained domination), and so on. */
export function nonDominatedSort(points: readonly Point[]): number[][] {
  const n = points.length;
  const dominatedBy: number[][] = Array.from({ length: n }, () => []);
  const count = new Array<number>(n).fill(0);
  const fronts: number[][] = [[]];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (constrainedDominates(points[i], points[j])) { dominatedBy[i].push(j); count[j]++; }
      else if (constrainedDominates(points[j], points[i])) { dominatedBy[j].push(i); count[i]++; }
    }
  }
  for (let i = 0; i < n; i++) if (count[i] === 0) fronts[0].push(i);
  for (let f = 0; fronts[f].length > 0; f++) {
    const next: number[] = [];
    for (const i of fronts[f]) for (const j of dominatedBy[i]) if (--count[j] === 0) next.push(j);
    next.sort((a, b) => a - b);
    fronts.push(next);
  }
  fronts.pop();
  return fronts;
}

/** Rank per point (its front index). */
export function ranks(points: readonly Point[]): number[] {
  const r = new Array<number>(points.length).fill(0);
  nonDominatedSort(points).forEach((front, k) => { for (const i of front) r[i] = k; });
  return r;
}

/**
 * Crowding distance of each point of one front (indices into points): boundary points get Infinity, the
 * others the sum over objectives of the normalized gap between their neighbours. Ties sort by index, so
 * the result is deterministic.
 */
export function crowdingDistance(points: readonly Point[], front: readonly number[]): Map<number, number> {
  const d = new Map<number, number>();
  for (const i of front) d.set(i, 0);
  if (front.length <= 2) { for (const i of front) d.set(i, Infinity); return d; }
  const m = points[front[0]].F.length;
  for (let o = 0; o < m; o++) {
    const sorted = [...front].sort((a, b) => points[a].F[o] - points[b].F[o] || a - b);
    const lo = points[sorted[0]].F[o], hi = points[sorted[sorted.length - 1]].F[o];
    d.set(sorted[0], Infinity);
    d.set(sorted[sorted.length - 1], Infinity);
    if (hi === lo) continue;
    for (let k = 1; k < sorted.length - 1; k++) {
      const i = sorted[k];
      d.set(i, (d.get(i) as number) + (points[sorted[k + 1]].F[o] - points[sorted[k - 1]].F[o]) / (hi - lo));
    }
  }
  return d;
}

/**
 * NSGA-II survival: the `n` best of points by (rank, crowding descending, index). Returns the kept
 * indices in that order, plus each point's rank and crowding (for the crowded tournament).
 */
export function rankAndCrowdingSurvival(points: readonly Point[], n: number): { keep: number[]; rank: number[]; crowding: number[] } {
  const rank = new Array<number>(points.length).fill(0);
  const crowding = new Array<number>(points.length).fill(0);
  const keep: number[] = [];
  for (const [k, front] of nonDominatedSort(points).entries()) {
    const cd = crowdingDistance(points, front);
    for (const i of front) { rank[i] = k; crowding[i] = cd.get(i) as number; }
    const ordered = [...front].sort((a, b) => (crowding[b] - crowding[a]) || a - b);
    for (const i of ordered) if (keep.length < n) keep.push(i);
  }
  return { keep, rank, crowding };
}

/** The feasible non-dominated subset (indices, ascending). Empty when nothing is feasible. */
export function paretoFront(points: readonly Point[]): number[] {
  const feasible = points.map((p, i) => i).filter((i) => points[i].cv <= 0);
  return feasible.filter((i) => !feasible.some((j) => j !== i && dominates(points[j].F, points[i].F)));
}
