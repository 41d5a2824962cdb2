// The one numeric-flag parser: range, integer and blank values refused with the flag's line (Number(' ')
// is 0, which two of the parsers it replaced accepted); the fallback when the flag is absent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { atLeastFlag, numberFlag } from '../../src/cli/flags.ts';
import { throwsGibbon } from '../helpers.ts';

test('numberFlag: value, fallback, and the refusals', () => {
  assert.is(numberFlag('12', 'budget', 60, 1, 100), 12);
  assert.is(numberFlag(undefined, 'budget', 60, 1, 100), 60);
  assert.is(numberFlag('0.25', 'x', 0, 0, 1, false), 0.25);
  for (const raw of [' ', '', '1.5', '0', '101', 'abc', 'Infinity']) {
    throwsGibbon(() => numberFlag(raw, 'budget', 60, 1, 100), 'E_OPTION', `--budget: got ${JSON.stringify(raw)}; allowed: an integer in 1..100`);
  }
  throwsGibbon(() => numberFlag(' ', 'x', 0, 0, 1, false), 'E_OPTION', '--x: got " "; allowed: a number in 0..1');
});

test('atLeastFlag: a lower bound only', () => {
  assert.is(atLeastFlag('3.5', 'max-edp', 0), 3.5);
  for (const raw of [' ', '-1', 'x']) throwsGibbon(() => atLeastFlag(raw, 'max-edp', 0), 'E_OPTION', `--max-edp: got ${JSON.stringify(raw)}; allowed: a number >= 0`);
});

test.run();
