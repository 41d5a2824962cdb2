// The one front.json writer and its reader: designs { id, generation, candidate?, genome, metrics } with
// test_accuracy right after accuracy when the run measures it; the older { points } form is refused with
// a line that says how to rewrite it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frontCsv, frontDesigns } from '../../src/run/front.ts';
import { readFront } from '../../src/node/run-files.ts';
import { makeEvaluated, type Problem } from '../../src/search/problem.ts';
import { throwsGibbon } from '../helpers.ts';

const problem: Problem = { decisions: [{ id: 'a', kind: 'nn', size: 3 }, { id: 'b', kind: 'hw', size: 2 }], objectives: ['accuracy', 'energy'], constraints: [] };
const front = [makeEvaluated(problem, 4, 1, [2, 0], { energy: 3, accuracy: 0.9, fits: 1 }), makeEvaluated(problem, 1, 0, [0, 1], { energy: 1, accuracy: 0.5, fits: 1 })];

test('frontDesigns: key order, candidate only when decoded, test_accuracy after accuracy', () => {
  assert.is(JSON.stringify(frontDesigns(front)[0]), '{"id":4,"generation":1,"genome":[2,0],"metrics":{"energy":3,"accuracy":0.9,"fits":1}}');
  const d = frontDesigns(front, { candidate: (g) => ({ g }), testAccuracy: [0.8, null] });
  assert.is(JSON.stringify(d[0]), '{"id":4,"generation":1,"candidate":{"g":[2,0]},"genome":[2,0],"metrics":{"accuracy":0.9,"test_accuracy":0.8,"energy":3,"fits":1}}');
  assert.is(d[1].metrics.test_accuracy, null);
});

test('frontCsv: id, generation, the metrics sorted, the decisions', () => {
  assert.is(frontCsv(problem, front), 'id,generation,accuracy,energy,fits,a,b\n4,1,0.9,3,1,2,0\n1,0,0.5,1,1,0,1\n');
});

test('readFront refuses the older { points } form, naming how to rewrite it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gibbon-front-'));
  try {
    writeFileSync(join(dir, 'front.json'), JSON.stringify({ objectives: ['accuracy'], points: [] }));
    throwsGibbon(() => readFront(dir), 'E_FILE', `${join(dir, 'front.json')}: (root): got {"objectives":["accuracy"],"points":[]}; allowed: a list of designs { id, generation, candidate, genome, metrics } (this { points } form is an older one: resume the run to rewrite its results)`);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test.run();
