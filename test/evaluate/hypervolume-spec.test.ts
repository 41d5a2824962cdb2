// The hypervolume normalization fixed before a run (gibbon-evaluator.ts hypervolumeSpecOf /
// defaultHypervolumeSpec): bounds worked by hand from two extreme designs' metrics, and the space's own
// spec equal to the rule applied to a direct simulation of its largest and smallest candidates.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadSimulatorNode } from '../../src/node/simulator.ts';
import { largestCandidate, smallestCandidate } from '../../src/nn/supernet.ts';
import { InThreadPool } from '../../src/pool/eval-pool.ts';
import { defaultHypervolumeSpec, hypervolumeSpecOf } from '../../src/evaluate/gibbon-evaluator.ts';
import { simulatorHardware } from '../../src/evaluate/gibbon-evaluator.ts';
import { spacePreset } from '../../src/space/presets.ts';

test('hypervolumeSpecOf: accuracy linear on [0, 1]; costs on a log scale from half the least to twice the most (3 digits)', () => {
  const big = { edp: 0.0123456, area: 100, power: 0 }, small = { edp: 0.000476, area: 12.3, power: 2.5 };
  const spec = hypervolumeSpecOf(['accuracy', 'edp', 'area', 'power'], [big, small]);
  assert.equal(spec.ref, [1.1, 1.1, 1.1, 1.1]);
  // edp: 0.000476 / 2 = 0.000238; 2 x 0.0123456 = 0.0246912 -> 0.0247. area: 6.15 and 200.
  // power: the 0 is not a cost on a log scale, so only 2.5 counts: 1.25 and 5.
  assert.equal(spec.ideal, [0, 0.000238, 6.15, 1.25]);
  assert.equal(spec.nadir, [1, 0.0247, 200, 5]);
  assert.equal(spec.log, [false, true, true, true]);
});

test('hypervolumeSpecOf: a cost with no positive value falls back to linear [0, 1]', () => {
  const spec = hypervolumeSpecOf(['latency'], [{ latency: 0 }]);
  assert.equal([spec.ideal, spec.nadir, spec.log], [[0], [1], [false]]);
});

test('defaultHypervolumeSpec: the rule applied to the simulated extreme candidates of the space', async () => {
  const sim = await loadSimulatorNode();
  const space = spacePreset('mnist');
  const pool = new InThreadPool(sim);
  const objectives = ['accuracy', 'edp', 'area', 'latency'] as const;
  const spec = await defaultHypervolumeSpec(space, [...objectives], pool);
  const hardware = simulatorHardware(space, sim);
  const ends = [largestCandidate(space), smallestCandidate(space)].map((c) => hardware(c)!);
  assert.equal(spec, hypervolumeSpecOf([...objectives], ends));
  // and by hand from those two designs
  const sig3 = (x: number) => Number(x.toPrecision(3));
  const [a, b] = ends;
  assert.is(spec.ideal[1], sig3(Math.min(a.edp, b.edp) / 2));
  assert.is(spec.nadir[2], sig3(2 * Math.max(a.area, b.area)));
  assert.ok(spec.ideal[1] < spec.nadir[1] && spec.ideal[3] < spec.nadir[3]);
  await pool.destroy();
});

test.run();
