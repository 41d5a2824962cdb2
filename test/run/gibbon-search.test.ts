// runGibbonSearch with web-standard parts only: a memory store, an in-thread pool, and a trainer that
// trains a tiny supernet in this thread when asked (no file, no worker). Checks the contract the browser
// app and the distributed search build on: the trainer is asked once and its supernet used; an aborted
// run stops after the evaluations in flight (stoppedBy 'aborted') and, resumed in the same store, ends
// with the journal and front.json of an uninterrupted run; progress events count every evaluation; a
// second start without resume, and a resume with other settings, are refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../nn/helpers.ts';
import { rejectsGibbon, simulator } from '../helpers.ts';
import { GibbonError } from '../../src/util/errors.ts';
import { loadDataset } from '../../src/node/dataset-files.ts';
import { spacePreset } from '../../src/space/presets.ts';
import { Supernet, trainSupernet, type SupernetState } from '../../src/nn/supernet.ts';
import { InThreadPool } from '../../src/pool/eval-pool.ts';
import { memoryRunStore, RUN_FILES } from '../../src/run/store.ts';
import { runGibbonSearch, type GibbonSearchConfig, type GibbonSearchEnv, type GibbonSearchEvent, type SupernetTrainer, type SupernetTrainJob } from '../../src/run/gibbon-search.ts';

const space = spacePreset('mnist');
const data = await loadDataset('mnist');
const sim = await simulator();
const pool = new InThreadPool(sim);

/** Trains 1 epoch on 320 digits in this thread when asked; remembers what it was asked. */
function memoryTrainer(): SupernetTrainer & { jobs: SupernetTrainJob[] } {
  let kept: SupernetState | undefined;
  const jobs: SupernetTrainJob[] = [];
  return {
    location: 'memory-supernet', jobs,
    load: async (epochs) => (kept && kept.epoch >= epochs ? kept : undefined),
    async train(job) {
      jobs.push(job);
      const sn = new Supernet(job.space, job.seed);
      try { kept = await trainSupernet(sn, data.train, { epochs: job.epochs, limit: 320, seed: job.seed }); } finally { sn.dispose(); }
    },
  };
}

const trainer = memoryTrainer();
const CONFIG: GibbonSearchConfig = { space, dataset: 'mnist', algorithm: 'esapp', objectives: ['accuracy', 'edp'], budget: 8, population: 4, seed: 5, limit: 20, testLimit: 30, supernetEpochs: 1, predictor: false };
const env = (store: GibbonSearchEnv['store'], more: Partial<GibbonSearchEnv> = {}): GibbonSearchEnv => ({ store, pool, trainer, data, simulator: sim, ...more });

const straight = memoryRunStore('straight');
const events: GibbonSearchEvent[] = [];
const first = await runGibbonSearch(CONFIG, env(straight, { progress: (e) => events.push(e) }));

test('the trainer is asked once (epochs, seed, dataset of the config); a memory store holds the whole run', () => {
  assert.equal(trainer.jobs.map((j) => [j.space.name, j.dataset, j.epochs, j.seed]), [['mnist', 'mnist', 1, 5]]);
  assert.is(events[0].kind, 'supernet-training');
  assert.is(first.summary.evaluations, 8);
  assert.is(first.newEvaluations, 8);
  assert.is(straight.data.journal.length, 8);
  assert.equal(straight.data.journal.map((r) => r.id), [0, 1, 2, 3, 4, 5, 6, 7]);
  for (const name of [RUN_FILES.config, RUN_FILES.search, RUN_FILES.checkpoint, RUN_FILES.frontJson, RUN_FILES.frontCsv, RUN_FILES.summary]) assert.ok(straight.data.documents.has(name), name);
  const front = JSON.parse(straight.data.documents.get(RUN_FILES.frontJson)!) as { candidate: { space: string }; metrics: Record<string, number | null> }[];
  assert.is(front.length, first.summary.frontSize);
  // test accuracy by default: right answers out of testLimit 30 test images
  for (const d of front) {
    assert.is(d.candidate.space, 'mnist');
    const right = d.metrics.test_accuracy! * 30;
    assert.ok(Math.abs(right - Math.round(right)) < 1e-9 && right >= 0 && right <= 30, `test_accuracy ${d.metrics.test_accuracy}`);
  }
  assert.is(first.summary.testImages, 30);
  // the first generation starts with the space's extremes: the largest network on a 10-bit ADC, 32x32
  // crossbar, 1-bit DACs and cells, then the smallest on a 4-bit ADC, 256x256, 2-bit DACs and cells
  const hw = straight.data.journal.slice(0, 2).map((r) => space.decode(r.genome).hardware);
  assert.equal(hw, [{ 'xbar.size': 32, 'adc.bits': 10, 'dac.bits': 1, 'device.cellBits': 1 }, { 'xbar.size': 256, 'adc.bits': 4, 'dac.bits': 2, 'device.cellBits': 2 }]);
  assert.equal(straight.data.journal.slice(0, 2).map((r) => space.decode(r.genome).stages.map((st) => st.blocks)), [[2, 2], [1, 1]]);
});

