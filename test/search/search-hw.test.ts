// Constraints on a metric beyond METRIC_NAMES (problem.ts): G by hand, a record without the metric refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkProblem, constraintsOf, type Problem } from '../../src/search/problem.ts';

test('a constraint may bound a metric the evaluator reports beyond METRIC_NAMES; a record without it is refused', () => {
  const p: Problem = { decisions: [{ id: 'a', kind: 'nn', size: 2 }], objectives: ['energy'], constraints: [{ metric: 'macs', min: 100 }] };
  assert.is(checkProblem(p), p);
  assert.equal(constraintsOf(p, { energy: 1, macs: 40 }), [0.6]);
  assert.equal(constraintsOf(p, { energy: 1, macs: 250 }), [-1.5]);
  assert.throws(() => constraintsOf(p, { energy: 1 }), /macs/);
  assert.throws(() => checkProblem({ ...p, constraints: [{ metric: '', min: 1 }] }), /constraints\[0\]\.metric/);
});

test.run();
