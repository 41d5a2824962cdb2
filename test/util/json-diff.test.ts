// firstJsonDifference: the path of the first differing value, worked by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { firstJsonDifference } from '../../src/util/json-diff.ts';

test('equal values: none; nested objects and arrays: the first path in key, then index order', () => {
  assert.is(firstJsonDifference({ a: [1, { b: 2 }], c: 'x' }, { a: [1, { b: 2 }], c: 'x' }), undefined);
  assert.equal(firstJsonDifference({ a: [1, { b: 2 }], c: 'x' }, { a: [1, { b: 3 }], c: 'y' }), { path: 'a[1].b', was: 2, now: 3 });
  assert.equal(firstJsonDifference({ p: { o: ['accuracy', 'edp'] } }, { p: { o: ['accuracy', 'area', 'x'] } }), { path: 'p.o[1]', was: 'edp', now: 'area' });
  assert.equal(firstJsonDifference({ a: 1 }, { a: 1, extra: true }), { path: 'extra', was: undefined, now: true });
  assert.equal(firstJsonDifference([1, 2], [1]), { path: '[1]', was: 2, now: undefined });
  assert.equal(firstJsonDifference(1, '1'), { path: '(root)', was: 1, now: '1' });
  assert.equal(firstJsonDifference({ a: null }, { a: {} }), { path: 'a', was: null, now: {} });
});

test.run();
