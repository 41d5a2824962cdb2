// Pareto tools and exact hypervolume: hand-computed fronts, and the 2-D/3-D algorithms against
// inclusion–exclusion on random small sets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../src/util/rng.ts';
import { constrainedDominates, crowdingDistance, dominates, nonDominatedSort, paretoFront } from '../../src/search/pareto.ts';
import { hypervolume, hypervolumeInclusionExclusion } from '../../src/search/hypervolume.ts';

const p = (F: number[], cv = 0) => ({ F, cv });

test('dominance and constrained dominance', () => {
  assert.ok(dominates([1, 2], [1, 3]));
  assert.not.ok(dominates([1, 2], [1, 2]));
  assert.not.ok(dominates([0, 3], [1, 2]));
  assert.ok(constrainedDominates(p([9, 9]), p([0, 0], 0.1)), 'feasible beats infeasible');
  assert.ok(constrainedDominates(p([9, 9], 0.1), p([0, 0], 0.2)), 'less violation wins');
  assert.not.ok(constrainedDominates(p([0, 0], 0.2), p([9, 9], 0.1)));
});

test('non-dominated sort and crowding on a hand example', () => {
  const pts = [p([1, 5]), p([2, 3]), p([4, 1]), p([3, 4]), p([5, 5]), p([0, 0], 1)];
  assert.equal(nonDominatedSort(pts), [[0, 1, 2], [3], [4], [5]]);
  const cd = crowdingDistance(pts, [0, 1, 2]);
  assert.is(cd.get(0), Infinity);
  assert.is(cd.get(2), Infinity);
  assert.ok(Math.abs((cd.get(1) as number) - ((4 - 1) / 3 + (5 - 1) / 4)) < 1e-12);
  assert.equal(paretoFront(pts), [0, 1, 2]);
});

test('hypervolume: hand-computed 2-D and 3-D, normalization, points beyond the reference', () => {
  // Boxes to ref (4,4): (1,3)->3*1, (2,2)->adds 2*1, (3,1)->adds 1*1 => 6.
  assert.is(hypervolume([[1, 3], [2, 2], [3, 1], [5, 0]], { ref: [4, 4] }), 6);
  // Same front in units x10 normalized by nadir 10: identical volume.
  assert.is(hypervolume([[10, 30], [20, 20], [30, 10]], { ref: [4, 4], ideal: [0, 0], nadir: [10, 10] }), 6);
  // 3-D: a unit cube corner at 0 with ref 1 -> 1; two points (0,0,0.5),(0.5,0.5,0): 0.5 + 0.25 - 0.125.
  assert.is(hypervolume([[0, 0, 0]], { ref: [1, 1, 1] }), 1);
  assert.ok(Math.abs(hypervolume([[0, 0, 0.5], [0.5, 0.5, 0]], { ref: [1, 1, 1] }) - 0.625) < 1e-12);
  assert.throws(() => hypervolume([[0]], { ref: [1] }), /hypervolume: ref: got \[1\]; allowed: a reference point of 2 or 3 objectives/);
});

test('hypervolume: log-scale normalization of a cost objective (hand-worked)', () => {
  // accuracy-like objective linear in [0, 1]; cost on a log scale from 1 to 100: 10 -> 0.5, 1000 -> 1.5
  const spec = { ref: [1.1, 1.1], ideal: [0, 1], nadir: [1, 100], log: [false, true] };
  assert.ok(Math.abs(hypervolume([[0.5, 10]], spec) - 0.6 * 0.6) < 1e-12);
  // (0.2, 1) -> (0.2, 0) and (0.5, 10) -> (0.5, 0.5): 0.9 * 1.1 (the first) + nothing more (dominated strip)
  assert.ok(Math.abs(hypervolume([[0.2, 1], [0.5, 10]], spec) - 0.9 * 1.1) < 1e-12);
  // (0.5, 1000) lies beyond the reference in the cost (1.5 > 1.1): adds nothing
  assert.is(hypervolume([[0.5, 1000]], spec), 0);
  assert.throws(() => hypervolume([[0.5, 10]], { ...spec, ideal: [0, 0] }), /ideal\[1\]: got 0; allowed: a number > 0 \(objective 1 is on a log scale\)/);
});

test('hypervolume equals inclusion–exclusion on random sets (2-D and 3-D)', () => {
  const rng = new Rng(7);
  for (let trial = 0; trial < 60; trial++) {
    const m = trial % 2 === 0 ? 2 : 3;
    const n = 1 + rng.int(9);
    const pts = Array.from({ length: n }, () => Array.from({ length: m }, () => Math.round(rng.next() * 12) / 10));
    const ref = new Array<number>(m).fill(1.1);
    const a = hypervolume(pts, { ref }), b = hypervolumeInclusionExclusion(pts, ref);
    assert.ok(Math.abs(a - b) < 1e-9, `trial ${trial}: ${a} vs ${b}`);
  }
});

test.run();