test('progress: one evaluated event per chunk of 4, one generation event per generation, counts rising to the budget', () => {
  const evaluated = events.filter((e) => e.kind === 'evaluated').map((e) => (e as { status: { evaluations: number } }).status.evaluations);
  assert.equal(evaluated, [4, 8]);
  const generations = events.filter((e) => e.kind === 'generation').map((e) => (e as { status: { generation: number; evaluations: number } }).status);
  assert.equal(generations.map((s) => [s.generation, s.evaluations]), [[1, 4], [2, 8]]);
  assert.is(first.summary.generations, 2);
});

test('abort after the first chunk: stoppedBy aborted; resumed in the same store: the uninterrupted journal and front', async () => {
  const store = memoryRunStore('aborted');
  const controller = new AbortController();
  const stopped = await runGibbonSearch(CONFIG, env(store, { signal: controller.signal, progress: (e) => { if (e.kind === 'evaluated') controller.abort(); } }));
  assert.is(stopped.summary.stoppedBy, 'aborted');
  assert.is(stopped.summary.evaluations, 4);
  const done = await runGibbonSearch({ ...CONFIG, resume: true }, env(store));
  assert.is(done.newEvaluations, 4);
  assert.equal(store.data.journal, straight.data.journal);
  assert.is(store.data.documents.get(RUN_FILES.frontJson), straight.data.documents.get(RUN_FILES.frontJson));
  assert.is(trainer.jobs.length, 1, 'the kept supernet is reused');
});

const refused = (run: Promise<unknown>, message: string) => rejectsGibbon(() => run, 'E_OPTION', message);

test('refused: a second start without resume; a resume with another limit; a resume of nothing', async () => {
  await refused(runGibbonSearch(CONFIG, env(straight)), 'search: straight: got a directory that already holds a run; allowed: a new directory, or --resume (resume: true) to continue it');
  const was = JSON.parse(straight.data.documents.get(RUN_FILES.search)!).limit;
  await refused(runGibbonSearch({ ...CONFIG, limit: 30, resume: true }, env(straight)),
    `search: straight/search.json: limit: got 30 where the run has ${was}; allowed: the same space, dataset, supernet, limit, non-idealities, trials and fine-tuning steps to resume (--resume)`);
  await refused(runGibbonSearch({ ...CONFIG, resume: true }, env(memoryRunStore('empty'))), 'search: empty: got no run to resume; allowed: a run directory (or drop --resume, resume: false, to start one)');
});

test('a run stopped while its supernet trains is a run: refused without resume, and resume: true finishes it like the uninterrupted one', async () => {
  const store = memoryRunStore('stopped-in-training');
  const stopping: SupernetTrainer = {
    location: 'memory-supernet', load: async () => undefined,
    train: async () => { throw new GibbonError('E_ABORTED', 'supernet memory-supernet: training stopped'); },
  };
  await rejectsGibbon(() => runGibbonSearch(CONFIG, env(store, { trainer: stopping })), 'E_ABORTED', 'supernet memory-supernet: training stopped');
  assert.equal([...store.data.documents.keys()], [RUN_FILES.search], 'only the settings are kept');
  await refused(runGibbonSearch(CONFIG, env(store)), 'search: stopped-in-training: got a directory that already holds a run; allowed: a new directory, or --resume (resume: true) to continue it');
  await runGibbonSearch({ ...CONFIG, resume: true }, env(store));
  assert.equal(store.data.journal, straight.data.journal);
  assert.is(store.data.documents.get(RUN_FILES.frontJson), straight.data.documents.get(RUN_FILES.frontJson));
});

test.after(() => pool.destroy());
test.run();
