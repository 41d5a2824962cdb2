// clock(): the elapsed time and ETA of every progress line, worked by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clock } from '../../src/util/clock.ts';

test('m:ss below an hour, XhYYm from an hour, --:-- when unknown', () => {
  assert.is(clock(0), '0:00');
  assert.is(clock(59.4), '0:59');
  assert.is(clock(59.6), '1:00');
  assert.is(clock(605), '10:05');
  assert.is(clock(3599), '59:59');
  assert.is(clock(3600), '1h00m');
  assert.is(clock(5400), '1h30m');
  assert.is(clock(Infinity), '--:--');
  assert.is(clock(NaN), '--:--');
});

test.run();
