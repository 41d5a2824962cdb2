// formatValue, the value part of every error message: JSON with NaN/Infinity/nothing, cut at 80 characters,
// bounded work on hostile input (deep nesting, huge arrays) and no character a terminal would act on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fieldError, formatValue } from '../../src/util/errors.ts';

test('plain values render as JSON, with NaN, Infinity and a missing value spelled out', () => {
  assert.is(formatValue({ a: [1, 'x', null], b: true }), '{"a":[1,"x",null],"b":true}');
  assert.is(formatValue([NaN, -Infinity, undefined]), '[NaN,-Infinity,nothing]');
  assert.is(formatValue(3n), '3n');
  assert.is(fieldError('E_FILE', 'f.json', 'x', 300, 'at most 10').message, 'f.json: x: got 300; allowed: at most 10');
});

test('long values are cut to 80 characters with an ellipsis', () => {
  const text = formatValue(Array.from({ length: 100 }, (_, i) => i));
  assert.is(text.length, 80);
  assert.is(text, `${'[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,3'.slice(0, 79)}…`);
  assert.is(formatValue('y'.repeat(1000)), `"${'y'.repeat(78)}…`);
});

test('JSON nested 10,000 levels deep and a 10-million-element array render at once, cut', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 10000; i++) deep = [deep];
  assert.is(formatValue(deep), `${'['.repeat(79)}…`);
  let obj: unknown = 1;
  for (let i = 0; i < 10000; i++) obj = { k: obj };
  assert.is(formatValue(obj), `${'{"k":'.repeat(16).slice(0, 79)}…`);
  const huge = new Array(10_000_000).fill(7);
  const t0 = performance.now();
  assert.is(formatValue(huge).length, 80);
  assert.ok(performance.now() - t0 < 500, 'rendering stops at the cut (a full rendering takes seconds)');
});

test('terminal control characters (ESC, C1 CSI, DEL, BEL) are escaped, printable Unicode is kept', () => {
  assert.is(formatValue('\u001b[2J\u0007name\u009b31m\u007f'), '"\\u001b[2J\\u0007name\\u009b31m\\u007f"');
  assert.is(formatValue({ '\u001b]0;title\u0007': 'é 漢字 🙂' }), '{"\\u001b]0;title\\u0007":"é 漢字 🙂"}');
  assert.is(formatValue('\ud800x'), '"\\ud800x"');
});

test.run();
